//! The one notation for where a value sits, in every message of the tool: Go's own
//! expression syntax from the top-level value, `Items[2].Tags["key"]` (fields by Go name,
//! elements by index, map entries by quoted key); the value itself is the "top-level value".

/// `path` with `field` appended (`Items` + `Name` → `Items.Name`).
pub fn field(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// Where a message is about: "at `Items[2].Name`", or "top-level value" for the root.
pub fn at(path: &str) -> String {
    let p = path.strip_prefix('.').unwrap_or(path);
    if p.is_empty() {
        "top-level value".to_string()
    } else {
        format!("at `{p}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notation() {
        assert_eq!(at(""), "top-level value");
        assert_eq!(at(".Items[2].Name"), "at `Items[2].Name`");
        assert_eq!(at("[0][\"k\"]"), "at `[0][\"k\"]`");
        assert_eq!(field("", "A"), "A");
        assert_eq!(field("A[1]", "B"), "A[1].B");
    }
}

//! Rust identifiers for Go names: `UpperCamel` types and variants, `snake_case` fields with
//! Go's initialisms kept together (`TTL` → `ttl`, `UserID` → `user_id`, `HTTPServer` →
//! `http_server`), keywords made raw, and clashes numbered.

use std::collections::HashSet;

/// Rust's keywords (strict and reserved), which need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static",
    "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn",
    "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof", "unsized",
    "virtual", "yield", "try", "gen",
];

/// Keywords that cannot be raw identifiers.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Names a generated type must not take: they would hide the std types the code uses.
const RESERVED_TYPES: &[&str] = &[
    "String",
    "Vec",
    "Option",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "HashMap",
    "Serialize",
    "Deserialize",
    "GobType",
    "Self",
];

/// `snake_case` of a Go name: a word break before an upper-case letter that follows a
/// lower-case letter or digit, or that starts a word after an initialism (`HTTPServer`).
pub fn snake(go: &str) -> String {
    let chars: Vec<char> = go.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            // A plural initialism (`URLs`, `IDs`) is one word.
            let plural = chars.get(i + 1) == Some(&'s')
                && chars.get(i + 2).map_or(true, |n| !n.is_lowercase());
            if prev.is_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_uppercase() && next_lower && !plural)
            {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// `UpperCamel` of a Go type name (`rpcRequest` → `RpcRequest`, `my_type` → `MyType`).
pub fn camel(go: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in go.chars() {
        if c == '_' {
            upper = true;
            continue;
        }
        if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// A field identifier: raw for keywords, `_` appended where raw is not allowed.
pub fn field_ident(name: &str) -> String {
    if NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

/// Identifiers in use in one scope; a clash gets the next free number (`Inner2`, `ab_2`).
#[derive(Default)]
pub struct Scope {
    used: HashSet<String>,
}

impl Scope {
    /// A scope for type names: std and serde names are taken.
    pub fn types() -> Scope {
        Scope {
            used: RESERVED_TYPES.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// `want`, or `want2`, `want3`… (`sep` between name and number) if taken.
    pub fn claim(&mut self, want: &str, sep: &str) -> String {
        let mut name = want.to_string();
        let mut n = 2;
        while self.used.contains(&name) {
            name = format!("{want}{sep}{n}");
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_names_to_rust() {
        for (go, want) in [
            ("TTL", "ttl"),
            ("UserID", "user_id"),
            ("HTTPServer", "http_server"),
            ("ServiceMethod", "service_method"),
            ("URLs", "urls"),
            ("I8", "i8"),
            ("F32", "f32"),
            ("Ä", "ä"),
            ("A", "a"),
            ("Type", "type"),
        ] {
            assert_eq!(snake(go), want, "{go}");
        }
        assert_eq!(field_ident("type"), "r#type");
        assert_eq!(field_ident("self"), "self_");
        assert_eq!(camel("rpcRequest"), "RpcRequest");
        assert_eq!(camel("inner"), "Inner");
        let mut s = Scope::types();
        assert_eq!(s.claim("Inner", ""), "Inner");
        assert_eq!(s.claim("Inner", ""), "Inner2");
        assert_eq!(s.claim("String", ""), "String2");
    }
}

//! JSON given on the command line or on stdin: parse errors that say where, and a hint for
//! a bare word meant as a string (`KV.Get a` → quote it: `'"a"'`).

use serde_json::Value as Json;

/// The JSON value in `text`, or the parse error as text (with the quoting hint when the text
/// is a bare word).
pub fn parse(text: &str) -> Result<Json, String> {
    serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        match quote_hint(text) {
            Some(h) => format!("{msg} ({h})"),
            None => msg,
        }
    })
}

/// "a JSON string needs quotes: '\"a\"'" when `text` is a bare word or phrase that is not
/// JSON (no quotes, brackets or braces, not a number, `true`, `false` or `null`).
pub fn quote_hint(text: &str) -> Option<String> {
    let t = text.trim();
    let bare = !t.is_empty()
        && !t.contains(['"', '{', '[', '\'', '\\'])
        && serde_json::from_str::<Json>(t).is_err()
        && !t.starts_with(|c: char| c.is_ascii_digit() || c == '-');
    bare.then(|| {
        let quoted = serde_json::to_string(t).unwrap_or_default();
        format!("a JSON string needs quotes: '{quoted}'")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words_get_the_quoting_hint() {
        assert_eq!(
            parse("a").unwrap_err(),
            "expected value at line 1 column 1 (a JSON string needs quotes: '\"a\"')"
        );
        assert_eq!(
            quote_hint("hello world").unwrap(),
            "a JSON string needs quotes: '\"hello world\"'"
        );
        assert_eq!(quote_hint("{\"A\":1,"), None);
        assert_eq!(quote_hint("12x"), None);
        assert_eq!(quote_hint(""), None);
        assert_eq!(parse("\"a\"").unwrap(), Json::from("a"));
    }
}

//! The replies file: each `Service.Method` with its Go types and its rules, read from JSON
//! and checked against the declarations (every reply converted to its Go type up front).

use super::StubError;
use crate::decl::Decls;
use crate::json::JsonEncoder;
use crate::TypedValue;
use serde_json::Value as Json;
use std::time::Duration;

/// One method of the replies file.
pub(crate) struct MethodSpec {
    pub(crate) service: String,
    pub(crate) method: String,
    /// Go's spelling of the argument type for the debug page (`main.Args`).
    pub(crate) arg_go: String,
    /// Go's spelling of the reply type for the debug page (`*main.Reply`).
    pub(crate) reply_go: String,
    pub(crate) rules: Vec<Rule>,
}

/// One entry of `replies`.
pub(crate) struct Rule {
    /// The call's arguments must match this (absent: any call matches).
    pub(crate) args: Option<Json>,
    pub(crate) outcome: Result<TypedValue, String>,
    pub(crate) delay: Duration,
}

const METHOD_KEYS: [&str; 3] = ["arg", "reply", "replies"];
const RULE_KEYS: [&str; 4] = ["args", "reply", "error", "delay_ms"];

/// Reads the whole replies file.
pub(crate) fn parse(decls: &Decls, json: &Json) -> Result<Vec<MethodSpec>, StubError> {
    let top = json
        .as_object()
        .ok_or_else(|| StubError::new("the replies file is not a JSON object"))?;
    if top.is_empty() {
        return Err(StubError::new("the replies file declares no method"));
    }
    // One encoder for every reply: the type ids of all replies belong to one id space, as
    // they must for replies of several types to share a connection's encoder.
    let mut enc =
        JsonEncoder::new(decls.clone(), "bool").map_err(|e| StubError::new(e.to_string()))?;
    top.iter()
        .map(|(name, spec)| method(decls, &mut enc, name, spec).map_err(|e| e.within(name)))
        .collect()
}

fn method(
    decls: &Decls,
    enc: &mut JsonEncoder,
    name: &str,
    spec: &Json,
) -> Result<MethodSpec, StubError> {
    let (service, method) = match name.rsplit_once('.') {
        Some((s, m)) if !s.is_empty() && !m.is_empty() => (s, m),
        _ => return Err(StubError::new("not of the form Service.Method")),
    };
    let obj = object(spec, &METHOD_KEYS)?;
    let type_of = |key: &str| -> Result<(String, String), StubError> {
        let name = obj
            .get(key)
            .and_then(Json::as_str)
            .ok_or_else(|| StubError::new(format!("\"{key}\": a Go type name is required")))?;
        let mut d = decls.clone();
        let t = d
            .lookup(name)
            .map_err(|e| StubError::new(format!("\"{key}\": {e}")))?;
        Ok((name.to_string(), d.type_string(t).to_string()))
    };
    let (_, arg_go) = type_of("arg")?;
    let (reply_type, reply_go) = type_of("reply")?;
    let replies = obj
        .get("replies")
        .and_then(Json::as_array)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| StubError::new("\"replies\": a non-empty array is required"))?;
    let rules = replies
        .iter()
        .enumerate()
        .map(|(i, r)| rule(enc, &reply_type, r).map_err(|e| e.within(&format!("replies[{i}]"))))
        .collect::<Result<_, _>>()?;
    Ok(MethodSpec {
        service: service.to_string(),
        method: method.to_string(),
        arg_go,
        reply_go: format!("*{reply_go}"),
        rules,
    })
}

fn rule(enc: &mut JsonEncoder, reply_type: &str, r: &Json) -> Result<Rule, StubError> {
    let obj = object(r, &RULE_KEYS)?;
    let outcome = match (obj.get("reply"), obj.get("error")) {
        (Some(reply), None) => {
            enc.set_root(reply_type)
                .map_err(|e| StubError::new(format!("\"reply\": {e}")))?;
            Ok(enc
                .value(reply)
                .map_err(|e| StubError::new(format!("\"reply\": {e}")))?)
        }
        (None, Some(Json::String(text))) => Err(text.clone()),
        (None, Some(_)) => return Err(StubError::new("\"error\": a string is required")),
        (Some(_), Some(_)) => {
            return Err(StubError::new("give \"reply\" or \"error\", not both"));
        }
        (None, None) => return Err(StubError::new("\"reply\" or \"error\" is required")),
    };
    let delay = match obj.get("delay_ms") {
        None => Duration::ZERO,
        Some(d) => Duration::from_millis(d.as_u64().ok_or_else(|| {
            StubError::new("\"delay_ms\": a whole number of milliseconds is required")
        })?),
    };
    Ok(Rule {
        args: obj.get("args").cloned(),
        outcome,
        delay,
    })
}

/// `v` as an object whose keys are all in `known` (a misspelt key is an error, not a
/// silently ignored rule).
fn object<'a>(v: &'a Json, known: &[&str]) -> Result<&'a serde_json::Map<String, Json>, StubError> {
    let obj = v
        .as_object()
        .ok_or_else(|| StubError::new("not a JSON object"))?;
    if let Some(k) = obj.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(StubError::new(format!(
            "unknown key {k:?} (known: {})",
            known.join(", ")
        )));
    }
    Ok(obj)
}

/// Whether the call's arguments `actual` (as Go's `encoding/json` prints them) match
/// `pattern`: objects match when every key of the pattern is in the arguments with a matching
/// value (other keys are ignored), arrays when they have the same length and their elements
/// match, numbers when they are equal as numbers, anything else when equal.
pub(crate) fn matches(pattern: &Json, actual: &Json) -> bool {
    match (pattern, actual) {
        (Json::Object(p), Json::Object(a)) => p
            .iter()
            .all(|(k, pv)| a.get(k).is_some_and(|av| matches(pv, av))),
        (Json::Array(p), Json::Array(a)) => {
            p.len() == a.len() && p.iter().zip(a).all(|(pv, av)| matches(pv, av))
        }
        (Json::Number(p), Json::Number(a)) => match (p.as_i64(), a.as_i64()) {
            (Some(p), Some(a)) => p == a,
            _ => match (p.as_u64(), a.as_u64()) {
                (Some(p), Some(a)) => p == a,
                _ => p.as_f64() == a.as_f64(),
            },
        },
        _ => pattern == actual,
    }
}

#[cfg(test)]
mod tests {
    use super::matches;
    use serde_json::json;

    #[test]
    fn subset_matching() {
        let args = json!({"A": 1, "B": {"X": [1, 2], "Y": "y"}, "C": 2.5});
        assert!(matches(&json!({}), &args));
        assert!(matches(&json!({"A": 1}), &args));
        assert!(matches(&json!({"A": 1.0, "C": 2.5}), &args));
        assert!(matches(&json!({"B": {"X": [1, 2]}}), &args));
        assert!(!matches(&json!({"B": {"X": [1]}}), &args));
        assert!(!matches(&json!({"A": 2}), &args));
        assert!(!matches(&json!({"D": null}), &args));
        assert!(matches(&json!(5), &json!(5)));
        assert!(!matches(&json!("5"), &json!(5)));
        assert!(!matches(&json!(-1), &json!(u64::MAX)));
    }
}

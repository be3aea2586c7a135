//! `gobrpc encode`: JSON values, one per line, to a gob stream of a declared Go type.

use crate::exit::{Failure, Result};
use crate::{output, typed};
use gobrpc::EncoderState;

pub fn run(
    types: Option<&str>,
    type_name: &str,
    json: Option<&str>,
    out_path: Option<&str>,
) -> Result<()> {
    let mut schema = match types {
        Some(file) => typed::Schema::load(file, type_name)?,
        None => typed::Schema::builtin(type_name)?,
    };
    let text = match json {
        None | Some("-") => {
            use std::io::Read;
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| Failure::input(format!("reading stdin: {e}")))?;
            s
        }
        Some(s) => s.to_string(),
    };
    let mut enc = EncoderState::new();
    let mut stream = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            let text = e.to_string();
            let what = text.rfind(" at line ").map_or(&text[..], |i| &text[..i]);
            let hint = crate::jsonarg::quote_hint(line)
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            Failure::input(format!(
                "line {n}, column {}: invalid JSON: {what}{hint}",
                e.column()
            ))
        })?;
        let tv = schema.value(&v, &format!("line {n}"))?;
        enc.encode_value(&tv, &mut stream)
            .map_err(|e| Failure::input(format!("line {n}: {e}")))?;
    }
    match out_path {
        Some(p) => std::fs::write(p, &stream).map_err(|e| Failure::input(format!("{p}: {e}"))),
        None => {
            let mut out = output::Out::new();
            out.bytes(&stream)?;
            out.finish()
        }
    }
}

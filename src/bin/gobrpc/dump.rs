//! `gobrpc dump`: a gob stream as JSON lines (Go's `encoding/json` conventions) or as an
//! annotated walk for humans.

use crate::exit::{Failure, Result};
use crate::{annotate, output};
use gobrpc::json as gojson;
use gobrpc::{Category, DecoderState};

/// Reads the whole input: a file, or stdin for `-` or none.
pub fn read_input(path: Option<&str>) -> Result<(Vec<u8>, String)> {
    use std::io::Read;
    match path {
        None | Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin()
                .read_to_end(&mut buf)
                .map_err(|e| Failure::input(format!("reading stdin: {e}")))?;
            Ok((buf, "<stdin>".into()))
        }
        Some(p) => {
            let buf = std::fs::read(p).map_err(|e| Failure::input(format!("{p}: {e}")))?;
            Ok((buf, p.to_string()))
        }
    }
}

pub fn run(path: Option<&str>, json: bool) -> Result<()> {
    let (data, name) = read_input(path)?;
    let mut out = output::Out::new();
    if json {
        let mut st = DecoderState::new();
        let mut pos = 0usize;
        let mut n = 0usize;
        while pos < data.len() {
            match st.decode_value(&data[pos..]) {
                Ok(Some((tv, used))) => {
                    let line = gojson::to_json(&tv).map_err(|e| {
                        Failure::input(format!("{name}: value #{n} at byte offset {pos}: {e}"))
                    })?;
                    out.line(&line)?;
                    pos += used;
                    n += 1;
                }
                Ok(None) => {
                    return Err(Failure::input(format!(
                        "{name}: value #{n}: {}",
                        truncation(&data, pos)
                    )))
                }
                Err(e) => {
                    let msg = if e.category() == Category::UnexpectedEof {
                        format!("value #{n}: {}", truncation(&data, pos))
                    } else {
                        format!("value #{n}: {e}")
                    };
                    return Err(Failure::input(format!("{name}: {msg}")));
                }
            }
        }
        return out.finish();
    }
    out.line(&format!("{name}: gob stream of {} bytes", data.len()))?;
    let mut write_err = None;
    let result = annotate::annotate(&data, &mut |l| {
        if write_err.is_none() {
            if let Err(e) = out.line(l) {
                write_err = Some(e);
            }
        }
    });
    if let Some(e) = write_err {
        return Err(e);
    }
    match result {
        Ok(n) => {
            let s = if n == 1 { "" } else { "s" };
            out.line(&format!("end of stream: {n} value{s}"))?;
            out.finish()
        }
        Err(e) => {
            out.finish()?;
            // The library's decoder is the reference for what is wrong with the stream.
            Err(Failure::input(format!(
                "{name}: {}",
                library_error(&data).unwrap_or(e)
            )))
        }
    }
}

/// The first error the library's decoder finds in `data`, if any.
fn library_error(data: &[u8]) -> Option<String> {
    let mut st = DecoderState::new();
    let mut pos = 0usize;
    let mut n = 0usize;
    while pos < data.len() {
        match st.decode_value(&data[pos..]) {
            Ok(Some((_, used))) => pos += used,
            Ok(None) => return Some(format!("value #{n}: {}", truncation(data, pos))),
            Err(e) => return Some(format!("value #{n}: {e}")),
        }
        n += 1;
    }
    None
}

/// Says where a stream that ends in the middle of a value was cut, walking the message
/// framing from `pos`.
pub fn truncation(data: &[u8], pos: usize) -> String {
    let mut at = pos;
    loop {
        if at >= data.len() {
            return format!(
                "truncated gob stream: it ends at byte offset {} after type definitions \
                 (the value starting at byte offset {pos} is missing)",
                data.len()
            );
        }
        let Some((len, hdr)) = read_len(&data[at..]) else {
            return format!(
                "truncated gob stream: the message length at byte offset {at} is cut short \
                 (stream ends at byte offset {})",
                data.len()
            );
        };
        let body = at + hdr;
        if ((data.len() - body) as u64) < len {
            return format!(
                "truncated gob stream: the message at byte offset {at} declares {len} bytes \
                 but only {} remain",
                data.len() - body
            );
        }
        at = body + len as usize;
    }
}

/// A gob unsigned integer at the front of `b`: its value and its size.
fn read_len(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    if first < 0x80 {
        return Some((first as u64, 1));
    }
    let n = (first as i8).unsigned_abs() as usize;
    if n > 8 || b.len() < 1 + n {
        return None;
    }
    let mut x = 0u64;
    for &byte in &b[1..=n] {
        x = (x << 8) | byte as u64;
    }
    Some((x, 1 + n))
}

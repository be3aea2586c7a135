//! Whole gob streams: decode or encode every value of one, and show bytes and long values
//! readably in failures.
#![allow(dead_code)]

use gobrpc::{DecoderState, EncoderState, GobType, TypedValue};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Decodes every value of `bytes` on one stream with `one` (a step of `DecoderState`); a
/// stream that ends inside a value is an unexpected-EOF error.
pub fn decode_all_with<V>(
    bytes: &[u8],
    mut one: impl FnMut(&mut DecoderState, &[u8]) -> gobrpc::Result<Option<(V, usize)>>,
) -> gobrpc::Result<Vec<V>> {
    let mut st = DecoderState::new();
    let mut rest = bytes;
    let mut out = Vec::new();
    while !rest.is_empty() {
        match one(&mut st, rest)? {
            Some((v, used)) => {
                out.push(v);
                rest = &rest[used..];
            }
            None => {
                return Err(gobrpc::Error::from(std::io::Error::from(
                    std::io::ErrorKind::UnexpectedEof,
                )))
            }
        }
    }
    Ok(out)
}

/// Decodes every value of `bytes` on one stream as a `T`.
pub fn decode_stream<T: DeserializeOwned>(bytes: &[u8]) -> gobrpc::Result<Vec<T>> {
    decode_all_with(bytes, |st, b| st.decode::<T>(b))
}

/// Decodes every value of `bytes` on one stream as a dynamic `TypedValue`.
pub fn decode_values(bytes: &[u8]) -> gobrpc::Result<Vec<TypedValue>> {
    decode_all_with(bytes, |st, b| st.decode_value(b))
}

/// Encodes `values` in order on one stream.
pub fn encode_stream<T: Serialize + GobType>(values: &[T]) -> gobrpc::Result<Vec<u8>> {
    let mut st = EncoderState::new();
    let mut out = Vec::new();
    for v in values {
        st.encode(v, &mut out)?;
    }
    Ok(out)
}

/// Encodes dynamic `values` in order on one stream.
pub fn encode_values(values: &[TypedValue]) -> gobrpc::Result<Vec<u8>> {
    let mut st = EncoderState::new();
    let mut out = Vec::new();
    for v in values {
        st.encode_value(v, &mut out)?;
    }
    Ok(out)
}

/// Bytes as spaced hex (`0a ff 80`), for readable diffs.
pub fn spaced(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `s` cut to about `max` bytes (at a character boundary), saying how long it was.
pub fn clip(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes)", &s[..end], s.len())
}

/// Go's bytes and ours must be equal; a failure shows where they part (whole, when short;
/// a window around the first difference, when long).
#[track_caller]
pub fn assert_same_bytes(name: &str, go: &[u8], ours: &[u8]) {
    if go == ours {
        return;
    }
    let at = go.iter().zip(ours).take_while(|(a, b)| a == b).count();
    let from = at.saturating_sub(16);
    let win = |b: &[u8]| hex::encode(&b[from.min(b.len())..(at + 48).min(b.len())]);
    if go.len() <= 256 && ours.len() <= 256 {
        panic!(
            "{name}: re-encoded bytes differ at offset {at}\n  go:   {}\n  rust: {}",
            hex::encode(go),
            hex::encode(ours)
        );
    }
    panic!(
        "{name}: re-encoded bytes differ at offset {at} (go {} bytes, rust {}); from offset {from}:\n  go:   {}\n  rust: {}",
        go.len(),
        ours.len(),
        win(go),
        win(ours)
    );
}

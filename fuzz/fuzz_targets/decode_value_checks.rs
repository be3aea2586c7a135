//! The `decode_value` fuzz target's checks, shared with the regression replay in
//! `tests/fuzz_regressions.rs` (which includes this file by path).

use gobrpc::{DecoderState, EncoderState, Limits};

/// Any bytes, decoded as a stream of dynamic values: an error or values, never a panic;
/// skipping agrees with decoding; whatever decodes re-encodes and decodes to the same value.
pub fn decode_value_checks(data: &[u8]) {
    let limits = Limits::default().max_message(1 << 20).max_depth(200);
    let mut st = DecoderState::with_limits(limits);
    let mut rest = data;
    let mut values = Vec::new();
    while let Ok(Some((v, used))) = st.decode_value(rest) {
        values.push(v);
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
    }
    // Skipping the same bytes must agree with decoding them.
    let mut skip = DecoderState::with_limits(limits);
    let mut rest = data;
    for _ in 0..values.len() {
        let used = skip
            .skip(rest)
            .expect("skip agrees with decode")
            .expect("whole value");
        rest = &rest[used..];
    }
    // Round trip: re-encode what decoded, decode it again.
    let mut enc = EncoderState::new();
    let mut out = Vec::new();
    for v in &values {
        if enc.encode_value(v, &mut out).is_err() {
            return; // e.g. an array value whose length differs from its type: Go refuses too
        }
    }
    let mut again = DecoderState::with_limits(limits.max_message(usize::MAX >> 1).max_depth(400));
    let mut rest = &out[..];
    for v in &values {
        let (w, used) = again
            .decode_value(rest)
            .expect("re-encoded bytes decode")
            .expect("whole");
        assert_eq!(format!("{:?}", w.value), format!("{:?}", v.value));
        rest = &rest[used..];
    }
}

//! `gobrpc::types::Bytes`: Go's `[]byte` decoded from Go-written fixtures, copied or shared
//! with the input buffer, and encoded back to Go's bytes. Expected values come from the
//! fixtures' Go source (`go-interop/cases_scalars.go`, `cases_structs.go`).

mod common;

use common::fixture;
use gobrpc::types::Bytes;
use gobrpc::DecoderState;
use serde::Deserialize;

/// Whether `inner` lies inside `outer`'s memory (a view, not a copy).
fn is_view(outer: &bytes::Bytes, inner: &[u8]) -> bool {
    !inner.is_empty() && outer.as_ptr_range().contains(&inner.as_ptr())
}

/// Decodes fixture `name` into `Bytes` both ways; returns the copied and the shared value.
fn decode_both(name: &str) -> (Bytes, Bytes, bytes::Bytes) {
    let go = fixture(name);
    let (copied, n) = DecoderState::new().decode::<Bytes>(&go).unwrap().unwrap();
    assert_eq!(n, go.len(), "{name}: copy path used the whole stream");
    let shared_buf = bytes::Bytes::from(go.clone());
    let (shared, n) = DecoderState::new()
        .decode_shared::<Bytes>(&shared_buf)
        .unwrap()
        .unwrap();
    assert_eq!(n, go.len(), "{name}: shared path used the whole stream");
    assert_eq!(copied, shared, "{name}: both paths give the same bytes");
    // Re-encoding gives Go's bytes back.
    assert_eq!(gobrpc::to_vec(&shared).unwrap(), go, "{name}: re-encoded");
    (copied, shared, shared_buf)
}

#[test]
fn one_mib_is_shared_not_copied() {
    // Go: bytes_1mib, byte i = i % 251.
    let want: Vec<u8> = (0..1usize << 20).map(|i| (i % 251) as u8).collect();
    let (copied, shared, buf) = decode_both("bytes_1mib");
    assert_eq!(&shared[..], &want[..]);
    assert!(is_view(&buf, &shared), "a 1 MiB payload is a view");
    assert!(!is_view(&buf, &copied), "decode (not shared) copies");
}

#[test]
fn small_payloads_are_copied() {
    for (name, want) in [
        ("bytes_123", vec![1u8, 2, 3]),
        ("bytes_empty", vec![]),
        ("bytes_all_values", (0..=255).collect()),
    ] {
        let (_, shared, buf) = decode_both(name);
        assert_eq!(&shared[..], &want[..], "{name}");
        assert!(!is_view(&buf, &shared), "{name}: under 1 KiB is copied");
    }
}

#[test]
fn nil_slice_is_empty() {
    // Go encodes a nil []byte as an empty one.
    let (_, shared, _) = decode_both("bytes_nil");
    assert!(shared.is_empty());
}

/// Go: `type BytesKinds struct { B []uint8; U []uint8; A [4]uint8; N BytesT; I []int8 }`
#[derive(Deserialize, Debug, PartialEq)]
struct BytesKinds {
    #[serde(rename = "B")]
    b: Bytes,
    #[serde(rename = "U")]
    u: Bytes,
    #[serde(rename = "A")]
    a: [u8; 4],
    #[serde(rename = "N")]
    n: Bytes,
    #[serde(rename = "I")]
    i: Vec<i8>,
}

#[test]
fn struct_fields() {
    // Go: BytesKinds{B: {1}, U: {2}, A: {3, 0, 0, 4}, N: {5}, I: {-6}}
    let go = bytes::Bytes::from(fixture("struct_bytes_kinds"));
    let (v, _) = DecoderState::new()
        .decode_shared::<BytesKinds>(&go)
        .unwrap()
        .unwrap();
    assert_eq!(
        v,
        BytesKinds {
            b: Bytes::from(&[1u8][..]),
            u: Bytes::from(&[2u8][..]),
            a: [3, 0, 0, 4],
            n: Bytes::from(&[5u8][..]),
            i: vec![-6],
        }
    );
}

/// A field the Go struct lacks (as if Go omitted it as zero) decodes to an empty `Bytes`.
#[derive(Deserialize, Debug)]
struct Partial {
    #[serde(rename = "B")]
    b: Bytes,
    #[serde(rename = "Missing")]
    missing: Bytes,
}

#[test]
fn absent_field_is_empty() {
    let v: Partial = gobrpc::from_slice(&fixture("struct_bytes_kinds")).unwrap();
    assert_eq!(&v.b[..], &[1u8]);
    assert!(v.missing.is_empty());
}

#[test]
fn other_formats_see_bytes() {
    let v: Bytes = serde_json::from_str("[1, 2, 255]").unwrap();
    assert_eq!(&v[..], &[1u8, 2, 255]);
    assert_eq!(serde_json::to_string(&v).unwrap(), "[1,2,255]");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    // Every truncation of a Go stream holding a shared-size payload: an incomplete value,
    // never a panic or a wrong value.
    let go = fixture("bytes_1mib");
    for cut in [0, 1, 2, 3, 4, 10, 1000, go.len() / 2, go.len() - 1] {
        let buf = bytes::Bytes::copy_from_slice(&go[..cut]);
        let r = DecoderState::new().decode_shared::<Bytes>(&buf).unwrap();
        assert!(r.is_none(), "cut at {cut}: needs more bytes");
    }
    // A Go int where bytes are expected: a type error.
    let int = bytes::Bytes::from(gobrpc::to_vec(&5i64).unwrap());
    let e = DecoderState::new()
        .decode_shared::<Bytes>(&int)
        .unwrap_err();
    assert_eq!(e.category(), gobrpc::Category::Type, "{e}");
}

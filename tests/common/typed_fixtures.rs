//! What the two typed fixture tests (`fixtures_typed_a`, `fixtures_typed_b`) share: a
//! fixture's metadata, the split of `fixtures/gob` between them, and the check that each
//! covers every fixture of its half.
#![allow(dead_code)]

use serde::Deserialize;
use std::collections::BTreeSet;

/// The metadata of fixture `name` in `fixtures/gob`.
pub fn meta(name: &str) -> super::Meta {
    let p = super::fixtures_dir()
        .join("gob")
        .join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap_or_else(|e| panic!("{name}.json: {e}"))
}

/// An `encode_error` fixture's bytes: what Go wrote before its error, `values_before` values
/// (both checked against the metadata). Go's encoder writes type definitions before it fails
/// on a value, so a stream with no value may still hold definitions: with `values_before` 0,
/// the bytes must hold no whole value (skipping them needs more input, not an error).
pub fn encode_error_prefix(name: &str, values_before: usize) -> Vec<u8> {
    let m = meta(name);
    assert_eq!(m.kind, "encode_error", "{name}: kind");
    assert_eq!(
        m.values_before_error, values_before,
        "{name}: values before error"
    );
    let b = super::fixture(name);
    if values_before == 0 {
        let rest = gobrpc::DecoderState::new()
            .skip(&b)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(rest, None, "{name}: Go wrote no value");
    }
    b
}

/// Name prefixes of the fixtures of half B (structs, interfaces, time, big, recursive and
/// custom-marshaler types); every other fixture of `fixtures/gob` is half A's.
pub const HALF_B_PREFIXES: &[&str] = &[
    "struct_",
    "iface_",
    "time_",
    "big",
    "recursive_",
    "custom_",
    "gobenc_",
    "binmarshal_",
    "textmarshaler",
    "good_then_bad",
];

/// Which half of `fixtures/gob` a test file covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half {
    A,
    B,
}

impl Half {
    pub fn of(fixture: &str) -> Half {
        if HALF_B_PREFIXES.iter().any(|p| fixture.starts_with(p)) {
            Half::B
        } else {
            Half::A
        }
    }
}

/// One entry of `fixtures/gob/INDEX.json`.
#[derive(Deserialize)]
struct Entry {
    name: String,
    dir: String,
}

/// Every fixture of `half` (all of `fixtures/gob`'s, positive and encode_error alike) is in
/// exactly one of `lists`, the lists name no other fixture, and there are at least `min`.
pub fn assert_half_covered(half: Half, lists: &[&[&str]], min: usize) {
    let index: Vec<Entry> = serde_json::from_slice(
        &std::fs::read(super::fixtures_dir().join("gob").join("INDEX.json")).unwrap(),
    )
    .unwrap();
    let want: BTreeSet<&str> = index
        .iter()
        .filter(|e| e.dir == "gob" && Half::of(&e.name) == half)
        .map(|e| e.name.as_str())
        .collect();

    let mut covered = BTreeSet::new();
    for n in lists.iter().flat_map(|l| l.iter()) {
        assert!(covered.insert(*n), "{n} covered twice");
    }
    let missing: Vec<_> = want.difference(&covered).collect();
    let unknown: Vec<_> = covered.difference(&want).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "half {half:?}: fixtures without a typed test: {missing:?}\n\
         tests for fixtures not in INDEX.json (or of the other half): {unknown:?}"
    );
    assert!(
        covered.len() >= min,
        "half {half:?}: only {} cases",
        covered.len()
    );
}

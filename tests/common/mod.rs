//! Shared helpers for the integration tests: the Go fixtures.
#![allow(dead_code)]

use serde::Deserialize;
use std::path::PathBuf;

/// One fixture's metadata (written by `go-interop`'s generator).
#[derive(Debug, Deserialize)]
pub struct Meta {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub deterministic: bool,
    #[serde(default)]
    pub values: usize,
    #[serde(default)]
    pub go_error: Option<String>,
    #[serde(default)]
    pub values_before_error: usize,
    #[serde(default)]
    pub target: Option<String>,
    #[serde(default)]
    pub go_value: Vec<String>,
}

pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every fixture in `dir` (`gob`, `gob-bad`, `gob-lenient`): metadata and bytes.
pub fn load(dir: &str) -> Vec<(Meta, Vec<u8>)> {
    let d = fixtures_dir().join(dir);
    let mut out = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{}: {e}", d.display()))
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "gob"))
        .collect();
    names.sort();
    for p in names {
        let meta: Meta =
            serde_json::from_slice(&std::fs::read(p.with_extension("json")).unwrap()).unwrap();
        out.push((meta, std::fs::read(&p).unwrap()));
    }
    out
}

/// One fixture by name from `fixtures/gob`.
pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixtures_dir().join("gob").join(format!("{name}.gob")))
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

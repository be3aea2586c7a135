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

/// Builds the examples once (with every feature, as the test command does) and returns
/// the directory holding them.
pub fn examples_dir() -> &'static PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--examples", "--all-features", "--quiet"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build --examples");
        assert!(status.success(), "building the examples failed");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"));
        target.join("debug").join("examples")
    })
}

/// The Go checker binary `go-interop/bin/gointerop`, built on first use when absent
/// (`scripts/test` builds it up front; a plain `cargo test` gets here). The build writes a
/// temporary file and renames it, so test processes running in parallel do not clash.
/// Panics with the build output when Go cannot be found or the build fails: the Rust→Go
/// tests never skip.
pub fn gointerop() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("go-interop");
    let bin = dir.join("bin").join("gointerop");
    if bin.exists() {
        return bin;
    }
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(". ./ensure-go.sh && go build -o bin/gointerop.tmp.$$ . && mv bin/gointerop.tmp.$$ bin/gointerop")
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("gointerop: cannot run bash to build {}: {e}", bin.display()));
    if !out.status.success() || !bin.exists() {
        panic!(
            "gointerop: building {} failed ({}); Go is required for the Rust→Go tests \
             (go-interop/ensure-go.sh installs it)\nstdout:\n{}\nstderr:\n{}",
            bin.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    bin
}

/// One `gointerop decode` report: the Go-syntax print (`gov`) and JSON of each value Go
/// decoded, and Go's error, if any.
#[derive(Debug, Deserialize)]
pub struct GoReport {
    pub shape: String,
    pub values: Vec<GoDecoded>,
    #[serde(default)]
    pub error: Option<String>,
}

/// One value as Go decoded it.
#[derive(Debug, Deserialize)]
pub struct GoDecoded {
    pub gov: String,
    pub json: serde_json::Value,
    #[serde(default)]
    pub json_error: Option<String>,
}

/// Decodes every `(shape, stream)` in ONE `gointerop decode` process (one stdin line each)
/// and returns Go's reports in input order.
pub fn go_decode(inputs: &[(String, Vec<u8>)]) -> Vec<GoReport> {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(gointerop())
        .arg("decode")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gointerop decode");
    let mut stdin = child.stdin.take().expect("stdin");
    let lines: Vec<String> = inputs
        .iter()
        .map(|(shape, bytes)| format!("{shape} {}\n", hex::encode(bytes)))
        .collect();
    // Feed stdin from a thread: Go answers line by line, so a big input must not wait for
    // us to start reading.
    // (A write error means Go died; the count check below reports where.)
    let writer = std::thread::spawn(move || {
        for l in lines {
            if stdin.write_all(l.as_bytes()).is_err() {
                break;
            }
        }
    });
    let stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut reports = Vec::new();
    for line in stdout.lines() {
        let line = line.expect("read gointerop output");
        let r: GoReport = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("gointerop output is not a report ({e}): {line:.300}"));
        reports.push(r);
    }
    writer.join().expect("stdin writer");
    let status = child.wait().expect("wait for gointerop");
    if reports.len() != inputs.len() || !status.success() {
        let at = inputs.get(reports.len()).map_or("-", |(s, _)| s.as_str());
        panic!(
            "gointerop decode ({status}) answered {} of {} lines: it died on line {} \
             (shape {at}); its stderr is above",
            reports.len(),
            inputs.len(),
            reports.len() + 1
        );
    }
    reports
}
#[cfg(feature = "derive")]
pub mod gotypes;
#[cfg(feature = "derive")]
pub mod kv;
pub mod mem;
#[cfg(all(feature = "rpc", feature = "derive"))]
pub mod peer;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod server;
pub mod streams;
pub mod typed_fixtures;

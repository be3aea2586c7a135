//! Every example runs against the bundled Go server and exits 0.

mod common;

use common::server::GoServer;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Builds the examples once (with every feature, as the test command does) and returns
/// the directory holding them.
fn examples_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
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

fn run(example: &str, args: &[String]) -> String {
    let out = Command::new(examples_dir().join(example))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run example {example}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "example {example} failed ({}):\nstdout:\n{stdout}\nstderr:\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn quickstart() {
    let srv = GoServer::tcp();
    let out = run("quickstart", &[srv.tcp_addr()]);
    assert!(out.contains("Arith.Add(7, 8) = 15"), "{out}");
    assert!(out.contains("hello, gopher"), "{out}");
}

#[test]
fn async_go() {
    let srv = GoServer::tcp();
    let out = run("async_go", &[srv.tcp_addr()]);
    // The shortest sleeps finish first: completion order is the reverse of sending order.
    assert!(out.contains("completion order: [4, 3, 2, 1, 0]"), "{out}");
}

#[test]
fn watch() {
    let srv = GoServer::tcp();
    let out = run("watch", &[srv.tcp_addr()]);
    assert!(out.contains("watch returned: color"), "{out}");
}

#[test]
fn auth_context() {
    let srv = GoServer::tcp();
    let out = run("auth_context", &[srv.tcp_addr()]);
    assert!(out.contains("Auth.Secret failed: not logged in"), "{out}");
}

#[test]
fn http_connect() {
    let srv = GoServer::start(&["-tcp", "", "-http", "127.0.0.1:0"]);
    let out = run(
        "http_connect",
        &[
            srv.info.http.clone().unwrap(),
            srv.info.http_path.clone().unwrap(),
        ],
    );
    assert!(out.contains("Arith.Mul(6, 7) = 42"), "{out}");
    assert!(out.contains("hello, http"), "{out}");
}

#[test]
fn tls() {
    let srv = GoServer::start(&["-tcp", "", "-tls", "127.0.0.1:0"]);
    let out = run(
        "tls",
        &[
            srv.info.tls.clone().unwrap(),
            srv.info.tls_ca.clone().unwrap(),
        ],
    );
    assert!(out.contains("Arith.Add(40, 2) = 42"), "{out}");
}

#[test]
fn reverse() {
    let out = run("reverse", &[common::gointerop().display().to_string()]);
    assert!(out.contains("Arith.Add(1, 2) = 3"), "{out}");
}

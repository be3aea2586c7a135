//! Go cannot tell the Rust server from Go's: one scripted suite, driven by Go's own net/rpc
//! client (`gointerop netrpc-diff`), runs against the bundled Go server and against the same
//! services served by gobrpc (`examples/interop_server.rs`, built with `#[gobrpc::service]`),
//! over TCP, a Unix socket, HTTP `CONNECT` on Go's path and on a custom one; every reply
//! and every error string must be equal.

mod common;

use common::server::GoServer;
use std::process::Command;

/// What the suite printed against `server`, with what legitimately differs between two
/// servers (addresses, ports, socket paths) masked.
fn suite_against(server: &GoServer) -> Vec<String> {
    let info = &server.info;
    let out = Command::new(common::gointerop())
        .args(["netrpc-diff", "-tcp", info.tcp.as_deref().unwrap()])
        .args(["-unix", info.unix.as_deref().unwrap()])
        .args(["-http", info.http.as_deref().unwrap()])
        .args(["-http-path", info.http_path.as_deref().unwrap()])
        .output()
        .expect("run gointerop netrpc-diff");
    assert!(
        out.status.success(),
        "netrpc-diff failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let unix = info.unix.as_deref().unwrap();
    text.lines()
        .map(|l| mask(&l.replace(unix, "SOCKET")))
        .collect()
}

/// Masks `127.0.0.1:PORT` addresses.
fn mask(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find("127.0.0.1:") {
        out.push_str(&rest[..i]);
        out.push_str("ADDR");
        rest = rest[i + "127.0.0.1:".len()..].trim_start_matches(|c: char| c.is_ascii_digit());
    }
    out.push_str(rest);
    out
}

fn args(sock: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("gobrpc-diff-{}-{sock}", std::process::id()));
    vec![
        "-tcp".into(),
        "127.0.0.1:0".into(),
        "-unix".into(),
        dir.display().to_string(),
        "-http".into(),
        "127.0.0.1:0".into(),
    ]
}

#[test]
fn go_client_cannot_tell_the_rust_server_from_go() {
    let go_args = args("go");
    let rust_args = args("rust");
    let go = GoServer::start(&go_args.iter().map(String::as_str).collect::<Vec<_>>());
    let rust = GoServer::start_rust(&rust_args.iter().map(String::as_str).collect::<Vec<_>>());
    let want = suite_against(&go);
    let got = suite_against(&rust);
    // The suite ran every step on every transport, and none failed to connect.
    assert_eq!(want.len(), 4 * 8, "{want:#?}");
    assert!(want.iter().all(|l| !l.contains("\"failed\"")), "{want:#?}");
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "the Rust server answered differently");
    }
    assert_eq!(got.len(), want.len());
}

//! `gobrpc serve` against Go's client: `gointerop serve-check` writes the declarations and
//! the replies file, calls every method over TCP, a Unix socket and HTTP `CONNECT`, checks
//! each reply and error against what the file says (Go's own texts for unknown services and
//! methods), and checks that `--record` holds exactly the calls it made.

use super::{gobrpc, Scratch};
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStderr, Command, Stdio};

/// A running `gobrpc serve`; killed when dropped.
struct Serve {
    child: Child,
    _stderr: BufReader<ChildStderr>,
    /// The address it printed.
    addr: String,
}

impl Serve {
    fn start(dir: &Scratch, flags: &[&str], addr: &str) -> Serve {
        let file = |name: &str| dir.0.join(name).to_string_lossy().into_owned();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gobrpc"))
            .arg("serve")
            .args([
                "--types",
                &file("types.go"),
                "--replies",
                &file("replies.json"),
            ])
            .args(flags)
            .arg(addr)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start gobrpc serve");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .trim_end()
            .strip_prefix("gobrpc serve: listening on ")
            .unwrap_or_else(|| panic!("serve's first line: {line:?}"))
            .to_string();
        Serve {
            child,
            _stderr: stderr,
            addr,
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The files Go's checker calls the server with.
fn files(tag: &str) -> Scratch {
    let dir = Scratch::new(tag);
    let out = Command::new(crate::common::gointerop())
        .args(["serve-check", "-write"])
        .arg(&dir.0)
        .output()
        .expect("run gointerop");
    assert!(out.status.success(), "{out:?}");
    dir
}

/// Runs Go's checker against `serve`; asserts every check passed and the record was exact.
fn go_checks(flags: &[&str], record: &str) {
    let out = Command::new(crate::common::gointerop())
        .arg("serve-check")
        .args(flags)
        .args(["-record", record])
        .output()
        .expect("run gointerop");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "gointerop serve-check {flags:?}:\n{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains("FAIL"), "{text}");
    // Every reply kind was checked, and so were Go's errors.
    for check in [
        "ok fixed\n",
        "ok matched by two fields\n",
        "ok matched error\n",
        "ok error\n",
        "ok delayed reply\n",
        "ok delayed error waits 100ms\n",
        "ok unknown service\n",
        "ok unknown method\n",
    ] {
        assert!(text.contains(check), "no {check:?} in:\n{text}");
    }
    // 18 calls, the unknown service, unknown method and ill-formed name among them: all
    // recorded.
    assert!(
        text.contains("ok record: 18 lines, exactly the calls made"),
        "{text}"
    );
    let lines = std::fs::read_to_string(record).unwrap();
    assert_eq!(lines.lines().count(), 18, "{lines}");
}

#[test]
fn go_client_gets_every_reply_kind_over_tcp() {
    let dir = files("serve-tcp");
    let record = dir.0.join("record.jsonl").to_string_lossy().into_owned();
    let serve = Serve::start(&dir, &["--record", &record], "127.0.0.1:0");
    go_checks(&["-addr", &serve.addr], &record);
}

#[test]
fn go_client_gets_every_reply_kind_over_a_unix_socket() {
    let dir = files("serve-unix");
    let record = dir.0.join("record.jsonl").to_string_lossy().into_owned();
    let sock = dir.0.join("serve.sock").to_string_lossy().into_owned();
    let serve = Serve::start(&dir, &["--record", &record], &format!("unix:{sock}"));
    assert_eq!(serve.addr, format!("unix:{sock}"));
    go_checks(&["-net", "unix", "-addr", &sock], &record);
}

#[test]
fn go_client_gets_every_reply_kind_over_http() {
    let dir = files("serve-http");
    let record = dir.0.join("record.jsonl").to_string_lossy().into_owned();
    let serve = Serve::start(&dir, &["--http", "--record", &record], "127.0.0.1:0");
    go_checks(&["-http", "-addr", &serve.addr], &record);
    // The debug page shows the methods with Go's signatures and their call counts.
    let page = gobrpc(&["describe", "--json", &serve.addr], b"").ok();
    let page = super::json(&page);
    let shop = page
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["service"] == "Shop")
        .unwrap_or_else(|| panic!("{page}"));
    let buy = shop["methods"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Buy")
        .unwrap_or_else(|| panic!("{page}"));
    assert_eq!(buy["arg_type"], "main.Order", "{page}");
    assert_eq!(buy["reply_type"], "*main.Receipt", "{page}");
    assert_eq!(buy["calls"], 6, "{page}");
}

#[test]
fn a_replies_file_that_cannot_be_served_is_an_input_error() {
    let dir = Scratch::new("serve-bad");
    let types = dir.file("types.go", "package main\ntype Args struct { A int }\n");
    let run = |replies: &str| {
        let file = dir.file("replies.json", replies);
        gobrpc(
            &[
                "serve",
                "--types",
                &types,
                "--replies",
                &file,
                "127.0.0.1:0",
            ],
            b"",
        )
    };
    run(r#"{"Arith.Add": {"arg": "Args", "reply": "Nope", "replies": [{"reply": 1}]}}"#)
        .fails(2, &["Arith.Add", "\"reply\"", "undefined: Nope"]);
    run(r#"{"Arith.Add": {"arg": "Args", "reply": "int", "replies": [{"reply": "x"}]}}"#).fails(
        2,
        &["Arith.Add: replies[0]: \"reply\"", "expected an integer"],
    );
    run(
        r#"{"Arith.Add": {"arg": "Args", "reply": "int", "replies": [{"reply": 1, "eror": "x"}]}}"#,
    )
    .fails(2, &["replies[0]", "unknown key \"eror\""]);
    run(r#"{"Arith.Add": {"arg": "Args", "reply": "int", "replies": [{"delay_ms": 5}]}}"#)
        .fails(2, &["\"reply\" or \"error\" is required"]);
    run(r#"{"Arith.Add": {"arg": "Args", "reply": "int", "replies": []}}"#)
        .fails(2, &["\"replies\": a non-empty array is required"]);
    run(r#"{"Add": {"arg": "Args", "reply": "int", "replies": [{"reply": 1}]}}"#)
        .fails(2, &["Add: not of the form Service.Method"]);
    run("[1]").fails(2, &["not a JSON object"]);
}

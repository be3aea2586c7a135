//! What a new user hits in the first hour with `call` and `encode`: hangs on the wrong
//! transport, inferred argument types, files mixing server state with wire types, the
//! argument type the debug page already names, builtin types, unquoted strings, a `call`
//! waiting on a terminal, and value paths written one way everywhere.

use crate::common::server::{GoServer, ServerInfo};
use crate::{gobrpc, json, Scratch};
use std::sync::OnceLock;

/// A Go server with TCP and HTTP listeners, shared by this file's tests.
fn server() -> &'static ServerInfo {
    static SERVER: OnceLock<GoServer> = OnceLock::new();
    &SERVER
        .get_or_init(|| GoServer::start(&["-http", "127.0.0.1:0"]))
        .info
}

fn tcp() -> String {
    server().tcp.clone().expect("tcp listener")
}

fn http() -> String {
    server().http.clone().expect("http listener")
}

/// Go declarations as a real service file has them: wire types beside server state whose
/// types the tool does not know.
const SERVICE_GO: &str = "package main

import \"sync\"

type Args struct{ A, B int }

type Server struct {
	mu    sync.Mutex
	calls int
}

type Req struct{ S Server }

type T struct{ Items []Item }

type Item struct{ Name string }
";

#[test]
fn call_has_a_default_timeout_and_names_the_transport_mistake() {
    let arg = r#"{"A":1,"B":2}"#;
    // No --timeout: the default bounds a CONNECT that a plain net/rpc port never answers.
    let (tcp_addr, http_addr) = (tcp(), http());
    let defaulted =
        std::thread::spawn(move || gobrpc(&["call", "--http", &tcp_addr, "Arith.Add", arg], b""));
    gobrpc(
        &[
            "call",
            "--timeout",
            "1s",
            "--http",
            &tcp(),
            "Arith.Add",
            arg,
        ],
        b"",
    )
    .fails(
        3,
        &[
            "no answer to HTTP CONNECT within 1s",
            "plain net/rpc port",
            "drop --http",
        ],
    );
    // The other way round: gob bytes to an HTTP server, which waits for a request line.
    gobrpc(
        &["call", "--timeout", "2s", &http_addr, "Arith.Add", arg],
        b"",
    )
    .fails(
        3,
        &[
            "answered in HTTP",
            "looks like an HTTP server",
            "use --http",
        ],
    );
    // --timeout 0 is no limit (and not an invalid duration).
    let run = gobrpc(&["call", "--timeout", "0", &tcp(), "Arith.Add", arg], b"");
    assert_eq!(json(run.ok().trim()), json(r#"{"C":3}"#));
    defaulted
        .join()
        .unwrap()
        .fails(3, &["within 30s", "drop --http"]);
}

#[test]
fn a_type_error_on_an_inferred_argument_shows_the_fix() {
    let run = gobrpc(&["call", &tcp(), "Arith.Add", r#"{"A":1.5,"B":2}"#], b"");
    run.fails(
        1,
        &[
            "gob: wrong type",
            "inferred from the JSON as struct { A float64; B int }",
            "--types FILE.go --arg-type TYPE",
        ],
    );
    // Go's text comes first, verbatim.
    assert!(run.stderr.starts_with("gob: "), "{}", run.stderr);
    // A declared argument type gets no such hint.
    let s = Scratch::new("traps-declared");
    let file = s.file(
        "t.go",
        "package main\ntype Args struct { A float64; B int }\n",
    );
    let run = gobrpc(
        &[
            "call",
            "--types",
            &file,
            "--arg-type",
            "Args",
            &tcp(),
            "Arith.Add",
            r#"{"A":1.5}"#,
        ],
        b"",
    );
    run.fails(1, &["gob: "]);
    assert!(!run.stderr.contains("inferred"), "{}", run.stderr);
}

#[test]
fn types_resolves_only_what_is_needed() {
    let s = Scratch::new("traps-lazy");
    let file = s.file("service.go", SERVICE_GO);
    // sync.Mutex in Server does not stop a call whose argument is Args.
    let run = gobrpc(
        &[
            "call",
            "--types",
            &file,
            "--arg-type",
            "Args",
            &tcp(),
            "Arith.Add",
            r#"{"A":4,"B":5}"#,
        ],
        b"",
    );
    assert_eq!(json(run.ok().trim()), json(r#"{"C":9}"#));
    // Needed, it is reported: the type, where it is, and what needs it.
    gobrpc(&["encode", "--types", &file, "--type", "Server"], b"{}\n").fails(
        2,
        &["service.go", "unknown type sync.Mutex", "line 8, column 8"],
    );
    gobrpc(&["encode", "--types", &file, "--type", "Req"], b"{}\n").fails(
        2,
        &[
            "unknown type sync.Mutex",
            "line 8",
            "in type Server (needed by Req)",
        ],
    );
}

#[test]
fn with_http_the_debug_page_names_the_argument_type() {
    let s = Scratch::new("traps-debug");
    let file = s.file("service.go", SERVICE_GO);
    let run = gobrpc(
        &[
            "call",
            "--http",
            "--types",
            &file,
            &http(),
            "Arith.Add",
            r#"{"A":1,"B":5}"#,
        ],
        b"",
    );
    assert_eq!(json(run.ok().trim()), json(r#"{"C":6}"#));
    // Without --http there is no page to ask.
    gobrpc(
        &[
            "call",
            "--types",
            &file,
            &tcp(),
            "Arith.Add",
            r#"{"A":1,"B":5}"#,
        ],
        b"",
    )
    .fails(2, &["--arg-type"]);
}

#[test]
fn encode_builtin_types_needs_no_declarations() {
    // Go wrote these fixtures: `int` 3 and `[]string{"a", "b", "c"}`-like values.
    for (name, ty) in [
        ("int_3", "int"),
        ("slice_string", "[]string"),
        ("map_string_int", "map[string]int"),
    ] {
        let meta: serde_json::Value = serde_json::from_slice(
            &std::fs::read(
                crate::common::fixtures_dir()
                    .join("gob")
                    .join(format!("{name}.json")),
            )
            .unwrap(),
        )
        .unwrap();
        let line = meta["json"][0].to_string();
        let run = gobrpc(&["encode", "--type", ty, &line], b"");
        run.ok();
        assert_eq!(run.stdout, crate::common::fixture(name), "{name}");
    }
    gobrpc(&["encode", "--type", "Point", "{}"], b"").fails(2, &["Point", "--types FILE.go"]);
}

#[test]
fn a_bare_word_gets_the_quoting_hint() {
    gobrpc(&["call", &tcp(), "KVStoreService.Get", "a"], b"")
        .fails(2, &["invalid JSON", r#"'"a"'"#]);
    gobrpc(&["encode", "--type", "string"], b"hello\n").fails(2, &["line 1", r#"'"hello"'"#]);
}

#[test]
fn call_without_an_argument_at_a_terminal_is_a_usage_error() {
    // `script` gives the tool a terminal as stdin; the tool must not wait on it.
    let cmd = format!("{} call {} Arith.Add", env!("CARGO_BIN_EXE_gobrpc"), tcp());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the tool on a terminal");
    let stdin = child.stdin.take();
    let (tx, rx) = std::sync::mpsc::channel();
    let pid = child.id();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(std::time::Duration::from_secs(20)) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            panic!("gobrpc call with no argument waited on the terminal");
        }
    };
    drop(stdin);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(text.contains("no argument"), "{text}");
}

#[test]
fn value_paths_are_written_one_way_everywhere() {
    let s = Scratch::new("traps-paths");
    let file = s.file("service.go", SERVICE_GO);
    // Inferred (call) and declared (encode, call --types) arguments name the value alike.
    gobrpc(&["call", &tcp(), "Arith.Add", r#"{"L":[[1],["x"]]}"#], b"").fails(
        2,
        &["argument: at `L[1]`: array elements of different types"],
    );
    gobrpc(
        &["encode", "--types", &file, "--type", "T"],
        br#"{"Items":[{"Name":"a"},{"Name":5}]}"#,
    )
    .fails(2, &["line 1: at `Items[1].Name`: expected a string"]);
    gobrpc(
        &[
            "call",
            "--types",
            &file,
            "--arg-type",
            "T",
            &tcp(),
            "Arith.Add",
            r#"{"Items":[{"Name":5}]}"#,
        ],
        b"",
    )
    .fails(2, &["argument: at `Items[0].Name`"]);
    gobrpc(
        &["encode", "--type", "map[string][]int"],
        br#"{"k":[1,"x"]}"#,
    )
    .fails(2, &[r#"at `["k"][1]`"#]);
}

//! `gobrpc call` and `gobrpc describe` against the bundled Go server: every service, every
//! transport, and the exit codes of server errors (1), bad input (2) and connection or
//! protocol errors (3).

use crate::common::server::{GoServer, ServerInfo};
use crate::{gobrpc, json, Run, Scratch};
use std::sync::OnceLock;

/// One Go server with every listener, shared by the tests of this file (it exits when the
/// test process does: its stdin closes).
fn server() -> &'static ServerInfo {
    static SERVER: OnceLock<GoServer> = OnceLock::new();
    let unix = std::env::temp_dir().join(format!("gobrpc-cli-{}.sock", std::process::id()));
    let unix = unix.to_string_lossy().into_owned();
    &SERVER
        .get_or_init(|| {
            GoServer::start(&[
                "-http",
                "127.0.0.1:0",
                "-tls",
                "127.0.0.1:0",
                "-unix",
                &unix,
            ])
        })
        .info
}

fn tcp() -> String {
    server().tcp.clone().expect("tcp listener")
}

fn call(extra: &[&str], method: &str, arg: &str) -> Run {
    let addr = tcp();
    let mut args = vec!["call"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&[&addr, method, arg]);
    gobrpc(&args, b"")
}

#[track_caller]
fn reply(method: &str, arg: &str) -> serde_json::Value {
    json(call(&[], method, arg).ok().trim())
}

#[test]
fn calls_every_service_with_inferred_argument_types() {
    use serde_json::json as j;
    assert_eq!(
        reply("HelloService.Hello", r#""gopher""#),
        j!("hello, gopher")
    );
    assert_eq!(reply("Arith.Add", r#"{"A":7,"B":8}"#), j!({"C": 15}));
    assert_eq!(reply("Arith.Mul", r#"{"A":7,"B":8}"#), j!({"C": 56}));
    assert_eq!(reply("Arith.Div", r#"{"A":7,"B":2}"#), j!({"C": 3}));
    assert_eq!(reply("Arith.String", r#"{"A":7,"B":8}"#), j!("7+8=15"));
    assert_eq!(reply("Arith.Scan", r#""42""#), j!({"C": 42}));
    assert_eq!(reply("Arith.SleepMilli", r#"{"A":5,"B":3}"#), j!({"C": 3}));
    // A field the argument omits is Go's zero value.
    assert_eq!(reply("Arith.Add", r#"{"B":-8}"#), j!({"C": -8}));
    assert_eq!(reply("BuiltinTypes.Map", r#"{"A":7,"B":8}"#), j!({"7": 8}));
    assert_eq!(reply("BuiltinTypes.Slice", r#"{"A":7,"B":8}"#), j!([7, 8]));
    assert_eq!(reply("BuiltinTypes.Array", r#"{"A":7,"B":8}"#), j!([7, 8]));
    assert_eq!(
        reply("KVStoreService.Set", r#"{"Key":"cli","Value":"v1"}"#),
        j!({})
    );
    assert_eq!(reply("KVStoreService.Get", r#""cli""#), j!("v1"));
    assert_eq!(
        reply("Auth.Login", r#"{"User":"gopher","Password":"secret"}"#),
        j!("welcome gopher")
    );
    assert_eq!(
        reply("Echo.Point", r#"{"X":1,"Y":-2}"#),
        j!({"X": 1, "Y": -2})
    );
    // The argument from stdin.
    let run = gobrpc(&["call", &tcp(), "Arith.Add", "-"], br#"{"A":1,"B":2}"#);
    assert_eq!(json(run.ok().trim()), j!({"C": 3}));
    let run = gobrpc(&["call", &tcp(), "Arith.Add"], br#"{"A":2,"B":2}"#);
    assert_eq!(json(run.ok().trim()), j!({"C": 4}));
}

#[test]
fn server_errors_exit_1_with_go_text() {
    let cases = [
        ("Arith.Div", r#"{"A":1,"B":0}"#, "divide by zero"),
        ("Arith.Error", r#"{"A":1}"#, "ERROR"),
        (
            "KVStoreService.Get",
            r#""no-such-key""#,
            "key not found: no-such-key",
        ),
        ("KVStoreService.Watch", "0", "watch timeout"),
        (
            "Auth.Login",
            r#"{"User":"x","Password":"y"}"#,
            "invalid credentials",
        ),
        ("Auth.Whoami", "0", "not logged in"),
        ("Auth.Secret", "0", "not logged in"),
        ("Nope.Method", "1", "rpc: can't find service Nope.Method"),
        ("Arith.Nope", "1", "rpc: can't find method Arith.Nope"),
    ];
    for (method, arg, text) in cases {
        let run = call(&[], method, arg);
        run.fails(1, &[text]);
        assert_eq!(run.stderr.trim_end(), text, "Go's text, verbatim");
        assert!(run.stdout.is_empty());
    }
    // An argument of the wrong Go type: Go's gob error, from the server.
    call(&[], "Arith.Add", r#""seven""#).fails(1, &["gob"]);
}

#[test]
fn every_transport() {
    let s = server();
    let (http, unix, tls, ca) = (
        s.http.clone().unwrap(),
        s.unix.clone().unwrap(),
        s.tls.clone().unwrap(),
        s.tls_ca.clone().unwrap(),
    );
    let want = json(r#"{"C":15}"#);
    let arg = r#"{"A":7,"B":8}"#;
    let runs = [
        gobrpc(&["call", &tcp(), "Arith.Add", arg], b""),
        gobrpc(&["call", "--unix", &unix, "Arith.Add", arg], b""),
        gobrpc(&["call", "--http", &http, "Arith.Add", arg], b""),
        gobrpc(
            &["call", "--http=/custom_rpc", &http, "Arith.Add", arg],
            b"",
        ),
        gobrpc(&["call", "--tls-ca", &ca, &tls, "Arith.Add", arg], b""),
        gobrpc(
            &[
                "call",
                "--tls-ca",
                &ca,
                "--server-name",
                "localhost",
                &tls,
                "Arith.Add",
                arg,
            ],
            b"",
        ),
        gobrpc(&["call", "--timeout", "5s", &tcp(), "Arith.Add", arg], b""),
    ];
    for run in runs {
        assert_eq!(json(run.ok().trim()), want);
    }
    // Server errors come back over every transport too.
    let run = gobrpc(
        &["call", "--tls-ca", &ca, &tls, "Arith.Div", r#"{"A":1}"#],
        b"",
    );
    run.fails(1, &["divide by zero"]);
}

#[test]
fn connection_and_protocol_errors_exit_3() {
    let s = server();
    let http = s.http.clone().unwrap();
    let arg = r#"{"A":1,"B":2}"#;
    // Nothing listens there.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = free.local_addr().unwrap().to_string();
    drop(free);
    gobrpc(&["call", &dead, "Arith.Add", arg], b"").fails(3, &["connecting to", &dead]);
    gobrpc(
        &["call", "--unix", "/nonexistent/sock", "Arith.Add", arg],
        b"",
    )
    .fails(3, &["/nonexistent/sock"]);
    // HTTP CONNECT at a path nobody serves.
    gobrpc(&["call", "--http=/nope", &http, "Arith.Add", arg], b"")
        .fails(3, &["unexpected HTTP response: 404"]);
    // TLS against a certificate the CA did not sign for that name.
    let ca = s.tls_ca.clone().unwrap();
    let tls = s.tls.clone().unwrap();
    gobrpc(
        &[
            "call",
            "--tls-ca",
            &ca,
            "--server-name",
            "example.com",
            &tls,
            "Arith.Add",
            arg,
        ],
        b"",
    )
    .fails(3, &["connecting to"]);
    // TLS spoken to a plain gob listener.
    gobrpc(
        &[
            "call",
            "--tls-ca",
            &ca,
            "--timeout",
            "3s",
            &tcp(),
            "Arith.Add",
            arg,
        ],
        b"",
    )
    .fails(3, &[]);
    // No reply in time.
    let run = call(
        &["--timeout", "100ms"],
        "Arith.SleepMilli",
        r#"{"A":3000,"B":1}"#,
    );
    run.fails(3, &["no reply within"]);
    // The server closes the connection instead of replying.
    call(&[], "Control.CloseConn", "0").fails(3, &["Control.CloseConn"]);
}

#[test]
fn server_exit_while_calling_is_a_connection_error() {
    let srv = GoServer::tcp();
    let run = gobrpc(&["call", &srv.tcp_addr(), "Control.Exit", "0"], b"");
    run.fails(3, &["Control.Exit"]);
}

#[test]
fn bad_arguments_exit_2() {
    call(&[], "Arith.Add", r#"{"A":1,"#).fails(2, &["invalid JSON", "line 1 column"]);
    call(&[], "ArithAdd", "1").fails(2, &["Service.Method"]);
    call(&[], "Arith.Add", r#"[1,"x"]"#).fails(2, &["at `[1]`", "--types"]);
    call(&[], "Arith.Add", r#"{"lower":1}"#).fails(2, &["lower", "exported"]);
    call(&[], "Arith.Add", "null").fails(2, &["null"]);
    call(&["--timeout", "soon"], "Arith.Add", "1").fails_usage();
    let s = Scratch::new("call-ca");
    let ca = s.file("empty.pem", "");
    let tls = server().tls.clone().unwrap();
    gobrpc(&["call", "--tls-ca", &ca, &tls, "Arith.Add", "1"], b"").fails(2, &["empty.pem"]);
    let run = gobrpc(&["call", &tcp()], b"");
    assert_eq!(run.code, 2, "{run:?}");
}

impl Run {
    /// A usage error from the argument parser: exit code 2.
    #[track_caller]
    fn fails_usage(&self) {
        assert_eq!(self.code, 2, "{self:?}");
        assert!(!self.stderr.is_empty());
    }
}

#[test]
fn describe_lists_services_methods_and_types() {
    let http = server().http.clone().unwrap();
    let out = gobrpc(&["describe", &http], b"").ok();
    for want in [
        "Arith.Add(main.Args, *main.Reply) error",
        "Arith.String(*main.Args, *string) error",
        "Echo.Nested(map[string]map[string][]int, *map[string]map[string][]int) error",
        "Echo.Big(*big.Int, *big.Int) error",
        "HelloService.Hello(string, *string) error",
        "KVStoreService.Set(main.KV, *struct {}) error",
    ] {
        assert!(out.lines().any(|l| l == want), "missing {want:?} in\n{out}");
    }
    let doc = json(gobrpc(&["describe", "--json", &http], b"").ok().trim());
    let services = doc.as_array().unwrap();
    let names: Vec<&str> = services
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    for want in [
        "Arith",
        "Auth",
        "BuiltinTypes",
        "Control",
        "Echo",
        "HelloService",
        "KVStoreService",
    ] {
        assert!(names.contains(&want), "{names:?}");
    }
    let arith = services.iter().find(|s| s["service"] == "Arith").unwrap();
    assert_eq!(
        arith["methods"][0],
        json(r#"{"name":"Add","arg_type":"main.Args","reply_type":"*main.Reply","calls":0}"#)
    );
    let out = gobrpc(
        &[
            "describe",
            "--path",
            "/debug/rpc",
            &format!("http://{http}/"),
        ],
        b"",
    );
    assert_eq!(out.ok().lines().count(), out.out().lines().count());
}

#[test]
fn describe_errors_exit_3() {
    let http = server().http.clone().unwrap();
    gobrpc(&["describe", "--path", "/nope", &http], b"").fails(3, &["/nope", "404"]);
    gobrpc(&["describe", "--path", "/_goRPC_", &http], b"").fails(3, &["405"]);
    gobrpc(&["describe", "--timeout", "2s", &tcp()], b"").fails(3, &[]);
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = free.local_addr().unwrap().to_string();
    drop(free);
    gobrpc(&["describe", &dead], b"").fails(3, &["connecting to"]);
}

#[test]
fn watch_returns_the_key_of_the_next_set() {
    let addr = tcp();
    let watcher = {
        let addr = addr.clone();
        std::thread::spawn(move || gobrpc(&["call", &addr, "KVStoreService.Watch", "10"], b""))
    };
    // The Watch only sees Sets made after it started: repeat the Set until it returns.
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        call(
            &[],
            "KVStoreService.Set",
            r#"{"Key":"watched","Value":"x"}"#,
        )
        .ok();
        if watcher.is_finished() {
            break;
        }
    }
    let run = watcher.join().unwrap();
    assert_eq!(json(run.ok().trim()), json(r#""watched""#));
}

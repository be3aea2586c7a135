//! `gobrpc tap` between Go's client and the bundled Go server: what Go gets is the same with
//! and without the tap, every JSON line the tap prints is checked by Go against what Go sent
//! and got (`gointerop tap-check`), and bytes the tap cannot decode are forwarded, reported,
//! and leave the tap serving.
#![cfg(feature = "cli")]

mod common;

use common::server::GoServer;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A running `gobrpc tap --json`, its stdout in a file; killed when dropped.
struct TapProc {
    child: Child,
    _stderr: BufReader<ChildStderr>,
    addr: String,
    log: PathBuf,
}

impl TapProc {
    fn start(name: &str, flags: &[&str], upstream: &str) -> TapProc {
        Self::spawn(name, flags, "127.0.0.1:0", upstream)
    }

    fn start_at(name: &str, listen: &str, upstream: &str) -> TapProc {
        Self::spawn(name, &[], listen, upstream)
    }

    fn spawn(name: &str, flags: &[&str], listen: &str, upstream: &str) -> TapProc {
        let dir = std::env::temp_dir().join(format!("gobrpc-tap-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join(format!("{name}.jsonl"));
        let out = std::fs::File::create(&log).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_gobrpc"))
            .arg("tap")
            .arg("--json")
            .args(flags)
            .args([listen, upstream])
            .stdout(Stdio::from(out))
            .stderr(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .expect("start gobrpc tap");
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        let addr = line
            .split("listening on ")
            .nth(1)
            .and_then(|r| r.split(", forwarding").next())
            .unwrap_or_else(|| panic!("tap's first line: {line:?}"))
            .to_string();
        TapProc {
            child,
            _stderr: stderr,
            addr,
            log,
        }
    }

    fn lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("tap line {l:?}: {e}")))
            .collect()
    }

    /// Waits (hang guard only) until `pred` holds for some line.
    fn wait_for(&self, what: &str, pred: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(l) = self.lines().into_iter().find(|l| pred(l)) {
                return l;
            }
            assert!(
                Instant::now() < deadline,
                "no tap line {what}: {:?}",
                self.lines()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn still_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for TapProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

fn gointerop(args: &[&str]) -> Output {
    let out = Command::new(common::gointerop())
        .args(args)
        .output()
        .expect("run gointerop");
    assert!(
        out.status.success(),
        "gointerop {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn go_gets_the_same_results_through_the_tap_over_tcp_and_http() {
    let direct = GoServer::start(&["-http", "127.0.0.1:0"]);
    let tapped = GoServer::start(&["-http", "127.0.0.1:0"]);
    let tcp = TapProc::start("diff-tcp", &[], tapped.info.tcp.as_deref().unwrap());
    let http = TapProc::start(
        "diff-http",
        &["--http"],
        tapped.info.http.as_deref().unwrap(),
    );
    let without = gointerop(&[
        "netrpc-diff",
        "-tcp",
        direct.info.tcp.as_deref().unwrap(),
        "-http",
        direct.info.http.as_deref().unwrap(),
    ]);
    let with = gointerop(&["netrpc-diff", "-tcp", &tcp.addr, "-http", &http.addr]);
    assert!(!without.stdout.is_empty());
    // Equal but for the ephemeral ports in a "use of closed network connection" text.
    assert_eq!(ports_masked(&with.stdout), ports_masked(&without.stdout));
    // The tap saw calls on both transports and decoded them all.
    for tap in [&tcp, &http] {
        let lines = tap.lines();
        assert!(
            lines.iter().any(|l| l["method"] == "Arith.Add"),
            "{lines:?}"
        );
        let problems: Vec<_> = lines
            .iter()
            .filter(|l| l.get("problem").is_some())
            .collect();
        assert!(
            problems.iter().all(|p| p["problem"]
                .as_str()
                .unwrap()
                .contains("ended inside a message")),
            "{problems:?}"
        );
    }
}

fn ports_masked(out: &[u8]) -> String {
    let text = String::from_utf8_lossy(out);
    let mut parts = text.split("127.0.0.1:");
    let mut masked = parts.next().unwrap_or_default().to_string();
    for p in parts {
        masked.push_str("127.0.0.1:PORT");
        masked.push_str(p.trim_start_matches(|c: char| c.is_ascii_digit()));
    }
    masked
}

#[test]
fn go_checks_every_json_line_against_what_it_sent_and_got() {
    let server = GoServer::start(&["-http", "127.0.0.1:0"]);
    let tcp = TapProc::start("check-tcp", &[], server.info.tcp.as_deref().unwrap());
    let http = TapProc::start(
        "check-http",
        &["--http"],
        server.info.http.as_deref().unwrap(),
    );
    let out = gointerop(&[
        "tap-check",
        "-addr",
        &tcp.addr,
        "-log",
        tcp.log.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok ")).count(),
        20,
        "{text}"
    );
    let out = gointerop(&[
        "tap-check",
        "-addr",
        &http.addr,
        "-http",
        "-log",
        http.log.to_str().unwrap(),
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok ")).count(),
        20,
        "{text}"
    );
}

/// Sends `bytes`, half-closes, and returns everything the other side sent until it closed.
fn exchange(addr: &str, bytes: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s.write_all(bytes).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let mut got = Vec::new();
    s.read_to_end(&mut got).unwrap();
    got
}

#[test]
fn garbage_and_a_mid_stream_disconnect_are_forwarded_and_reported() {
    let server = GoServer::tcp();
    let mut tap = TapProc::start("garbage", &[], &server.tcp_addr());

    // Not gob: Go's server gets the same bytes and answers the same (nothing) either way.
    let garbage = b"\x03\x01\x02\x03 this is not gob";
    assert_eq!(
        exchange(&tap.addr, garbage),
        exchange(&server.tcp_addr(), garbage)
    );
    let p = tap.wait_for("about the garbage", |l| {
        l["conn"] == 1 && l.get("problem").is_some()
    });
    assert_eq!(p["stream"], "requests", "{p}");

    // A real request (header, then arguments) cut in the middle of its arguments.
    let mut whole = Vec::new();
    {
        use gobrpc::GobType;
        #[derive(serde::Serialize, GobType)]
        #[gob(name = "rpc.Request")]
        struct Request {
            #[serde(rename = "ServiceMethod")]
            service_method: String,
            #[serde(rename = "Seq")]
            seq: u64,
        }
        let mut enc = gobrpc::Encoder::new(&mut whole);
        enc.encode(&Request {
            service_method: "Echo.Bytes".into(),
            seq: 0,
        })
        .unwrap();
        enc.encode(&serde_bytes::ByteBuf::from(vec![7u8; 100]))
            .unwrap();
    }
    let cut = &whole[..whole.len() - 50];
    assert_eq!(exchange(&tap.addr, cut), exchange(&server.tcp_addr(), cut));
    let p = tap.wait_for("about the cut stream", |l| {
        l["conn"] == 2 && l.get("problem").is_some()
    });
    assert_eq!(p["stream"], "requests", "{p}");
    assert!(
        p["problem"]
            .as_str()
            .unwrap()
            .contains("ended inside a message"),
        "{p}"
    );

    // The tap is still up: Go's client calls through it, and the tap sees the calls.
    assert!(tap.still_running());
    let out = gointerop(&[
        "tap-check",
        "-addr",
        &tap.addr,
        "-log",
        tap.log.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok Arith.Add #0"));
}

#[test]
fn unix_sockets_on_both_sides() {
    let dir = std::env::temp_dir().join(format!("gobrpc-tap-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (upstream, listen) = (dir.join("server.sock"), dir.join("tap.sock"));
    let server = GoServer::start(&["-tcp", "", "-unix", upstream.to_str().unwrap()]);
    let listen_arg = format!("unix:{}", listen.display());
    let upstream_arg = format!("unix:{}", upstream.display());
    let mut tap = TapProc::start_at("unix", &listen_arg, &upstream_arg);
    assert_eq!(tap.addr, listen_arg);
    let out = Command::new(env!("CARGO_BIN_EXE_gobrpc"))
        .args([
            "call",
            "--unix",
            listen.to_str().unwrap(),
            "Arith.Add",
            r#"{"A":7,"B":8}"#,
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "{\"C\":15}\n");
    let l = tap.wait_for("for Arith.Add", |l| l["method"] == "Arith.Add");
    assert_eq!(l["args"], serde_json::json!({"A": 7, "B": 8}));
    assert_eq!(l["reply"], serde_json::json!({"C": 15}));
    assert!(tap.still_running());
    drop(tap);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}

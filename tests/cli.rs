//! The `gobrpc` command-line tool, run as a process: `dump` against every Go fixture,
//! `encode` round trips checked by a Go decoder, `call` and `describe` against the bundled Go
//! server over every transport, `serve` against Go's client, and every class of bad input
//! with its exit code and its one-line message.
#![cfg(feature = "cli")]

mod common;

#[path = "cli/call.rs"]
mod call;
#[path = "cli/dump.rs"]
mod dump;
#[path = "cli/encode.rs"]
mod encode;
#[path = "cli/plugin.rs"]
mod plugin;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/traps.rs"]
mod traps;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What one run of the tool did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Run {
    pub fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    /// Asserts success and returns stdout as text.
    #[track_caller]
    pub fn ok(&self) -> String {
        assert_eq!(
            self.code,
            0,
            "gobrpc failed: stderr {:?}, stdout {:?}",
            self.stderr,
            self.out()
        );
        self.out()
    }

    /// Asserts the exit code and a one-line stderr containing every one of `needles`.
    #[track_caller]
    pub fn fails(&self, code: i32, needles: &[&str]) {
        assert_eq!(
            self.code,
            code,
            "exit code: stderr {:?}, stdout {:?}",
            self.stderr,
            self.out()
        );
        assert_eq!(
            self.stderr.trim_end().lines().count(),
            1,
            "stderr is not one line: {:?}",
            self.stderr
        );
        for n in needles {
            assert!(
                self.stderr.contains(n),
                "stderr {:?} lacks {n:?}",
                self.stderr
            );
        }
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
    }
}

/// Runs `gobrpc ARGS…` with `stdin`.
pub fn gobrpc(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gobrpc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start gobrpc");
    let mut w = child.stdin.take().expect("stdin");
    let input = stdin.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = w.write_all(&input);
    });
    // A hang is a failure: the process is killed after a deadline.
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let out = match rx.recv_timeout(std::time::Duration::from_secs(120)) {
        Ok(out) => out.expect("wait for gobrpc"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("gobrpc {args:?} did not finish within 120 s");
        }
    };
    feeder.join().expect("stdin feeder");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A scratch directory for one test, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(tag: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("gobrpc-cli-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        Scratch(d)
    }

    /// Writes `name` with `content`; returns its path as a string.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, content).expect("write scratch file");
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Parses JSON, panicking with the text on failure.
#[track_caller]
pub fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("not JSON ({e}): {s:?}"))
}

//! The bundled Go net/rpc server (`gointerop server`), started per test; it stops by itself
//! when the test drops it (killed) or dies (its stdin closes).

use serde::Deserialize;
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};

/// What the server printed on startup.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ServerInfo {
    #[serde(default)]
    pub tcp: Option<String>,
    #[serde(default)]
    pub unix: Option<String>,
    #[serde(default)]
    pub http: Option<String>,
    #[serde(default)]
    pub http_path: Option<String>,
    #[serde(default)]
    pub tls: Option<String>,
    #[serde(default)]
    pub tls_ca: Option<String>,
}

pub struct GoServer {
    child: Child,
    _stdin: ChildStdin,
    pub info: ServerInfo,
}

impl GoServer {
    /// Starts `gointerop server ARGS…` and waits for its address line.
    pub fn start(args: &[&str]) -> GoServer {
        let mut go = Command::new(super::gointerop());
        go.arg("server");
        Self::spawn(go, args)
    }

    /// Starts another `gointerop` server subcommand (`ctx-server`, …) that prints the same
    /// address line.
    pub fn start_sub(sub: &str, args: &[&str]) -> GoServer {
        let mut go = Command::new(super::gointerop());
        go.arg(sub);
        Self::spawn(go, args)
    }

    /// Starts the Rust twin of the Go server (`examples/interop_server.rs`: the same
    /// services, flags and address line, served by gobrpc's server).
    pub fn start_rust(args: &[&str]) -> GoServer {
        Self::spawn(
            Command::new(super::examples_dir().join("interop_server")),
            args,
        )
    }

    fn spawn(mut command: Command, args: &[&str]) -> GoServer {
        let mut child = command
            .args(args)
            .args(["-lifetime", "5m"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the Go server");
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .expect("read the Go server's address line");
        let info: ServerInfo = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("Go server startup line {line:?}: {e}"));
        GoServer {
            child,
            _stdin: stdin,
            info,
        }
    }

    /// TCP only.
    pub fn tcp() -> GoServer {
        Self::start(&[])
    }

    pub fn tcp_addr(&self) -> String {
        self.info.tcp.clone().expect("server has a TCP listener")
    }

    /// Waits for the server to exit (after `Control.Exit`), returning its exit code.
    pub fn wait(&mut self) -> Option<i32> {
        self.child.wait().ok().and_then(|s| s.code())
    }
}

impl Drop for GoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The server benchmarks: Go's `net/rpc` client driving Go's server, gobrpc's server
//! (`gobrpc-bench rust-server`) and the raw-replier floor (`gobrpc-bench raw-replier`); and
//! gobrpc's client driving gobrpc's server. Each run is `throughput` at one concurrency on
//! one connection; the client also reads the server process's CPU time over its window
//! (`--server-pid`), so each run gives calls/s, server CPU per call and client CPU per call.

use crate::client::RunResult;
use crate::harness::{client_command, progress, run_result, Config, RpcScenario, ServerProc, Side};
use crate::table::{num, Samples};
use serde_json::{json, Value};
use std::process::Command;

/// Which client drives which server.
#[derive(Clone, Copy, PartialEq)]
enum Pair {
    /// Go's client, Go's server.
    GoGo,
    /// Go's client, the Rust server.
    GoRust,
    /// Go's client, the raw replier.
    GoRaw,
    /// gobrpc's client, the Rust server.
    RustRust,
}

impl Pair {
    fn name(self) -> &'static str {
        match self {
            Pair::GoGo => "go_go",
            Pair::GoRust => "go_rust",
            Pair::GoRaw => "go_raw",
            Pair::RustRust => "rust_rust",
        }
    }

    fn client(self) -> Side {
        match self {
            Pair::RustRust => Side::Rust,
            _ => Side::Go,
        }
    }
}

/// The metric keys of one concurrency.
pub(crate) fn metrics(c: usize) -> [String; 3] {
    [
        format!("server.throughput_c{c}"),
        format!("server.cpu_per_call_c{c}"),
        format!("server.client_cpu_c{c}"),
    ]
}

fn wanted(cfg: &Config, c: usize) -> bool {
    metrics(c).iter().any(|m| cfg.wants(m))
}

/// The Rust server and the raw replier (Go's server is the harness's own).
pub(crate) struct Servers {
    rust: ServerProc,
    raw: ServerProc,
}

impl Servers {
    /// Starts both, if any server scenario is wanted.
    pub(crate) fn start(cfg: &Config) -> Result<Option<Servers>, String> {
        if !cfg.server_concurrency.iter().any(|&c| wanted(cfg, c)) {
            return Ok(None);
        }
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut rust = Command::new(&exe);
        rust.args(["rust-server", "--threads", &cfg.server_threads.to_string()]);
        let mut raw = Command::new(&exe);
        raw.arg("raw-replier");
        let servers = Servers {
            rust: ServerProc::start(rust)?,
            raw: ServerProc::start(raw)?,
        };
        progress(&format!(
            "Rust server on {} ({} tokio workers), raw replier on {}",
            servers.rust.addr, cfg.server_threads, servers.raw.addr
        ));
        Ok(Some(servers))
    }
}

/// What one round records, and where.
pub(crate) struct Sink<'a> {
    pub(crate) samples: &'a mut Samples,
    pub(crate) runs: &'a mut Vec<Value>,
    pub(crate) errors: &'a mut Vec<String>,
}

impl Sink<'_> {
    /// Runs one client child (`side` of scenario `kind`): records its result with `record`
    /// and keeps its JSON line, or keeps (and shows) its error. On success, the progress
    /// line's part for it (`side` and what `record` returned).
    pub(crate) fn run(
        &mut self,
        cmd: Command,
        round: usize,
        kind: &str,
        side: &str,
        record: impl FnOnce(&mut Samples, &RunResult) -> String,
    ) -> Option<String> {
        match run_result(cmd) {
            Ok((l, r)) => {
                let text = record(self.samples, &r);
                self.runs
                    .push(json!({"round": round, "side": side, "kind": kind, "result": l}));
                Some(format!("{side} {text}"))
            }
            Err(e) => {
                let e = format!("{kind} {side}: {e}");
                progress(&format!("ERROR {e}"));
                self.errors.push(e);
                None
            }
        }
    }
}

/// The progress line of one scenario's round.
pub(crate) fn round_done(cfg: &Config, round: usize, key: &str, line: &[String]) {
    progress(&format!(
        "round {}/{}: {key}: {}",
        round + 1,
        cfg.rounds,
        line.join(", ")
    ));
}

/// One round of every wanted server scenario, the pairs alternating their order.
pub(crate) fn run_round(
    cfg: &Config,
    round: usize,
    go: &ServerProc,
    servers: &Servers,
    out: &mut Sink<'_>,
) {
    let order = if round.is_multiple_of(2) {
        [Pair::GoRust, Pair::GoGo, Pair::RustRust, Pair::GoRaw]
    } else {
        [Pair::GoGo, Pair::GoRust, Pair::GoRaw, Pair::RustRust]
    };
    let window = Config {
        duration_ms: cfg.server_duration_ms,
        ..cfg.clone()
    };
    for &c in &cfg.server_concurrency {
        if !wanted(cfg, c) {
            continue;
        }
        let s = RpcScenario {
            key: format!("server.c{c}"),
            scenario: "throughput",
            concurrency: c,
        };
        let mut line = Vec::new();
        for pair in order {
            let server = match pair {
                Pair::GoGo => go,
                Pair::GoRust | Pair::RustRust => &servers.rust,
                Pair::GoRaw => &servers.raw,
            };
            let mut cmd = client_command(&window, pair.client(), &s, &server.addr);
            let flag = match pair.client() {
                Side::Go => "-server-pid",
                _ => "--server-pid",
            };
            cmd.args([flag, &server.pid().to_string()]);
            line.extend(out.run(cmd, round, &s.key, pair.name(), |samples, r| {
                record(samples, c, pair, r)
            }));
        }
        round_done(cfg, round, &s.key, &line);
    }
}

/// Turns one run into samples; a short summary for the progress line.
fn record(samples: &mut Samples, c: usize, pair: Pair, r: &RunResult) -> String {
    let [rate, server_cpu, client_cpu] = metrics(c);
    let calls = r.calls.max(1) as f64;
    let per_s = r.calls as f64 / (r.elapsed_ns as f64 / 1e9);
    samples.add(&rate, pair.name(), per_s);
    let client = (r.cpu_user_ns + r.cpu_sys_ns) as f64 / 1e3 / calls;
    samples.add(&client_cpu, pair.name(), client);
    let mut text = format!("{} calls/s", num(per_s));
    if r.server_cpu_ns > 0 {
        let server = r.server_cpu_ns as f64 / 1e3 / calls;
        samples.add(&server_cpu, pair.name(), server);
        text.push_str(&format!(", server {server:.2} µs/call"));
    }
    text + &format!(", client {client:.2} µs/call")
}

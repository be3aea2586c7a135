//! The tap benchmark: Go's `net/rpc` client at c64 calling the Go server directly, and
//! through `gobrpc tap --json` (the release binary, its output to /dev/null), in the same
//! round. Go's client is given the tap's pid (`-server-pid`), so each run through the tap
//! also reports the tap process's CPU time over the window (`/proc/PID/stat`).

use crate::client::RunResult;
use crate::harness::{client_command, progress, Config, RpcScenario, ServerProc, Side};
use crate::server_bench::{round_done, Sink};
use crate::table::{num, RowSpec, Samples, Target};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Callers on the one connection.
const CONCURRENCY: usize = 64;

pub(crate) const THROUGHPUT: &str = "tap.throughput_c64";
pub(crate) const TAP_CPU: &str = "tap.cpu_per_call_c64";

/// Whether any tap scenario is wanted.
pub(crate) fn wanted(cfg: &Config) -> bool {
    cfg.wants(THROUGHPUT) || cfg.wants(TAP_CPU)
}

/// `gobrpc tap --json 127.0.0.1:0 UPSTREAM`, running until dropped.
pub(crate) struct TapProc {
    child: Child,
    addr: String,
}

impl TapProc {
    /// Starts the tap in front of `upstream`, if a tap scenario is wanted.
    pub(crate) fn start(cfg: &Config, upstream: &str) -> Result<Option<TapProc>, String> {
        if !wanted(cfg) {
            return Ok(None);
        }
        let mut cmd = Command::new(&cfg.gobrpc);
        cmd.args(["tap", "--json", "127.0.0.1:0", upstream]);
        let shown = format!("{cmd:?}");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                format!("{shown}: {e} (build it: cargo build --release --features cli --bin gobrpc, or run scripts/bench)")
            })?;
        // "gobrpc tap: listening on ADDR, forwarding to UPSTREAM"; the rest is drained.
        let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
        let mut line = String::new();
        stderr.read_line(&mut line).map_err(|e| e.to_string())?;
        let addr = line
            .split_once("listening on ")
            .and_then(|(_, rest)| rest.split_once(','))
            .map(|(addr, _)| addr.to_string());
        std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
        let Some(addr) = addr else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{shown}: said {line:?}"));
        };
        progress(&format!("gobrpc tap on {addr}, forwarding to {upstream}"));
        Ok(Some(TapProc { child, addr }))
    }
}

impl Drop for TapProc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One round: Go's client direct and through the tap, in alternating order.
pub(crate) fn run_round(
    cfg: &Config,
    round: usize,
    go: &ServerProc,
    tap: &TapProc,
    out: &mut Sink<'_>,
) {
    let window = Config {
        duration_ms: cfg.server_duration_ms,
        ..cfg.clone()
    };
    let s = RpcScenario {
        key: "tap.c64".into(),
        scenario: "throughput",
        concurrency: CONCURRENCY,
    };
    let sides = if round.is_multiple_of(2) {
        ["tap", "direct"]
    } else {
        ["direct", "tap"]
    };
    let mut line = Vec::new();
    for side in sides {
        let cmd = if side == "tap" {
            let mut c = client_command(&window, Side::Go, &s, &tap.addr);
            c.args(["-server-pid", &tap.child.id().to_string()]);
            c
        } else {
            client_command(&window, Side::Go, &s, &go.addr)
        };
        line.extend(out.run(cmd, round, &s.key, side, |samples, r| {
            record(samples, side, r)
        }));
    }
    round_done(cfg, round, &s.key, &line);
}

fn record(samples: &mut Samples, side: &'static str, r: &RunResult) -> String {
    let per_s = r.calls as f64 / (r.elapsed_ns as f64 / 1e9);
    samples.add(THROUGHPUT, side, per_s);
    let mut text = format!("{} calls/s", num(per_s));
    if side == "tap" {
        let cpu = r.server_cpu_ns as f64 / 1e3 / r.calls.max(1) as f64;
        samples.add(TAP_CPU, side, cpu);
        text.push_str(&format!(", tap {cpu:.2} µs/call"));
    }
    text
}

/// The table's rows: calls/s through the tap against direct, and the tap's CPU per call.
pub(crate) fn rows(v: &mut Vec<(&'static str, RowSpec)>) {
    v.push((
        "tap",
        RowSpec::new(
            THROUGHPUT,
            "tap.throughput_c64 (Go client → tap → Go server)",
            "calls/s",
            "tap",
            "direct",
            Target::RatioMin(0.75),
        ),
    ));
    v.push((
        "tap",
        RowSpec::new(
            TAP_CPU,
            "tap.cpu_per_call_c64 (tap process user+sys per forwarded call)",
            "µs",
            "tap",
            "direct",
            Target::AbsMax(3.0),
        )
        .b_missing("(no tap)"),
    ));
}

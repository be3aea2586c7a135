//! The tap benchmark: Go's `net/rpc` client at c64 calling the Go server directly, through
//! `gobrpc tap --json` (the release binary, its output to /dev/null), and through the raw
//! proxy (`gobrpc-bench raw-proxy`: the tap's forwarding alone, decoding nothing), in the
//! same round. Go's client is given the proxy's pid (`-server-pid`), so each run through a
//! proxy also reports that process's CPU time over the window (`/proc/PID/stat`).

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

/// `gobrpc-bench raw-proxy`: forwards every connection to `upstream` as the tap does (a
/// task per connection, 64 KiB reads, each written on at once; a tokio current-thread
/// runtime, as each of `gobrpc tap`'s threads runs, one connection on one thread), decoding
/// nothing. Runs until stdin ends.
pub fn run_raw_proxy(addr: &str, upstream: &str) -> Result<(), String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    async fn pump(
        mut from: impl tokio::io::AsyncRead + Unpin,
        mut to: impl tokio::io::AsyncWrite + Unpin,
    ) {
        let mut buf = vec![0u8; 64 << 10];
        while let Ok(n @ 1..) = from.read(&mut buf).await {
            if to.write_all(&buf[..n]).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    }
    // One current-thread runtime: the benchmark's one connection is served as the tap
    // serves it, on one thread of its own.
    let rt = crate::client::runtime(0)?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        crate::server::announce(listener.local_addr().map_err(|e| e.to_string())?)?;
        loop {
            let (client, _) = listener.accept().await.map_err(|e| e.to_string())?;
            let upstream = upstream.to_string();
            tokio::spawn(async move {
                let Ok(up) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = (client.set_nodelay(true), up.set_nodelay(true));
                let (cr, cw) = tokio::io::split(client);
                let (ur, uw) = tokio::io::split(up);
                tokio::join!(pump(cr, uw), pump(ur, cw));
            });
        }
    })
}

/// The raw proxy in front of `upstream`, if a tap scenario is wanted.
pub(crate) fn start_raw_proxy(cfg: &Config, upstream: &str) -> Result<Option<ServerProc>, String> {
    if !wanted(cfg) {
        return Ok(None);
    }
    let mut cmd = Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
    cmd.args(["raw-proxy", "--upstream", upstream]);
    ServerProc::start(cmd).map(Some)
}

/// One round: Go's client direct, through the tap and through the raw proxy.
pub(crate) fn run_round(
    cfg: &Config,
    round: usize,
    go: &ServerProc,
    (tap, raw): (&TapProc, &ServerProc),
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
        ["tap", "direct", "raw_proxy"]
    } else {
        ["direct", "tap", "raw_proxy"]
    };
    let mut line = Vec::new();
    for side in sides {
        let (addr, pid) = match side {
            "tap" => (tap.addr.as_str(), Some(tap.child.id())),
            "raw_proxy" => (raw.addr.as_str(), Some(raw.pid())),
            _ => (go.addr.as_str(), None),
        };
        let mut cmd = client_command(&window, Side::Go, &s, addr);
        if let Some(pid) = pid {
            cmd.args(["-server-pid", &pid.to_string()]);
        }
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
    if side != "direct" {
        let cpu = r.server_cpu_ns as f64 / 1e3 / r.calls.max(1) as f64;
        samples.add(TAP_CPU, side, cpu);
        text.push_str(&format!(", proxy {cpu:.2} µs/call"));
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
    // The same two, the tap against its forwarding alone.
    for (metric, label, unit) in [
        (THROUGHPUT, THROUGHPUT, "calls/s"),
        (
            TAP_CPU,
            "tap.cpu_per_call_c64 (proxy process user+sys per forwarded call)",
            "µs",
        ),
    ] {
        v.push((
            "tap_floor",
            RowSpec::new(metric, label, unit, "tap", "raw_proxy", Target::None),
        ));
    }
}

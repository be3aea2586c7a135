//! The orchestrator: one Go server, one echo server, and for every scenario the Rust and Go
//! clients in alternating order (ABAB…) over several rounds, each run in its own process.

use crate::client::{start_echo_server, RunResult};
use crate::sys::{loadavg, Machine};
use crate::table::{build_rows, num, quantile, render, Samples};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub mode: &'static str,
    pub rounds: usize,
    pub duration_ms: u64,
    pub warmup_ms: u64,
    pub codec_sample_ms: u64,
    pub codec_samples: usize,
    pub bytes_size: usize,
    pub bytes_count: usize,
    pub concurrency: Vec<usize>,
    /// Callers per connection in the server benchmarks.
    pub server_concurrency: Vec<usize>,
    /// The measured window of each server-benchmark run.
    pub server_duration_ms: u64,
    /// Tokio worker threads of the Rust server (`gobrpc-bench rust-server`).
    pub server_threads: usize,
    /// Tokio worker threads in gobrpc's client process (0 = current-thread runtime).
    pub rust_threads: usize,
    pub gointerop: PathBuf,
    /// Our go-plugin plugin (`go-interop/build-go-plugin.sh own`).
    pub plugin: PathBuf,
    /// go-plugin's own Go host (`go-interop/build-go-plugin.sh host`).
    pub goplugin_host: PathBuf,
    /// The release `gobrpc` binary (for `gobrpc tap`).
    pub gobrpc: PathBuf,
    #[serde(skip)]
    pub json: Option<PathBuf>,
    /// Only scenarios whose key contains this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only: Option<String>,
}

impl Config {
    pub(crate) fn wants(&self, key: &str) -> bool {
        self.only.as_deref().is_none_or(|o| key.contains(o))
    }

    pub fn new(quick: bool) -> Config {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        Config {
            mode: if quick { "quick" } else { "full" },
            rounds: if quick { 3 } else { 5 },
            duration_ms: if quick { 1000 } else { 4000 },
            warmup_ms: if quick { 200 } else { 500 },
            codec_sample_ms: if quick { 100 } else { 200 },
            codec_samples: 3,
            bytes_size: 64 << 20,
            bytes_count: if quick { 2 } else { 3 },
            concurrency: vec![1, 8, 64, 512],
            server_concurrency: vec![1, 64, 512],
            server_duration_ms: if quick { 500 } else { 2500 },
            server_threads: 2,
            rust_threads: 0,
            gointerop: root.join("go-interop/bin/gointerop"),
            plugin: root.join("go-interop/bin/gobrpc-test-plugin"),
            goplugin_host: root.join("go-interop/bin/goplugin-host"),
            gobrpc: root.join("target/release/gobrpc"),
            json: None,
            only: None,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

/// A server process the clients talk to: it prints one JSON line with its `tcp` address
/// when it is up, and exits when its stdin closes.
pub(crate) struct ServerProc {
    child: Child,
    _stdin: ChildStdin,
    pub(crate) addr: String,
}

impl ServerProc {
    pub(crate) fn start(mut cmd: Command) -> Result<ServerProc, String> {
        let shown = format!("{cmd:?}");
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{shown}: {e}"))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let info: Value = serde_json::from_str(&line)
            .map_err(|e| format!("{shown}: server said {line:?}: {e}"))?;
        let addr = info["tcp"]
            .as_str()
            .ok_or_else(|| format!("{shown}: server printed no tcp address"))?
            .to_string();
        Ok(ServerProc {
            child,
            _stdin: stdin,
            addr,
        })
    }

    /// `gointerop server` on a loopback port.
    pub(crate) fn go(gointerop: &PathBuf) -> Result<ServerProc, String> {
        let mut c = Command::new(gointerop);
        c.args(["server", "-tcp", "127.0.0.1:0", "-lifetime", "0"]);
        ServerProc::start(c)
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServerProc {
    fn drop(&mut self) {
        // Closing stdin makes it exit; kill it if it has not within a second.
        let deadline = Instant::now() + Duration::from_secs(1);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a child to completion; its stdout's JSON lines.
pub(crate) fn run_child(mut cmd: Command) -> Result<Vec<Value>, String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{shown}: {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|e| format!("{shown}: {l:?}: {e}")))
        .collect()
}

/// Runs a client child to completion: its one JSON line, and that line as a [`RunResult`].
pub(crate) fn run_result(cmd: Command) -> Result<(Value, RunResult), String> {
    let l = run_child(cmd)?.into_iter().next().ok_or("no output")?;
    let r = serde_json::from_value(l.clone()).map_err(|e| e.to_string())?;
    Ok((l, r))
}

#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Side {
    Rust,
    /// gobrpc's client with busy polling on (a lone call polls for its reply before its
    /// task parks): the few-callers scenarios only.
    RustBusyPoll,
    Go,
    /// The raw client against the echo server.
    Floor,
    /// The raw client against the Go server.
    ServerFloor,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Rust => "gobrpc",
            Side::RustBusyPoll => "gobrpc_busy_poll",
            Side::Go => "go",
            Side::Floor => "floor",
            Side::ServerFloor => "server_floor",
        }
    }

    /// Whether this side runs scenario `s` (the echo server cannot send a large reply;
    /// busy polling is for one caller).
    fn runs(self, s: &RpcScenario) -> bool {
        match self {
            Side::Floor => s.scenario != "reply",
            Side::RustBusyPoll => s.concurrency == 1 && s.scenario != "reply",
            _ => true,
        }
    }
}

/// The busy-poll budget of the [`Side::RustBusyPoll`] runs, in µs: about two loopback
/// round trips to the Go server on an idle machine.
pub(crate) const BUSY_POLL_US: &str = "100";

/// One end-to-end scenario: its metric key and client arguments.
pub(crate) struct RpcScenario {
    pub(crate) key: String,
    pub(crate) scenario: &'static str,
    pub(crate) concurrency: usize,
}

fn rpc_scenarios(cfg: &Config) -> Vec<RpcScenario> {
    let mut v = vec![RpcScenario {
        key: "rpc.latency_seq".into(),
        scenario: "latency_seq",
        concurrency: 1,
    }];
    for &c in &cfg.concurrency {
        v.push(RpcScenario {
            key: format!("rpc.throughput_c{c}"),
            scenario: "throughput",
            concurrency: c,
        });
    }
    v.push(RpcScenario {
        key: format!("rpc.reply_{}mib", cfg.bytes_size >> 20),
        scenario: "reply",
        concurrency: 1,
    });
    v
}

pub(crate) fn client_command(cfg: &Config, side: Side, s: &RpcScenario, addr: &str) -> Command {
    match side {
        Side::Go => {
            let mut c = Command::new(&cfg.gointerop);
            c.args([
                "bench-rpc-client",
                "-addr",
                addr,
                "-scenario",
                s.scenario,
                "-concurrency",
                &s.concurrency.to_string(),
                "-duration",
                &format!("{}ms", cfg.duration_ms),
                "-warmup",
                &format!("{}ms", cfg.warmup_ms),
                "-size",
                &cfg.bytes_size.to_string(),
                "-count",
                &cfg.bytes_count.to_string(),
            ]);
            c
        }
        Side::Rust | Side::RustBusyPoll | Side::Floor | Side::ServerFloor => {
            let mut c = Command::new(std::env::current_exe().expect("current exe"));
            match side {
                Side::Rust => c.arg("client"),
                Side::RustBusyPoll => c.args(["client", "--busy-poll-us", BUSY_POLL_US]),
                Side::Floor => c.args(["floor-client", "--floor", "echo"]),
                _ => c.args(["floor-client", "--floor", "server"]),
            };
            c.args([
                "--addr",
                addr,
                "--scenario",
                s.scenario,
                "--concurrency",
                &s.concurrency.to_string(),
                "--duration-ms",
                &cfg.duration_ms.to_string(),
                "--warmup-ms",
                &cfg.warmup_ms.to_string(),
                "--size",
                &cfg.bytes_size.to_string(),
                "--count",
                &cfg.bytes_count.to_string(),
                "--threads",
                &cfg.rust_threads.to_string(),
            ]);
            c
        }
    }
}

/// Turns one client run into samples.
fn record_rpc(samples: &mut Samples, s: &RpcScenario, side: Side, r: &RunResult) {
    let n = side.name();
    let secs = r.elapsed_ns as f64 / 1e9;
    match s.scenario {
        "latency_seq" => samples.add(&s.key, n, r.lat_p50_ns / 1e3),
        "throughput" => {
            samples.add(&s.key, n, r.calls as f64 / secs);
            if s.concurrency == 64 {
                let cpu = (r.cpu_user_ns + r.cpu_sys_ns) as f64 / 1e3;
                samples.add("rpc.cpu_per_call", n, cpu / r.calls as f64);
            }
        }
        "reply" => {
            let mut rt = r.round_trips_s.clone();
            rt.sort_by(f64::total_cmp);
            if !rt.is_empty() {
                let median = quantile(&rt, 0.5);
                samples.add(
                    &format!("{}.throughput", s.key),
                    n,
                    r.payload_bytes as f64 / median / 1e6,
                );
            }
            samples.add(
                &format!("{}.peak_rss", s.key),
                n,
                r.max_rss_kib as f64 / 1024.0,
            );
        }
        _ => {}
    }
}

pub(crate) fn progress(msg: &str) {
    eprintln!(
        "[gobrpc-bench {:>6.1}s] {msg}",
        crate::started().elapsed().as_secs_f64()
    );
}

pub fn run(cfg: Config) -> Result<(), String> {
    let t0 = Instant::now();
    let mut machine = Machine::probe();
    progress(&format!(
        "{} run: {} rounds; {} × {}; load average {}",
        cfg.mode, cfg.rounds, machine.nproc, machine.cpu_model, machine.loadavg_start
    ));
    if !cfg.gointerop.exists() {
        return Err(format!(
            "{} not found: build it (cd go-interop && go build -o bin/gointerop .) or run scripts/bench",
            cfg.gointerop.display()
        ));
    }
    crate::plugin_bench::check(&cfg)?;
    let server = ServerProc::go(&cfg.gointerop)?;
    let servers = crate::server_bench::Servers::start(&cfg)?;
    let tap = crate::tap_bench::TapProc::start(&cfg, &server.addr)?;
    let raw_proxy = crate::tap_bench::start_raw_proxy(&cfg, &server.addr)?;
    let echo = start_echo_server().map_err(|e| e.to_string())?.to_string();
    progress(&format!(
        "Go server on {}, echo server on {echo}",
        server.addr
    ));

    let mut samples = Samples::default();
    let mut runs: Vec<Value> = Vec::new();
    let mut errors: Vec<String> = Vec::new();
    let mut notes: BTreeMap<String, String> = BTreeMap::new();
    let scenarios = rpc_scenarios(&cfg);
    let codec_wanted = crate::codec::SCENARIOS
        .iter()
        .any(|n| cfg.wants(&format!("codec.{n}")));

    for round in 0..cfg.rounds {
        // ABAB…: even rounds run gobrpc first, odd rounds Go first; the floor last.
        let order: [Side; 5] = if round % 2 == 0 {
            [
                Side::Rust,
                Side::RustBusyPoll,
                Side::Go,
                Side::Floor,
                Side::ServerFloor,
            ]
        } else {
            [
                Side::Go,
                Side::RustBusyPoll,
                Side::Rust,
                Side::Floor,
                Side::ServerFloor,
            ]
        };
        if codec_wanted {
            // One scenario at a time, both sides back to back, so that each round's ratio
            // compares runs made within seconds of each other.
            for name in crate::codec::SCENARIOS {
                if !cfg.wants(&format!("codec.{name}")) {
                    continue;
                }
                for side in order {
                    let (c, side_name) = match side {
                        Side::Rust => {
                            let mut c =
                                Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
                            c.args([
                                "codec",
                                "--run",
                                name,
                                "--sample-ms",
                                &cfg.codec_sample_ms.to_string(),
                                "--samples",
                                &cfg.codec_samples.to_string(),
                            ]);
                            (c, "gobrpc")
                        }
                        Side::Go => {
                            let mut c = Command::new(&cfg.gointerop);
                            c.args(["bench-codec", "-run", name, "-count", "1", "-cpu", "1"]);
                            (c, "go")
                        }
                        Side::RustBusyPoll | Side::Floor | Side::ServerFloor => continue,
                    };
                    let lines = match run_child(c) {
                        Ok(lines) => lines,
                        Err(e) => {
                            errors.push(e);
                            continue;
                        }
                    };
                    for l in lines {
                        // The Rust child reports gobrpc, gobwire and the allocation floor.
                        let lib = match (side_name, l["lib"].as_str()) {
                            ("go", _) => "go",
                            (_, Some("gobwire")) => "gobwire",
                            (_, Some("gobrpc_borrowed")) => "gobrpc_borrowed",
                            (_, Some("alloc_floor")) => "alloc_floor",
                            _ => "gobrpc",
                        };
                        let name = l["name"].as_str().unwrap_or_default();
                        if let Some(ns) = l["ns_per_op"].as_f64() {
                            samples.add(&format!("codec.{name}"), lib, ns);
                        }
                        if let Some(e) = l["error"].as_str() {
                            notes.insert(format!("codec.{name}/{lib}"), format!("n/a: {e}"));
                        }
                        runs.push(
                            json!({"round": round, "side": lib, "kind": "codec", "result": l}),
                        );
                    }
                }
            }
            progress(&format!("round {}/{}: codec done", round + 1, cfg.rounds));
        }
        for s in &scenarios {
            if !scenarios_wanted(&cfg, s) {
                continue;
            }
            let mut line = Vec::new();
            for side in order.into_iter().filter(|side| side.runs(s)) {
                let addr = if side == Side::Floor {
                    &echo
                } else {
                    &server.addr
                };
                match run_child(client_command(&cfg, side, s, addr)) {
                    Ok(lines) => {
                        let Some(l) = lines.into_iter().next() else {
                            errors.push(format!("{} {}: no output", s.key, side.name()));
                            continue;
                        };
                        match serde_json::from_value::<RunResult>(l.clone()) {
                            Ok(r) => {
                                record_rpc(&mut samples, s, side, &r);
                                line.push(format!("{} {}", side.name(), brief(s, &r)));
                            }
                            Err(e) => errors.push(format!("{}: {e}", s.key)),
                        }
                        runs.push(json!({"round": round, "side": side.name(), "kind": s.key, "result": l}));
                    }
                    Err(e) => {
                        progress(&format!("ERROR {e}"));
                        errors.push(e);
                    }
                }
            }
            progress(&format!(
                "round {}/{}: {}: {}",
                round + 1,
                cfg.rounds,
                s.key,
                line.join(", ")
            ));
        }
        let mut sink = crate::server_bench::Sink {
            samples: &mut samples,
            runs: &mut runs,
            errors: &mut errors,
        };
        if let Some(servers) = &servers {
            crate::server_bench::run_round(&cfg, round, &server, servers, &mut sink);
        }
        crate::plugin_bench::run_round(&cfg, round, &mut sink);
        if let (Some(tap), Some(raw)) = (&tap, &raw_proxy) {
            crate::tap_bench::run_round(&cfg, round, &server, (tap, raw), &mut sink);
        }
    }
    drop((tap, raw_proxy));
    drop(servers);
    drop(server);
    machine.loadavg_end = loadavg();
    let wall = t0.elapsed();
    let rows = build_rows(&cfg, &samples, &notes);
    let table = render(&cfg, &machine, &rows, wall);
    println!("{table}");
    if !errors.is_empty() {
        eprintln!("{} run(s) failed:", errors.len());
        for e in &errors {
            eprintln!("  {e}");
        }
    }
    if let Some(path) = &cfg.json {
        let doc = json!({
            "command": std::env::args().collect::<Vec<_>>().join(" "),
            "config": cfg,
            "machine": machine,
            "wall_s": wall.as_secs_f64(),
            "ratio": "median over rounds of a ÷ b (each round's pair ran back to back), in the row's unit (a = gobrpc; b = Go, gobwire or a floor); the target says which way is better",
            "rows": rows,
            "errors": errors,
            "runs": runs,
        });
        let text = serde_json::to_string(&round_floats(doc)).map_err(|e| e.to_string())?;
        std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))?;
        progress(&format!("wrote {}", path.display()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("{} run(s) failed", errors.len()))
    }
}

/// Every float in `v` to 5 significant digits (keeps the JSON small and readable).
fn round_floats(v: Value) -> Value {
    match v {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or_default();
            if x == 0.0 || !x.is_finite() {
                return json!(x);
            }
            let scale = 10f64.powi(4 - x.abs().log10().floor() as i32);
            json!((x * scale).round() / scale)
        }
        Value::Array(a) => Value::Array(a.into_iter().map(round_floats).collect()),
        Value::Object(o) => {
            Value::Object(o.into_iter().map(|(k, v)| (k, round_floats(v))).collect())
        }
        v => v,
    }
}

fn scenarios_wanted(cfg: &Config, s: &RpcScenario) -> bool {
    cfg.wants(&s.key) || (s.concurrency == 64 && cfg.wants("rpc.cpu_per_call"))
}

fn brief(s: &RpcScenario, r: &RunResult) -> String {
    let secs = r.elapsed_ns as f64 / 1e9;
    match s.scenario {
        "latency_seq" => format!("{:.1} µs p50", r.lat_p50_ns / 1e3),
        "throughput" => format!(
            "{} calls/s, {:.2} µs cpu/call",
            num(r.calls as f64 / secs),
            (r.cpu_user_ns + r.cpu_sys_ns) as f64 / 1e3 / r.calls as f64
        ),
        _ => format!(
            "{:?} s/round trip, {} MiB peak RSS",
            r.round_trips_s
                .iter()
                .map(|x| (x * 1000.0).round() / 1000.0)
                .collect::<Vec<_>>(),
            r.max_rss_kib / 1024
        ),
    }
}

//! The orchestrator: one Go server, one echo server, and for every scenario the Rust and Go
//! clients in alternating order (ABAB…) over several rounds, each run in its own process.

use crate::client::{start_echo_server, RunResult};
use crate::sys::{loadavg, Machine};
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
    /// Tokio worker threads in gobrpc's client process (0 = current-thread runtime).
    pub rust_threads: usize,
    pub gointerop: PathBuf,
    #[serde(skip)]
    pub json: Option<PathBuf>,
    /// Only scenarios whose key contains this.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub only: Option<String>,
}

impl Config {
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
            rust_threads: 0,
            gointerop: root.join("go-interop/bin/gointerop"),
            json: None,
            only: None,
        }
    }

    fn wants(&self, key: &str) -> bool {
        self.only.as_deref().is_none_or(|o| key.contains(o))
    }
}

// ---------------------------------------------------------------------------------------
// Samples and statistics
// ---------------------------------------------------------------------------------------

/// One measured value per round, per metric and side.
#[derive(Default)]
struct Samples(BTreeMap<String, BTreeMap<&'static str, Vec<f64>>>);

impl Samples {
    fn add(&mut self, metric: &str, side: &'static str, v: f64) {
        if v.is_finite() {
            self.0
                .entry(metric.to_string())
                .or_default()
                .entry(side)
                .or_default()
                .push(v);
        }
    }

    fn get(&self, metric: &str, side: &str) -> Option<Stats> {
        Stats::of(self.0.get(metric)?.get(side)?)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Stats {
    pub median: f64,
    pub min: f64,
    pub max: f64,
    pub q1: f64,
    pub q3: f64,
    pub values: Vec<f64>,
}

/// The `p` quantile (0..=1) of sorted values, linearly interpolated.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

impl Stats {
    pub fn of(values: &[f64]) -> Option<Stats> {
        if values.is_empty() {
            return None;
        }
        let mut s = values.to_vec();
        s.sort_by(f64::total_cmp);
        Some(Stats {
            median: quantile(&s, 0.5),
            min: s[0],
            max: s[s.len() - 1],
            q1: quantile(&s, 0.25),
            q3: quantile(&s, 0.75),
            values: values.to_vec(),
        })
    }
}

// ---------------------------------------------------------------------------------------
// Rows, targets, table
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
enum Target {
    /// ratio (a ÷ b) at most this.
    RatioMax(f64),
    /// ratio (a ÷ b) at least this.
    RatioMin(f64),
    /// a's median at most this (in the row's unit).
    AbsMax(f64),
    None,
}

impl Target {
    fn text(self) -> String {
        match self {
            Target::RatioMax(x) => format!("≤ {x:.2}×"),
            Target::RatioMin(x) => format!("≥ {x:.2}×"),
            Target::AbsMax(x) => format!("≤ {x:.0}"),
            Target::None => "—".into(),
        }
    }

    fn met(self, a: f64, ratio: Option<f64>) -> Option<bool> {
        match self {
            Target::RatioMax(x) => ratio.map(|r| r <= x),
            Target::RatioMin(x) => ratio.map(|r| r >= x),
            Target::AbsMax(x) => Some(a <= x),
            Target::None => None,
        }
    }
}

struct RowSpec {
    metric: String,
    label: String,
    unit: &'static str,
    a: &'static str,
    b: &'static str,
    target: Target,
    /// Shown instead of b's numbers when b has none.
    b_missing: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct Row {
    section: String,
    scenario: String,
    metric: String,
    unit: String,
    a_side: String,
    b_side: String,
    a: Option<Stats>,
    b: Option<Stats>,
    /// a's median ÷ b's median, in the row's unit.
    ratio: Option<f64>,
    target: Target,
    target_text: String,
    met: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

fn num(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", v / 1e3)
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn cell(s: &Option<Stats>, missing: Option<&str>) -> String {
    match s {
        Some(s) => format!("{} ({}–{})", num(s.median), num(s.min), num(s.max)),
        None => missing.unwrap_or("n/a").to_string(),
    }
}

const SECTIONS: [(&str, &str, &str); 4] = [
    (
        "codec_go",
        "Codec, in process, one thread: gobrpc vs Go encoding/gob (ns/op; ratio = gobrpc ÷ Go)",
        "Go",
    ),
    (
        "codec_gobwire",
        "Codec, in process: gobrpc vs the gobwire 0.1 crate (ns/op; ratio = gobrpc ÷ gobwire)",
        "gobwire",
    ),
    (
        "rpc_go",
        "End to end, same Go server, one connection: gobrpc client vs Go net/rpc client (ratio = gobrpc ÷ Go in the row's unit)",
        "Go",
    ),
    (
        "rpc_floor",
        "End to end vs the floor: raw loopback echo of the same bytes (ratio = gobrpc ÷ floor)",
        "floor",
    ),
];

fn row_specs(cfg: &Config) -> Vec<(&'static str, RowSpec)> {
    let mut v = Vec::new();
    let spec = |metric: String, label: String, unit, a, b, target| RowSpec {
        metric,
        label,
        unit,
        a,
        b,
        target,
        b_missing: None,
    };
    for name in crate::codec::SCENARIOS {
        let m = format!("codec.{name}");
        v.push((
            "codec_go",
            spec(
                m.clone(),
                m.clone(),
                "ns/op",
                "gobrpc",
                "go",
                Target::RatioMax(0.5),
            ),
        ));
        v.push((
            "codec_gobwire",
            spec(m.clone(), m, "ns/op", "gobrpc", "gobwire", Target::None),
        ));
    }
    let payload_mib = cfg.bytes_size as f64 / (1 << 20) as f64;
    let bytes_label = format!("rpc.bytes_{}mib", cfg.bytes_size >> 20);
    for (section, b) in [("rpc_go", "go"), ("rpc_floor", "floor")] {
        let vs_go = b == "go";
        let lat_target = if vs_go {
            Target::RatioMax(0.9)
        } else {
            Target::RatioMax(1.3)
        };
        v.push((
            section,
            spec(
                "rpc.latency_seq".into(),
                "rpc.latency_seq (p50 per call)".into(),
                "µs",
                "gobrpc",
                b,
                lat_target,
            ),
        ));
        for &c in &cfg.concurrency {
            let t = if vs_go && c >= 64 {
                Target::RatioMin(1.5)
            } else {
                Target::None
            };
            v.push((
                section,
                spec(
                    format!("rpc.throughput_c{c}"),
                    format!("rpc.throughput_c{c}"),
                    "calls/s",
                    "gobrpc",
                    b,
                    t,
                ),
            ));
        }
        v.push((
            section,
            spec(
                "rpc.cpu_per_call".into(),
                "rpc.cpu_per_call (client user+sys, c64)".into(),
                "µs",
                "gobrpc",
                b,
                if vs_go {
                    Target::RatioMax(0.5)
                } else {
                    Target::None
                },
            ),
        ));
        v.push((
            section,
            spec(
                format!("{bytes_label}.throughput"),
                format!("{bytes_label} (payload per round trip)"),
                "MB/s",
                "gobrpc",
                b,
                if vs_go {
                    Target::RatioMin(1.0)
                } else {
                    Target::None
                },
            ),
        ));
        v.push((
            section,
            spec(
                format!("{bytes_label}.peak_rss"),
                format!("{bytes_label} peak RSS (client process)"),
                "MiB",
                "gobrpc",
                b,
                if vs_go {
                    Target::AbsMax(1.5 * payload_mib)
                } else {
                    Target::None
                },
            ),
        ));
    }
    v
}

fn build_rows(cfg: &Config, samples: &Samples, notes: &BTreeMap<String, String>) -> Vec<Row> {
    row_specs(cfg)
        .into_iter()
        .filter(|(_, s)| cfg.wants(&s.metric))
        .map(|(section, s)| {
            let a = samples.get(&s.metric, s.a);
            let b = samples.get(&s.metric, s.b);
            let ratio = match (&a, &b) {
                (Some(a), Some(b)) if b.median != 0.0 => Some(a.median / b.median),
                _ => None,
            };
            let met = a.as_ref().and_then(|a| s.target.met(a.median, ratio));
            Row {
                section: section.into(),
                scenario: s.label,
                metric: s.metric.clone(),
                unit: s.unit.into(),
                a_side: s.a.into(),
                b_side: s.b.into(),
                a,
                b,
                ratio,
                target: s.target,
                target_text: s.target.text(),
                met,
                note: notes
                    .get(&format!("{}/{}", s.metric, s.b))
                    .cloned()
                    .or(s.b_missing.map(str::to_string)),
            }
        })
        .collect()
}

fn pad(s: &str, w: usize) -> String {
    let n = s.chars().count();
    if n >= w {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(w - n))
    }
}

/// The table, as Markdown (readable as plain text too).
fn render(cfg: &Config, machine: &Machine, rows: &[Row], wall: Duration) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "gobrpc-bench ({} run: {} rounds, {} ms windows, {} ms warm-up; gobrpc client: {}), wall {:.0} s\n",
        cfg.mode,
        cfg.rounds,
        cfg.duration_ms,
        cfg.warmup_ms,
        if cfg.rust_threads == 0 {
            "tokio current-thread runtime".to_string()
        } else {
            format!("tokio multi-thread runtime, {} worker(s)", cfg.rust_threads)
        },
        wall.as_secs_f64()
    ));
    out.push_str(&format!(
        "machine: {} × {} ({} GiB), Linux {}; load average {} at start, {} at end\n",
        machine.nproc,
        machine.cpu_model,
        machine.mem_total_gib,
        machine.kernel,
        machine.loadavg_start,
        machine.loadavg_end
    ));
    out.push_str(&format!(
        "{}; {}; commit {}\n",
        machine.rustc, machine.go, machine.git_commit
    ));
    out.push_str("cells: median (min–max) over rounds\n");
    for (key, title, b_name) in SECTIONS {
        let rows: Vec<&Row> = rows.iter().filter(|r| r.section == key).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n\n"));
        let header = [
            "scenario".to_string(),
            "unit".into(),
            "gobrpc".into(),
            b_name.to_string(),
            "ratio".into(),
            "target".into(),
            "met?".into(),
        ];
        let body: Vec<[String; 7]> = rows
            .iter()
            .map(|r| {
                [
                    r.scenario.clone(),
                    r.unit.clone(),
                    cell(&r.a, None),
                    cell(&r.b, r.note.as_deref()),
                    r.ratio.map_or("—".into(), |x| {
                        if x < 10.0 {
                            format!("{x:.3}×")
                        } else {
                            format!("{x:.1}×")
                        }
                    }),
                    r.target_text.clone(),
                    match r.met {
                        Some(true) => "yes".into(),
                        Some(false) => "NO".into(),
                        None => "—".into(),
                    },
                ]
            })
            .collect();
        let mut w = [0usize; 7];
        for line in std::iter::once(&header).chain(body.iter()) {
            for (i, c) in line.iter().enumerate() {
                w[i] = w[i].max(c.chars().count());
            }
        }
        let fmt = |line: &[String; 7]| {
            let cells: Vec<String> = line.iter().enumerate().map(|(i, c)| pad(c, w[i])).collect();
            format!("| {} |\n", cells.join(" | "))
        };
        out.push_str(&fmt(&header));
        let rule: Vec<String> = w.iter().map(|&n| "-".repeat(n)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
        for line in &body {
            out.push_str(&fmt(line));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------

struct GoServer {
    child: Child,
    _stdin: ChildStdin,
    addr: String,
}

impl GoServer {
    fn start(gointerop: &PathBuf) -> Result<GoServer, String> {
        let mut child = Command::new(gointerop)
            .args(["server", "-tcp", "127.0.0.1:0", "-lifetime", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e}", gointerop.display()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout"))
            .read_line(&mut line)
            .map_err(|e| e.to_string())?;
        let info: Value =
            serde_json::from_str(&line).map_err(|e| format!("server said {line:?}: {e}"))?;
        let addr = info["tcp"]
            .as_str()
            .ok_or("server printed no tcp address")?
            .to_string();
        Ok(GoServer {
            child,
            _stdin: stdin,
            addr,
        })
    }
}

impl Drop for GoServer {
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
fn run_child(mut cmd: Command) -> Result<Vec<Value>, String> {
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

#[derive(Clone, Copy, PartialEq)]
enum Side {
    Rust,
    Go,
    Floor,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Rust => "gobrpc",
            Side::Go => "go",
            Side::Floor => "floor",
        }
    }
}

/// One end-to-end scenario: its metric key and client arguments.
struct RpcScenario {
    key: String,
    scenario: &'static str,
    concurrency: usize,
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
        key: format!("rpc.bytes_{}mib", cfg.bytes_size >> 20),
        scenario: "bytes",
        concurrency: 1,
    });
    v
}

fn client_command(cfg: &Config, side: Side, s: &RpcScenario, addr: &str) -> Command {
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
        Side::Rust | Side::Floor => {
            let mut c = Command::new(std::env::current_exe().expect("current exe"));
            c.arg(if side == Side::Rust {
                "client"
            } else {
                "floor-client"
            });
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
        "bytes" => {
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

fn progress(msg: &str) {
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
    let server = GoServer::start(&cfg.gointerop)?;
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
        let order: [Side; 3] = if round % 2 == 0 {
            [Side::Rust, Side::Go, Side::Floor]
        } else {
            [Side::Go, Side::Rust, Side::Floor]
        };
        if codec_wanted {
            for side in order {
                match side {
                    Side::Rust => {
                        let mut c =
                            Command::new(std::env::current_exe().map_err(|e| e.to_string())?);
                        c.args([
                            "codec",
                            "--sample-ms",
                            &cfg.codec_sample_ms.to_string(),
                            "--samples",
                            &cfg.codec_samples.to_string(),
                        ]);
                        match run_child(c) {
                            Ok(lines) => {
                                for l in lines {
                                    let lib = match l["lib"].as_str() {
                                        Some("gobwire") => "gobwire",
                                        _ => "gobrpc",
                                    };
                                    let name = l["name"].as_str().unwrap_or_default();
                                    if let Some(ns) = l["ns_per_op"].as_f64() {
                                        samples.add(&format!("codec.{name}"), lib, ns);
                                    }
                                    if let Some(e) = l["error"].as_str() {
                                        notes.insert(
                                            format!("codec.{name}/{lib}"),
                                            format!("n/a: {e}"),
                                        );
                                    }
                                    runs.push(json!({"round": round, "side": lib, "kind": "codec", "result": l}));
                                }
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                    Side::Go => {
                        let mut c = Command::new(&cfg.gointerop);
                        c.args(["bench-codec", "-count", "1", "-cpu", "1"]);
                        match run_child(c) {
                            Ok(lines) => {
                                for l in lines {
                                    let name = l["name"].as_str().unwrap_or_default();
                                    if let Some(ns) = l["ns_per_op"].as_f64() {
                                        samples.add(&format!("codec.{name}"), "go", ns);
                                    }
                                    runs.push(json!({"round": round, "side": "go", "kind": "codec", "result": l}));
                                }
                            }
                            Err(e) => errors.push(e),
                        }
                    }
                    Side::Floor => {}
                }
            }
            progress(&format!("round {}/{}: codec done", round + 1, cfg.rounds));
        }
        for s in &scenarios {
            if !scenarios_wanted(&cfg, s) {
                continue;
            }
            let mut line = Vec::new();
            for side in order {
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
    }
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
            "ratio": "a ÷ b of the medians, in the row's unit (a = gobrpc; b = Go, gobwire or floor); the target says which way is better",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles() {
        let s = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&s, 0.5), 2.5);
        assert_eq!(quantile(&s, 0.0), 1.0);
        assert_eq!(quantile(&s, 1.0), 4.0);
        let st = Stats::of(&[5.0, 1.0, 3.0]).unwrap();
        assert_eq!((st.median, st.min, st.max), (3.0, 1.0, 5.0));
    }

    #[test]
    fn targets() {
        assert_eq!(Target::RatioMax(0.5).met(0.0, Some(0.4)), Some(true));
        assert_eq!(Target::RatioMin(1.5).met(0.0, Some(1.2)), Some(false));
        assert_eq!(Target::AbsMax(96.0).met(90.0, None), Some(true));
        assert_eq!(Target::None.met(1.0, Some(1.0)), None);
    }
}

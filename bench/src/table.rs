//! The numbers: per-round samples and their statistics, the table's rows with their
//! targets, and the rendered table.

use crate::harness::Config;
use crate::sys::Machine;
use serde::Serialize;
use std::collections::BTreeMap;
use std::time::Duration;
// ---------------------------------------------------------------------------------------
// Samples and statistics
// ---------------------------------------------------------------------------------------

/// One measured value per round, per metric and side.
#[derive(Default)]
pub(crate) struct Samples(BTreeMap<String, BTreeMap<&'static str, Vec<f64>>>);

impl Samples {
    pub(crate) fn add(&mut self, metric: &str, side: &'static str, v: f64) {
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
pub(crate) enum Target {
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

/// One row of the table: a metric, its two sides and its target.
pub(crate) struct RowSpec {
    metric: String,
    label: String,
    unit: &'static str,
    a: &'static str,
    b: &'static str,
    target: Target,
    /// Shown instead of b's numbers when b has none.
    b_missing: Option<&'static str>,
}

impl RowSpec {
    pub(crate) fn new(
        metric: &str,
        label: &str,
        unit: &'static str,
        a: &'static str,
        b: &'static str,
        target: Target,
    ) -> RowSpec {
        RowSpec {
            metric: metric.into(),
            label: label.into(),
            unit,
            a,
            b,
            target,
            b_missing: None,
        }
    }

    /// What b's cell says when b has no numbers.
    pub(crate) fn b_missing(self, text: &'static str) -> RowSpec {
        RowSpec {
            b_missing: Some(text),
            ..self
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct Row {
    section: String,
    scenario: String,
    metric: String,
    unit: String,
    a_side: String,
    b_side: String,
    a: Option<Stats>,
    b: Option<Stats>,
    /// The median of the per-round ratios a ÷ b (see `paired_ratio`), in the row's unit.
    ratio: Option<f64>,
    target: Target,
    target_text: String,
    met: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

pub(crate) fn num(v: f64) -> String {
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

/// Each section: its key, title, and the names of its a and b columns.
const SECTIONS: &[(&str, &str, &str, &str)] = &[
    (
        "codec_go",
        "Codec, in process, one thread: gobrpc vs Go encoding/gob (ns/op; ratio = gobrpc ÷ Go)",
        "gobrpc",
        "Go",
    ),
    (
        "codec_gobwire",
        "Codec, in process: gobrpc vs the gobwire 0.1 crate (ns/op; ratio = gobrpc ÷ gobwire)",
        "gobrpc",
        "gobwire",
    ),
    (
        "rpc_go",
        "End to end, same Go server, one connection: gobrpc client vs Go net/rpc client (ratio = gobrpc ÷ Go in the row's unit)",
        "gobrpc",
        "Go",
    ),
    (
        "rpc_busy_poll",
        "One caller, busy polling on (ClientBuilder::busy_poll, 100 µs): gobrpc client vs Go net/rpc client, same Go server (ratio = gobrpc ÷ Go)",
        "gobrpc busy-poll",
        "Go",
    ),
    (
        "rpc_floor",
        "End to end vs the echo floor: raw loopback echo of the same request bytes, no server work (ratio = gobrpc ÷ floor)",
        "gobrpc",
        "echo floor",
    ),
    (
        "rpc_server_floor",
        "End to end vs the server floor: a raw client sending gobrpc's request bytes to the same Go server and reading the replies as bytes, not decoding them (ratio = gobrpc ÷ floor)",
        "gobrpc",
        "server floor",
    ),
    (
        "server_go",
        "Server, Go's net/rpc client driving, one connection: gobrpc's server (gobrpc-bench rust-server) vs Go's server (ratio = Rust server ÷ Go server)",
        "Rust server",
        "Go server",
    ),
    (
        "server_floor",
        "Server vs the raw-replier floor, Go's client driving: a server that answers each request with pre-encoded bytes and decodes nothing (ratio = Rust server ÷ raw replier)",
        "Rust server",
        "raw replier",
    ),
    (
        "server_rr",
        "Rust↔Rust vs Go↔Go, one connection: gobrpc's client on gobrpc's server vs Go's client on Go's server (ratio = Rust↔Rust ÷ Go↔Go)",
        "Rust↔Rust",
        "Go↔Go",
    ),
    (
        "plugin_go",
        "go-plugin host, one plugin (our go-interop/goplugin, Plugin.Double): gobrpc::plugin's host vs go-plugin's own Go host (ratio = Rust host ÷ Go host)",
        "Rust host",
        "Go host",
    ),
    (
        "plugin_floor",
        "go-plugin host vs the raw-host floor: pre-encoded requests on the dispensed yamux stream after the same launch and dispense, replies read as bytes (ratio = Rust host ÷ raw host)",
        "Rust host",
        "raw host",
    ),
    (
        "tap",
        "gobrpc tap --json (release build, output to /dev/null) between Go's client and Go's server, one connection (ratio = through the tap ÷ direct)",
        "through tap",
        "direct",
    ),
    (
        "tap_floor",
        "gobrpc tap vs the raw proxy: the same forwarding (a tokio task per connection, 64 KiB reads written on at once) decoding nothing (ratio = tap ÷ raw proxy)",
        "tap",
        "raw proxy",
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
                crate::codec::owned_target(name, 0.5),
            ),
        ));
        if name == "decode_string_slice_1000" {
            // What the decoded value alone costs to allocate and free, against Go's decode.
            v.push((
                "codec_go",
                spec(
                    m.clone(),
                    format!("{m}: allocation floor (no decoding)"),
                    "ns/op",
                    "alloc_floor",
                    "go",
                    Target::None,
                ),
            ));
        }
        if let Some((target, into)) = crate::codec::borrowed_target(name) {
            // Issue 16: decoding into borrowed values.
            v.push((
                "codec_go",
                spec(
                    m.clone(),
                    format!("{m}: borrowed, into {into}"),
                    "ns/op",
                    "gobrpc_borrowed",
                    "go",
                    Target::RatioMax(target),
                ),
            ));
        }
        v.push((
            "codec_gobwire",
            // The issue: "decode at most 0.5× gobwire's"; encoding has no gobwire target.
            spec(
                m.clone(),
                m,
                "ns/op",
                "gobrpc",
                "gobwire",
                if name.starts_with("decode_") {
                    crate::codec::owned_target(name, 0.5)
                } else {
                    Target::None
                },
            ),
        ));
    }
    let payload_mib = cfg.bytes_size as f64 / (1 << 20) as f64;
    let reply = format!("rpc.reply_{}mib", cfg.bytes_size >> 20);
    for (section, b) in [
        ("rpc_go", "go"),
        ("rpc_floor", "floor"),
        ("rpc_server_floor", "server_floor"),
    ] {
        // The targets: against Go's client, and the latency one against the echo.
        let target = |vs_go: Target, vs_echo: Target| match b {
            "go" => vs_go,
            "floor" => vs_echo,
            _ => Target::None,
        };
        let mut row = |metric: String, label: String, unit, t| {
            v.push((section, spec(metric, label, unit, "gobrpc", b, t)))
        };
        // The echo floor busy-polls (it never waits for a parked thread to wake): its
        // latency target is judged on gobrpc's busy-polling client, like for like, below.
        row(
            "rpc.latency_seq".into(),
            "rpc.latency_seq (p50 per call)".into(),
            "µs",
            target(Target::RatioMax(0.9), Target::None),
        );
        for &c in &cfg.concurrency {
            let t = if c >= 64 {
                target(Target::RatioMin(1.5), Target::None)
            } else {
                Target::None
            };
            let m = format!("rpc.throughput_c{c}");
            row(m.clone(), m, "calls/s", t);
        }
        row(
            "rpc.cpu_per_call".into(),
            "rpc.cpu_per_call (client user+sys, c64)".into(),
            "µs",
            target(Target::RatioMax(0.5), Target::None),
        );
        if b == "floor" {
            // The echo server cannot answer a small request with a large reply.
            continue;
        }
        row(
            format!("{reply}.throughput"),
            format!("{reply} (reply bytes per round trip)"),
            "MB/s",
            target(Target::RatioMin(1.0), Target::None),
        );
        row(
            format!("{reply}.peak_rss"),
            format!("{reply} peak RSS (client process)"),
            "MiB",
            target(Target::AbsMax(1.5 * payload_mib), Target::None),
        );
    }
    // The low-latency path for few callers (opt-in busy polling): the targets.
    v.push((
        "rpc_busy_poll",
        spec(
            "rpc.latency_seq".into(),
            "rpc.latency_seq (p50 per call)".into(),
            "µs",
            "gobrpc_busy_poll",
            "go",
            Target::RatioMax(0.9),
        ),
    ));
    v.push((
        "rpc_floor",
        spec(
            "rpc.latency_seq".into(),
            "rpc.latency_seq, gobrpc busy-polling (p50 per call)".into(),
            "µs",
            "gobrpc_busy_poll",
            "floor",
            Target::RatioMax(1.3),
        ),
    ));
    v.push((
        "rpc_busy_poll",
        spec(
            "rpc.throughput_c1".into(),
            "rpc.throughput_c1".into(),
            "calls/s",
            "gobrpc_busy_poll",
            "go",
            Target::RatioMin(1.1),
        ),
    ));
    server_rows(cfg, &mut v);
    crate::plugin_bench::rows(&mut v);
    crate::tap_bench::rows(&mut v);
    v
}

/// The server sections' rows: calls/s, server CPU per call and client CPU per call at each
/// concurrency, with the targets at c64 (server CPU at every concurrency).
fn server_rows(cfg: &Config, v: &mut Vec<(&'static str, RowSpec)>) {
    for (section, a, b) in [
        ("server_go", "go_rust", "go_go"),
        ("server_floor", "go_rust", "go_raw"),
        ("server_rr", "rust_rust", "go_go"),
    ] {
        let rate_target = match section {
            "server_go" => Target::RatioMin(1.4),
            "server_floor" => Target::RatioMin(0.9),
            _ => Target::RatioMin(2.5),
        };
        let mut row = |metric: String, label: String, unit, t| {
            v.push((
                section,
                RowSpec {
                    metric,
                    label,
                    unit,
                    a,
                    b,
                    target: t,
                    b_missing: None,
                },
            ))
        };
        for &c in &cfg.server_concurrency {
            let [rate, _, _] = crate::server_bench::metrics(c);
            let t = if c == 64 { rate_target } else { Target::None };
            row(rate.clone(), rate, "calls/s", t);
        }
        for &c in &cfg.server_concurrency {
            let [_, server_cpu, _] = crate::server_bench::metrics(c);
            let t = match section {
                "server_go" => Target::RatioMax(0.4),
                _ => Target::None,
            };
            let label = format!("{server_cpu} (server user+sys per call)");
            row(server_cpu, label, "µs", t);
        }
        let [_, _, client_cpu] = crate::server_bench::metrics(64);
        if cfg.server_concurrency.contains(&64) {
            let label = format!("{client_cpu} (client user+sys per call)");
            row(client_cpu, label, "µs", Target::None);
        }
    }
}

/// The median of the per-round ratios a_i ÷ b_i when both sides have one value per round
/// (each round's pair ran within seconds of each other, so slow phases of a shared machine
/// cancel out); otherwise the ratio of the medians.
fn paired_ratio(a: &Stats, b: &Stats) -> Option<f64> {
    if a.values.len() == b.values.len() && b.values.iter().all(|&x| x != 0.0) {
        let mut r: Vec<f64> = a.values.iter().zip(&b.values).map(|(x, y)| x / y).collect();
        r.sort_by(f64::total_cmp);
        Some(quantile(&r, 0.5))
    } else if b.median != 0.0 {
        Some(a.median / b.median)
    } else {
        None
    }
}

pub(crate) fn build_rows(
    cfg: &Config,
    samples: &Samples,
    notes: &BTreeMap<String, String>,
) -> Vec<Row> {
    row_specs(cfg)
        .into_iter()
        .filter(|(_, s)| cfg.wants(&s.metric))
        .map(|(section, s)| {
            let a = samples.get(&s.metric, s.a);
            let b = samples.get(&s.metric, s.b);
            let ratio = match (&a, &b) {
                (Some(a), Some(b)) => paired_ratio(a, b),
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
pub(crate) fn render(cfg: &Config, machine: &Machine, rows: &[Row], wall: Duration) -> String {
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
    if rows.iter().any(|r| r.section.starts_with("server")) {
        out.push_str(&format!(
            "server runs: {} ms windows; gobrpc's server on a tokio multi-thread runtime, {} worker(s)\n",
            cfg.server_duration_ms, cfg.server_threads
        ));
    }
    if rows
        .iter()
        .any(|r| r.section.starts_with("plugin") || r.section.starts_with("tap"))
    {
        out.push_str(&format!(
            "plugin and tap runs: {} ms windows, {} ms warm-up\n",
            cfg.server_duration_ms, cfg.warmup_ms
        ));
    }
    out.push_str("cells: median (min–max) over rounds\n");
    for &(key, title, a_name, b_name) in SECTIONS {
        let rows: Vec<&Row> = rows.iter().filter(|r| r.section == key).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{title}\n\n"));
        let header = [
            "scenario".to_string(),
            "unit".into(),
            a_name.to_string(),
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

    #[test]
    fn ratios_pair_rounds() {
        // Round 2 ran during a slow phase for both sides: paired, it does not skew the ratio.
        let a = Stats::of(&[10.0, 40.0, 11.0]).unwrap();
        let b = Stats::of(&[20.0, 80.0, 20.0]).unwrap();
        assert_eq!(paired_ratio(&a, &b), Some(0.5));
        // Unequal rounds (a failed run): the ratio of the medians.
        let c = Stats::of(&[20.0, 80.0]).unwrap();
        assert_eq!(paired_ratio(&a, &c), Some(11.0 / 50.0));
    }
}

//! The plugin-host benchmark: go-plugin's own Go host (`go-interop/bin/goplugin-host`),
//! gobrpc's host (`gobrpc-bench plugin-host`) and the raw-host floor (`plugin-host --raw`),
//! each launching our plugin (`go-interop/bin/gobrpc-test-plugin`) and calling
//! `Plugin.Double(21)` on the dispensed connection: p50 latency with one caller, and calls/s
//! with 64 concurrent callers. Each run is its own process and launches its own plugin; CPU
//! per call is the host process's own (its plugin child not counted), and the plugin's too.

use crate::client::RunResult;
use crate::harness::Config;
use crate::server_bench::{round_done, Sink};
use crate::table::{num, RowSpec, Samples, Target};
use std::process::Command;

/// Callers of the throughput scenario.
const CONCURRENCY: usize = 64;

pub(crate) const LATENCY: &str = "plugin.latency_seq";
pub(crate) const THROUGHPUT: &str = "plugin.throughput_c64";
pub(crate) const HOST_CPU: &str = "plugin.host_cpu_per_call_c64";
pub(crate) const PLUGIN_CPU: &str = "plugin.plugin_cpu_per_call_c64";

#[derive(Clone, Copy)]
enum Host {
    Rust,
    Go,
    Raw,
}

impl Host {
    fn name(self) -> &'static str {
        match self {
            Host::Rust => "rust_host",
            Host::Go => "go_host",
            Host::Raw => "raw_host",
        }
    }

    fn command(self, cfg: &Config, scenario: &str, concurrency: usize) -> Command {
        let (duration, warmup) = (cfg.server_duration_ms, cfg.warmup_ms);
        match self {
            Host::Go => {
                let mut c = Command::new(&cfg.goplugin_host);
                c.arg("-plugin").arg(&cfg.plugin);
                c.args([
                    "-scenario",
                    scenario,
                    "-concurrency",
                    &concurrency.to_string(),
                    "-duration",
                    &format!("{duration}ms"),
                    "-warmup",
                    &format!("{warmup}ms"),
                ]);
                c
            }
            Host::Rust | Host::Raw => {
                let mut c = Command::new(std::env::current_exe().expect("current exe"));
                c.arg("plugin-host").arg("--plugin").arg(&cfg.plugin);
                c.args([
                    "--scenario",
                    scenario,
                    "--concurrency",
                    &concurrency.to_string(),
                    "--duration-ms",
                    &duration.to_string(),
                    "--warmup-ms",
                    &warmup.to_string(),
                    "--threads",
                    &cfg.rust_threads.to_string(),
                ]);
                if matches!(self, Host::Raw) {
                    c.arg("--raw");
                }
                c
            }
        }
    }
}

/// Whether any plugin scenario is wanted.
pub(crate) fn wanted(cfg: &Config) -> bool {
    [LATENCY, THROUGHPUT, HOST_CPU, PLUGIN_CPU]
        .iter()
        .any(|m| cfg.wants(m))
}

/// The plugin and Go host binaries, when the scenarios are wanted.
pub(crate) fn check(cfg: &Config) -> Result<(), String> {
    for p in [&cfg.plugin, &cfg.goplugin_host] {
        if wanted(cfg) && !p.exists() {
            return Err(format!(
                "{} not found: build it (bash go-interop/build-go-plugin.sh host) or run scripts/bench",
                p.display()
            ));
        }
    }
    Ok(())
}

/// One round: both scenarios, the three hosts in alternating order.
pub(crate) fn run_round(cfg: &Config, round: usize, out: &mut Sink<'_>) {
    if !wanted(cfg) {
        return;
    }
    let order = if round.is_multiple_of(2) {
        [Host::Rust, Host::Go, Host::Raw]
    } else {
        [Host::Go, Host::Rust, Host::Raw]
    };
    for (scenario, concurrency) in [("latency_seq", 1), ("throughput", CONCURRENCY)] {
        let key = if concurrency == 1 {
            LATENCY
        } else {
            THROUGHPUT
        };
        let wants = match concurrency {
            1 => cfg.wants(LATENCY),
            _ => [THROUGHPUT, HOST_CPU, PLUGIN_CPU]
                .iter()
                .any(|m| cfg.wants(m)),
        };
        if !wants {
            continue;
        }
        let mut line = Vec::new();
        for host in order {
            let cmd = host.command(cfg, scenario, concurrency);
            line.extend(out.run(cmd, round, key, host.name(), |samples, r| {
                record(samples, host, r)
            }));
        }
        round_done(cfg, round, key, &line);
    }
}

/// Turns one run into samples; a short summary for the progress line.
fn record(samples: &mut Samples, host: Host, r: &RunResult) -> String {
    let calls = r.calls.max(1) as f64;
    let host_cpu = (r.cpu_user_ns + r.cpu_sys_ns) as f64 / 1e3 / calls;
    let plugin_cpu = r.server_cpu_ns as f64 / 1e3 / calls;
    let cpu = format!("host {host_cpu:.2} µs/call, plugin {plugin_cpu:.2} µs/call");
    if r.scenario == "latency_seq" {
        samples.add(LATENCY, host.name(), r.lat_p50_ns / 1e3);
        return format!("{:.1} µs p50, {cpu}", r.lat_p50_ns / 1e3);
    }
    let per_s = r.calls as f64 / (r.elapsed_ns as f64 / 1e9);
    samples.add(THROUGHPUT, host.name(), per_s);
    samples.add(HOST_CPU, host.name(), host_cpu);
    samples.add(PLUGIN_CPU, host.name(), plugin_cpu);
    format!("{} calls/s, {cpu}", num(per_s))
}

/// The table's rows: gobrpc's host against go-plugin's Go host, and against the raw host.
pub(crate) fn rows(v: &mut Vec<(&'static str, RowSpec)>) {
    for (section, b) in [("plugin_go", "go_host"), ("plugin_floor", "raw_host")] {
        let go = b == "go_host";
        let pick = |t: Target, floor: Target| if go { t } else { floor };
        let rows = [
            (
                LATENCY,
                "plugin.latency_seq (p50 per call)",
                "µs",
                pick(Target::RatioMax(0.9), Target::None),
            ),
            (
                THROUGHPUT,
                THROUGHPUT,
                "calls/s",
                pick(Target::RatioMin(1.3), Target::RatioMin(0.9)),
            ),
            (
                HOST_CPU,
                "plugin.host_cpu_per_call_c64 (host user+sys per call)",
                "µs",
                pick(Target::RatioMax(0.5), Target::None),
            ),
            (
                PLUGIN_CPU,
                "plugin.plugin_cpu_per_call_c64 (plugin user+sys per call)",
                "µs",
                Target::None,
            ),
        ];
        for (metric, label, unit, target) in rows {
            v.push((
                section,
                RowSpec::new(metric, label, unit, "rust_host", b, target),
            ));
        }
    }
}

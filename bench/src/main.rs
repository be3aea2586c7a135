//! `gobrpc-bench`: gobrpc against Go's `encoding/gob` + `net/rpc` (and the gobwire crate),
//! side by side in one invocation. See BENCHMARKS.md; `scripts/bench` builds and runs it.
//!
//! ```text
//! gobrpc-bench [--quick] [--json PATH] [--rounds N] [--duration-ms N] [--warmup-ms N]
//!              [--rust-threads N] [--only SUBSTR] [--gointerop PATH]
//! gobrpc-bench client       --addr A --scenario latency_seq|throughput|reply [...]   (one run)
//! gobrpc-bench floor-client --addr A --floor echo|server --scenario ...            (one run)
//! gobrpc-bench codec [--sample-ms N] [--samples N] [--iters N] [--run SUBSTR] [--lib gobrpc|gobrpc_borrowed|gobwire]
//! gobrpc-bench rust-server [--addr A] [--threads N]   (gobrpc's server: Arith.Add)
//! gobrpc-bench raw-replier [--addr A]                 (the floor: pre-encoded replies)
//! gobrpc-bench raw-proxy --upstream A [--addr A]     (the tap's floor: forwarding only)
//! gobrpc-bench plugin-host --plugin PATH --scenario latency_seq|throughput [--raw] [...]
//! ```

mod client;
mod codec;
mod harness;
mod long_lived;
mod plugin_bench;
mod plugin_host;
mod scenarios;
mod server;
mod server_bench;
mod sys;
mod table;
mod tap_bench;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

static STARTED: OnceLock<Instant> = OnceLock::new();

/// When this process started (for progress lines).
pub fn started() -> Instant {
    *STARTED.get_or_init(Instant::now)
}

const USAGE: &str = "usage:
  gobrpc-bench [--quick] [--json PATH] [--rounds N] [--duration-ms N] [--warmup-ms N]
               [--rust-threads N] [--only SUBSTR] [--gointerop PATH] [--plugin PATH]
               [--goplugin-host PATH] [--gobrpc PATH]
      run every scenario, gobrpc and Go alternating, and print the table
      (--rust-threads: tokio workers in gobrpc's client process, 0 = current-thread runtime)
  gobrpc-bench client|floor-client --addr ADDR --scenario latency_seq|throughput|reply
               [--concurrency N] [--duration-ms N] [--warmup-ms N] [--size N] [--count N]
               [--threads N] [--floor echo|server] [--in-block-on] [--server-pid PID]
               [--busy-poll-us N]
      one measured run (what the harness spawns); one JSON line. floor-client is the raw
      client: --floor echo (default) against the echo server, server against the Go server
  gobrpc-bench codec [--sample-ms N] [--samples N] [--iters N] [--run SUBSTR] [--lib gobrpc|gobrpc_borrowed|gobwire]
      gobrpc's and gobwire's codec scenarios; one JSON line each. --iters N runs each op
      exactly N times in one sample (for instruction counts under callgrind)
  gobrpc-bench rust-server [--addr ADDR] [--threads N]
      gobrpc's server serving Arith.Add (tokio multi-thread runtime, N workers, default 2)
  gobrpc-bench raw-replier [--addr ADDR]
      the server floor: answers each request with pre-encoded reply bytes, decodes nothing
      (both print {\"tcp\":\"ADDR\"} when up and run until stdin ends; ADDR default 127.0.0.1:0)
  gobrpc-bench plugin-host --plugin PATH --scenario latency_seq|throughput [--concurrency N]
               [--duration-ms N] [--warmup-ms N] [--threads N] [--raw]
      launch the go-plugin plugin, dispense \"test\" and call Plugin.Double on it with
      gobrpc::plugin (--raw: pre-encoded requests on the dispensed stream); one JSON line
  gobrpc-bench raw-proxy --upstream ADDR [--addr ADDR]
      the tap's floor: forwards every connection to ADDR as gobrpc tap does, decoding
      nothing (prints {\"tcp\":\"ADDR\"} when up and runs until stdin ends)";

/// `--flag value` pairs after the subcommand.
struct Flags(Vec<String>);

impl Flags {
    fn take(&mut self, name: &str) -> Option<String> {
        let i = self.0.iter().position(|a| a == name)?;
        if i + 1 >= self.0.len() {
            fail(&format!("{name} needs a value"));
        }
        let v = self.0.remove(i + 1);
        self.0.remove(i);
        Some(v)
    }

    fn switch(&mut self, name: &str) -> bool {
        match self.0.iter().position(|a| a == name) {
            Some(i) => {
                self.0.remove(i);
                true
            }
            None => false,
        }
    }

    fn num<T: std::str::FromStr>(&mut self, name: &str, default: T) -> T {
        match self.take(name) {
            Some(v) => v
                .parse()
                .unwrap_or_else(|_| fail(&format!("{name}: not a number: {v}"))),
            None => default,
        }
    }

    /// `--scenario` (required), `--concurrency`, `--duration-ms`, `--warmup-ms`.
    fn window(&mut self) -> (String, usize, Duration, Duration) {
        (
            self.take("--scenario")
                .unwrap_or_else(|| fail("--scenario is required")),
            self.num("--concurrency", 1),
            Duration::from_millis(self.num("--duration-ms", 2000)),
            Duration::from_millis(self.num("--warmup-ms", 300)),
        )
    }

    fn done(self) {
        if let Some(a) = self.0.first() {
            fail(&format!("unexpected argument {a:?}"));
        }
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("gobrpc-bench: {msg}\n{USAGE}");
    std::process::exit(2)
}

fn main() {
    started();
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let sub = match args.first().map(String::as_str) {
        Some(
            "client" | "floor-client" | "codec" | "run" | "rust-server" | "raw-replier"
            | "plugin-host" | "raw-proxy",
        ) => args.remove(0),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return;
        }
        _ => "run".to_string(),
    };
    let mut f = Flags(args);
    let result = match sub.as_str() {
        "client" | "floor-client" => {
            let addr = f
                .take("--addr")
                .unwrap_or_else(|| fail("--addr is required"));
            let (scenario, concurrency, duration, warmup) = f.window();
            let o = client::ClientOpts {
                addr,
                scenario,
                concurrency,
                duration,
                warmup,
                size: f.num("--size", 64 << 20),
                count: f.num("--count", 2),
                threads: f.num("--threads", 0),
                in_block_on: f.switch("--in-block-on"),
                busy_poll: f.take("--busy-poll-us").map(|v| match v.parse() {
                    Ok(us) => Duration::from_micros(us),
                    Err(_) => fail(&format!("--busy-poll-us: not a number: {v}")),
                }),
                server_pid: f.take("--server-pid").map(|v| {
                    v.parse()
                        .unwrap_or_else(|_| fail(&format!("--server-pid: not a pid: {v}")))
                }),
            };
            let floor = match f.take("--floor").as_deref() {
                None | Some("echo") => client::Floor::Echo,
                Some("server") => client::Floor::Server,
                Some(x) => fail(&format!("--floor {x}: echo or server")),
            };
            f.done();
            let r = if sub == "client" {
                client::run_client(&o)
            } else {
                client::run_floor_client(&o, floor)
            };
            r.map(|r| println!("{}", serde_json::to_string(&r).expect("json")))
        }
        "rust-server" | "raw-replier" => {
            let addr = f.take("--addr").unwrap_or_else(|| "127.0.0.1:0".into());
            let threads = f.num("--threads", 2);
            f.done();
            if sub == "rust-server" {
                server::run_rust_server(&addr, threads)
            } else {
                server::run_raw_replier(&addr)
            }
        }
        "raw-proxy" => {
            let addr = f.take("--addr").unwrap_or_else(|| "127.0.0.1:0".into());
            let upstream = f
                .take("--upstream")
                .unwrap_or_else(|| fail("--upstream is required"));
            f.done();
            tap_bench::run_raw_proxy(&addr, &upstream)
        }
        "plugin-host" => {
            let plugin = f
                .take("--plugin")
                .unwrap_or_else(|| fail("--plugin is required"));
            let (scenario, concurrency, duration, warmup) = f.window();
            let o = plugin_host::PluginHostOpts {
                plugin,
                scenario,
                concurrency,
                duration,
                warmup,
                threads: f.num("--threads", 0),
                raw: f.switch("--raw"),
            };
            f.done();
            plugin_host::run_plugin_host(&o)
                .map(|r| println!("{}", serde_json::to_string(&r).expect("json")))
        }
        "codec" => {
            let sample = Duration::from_millis(f.num("--sample-ms", 200));
            let samples = f.num("--samples", 3);
            let iters = f.take("--iters").map(|v| {
                v.parse()
                    .unwrap_or_else(|_| fail(&format!("--iters: not a number: {v}")))
            });
            let filter = f.take("--run").unwrap_or_default();
            let lib = f.take("--lib").unwrap_or_default();
            f.done();
            run_codec(
                Timing {
                    sample,
                    samples,
                    iters,
                },
                &filter,
                &lib,
            );
            Ok(())
        }
        _ => {
            let mut cfg = harness::Config::new(f.switch("--quick"));
            cfg.json = f.take("--json").map(Into::into);
            cfg.rounds = f.num("--rounds", cfg.rounds);
            cfg.duration_ms = f.num("--duration-ms", cfg.duration_ms);
            cfg.warmup_ms = f.num("--warmup-ms", cfg.warmup_ms);
            cfg.rust_threads = f.num("--rust-threads", cfg.rust_threads);
            cfg.only = f.take("--only");
            for (flag, path) in [
                ("--gointerop", &mut cfg.gointerop),
                ("--plugin", &mut cfg.plugin),
                ("--goplugin-host", &mut cfg.goplugin_host),
                ("--gobrpc", &mut cfg.gobrpc),
            ] {
                if let Some(p) = f.take(flag) {
                    *path = p.into();
                }
            }
            f.done();
            let after = cfg.clone();
            harness::run(cfg).and_then(|()| long_lived::run_after(&after))
        }
    };
    if let Err(e) = result {
        eprintln!("gobrpc-bench: {e}");
        std::process::exit(1);
    }
}

/// How codec ops are timed: calibrated samples, or exactly `iters` runs when given.
struct Timing {
    sample: Duration,
    samples: usize,
    iters: Option<u64>,
}

impl Timing {
    fn run(&self, op: &mut codec::Op) -> (f64, u64) {
        match self.iters {
            Some(n) => codec::run_fixed(op, n),
            None => codec::time_op(op, self.sample, self.samples),
        }
    }
}

/// Both Rust crates' codec scenarios, one JSON line each; a scenario whose check or run
/// fails (e.g. gobwire cannot express a value) is reported with an `error` and no time.
fn run_codec(timing: Timing, filter: &str, lib_filter: &str) {
    // A failed check is reported in the JSON line; keep stderr quiet.
    std::panic::set_hook(Box::new(|_| {}));
    for name in codec::SCENARIOS {
        if !name.contains(filter) {
            continue;
        }
        for lib in codec::LIBS {
            if !lib.contains(lib_filter) || !codec::runs_on(lib, name) {
                continue;
            }
            let timed = std::panic::catch_unwind(|| {
                let mut op = codec::lib_op(lib, name);
                timing.run(&mut op)
            });
            let line = match timed {
                Ok((ns, iters)) => serde_json::json!({
                    "lib": lib, "name": name, "ns_per_op": ns, "iters_per_sample": iters,
                }),
                Err(p) => {
                    let msg = p
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_else(|| "panicked".into());
                    serde_json::json!({"lib": lib, "name": name, "error": msg})
                }
            };
            println!("{line}");
        }
    }
    // The allocation floor of the []string decode (gobrpc's allocator, no decoding).
    if "decode_string_slice_1000".contains(filter) && "gobrpc".contains(lib_filter) {
        let mut op = codec::string_slice_alloc_floor();
        let (ns, iters) = timing.run(&mut op);
        let line = serde_json::json!({
            "lib": "alloc_floor", "name": "decode_string_slice_1000", "ns_per_op": ns,
            "iters_per_sample": iters,
        });
        println!("{line}");
    }
}

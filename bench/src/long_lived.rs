//! Long-lived clients (issue 15): a [`Pool`]'s throughput over 4 connections against 1, and
//! a [`ReconnectingClient`]'s CPU per call against the bare [`Client`] (target: at most
//! +5 %). Runs in this process, after the main table, against its own `gointerop server`;
//! each round runs the pair back to back, alternating which goes first, and the reported
//! ratio is the median of the per-round ratios. `--quick` runs the quick variant (the main
//! run's rounds and windows).

use crate::harness::{progress, Config, ServerProc};
use crate::scenarios::{Args, Reply};
use crate::sys::rusage_self;
use gobrpc::rpc::{Balance, Client, Pool, ReconnectingClient};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Callers at once in every run.
const CALLERS: usize = 64;

/// What one measured window gave.
#[derive(Clone, Copy)]
struct Window {
    calls: u64,
    secs: f64,
    cpu_ns: i64,
}

impl Window {
    fn rate(&self) -> f64 {
        self.calls as f64 / self.secs
    }

    fn cpu_us_per_call(&self) -> f64 {
        self.cpu_ns as f64 / 1e3 / self.calls as f64
    }
}

/// Anything the window's callers can call `Arith.Add` on.
#[derive(Clone)]
enum Caller {
    Bare(Client),
    Reconnecting(ReconnectingClient),
    Pool(Pool),
}

impl Caller {
    async fn add(&self, a: i64) -> Reply {
        let args = Args { a, b: 1 };
        let r = match self {
            Caller::Bare(c) => c.call("Arith.Add", &args).await,
            Caller::Reconnecting(c) => c.call("Arith.Add", &args).await,
            Caller::Pool(p) => p.call("Arith.Add", &args).await,
        };
        r.unwrap_or_else(|e| panic!("Arith.Add: {e}"))
    }
}

/// `CALLERS` tasks call as fast as they can; counts calls and process CPU over the window
/// that follows the warm-up.
async fn window(caller: Caller, warmup: Duration, len: Duration) -> Window {
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let tasks: Vec<_> = (0..CALLERS)
        .map(|t| {
            let (caller, stop, calls) = (caller.clone(), stop.clone(), calls.clone());
            tokio::spawn(async move {
                let mut i = t as i64;
                while !stop.load(Ordering::Relaxed) {
                    let r = caller.add(i).await;
                    assert_eq!(r.c, i + 1, "reply of another call");
                    calls.fetch_add(1, Ordering::Relaxed);
                    i += CALLERS as i64;
                }
            })
        })
        .collect();
    tokio::time::sleep(warmup).await;
    let (n0, ru0, t0) = (calls.load(Ordering::Relaxed), rusage_self(), Instant::now());
    tokio::time::sleep(len).await;
    let (n1, ru1, secs) = (
        calls.load(Ordering::Relaxed),
        rusage_self(),
        t0.elapsed().as_secs_f64(),
    );
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("a caller panicked");
    }
    Window {
        calls: n1 - n0,
        secs,
        cpu_ns: (ru1.user_ns + ru1.sys_ns) - (ru0.user_ns + ru0.sys_ns),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn pool(addr: &str, members: usize) -> Pool {
    let addr = addr.to_string();
    Pool::builder()
        .balance(Balance::RoundRobin)
        .members(members, move || Client::dial(addr.clone()))
        .build()
}

/// Runs the long-lived scenarios unless `--only` leaves them out, and records them in the
/// JSON file (what `main` calls after the main table).
pub fn run_after(cfg: &Config) -> Result<(), String> {
    if !cfg.wants("long_lived") {
        return Ok(());
    }
    let results = run(cfg)?;
    add_to_json(cfg, results)
}

/// Runs both comparisons; prints their table; returns their JSON.
fn run(cfg: &Config) -> Result<Value, String> {
    let server = ServerProc::go(&cfg.gointerop)?;
    let addr = server.addr.clone();
    let rt = if cfg.rust_threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cfg.rust_threads)
            .enable_all()
            .build()
    }
    .map_err(|e| e.to_string())?;
    let warmup = Duration::from_millis(cfg.warmup_ms);
    let len = Duration::from_millis(cfg.duration_ms);
    rt.block_on(async move {
        let (mut pool1, mut pool4, mut bare, mut rc) = (vec![], vec![], vec![], vec![]);
        let (mut rate_ratio, mut cpu_ratio) = (vec![], vec![]);
        let p1 = pool(&addr, 1);
        let p4 = pool(&addr, 4);
        let b = Client::dial(&addr).await.map_err(|e| e.to_string())?;
        let a2 = addr.clone();
        let r = ReconnectingClient::builder()
            .connect(move || Client::dial(a2.clone()))
            .await
            .map_err(|e| e.to_string())?;
        for round in 0..cfg.rounds {
            let first = round % 2 == 0;
            let (x, y) = (Caller::Pool(p1.clone()), Caller::Pool(p4.clone()));
            let (w1, w4) = if first {
                let w1 = window(x, warmup, len).await;
                (w1, window(y, warmup, len).await)
            } else {
                let w4 = window(y, warmup, len).await;
                (window(x, warmup, len).await, w4)
            };
            let (x, y) = (Caller::Bare(b.clone()), Caller::Reconnecting(r.clone()));
            let (wb, wr) = if first {
                let wb = window(x, warmup, len).await;
                (wb, window(y, warmup, len).await)
            } else {
                let wr = window(y, warmup, len).await;
                (window(x, warmup, len).await, wr)
            };
            progress(&format!(
                "round {}/{}: long_lived: pool 1 conn {:.0} calls/s, 4 conns {:.0} calls/s; \
                 cpu/call bare {:.2} µs, reconnecting {:.2} µs",
                round + 1,
                cfg.rounds,
                w1.rate(),
                w4.rate(),
                wb.cpu_us_per_call(),
                wr.cpu_us_per_call()
            ));
            rate_ratio.push(w4.rate() / w1.rate());
            cpu_ratio.push(wr.cpu_us_per_call() / wb.cpu_us_per_call());
            pool1.push(w1.rate());
            pool4.push(w4.rate());
            bare.push(wb.cpu_us_per_call());
            rc.push(wr.cpu_us_per_call());
        }
        let (rr, cr) = (median(rate_ratio.clone()), median(cpu_ratio.clone()));
        println!("\n## long-lived clients ({CALLERS} callers, Arith.Add on Go's server)\n");
        println!("| scenario | a | b | a ÷ b | target |");
        println!("| --- | --- | --- | --- | --- |");
        println!(
            "| pool throughput, 4 connections (a) vs 1 (b), calls/s | {:.0} | {:.0} | {rr:.2} | — |",
            median(pool4.clone()),
            median(pool1.clone())
        );
        println!(
            "| CPU per call, ReconnectingClient (a) vs bare Client (b), µs | {:.2} | {:.2} | {cr:.3} | ≤ 1.05 {} |",
            median(rc.clone()),
            median(bare.clone()),
            if cr <= 1.05 { "met" } else { "NOT met" }
        );
        drop(server);
        Ok(json!({
            "callers": CALLERS,
            "pool_calls_per_s": {"conns_1": pool1, "conns_4": pool4, "ratio_median": rr},
            "cpu_us_per_call": {"bare": bare, "reconnecting": rc, "ratio_median": cr, "target_max": 1.05},
        }))
    })
}

/// Adds the results to the harness's JSON file, if it wrote one.
fn add_to_json(cfg: &Config, results: Value) -> Result<(), String> {
    let Some(path) = &cfg.json else {
        return Ok(());
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut doc: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    doc["long_lived"] = results;
    std::fs::write(
        path,
        serde_json::to_string(&doc).map_err(|e| e.to_string())? + "\n",
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}

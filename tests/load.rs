//! Load: many calls from many tasks against the bundled Go server, on one connection and on
//! eight, with a tenth of the calls cancelled (dropped) or timed out at random.
//!
//! Checked: no reply lost or mismatched (every reply is checked against its own call's
//! arguments: `Arith.SleepMilli` answers C = B, a unique id; `Arith.Add` C = A + B), every
//! client's pending map empty at the end and a last call answered, and memory flat after a
//! warm-up (RSS at the end ≤ RSS after the first quarter + 32 MiB).
//!
//! Scale: 100,000 calls from 1,000 tasks by default; `GOBRPC_LONG=1` runs the full
//! 1,000,000 calls from 1,000 tasks (same tests, scaled; about a minute in a debug build).
//! The scale used and the throughput are printed (information only: no timing is asserted).
#![cfg(all(feature = "rpc", feature = "derive"))]

mod common;

use common::gotypes::{args, Reply};
use common::mem::{mib, rss_bytes};
use common::rpc::{connect, timed};
use common::server::GoServer;
use gobrpc::rpc::{Client, Error};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The tests measure the process's memory: they run one at a time even in one process.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

#[derive(Debug, Clone, Copy)]
struct Scale {
    calls: usize,
    tasks: usize,
    /// Seconds the whole test may take.
    limit: u64,
}

fn scale() -> Scale {
    if std::env::var("GOBRPC_LONG").is_ok_and(|v| v == "1") {
        Scale {
            calls: 1_000_000,
            tasks: 1000,
            limit: 3600,
        }
    } else {
        Scale {
            calls: 100_000,
            tasks: 1000,
            limit: 120,
        }
    }
}

/// What happened to one task's calls.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    /// Answered with the right reply.
    ok: usize,
    /// Dropped before the reply came.
    cancelled: usize,
    /// Timed out.
    timed_out: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.ok += o.ok;
        self.cancelled += o.cancelled;
        self.timed_out += o.timed_out;
    }
}

/// Checks a reply against the call's own expected C.
fn check(r: Result<Reply, Error>, method: &str, want: i64) {
    match r {
        Ok(r) => assert_eq!(r.c, want, "{method}: a reply that is not this call's"),
        Err(e) => panic!("{method} (want C={want}) failed: {e} ({e:?})"),
    }
}

/// One task's calls: ids `first..first + n`, each a random `SleepMilli` (0–2 ms, C = id) or
/// `Add` (C = A + id); about 5% dropped (at once or after up to 2 ms) and 5% with a
/// 0–3 ms timeout; the rest awaited through `call` or `go`.
async fn task(
    client: Client,
    seed: u64,
    first: i64,
    n: usize,
    done: Arc<AtomicUsize>,
    warm: Arc<(usize, AtomicU64)>,
) -> Tally {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut t = Tally::default();
    for id in first..first + n as i64 {
        let (method, a, want) = if rng.gen_bool(0.5) {
            ("Arith.SleepMilli", args(rng.gen_range(0..=2), id), id)
        } else {
            let x = rng.gen_range(-1_000_000_000..1_000_000_000);
            ("Arith.Add", args(x, id), x + id)
        };
        match rng.gen_range(0..100) {
            0..=4 => {
                let call = client.go::<_, Reply>(method, &a);
                if rng.gen_bool(0.5) {
                    drop(call);
                    t.cancelled += 1;
                } else {
                    let wait = Duration::from_micros(rng.gen_range(0..2000));
                    match tokio::time::timeout(wait, call).await {
                        Ok(r) => {
                            check(r, method, want);
                            t.ok += 1;
                        }
                        Err(_) => t.cancelled += 1,
                    }
                }
            }
            5..=9 => {
                let limit = Duration::from_micros(rng.gen_range(0..3000));
                match client.go::<_, Reply>(method, &a).timeout(limit).await {
                    Err(Error::Timeout) => t.timed_out += 1,
                    r => {
                        check(r, method, want);
                        t.ok += 1;
                    }
                }
            }
            _ => {
                let r = if rng.gen_bool(0.5) {
                    client.call::<_, Reply>(method, &a).await
                } else {
                    client.go::<_, Reply>(method, &a).await
                };
                check(r, method, want);
                t.ok += 1;
            }
        }
        // The call that completes the first quarter measures the warmed-up memory.
        if done.fetch_add(1, Ordering::Relaxed) + 1 == warm.0 {
            warm.1.store(rss_bytes(), Ordering::Relaxed);
        }
    }
    t
}

async fn load(conns: usize) {
    let _serial = SERIAL.lock().await;
    let sc = scale();
    println!(
        "load on {conns} connection(s): {} calls from {} tasks{}",
        sc.calls,
        sc.tasks,
        if sc.calls >= 1_000_000 {
            " (GOBRPC_LONG=1)"
        } else {
            " (default; GOBRPC_LONG=1 for 1,000,000 from 1,000)"
        }
    );
    timed(sc.limit, async {
        let srv = GoServer::tcp();
        let mut clients = Vec::with_capacity(conns);
        for _ in 0..conns {
            clients.push(connect(&srv).await);
        }
        let per_task = sc.calls / sc.tasks;
        let total = per_task * sc.tasks;
        let done = Arc::new(AtomicUsize::new(0));
        let warm = Arc::new((total / 4, AtomicU64::new(0)));
        let start = Instant::now();
        let tasks: Vec<_> = (0..sc.tasks)
            .map(|i| {
                let client = clients[i % conns].clone();
                let seed = 0x10ad_0000 + (conns as u64) * 1_000_000 + i as u64;
                let first = (i * per_task) as i64;
                tokio::spawn(task(
                    client,
                    seed,
                    first,
                    per_task,
                    done.clone(),
                    warm.clone(),
                ))
            })
            .collect();
        let mut tally = Tally::default();
        for t in tasks {
            tally += t.await.expect("a load task panicked");
        }
        let elapsed = start.elapsed();
        let end_rss = rss_bytes();
        let warm_rss = warm.1.load(Ordering::Relaxed);

        // Nothing lost: every call was answered, dropped or timed out.
        assert_eq!(
            tally.ok + tally.cancelled + tally.timed_out,
            total,
            "{tally:?}"
        );
        for (i, c) in clients.iter().enumerate() {
            assert_eq!(c.pending(), 0, "connection {i}: calls left pending");
            assert!(!c.is_shut_down(), "connection {i} went down");
            let r: Reply = c.call("Arith.Add", &args(i as i64, 1)).await.unwrap();
            assert_eq!(r.c, i as i64 + 1);
            assert_eq!(c.pending(), 0);
        }
        println!(
            "load on {conns} connection(s): {total} calls in {elapsed:.2?} = {:.0} calls/s; \
             {} answered, {} cancelled, {} timed out",
            total as f64 / elapsed.as_secs_f64(),
            tally.ok,
            tally.cancelled,
            tally.timed_out
        );
        println!(
            "load on {conns} connection(s): RSS after warm-up (1/4) {:.1} MiB, \
             at the end {:.1} MiB",
            mib(warm_rss),
            mib(end_rss)
        );
        assert!(warm_rss > 0, "the warm-up RSS was not measured");
        assert!(
            end_rss <= warm_rss + (32 << 20),
            "RSS grew from {:.1} MiB after warm-up to {:.1} MiB at the end",
            mib(warm_rss),
            mib(end_rss)
        );
        drop(srv);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_one_connection() {
    load(1).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_eight_connections() {
    load(8).await
}

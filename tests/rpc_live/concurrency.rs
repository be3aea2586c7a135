//! Many calls on one connection: out-of-order replies matched to their calls, shared
//! completion channels, cancellation and timeouts.

use super::*;
use futures::future::join_all;
use futures::stream::{FuturesUnordered, StreamExt};
use gobrpc::rpc::{done_channel, Error};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

/// 1,000 `go` handles in flight at once, awaited together: each reply is its own call's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_1000_go_join_all() {
    with_client(30, |client| async move {
        let mut rng = StdRng::seed_from_u64(1000);
        let mut seqs = HashSet::new();
        let mut want = Vec::new();
        let mut calls = Vec::new();
        for i in 0..1000 {
            let b = 1_000_000 + i * 7;
            let call = client.go::<_, Reply>("Arith.SleepMilli", &args(rng.gen_range(0..50), b));
            assert!(seqs.insert(call.seq().expect("sent")), "duplicate seq");
            want.push(b);
            calls.push(call);
        }
        let replies = join_all(calls).await;
        for (b, r) in want.into_iter().zip(replies) {
            let r = r.unwrap_or_else(|e| panic!("call with B={b}: {e}"));
            assert_eq!(r.c, b);
        }
        assert_eq!(client.pending(), 0);
        add(&client, 1, 2).await;
    })
    .await
}

/// 1,000 tasks sharing clones of one client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_1000_tasks_cloned_client() {
    with_client(30, |client| async move {
        let mut rng = StdRng::seed_from_u64(2000);
        let tasks: Vec<_> = (0..1000i64)
            .map(|i| {
                let c = client.clone();
                let a = args(rng.gen_range(0..50), 3_000_000 - i);
                tokio::spawn(async move {
                    let r: Reply = c.call("Arith.SleepMilli", &a).await?;
                    Ok::<_, Error>((a.b, r.c))
                })
            })
            .collect();
        let mut seen = HashSet::new();
        for t in tasks {
            let (b, c) = t.await.expect("task panicked").expect("call failed");
            assert_eq!(c, b);
            assert!(seen.insert(b));
        }
        assert_eq!(seen.len(), 1000);
        assert_eq!(client.pending(), 0);
        add(&client, 1, 2).await;
    })
    .await
}

/// 100 calls fanned into one done channel (a tenth of them failing): exactly 100
/// completions, each seq once, each with its own reply.
#[tokio::test]
async fn go_done_fan_in_100() {
    with_client(20, |client| async move {
        let mut rng = StdRng::seed_from_u64(100);
        let (done, mut completions) = done_channel::<Reply>();
        let mut want: HashMap<u64, (&str, i64)> = HashMap::new();
        for i in 0..100i64 {
            let (method, a) = if i % 10 == 9 {
                ("Arith.Div", args(i, 0))
            } else {
                ("Arith.SleepMilli", args(rng.gen_range(0..50), 5000 + i))
            };
            let seq = client.go_done(method, &a, &done).unwrap();
            assert!(want.insert(seq, (method, a.b)).is_none(), "seq {seq} twice");
        }
        drop(done);
        let mut seen = HashSet::new();
        while let Some(c) = completions.recv().await {
            assert!(seen.insert(c.seq), "seq {} completed twice", c.seq);
            let (method, b) = *want
                .get(&c.seq)
                .unwrap_or_else(|| panic!("unknown seq {}", c.seq));
            assert_eq!(c.method, method);
            match method {
                "Arith.Div" => {
                    assert_eq!(server_error(c.result), "divide by zero");
                }
                _ => assert_eq!(c.result.unwrap().c, b),
            }
        }
        assert_eq!(seen.len(), 100);
        assert_eq!(client.pending(), 0);
        add(&client, 1, 2).await;
    })
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Outcome {
    Completed,
    Cancelled,
    TimedOut,
}

/// One worker's share: `n` calls, at most 200 in flight; about half of them are abandoned
/// (dropped at once, or dropped when a short sleep wins a `select!`) or given a 1–4 ms
/// timeout. Every reply that does arrive must be the call's own.
async fn churn(client: Client, seed: u64, n: i64) -> HashMap<Outcome, usize> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut counts = HashMap::new();
    let mut inflight = FuturesUnordered::new();
    for i in 0..n {
        let b = (seed as i64) * 1_000_000 + i;
        let call = client.go::<_, Reply>("Arith.SleepMilli", &args(rng.gen_range(0..3), b));
        assert!(call.seq().is_some());
        let check = move |r: rpc::Result<Reply>| match r {
            Ok(r) => {
                assert_eq!(r.c, b, "reply to another call");
                Outcome::Completed
            }
            Err(Error::Timeout) => Outcome::TimedOut,
            Err(e) => panic!("call B={b}: unexpected error {e:?} ({e})"),
        };
        let fut: std::pin::Pin<Box<dyn Future<Output = Outcome> + Send>> =
            match rng.gen_range(0..8u8) {
                // Dropped before it could complete.
                0 => {
                    drop(call);
                    Box::pin(async { Outcome::Cancelled })
                }
                // Abandoned unless it completes within 0–3 ms.
                1 | 2 => {
                    let wait = Duration::from_micros(rng.gen_range(0..3000));
                    Box::pin(async move {
                        tokio::select! {
                            r = call => check(r),
                            _ = tokio::time::sleep(wait) => Outcome::Cancelled,
                        }
                    })
                }
                // A per-call timeout.
                3 => {
                    let call = call.timeout(Duration::from_millis(rng.gen_range(1..5)));
                    Box::pin(async move { check(call.await) })
                }
                _ => Box::pin(async move {
                    let o = check(call.await);
                    assert_eq!(o, Outcome::Completed, "no timeout was set");
                    o
                }),
            };
        inflight.push(fut);
        while inflight.len() >= 200 {
            let o = inflight.next().await.expect("non-empty");
            *counts.entry(o).or_insert(0) += 1;
        }
    }
    while let Some(o) = inflight.next().await {
        *counts.entry(o).or_insert(0) += 1;
    }
    counts
}

/// 10,000 calls, a random half of them cancelled or timed out: the connection stays in
/// sync (late replies are read and discarded), nothing is left pending, and it still works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_and_timeout_10000() {
    with_client(60, |client| async move {
        let workers: Vec<_> = (1..=4u64)
            .map(|seed| tokio::spawn(churn(client.clone(), seed, 2500)))
            .collect();
        let mut total: HashMap<Outcome, usize> = HashMap::new();
        for w in workers {
            for (o, n) in w.await.expect("worker panicked") {
                *total.entry(o).or_insert(0) += n;
            }
        }
        eprintln!("outcomes: {total:?}");
        assert_eq!(total.values().sum::<usize>(), 10_000, "{total:?}");
        assert!(
            total.get(&Outcome::Completed).copied().unwrap_or(0) > 0,
            "{total:?}"
        );
        assert_eq!(client.pending(), 0, "{total:?}");
        assert!(!client.is_shut_down());
        add(&client, 40, 2).await;
        // Late replies of abandoned calls may still be arriving; calls keep working.
        let r: Reply = client
            .call("Arith.SleepMilli", &args(20, 77))
            .await
            .unwrap();
        assert_eq!(r.c, 77);
        add(&client, 1, 2).await;
        assert_eq!(client.pending(), 0);
    })
    .await
}

/// The builder's default timeout applies to every call; `Call::timeout` replaces it.
#[tokio::test]
async fn builder_default_timeout() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = Client::builder()
            .timeout(Duration::from_millis(100))
            .dial(srv.tcp_addr())
            .await
            .unwrap();
        let r = client
            .call::<_, Reply>("Arith.SleepMilli", &args(1000, 1))
            .await;
        assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
        assert_eq!(r.unwrap_err().to_string(), "call timed out");
        assert_eq!(client.pending(), 0);
        // A longer per-call timeout lets a slower call finish.
        let call = client.go::<_, Reply>("Arith.SleepMilli", &args(300, 2));
        let r = call.timeout(Duration::from_secs(10)).await.unwrap();
        assert_eq!(r.c, 2);
        // The timed-out call's late reply was discarded; the connection is in sync.
        add(&client, 5, 6).await;
        assert!(!client.is_shut_down());
    })
    .await
}

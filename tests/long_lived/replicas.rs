//! A pool over three Go replicas: it keeps serving while one replica is killed and another
//! restarted, and least-pending balancing steers calls away from a slow replica.

use super::storm::{free_port, start_at};
use crate::common::gotypes::{args, Reply};
use crate::common::rpc::timed;
use crate::common::server::GoServer;
use gobrpc::rpc::{Backoff, Balance, Client, Error, Pool};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn dial(
    addr: String,
) -> impl Fn() -> futures::future::BoxFuture<'static, gobrpc::rpc::Result<Client>> {
    move || {
        let addr = addr.clone();
        Box::pin(async move { Client::dial(addr).await })
    }
}

fn pool_over(addrs: &[String], balance: Balance) -> Pool {
    let mut b = Pool::builder()
        .balance(balance)
        .timeout(Duration::from_secs(10))
        .max_retries(10)
        .backoff(
            Backoff::default()
                .initial(Duration::from_millis(5))
                .max(Duration::from_millis(100)),
        );
    for a in addrs {
        b = b.member(dial(a.clone()));
    }
    b.build()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_serving_while_replicas_die_and_restart() {
    timed(120, async {
        let addrs: Vec<String> = (0..3)
            .map(|_| format!("127.0.0.1:{}", free_port()))
            .collect();
        let mut servers = Vec::new();
        for a in &addrs {
            servers.push(Some(start_at(a).await));
        }
        let pool = pool_over(&addrs, Balance::RoundRobin);
        let stop = Arc::new(AtomicBool::new(false));
        let (ok, maybe) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let mut tasks = Vec::new();
        for t in 0..40i64 {
            let (pool, stop, ok, maybe) = (pool.clone(), stop.clone(), ok.clone(), maybe.clone());
            tasks.push(tokio::spawn(async move {
                let mut i = 0i64;
                while !stop.load(Ordering::Relaxed) {
                    let (a, b) = (t, i);
                    let arg = args(a, b);
                    let call = pool.call::<_, Reply>("Arith.Add", &arg);
                    let idempotent = i % 2 == 0;
                    let r = if idempotent {
                        call.idempotent().await
                    } else {
                        call.await
                    };
                    match r {
                        Ok(r) => {
                            assert_eq!(r.c, a + b);
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(Error::MayHaveRun(_)) if !idempotent => {
                            maybe.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => panic!("call failed: {e} ({e:?})"),
                    }
                    i += 1;
                }
            }));
        }
        let served = |n: usize| {
            let ok = ok.clone();
            async move {
                let target = ok.load(Ordering::Relaxed) + n;
                while ok.load(Ordering::Relaxed) < target {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
            }
        };
        served(2000).await;
        // Replica 0 dies for good; replica 1 is killed and restarted on its address.
        let dead = servers[0].take();
        tokio::task::spawn_blocking(move || drop(dead))
            .await
            .unwrap();
        served(2000).await;
        let restarted = servers[1].take();
        tokio::task::spawn_blocking(move || drop(restarted))
            .await
            .unwrap();
        served(2000).await;
        servers[1] = Some(start_at(&addrs[1]).await);
        // The restarted replica is dialed again in the background and gets calls again.
        let calls_before = pool.stats()[1].calls;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        while pool.stats()[1].calls < calls_before + 100 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the restarted replica got no calls: {:?}",
                pool.stats()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        served(2000).await;
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.expect("a calling task panicked");
        }
        let stats = pool.stats();
        println!(
            "replicas: {} calls succeeded, {} non-idempotent calls may have run; members {stats:?}",
            ok.load(Ordering::Relaxed),
            maybe.load(Ordering::Relaxed)
        );
        assert!(!stats[0].connected, "the killed replica is not connected");
        assert!(stats[1].connected && stats[2].connected);
        for c in pool.connections().into_iter().flatten() {
            assert_eq!(c.pending(), 0);
        }
        drop(servers);
    })
    .await;
}

/// Runs `tasks` concurrent callers of `calls` calls each through a pool over three
/// ctx-servers, the first slowed down; returns each replica's share of the calls.
async fn shares(balance: Balance, tasks: usize, calls: usize) -> Vec<f64> {
    let slow = GoServer::start_sub("ctx-server", &["-delay", "100ms"]);
    let fast: Vec<GoServer> = (0..2)
        .map(|_| GoServer::start_sub("ctx-server", &[]))
        .collect();
    let addrs: Vec<String> = std::iter::once(&slow)
        .chain(&fast)
        .map(|s| s.tcp_addr())
        .collect();
    let pool = pool_over(&addrs, balance);
    // Members dial in the background: measure once all three are connected.
    while !pool.stats().iter().all(|m| m.connected) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut handles = Vec::new();
    for t in 0..tasks {
        let pool = pool.clone();
        handles.push(tokio::spawn(async move {
            for i in 0..calls as i64 {
                let arg = args(t as i64, i);
                let r: Reply = pool.call("Arith.Add", &arg).await.unwrap();
                assert_eq!(r.c, t as i64 + i);
            }
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let stats = pool.stats();
    let total: u64 = stats.iter().map(|s| s.calls).sum();
    assert_eq!(total as usize, tasks * calls, "one attempt per call");
    stats
        .iter()
        .map(|s| s.calls as f64 / total as f64)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn least_pending_steers_away_from_a_slow_replica() {
    timed(120, async {
        let least = shares(Balance::LeastPending, 16, 100).await;
        let rr = shares(Balance::RoundRobin, 16, 20).await;
        println!(
            "share of calls (slow replica first): least-pending {:.1?} %, round-robin {:.1?} %",
            least.iter().map(|s| s * 100.0).collect::<Vec<_>>(),
            rr.iter().map(|s| s * 100.0).collect::<Vec<_>>()
        );
        // Round-robin gives the slow replica its turn; least-pending gives it clearly
        // fewer calls than either fast one.
        assert!(rr[0] > 0.25, "round-robin: {rr:?}");
        assert!(
            least[0] * 3.0 < least[1].min(least[2]),
            "least-pending: {least:?}"
        );
    })
    .await;
}

/// A closed pool refuses calls at once, saying they were not sent (they do not wait for a
/// member that will never dial again).
#[tokio::test]
async fn a_closed_pool_refuses_calls() {
    timed(30, async {
        let srv = GoServer::tcp();
        let pool = pool_over(&[srv.tcp_addr(), srv.tcp_addr()], Balance::RoundRobin);
        let r: Reply = pool.call("Arith.Add", &args(1, 2)).await.unwrap();
        assert_eq!(r.c, 3);
        pool.close();
        let e = pool
            .call::<_, Reply>("Arith.Add", &args(1, 2))
            .no_timeout()
            .await
            .unwrap_err();
        assert_eq!(e.delivery(), gobrpc::rpc::Delivery::NotSent, "{e:?}");
    })
    .await;
}

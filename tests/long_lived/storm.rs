//! The restart storm: the bundled Go server is killed and restarted on the same address 20
//! times while 200 tasks make 100,000 calls through one `ReconnectingClient`, half of them
//! marked idempotent.

use crate::common::gotypes::{args, Reply};
use crate::common::mem::{mib, rss_bytes};
use crate::common::rpc::timed;
use crate::common::server::GoServer;
use gobrpc::rpc::{Backoff, Client, Error, ReconnectingClient};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TASKS: usize = 200;
const CALLS: usize = 100_000;
const RESTARTS: usize = 20;
const TIMEOUT: Duration = Duration::from_secs(10);

/// A loopback port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `gointerop server` on `addr` (off the runtime's threads: it waits for the
/// server's address line).
pub async fn start_at(addr: &str) -> GoServer {
    let addr = addr.to_string();
    tokio::task::spawn_blocking(move || GoServer::start(&["-tcp", &addr]))
        .await
        .unwrap()
}

#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    ok: AtomicUsize,
    may_have_run: AtomicUsize,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_storm() {
    timed(180, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let mut server = Some(start_at(&addr).await);
        // Every connection the client makes, to check their pending maps at the end.
        let conns: Arc<Mutex<Vec<Client>>> = Arc::default();
        let dial = {
            let (addr, conns) = (addr.clone(), conns.clone());
            move || {
                let (addr, conns) = (addr.clone(), conns.clone());
                async move {
                    let c = Client::builder()
                        .connect_timeout(Duration::from_secs(2))
                        .dial(addr)
                        .await?;
                    conns.lock().unwrap().push(c.clone());
                    Ok(c)
                }
            }
        };
        let client = ReconnectingClient::builder()
            .timeout(TIMEOUT)
            .max_retries(20)
            .backoff(
                Backoff::default()
                    .initial(Duration::from_millis(5))
                    .max(Duration::from_millis(100)),
            )
            .connect(dial)
            .await
            .expect("first connection");
        let tally = Arc::new(Tally::default());
        let rss_start = Arc::new(Mutex::new(None));
        let mut tasks = Vec::new();
        for t in 0..TASKS {
            let (client, tally, rss_start) = (client.clone(), tally.clone(), rss_start.clone());
            tasks.push(tokio::spawn(async move {
                for j in 0..CALLS / TASKS {
                    let i = (t * (CALLS / TASKS) + j) as i64;
                    let (a, b) = (i, 3 * i + 1);
                    let idempotent = i % 2 == 0;
                    let started = tokio::time::Instant::now();
                    let arg = args(a, b);
                    let call = client.call::<_, Reply>("Arith.Add", &arg);
                    let r = if idempotent {
                        call.idempotent().await
                    } else {
                        call.await
                    };
                    let took = started.elapsed();
                    // A hang guard, not a timing claim: the timeout bounds every call.
                    assert!(
                        took < TIMEOUT + Duration::from_secs(5),
                        "call {i} took {took:?}, past its timeout"
                    );
                    match r {
                        Ok(reply) => {
                            assert_eq!(reply.c, a + b, "call {i}: reply of another call?");
                            tally.ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e @ Error::MayHaveRun(_)) if !idempotent => {
                            assert!(e.may_have_run());
                            assert!(e.to_string().starts_with("call may or may not have run: "));
                            tally.may_have_run.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => panic!("call {i} (idempotent: {idempotent}) failed: {e} ({e:?})"),
                    }
                    let n = tally.done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n == CALLS / 10 {
                        *rss_start.lock().unwrap() = Some(rss_bytes());
                    }
                }
            }));
        }
        // Kill and restart the server 20 times, spread over the calls.
        for k in 0..RESTARTS {
            let at = (k + 1) * CALLS / (RESTARTS + 1);
            while tally.done.load(Ordering::Relaxed) < at {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            let old = server.take();
            tokio::task::spawn_blocking(move || drop(old))
                .await
                .unwrap();
            server = Some(start_at(&addr).await);
        }
        for t in tasks {
            t.await.expect("a calling task panicked");
        }
        let rss_end = rss_bytes();
        let ok = tally.ok.load(Ordering::Relaxed);
        let maybe = tally.may_have_run.load(Ordering::Relaxed);
        let conns = conns.lock().unwrap().clone();
        println!(
            "restart storm: {CALLS} calls, {RESTARTS} restarts, {} connections; {ok} succeeded, \
             {maybe} non-idempotent calls may have run",
            conns.len()
        );
        assert_eq!(ok + maybe, CALLS);
        assert!(
            conns.len() > RESTARTS,
            "the client reconnected after each restart"
        );
        for (n, c) in conns.iter().enumerate() {
            assert_eq!(c.pending(), 0, "connection {n} still has calls waiting");
        }
        let rss_start = rss_start.lock().unwrap().expect("RSS measured");
        println!(
            "RSS after {} calls: {:.1} MiB; at the end: {:.1} MiB",
            CALLS / 10,
            mib(rss_start),
            mib(rss_end)
        );
        assert!(
            rss_end < rss_start + (64 << 20),
            "RSS grew from {:.1} MiB to {:.1} MiB",
            mib(rss_start),
            mib(rss_end)
        );
        drop(server);
    })
    .await;
}

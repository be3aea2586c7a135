//! Faults with the real Go server: it dies with 1,000 calls pending; it replies too slowly
//! for a timeout; the client half-closes while the server still owes replies.

use super::*;
use common::rpc::{connect, timed, with_client};
use common::server::GoServer;
use futures::future::join_all;
use gobrpc::rpc::Call;
use std::time::{Duration, Instant};

/// How the server goes away.
#[derive(Debug, Clone, Copy)]
enum Death {
    /// `Control.Exit(3)` from another connection: `os.Exit` inside the server.
    Exit,
    /// The test kills the server process (SIGKILL).
    Kill,
}

/// A pending call's end after the server died: Go's `io.ErrUnexpectedEOF` on a clean close,
/// or the read error (connection reset) if the kernel reset the connection — nothing else.
fn assert_eof_or_reset<T: Debug>(r: &rpc::Result<T>) {
    match r {
        Err(Error::UnexpectedEof) => {}
        Err(Error::Io(e)) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        other => panic!("want unexpected EOF or connection reset, got {other:?}"),
    }
}

/// 1,000 `SleepMilli(5000)` calls pending on one connection when the server dies: every one
/// completes with unexpected EOF (or reset), nothing stays pending, later calls get
/// `Shutdown`. Prints how long the completions took (information, not asserted).
async fn die_with_1000_pending(death: Death) {
    const N: i64 = 1000;
    let mut srv = GoServer::tcp();
    let client = connect(&srv).await;
    let calls: Vec<Call<Reply>> = (0..N)
        .map(|i| client.go("Arith.SleepMilli", &args(5000, i)))
        .collect();
    // The server reads requests in order: once a later call is answered, it has all 1,000.
    add(&client, 1, 2).await;
    assert_eq!(client.pending(), N as usize);
    let waiters: Vec<_> = calls
        .into_iter()
        .map(|c| tokio::spawn(async move { (c.await, Instant::now()) }))
        .collect();
    let killer = connect(&srv).await;
    let start = Instant::now();
    match death {
        Death::Exit => {
            let exit = killer.go::<_, i64>("Control.Exit", &3i64);
            assert_eof_or_reset(&exit.await);
            assert_eq!(srv.wait(), Some(3));
        }
        Death::Kill => drop(srv),
    }
    let mut done = Vec::with_capacity(N as usize);
    for w in join_all(waiters).await {
        let (r, at) = w.expect("waiter task panicked");
        assert_eof_or_reset(&r);
        done.push(at);
    }
    let first = *done.iter().min().unwrap();
    let last = *done.iter().max().unwrap();
    println!(
        "{death:?} with {N} calls pending: all failed; last completion {:?} after the kill \
         was started, {:?} after the first completion (the close being seen)",
        last - start,
        last - first
    );
    assert_down(&client).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_server_exits_with_1000_pending() {
    timed(30, die_with_1000_pending(Death::Exit)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn go_server_killed_with_1000_pending() {
    timed(30, die_with_1000_pending(Death::Kill)).await
}

/// A reply slower than the call's timeout: the call times out, leaves the pending map, and
/// the late reply is read and discarded — the calls after it get their own replies.
#[tokio::test]
async fn slow_reply_times_out_stream_stays_in_sync() {
    with_client(20, |client| async move {
        let slow = client
            .go::<_, Reply>("Arith.SleepMilli", &args(300, 1))
            .timeout(Duration::from_millis(50));
        let r = slow.await;
        assert_eq!(r.as_ref().unwrap_err().to_string(), "call timed out");
        assert_timeout(r);
        assert_eq!(client.pending(), 0);
        // The late reply to seq 0 comes while this call waits; it must not be taken for it.
        let r: Reply = client
            .call("Arith.SleepMilli", &args(600, 2))
            .await
            .unwrap();
        assert_eq!(r.c, 2);
        add(&client, 3, 4).await;

        // Timed-out and answered calls interleaved: each answered one gets its own reply.
        let mut timed_out = Vec::new();
        let mut answered = Vec::new();
        for i in 0..20 {
            timed_out.push(
                client
                    .go::<_, Reply>("Arith.SleepMilli", &args(200 + i, 1000 + i))
                    .timeout(Duration::from_millis(20)),
            );
            answered.push(client.go::<_, Reply>("Arith.SleepMilli", &args(i * 20, 2000 + i)));
        }
        for r in join_all(timed_out).await {
            assert_timeout(r);
        }
        for (i, r) in join_all(answered).await.into_iter().enumerate() {
            assert_eq!(r.unwrap().c, 2000 + i as i64);
        }
        // Wait out the late replies (a call slower than all of them), then check the stream.
        let r: Reply = client
            .call("Arith.SleepMilli", &args(500, 3))
            .await
            .unwrap();
        assert_eq!(r.c, 3);
        add(&client, 5, 6).await;
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
    })
    .await
}

/// Per-call options of `call`, as of `go`: `.timeout(d)` for one call on a client without a
/// default, and `.no_timeout()` for one call on a client with one (`Call::no_timeout` too).
#[tokio::test]
async fn call_own_timeout_and_no_timeout() {
    timed(20, async {
        let srv = GoServer::tcp();
        let plain = Client::dial(srv.tcp_addr()).await.unwrap();
        let r = plain
            .call::<_, Reply>("Arith.SleepMilli", &args(2000, 1))
            .timeout(Duration::from_millis(50))
            .await;
        assert_timeout(r);
        assert_eq!(plain.pending(), 0);
        let r: Reply = plain
            .call("Arith.SleepMilli", &args(10, 2))
            .timeout(Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(r.c, 2);

        let hasty = Client::builder()
            .timeout(Duration::from_millis(50))
            .dial(srv.tcp_addr())
            .await
            .unwrap();
        let r: Reply = hasty
            .call("Arith.SleepMilli", &args(300, 3))
            .no_timeout()
            .await
            .unwrap();
        assert_eq!(r.c, 3);
        let r = hasty
            .go::<_, Reply>("Arith.SleepMilli", &args(300, 4))
            .no_timeout()
            .await
            .unwrap();
        assert_eq!(r.c, 4);
        // The default still holds for the other calls.
        assert_timeout(
            hasty
                .call::<_, Reply>("Arith.SleepMilli", &args(2000, 5))
                .await,
        );
        let r: Reply = hasty
            .call("Arith.Add", &args(1, 2))
            .timeout(Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(r.c, 3);
        add(&plain, 1, 2).await;
        drop(srv);
    })
    .await
}

/// The client's default timeout applies to `call` and `go`; a call's own `.timeout` replaces
/// it; the connection stays usable after the timeouts.
#[tokio::test]
async fn slow_reply_client_default_timeout() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = Client::builder()
            .timeout(Duration::from_millis(50))
            .dial(srv.tcp_addr())
            .await
            .unwrap();
        assert_timeout(
            client
                .call::<_, Reply>("Arith.SleepMilli", &args(300, 1))
                .await,
        );
        assert_timeout(
            client
                .go::<_, Reply>("Arith.SleepMilli", &args(300, 2))
                .await,
        );
        let r = client
            .go::<_, Reply>("Arith.SleepMilli", &args(300, 3))
            .timeout(Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(r.c, 3);
        let r = client
            .go::<_, Reply>("Arith.Add", &args(4, 5))
            .timeout(Duration::from_secs(10))
            .await
            .unwrap();
        assert_eq!(r.c, 9);
        assert_eq!(client.pending(), 0);
        drop(srv);
    })
    .await
}

/// Dropping every `Client` handle with calls in flight half-closes the connection once the
/// queued requests are written: the Go server sees EOF, still answers the calls it has (Go's
/// `TestShutdown`), and each call gets its own reply.
#[tokio::test]
async fn dropped_client_half_closes_go_server_answers_pending() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let calls: Vec<Call<Reply>> = (0..50)
            .map(|i| client.go("Arith.SleepMilli", &args(200 + i, 300 + i)))
            .collect();
        drop(client);
        for (i, r) in join_all(calls).await.into_iter().enumerate() {
            let r = r.unwrap_or_else(|e| panic!("call {i} after the half-close: {e} ({e:?})"));
            assert_eq!(r.c, 300 + i as i64);
        }
        drop(srv);
    })
    .await
}

/// `close_gracefully()` while calls are in flight (started from other tasks, concurrently):
/// every call completes with its reply, it returns after them (true), later calls get
/// `Shutdown`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_concurrent_with_pending_go_server_answers() {
    with_client(20, |client| async move {
        let callers: Vec<_> = (0..50i64)
            .map(|i| {
                let c = client.clone();
                tokio::spawn(async move {
                    c.call::<_, Reply>("Arith.SleepMilli", &args(300, 400 + i))
                        .await
                })
            })
            .collect();
        // Close once the calls are on their way (a call after `close` starts is refused).
        while client.pending() < callers.len() {
            tokio::task::yield_now().await;
        }
        let closer = client.clone();
        let close =
            tokio::spawn(async move { closer.close_gracefully(Duration::from_secs(15)).await });
        for (i, t) in callers.into_iter().enumerate() {
            let r = t.await.unwrap();
            let r = r.unwrap_or_else(|e| panic!("call {i} during close(): {e} ({e:?})"));
            assert_eq!(r.c, 400 + i as i64);
        }
        assert!(close.await.unwrap());
        assert_down(&client).await;
    })
    .await
}

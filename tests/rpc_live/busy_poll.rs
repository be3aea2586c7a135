//! Busy polling (`ClientBuilder::busy_poll`): a lone call polls for its reply before its
//! task parks. Replies must be exactly those of a client without it, on both runtimes,
//! alone and with other calls in flight, and a spinning call must still time out and end
//! when its reply is slow.

use super::*;
use gobrpc::rpc::Error;

async fn busy_client(srv: &GoServer, budget: Duration) -> Client {
    Client::builder()
        .busy_poll(budget)
        .dial(srv.tcp_addr().as_str())
        .await
        .expect("dial")
}

/// Sequential calls, each alone in flight (each one spins), then a burst of concurrent ones
/// (none spins): every reply is its own call's.
async fn sequential_then_concurrent() {
    let srv = GoServer::tcp();
    let client = busy_client(&srv, Duration::from_micros(200)).await;
    for i in 0..500 {
        add(&client, i, 3 * i).await;
    }
    let calls: Vec<_> = (0..200i64)
        .map(|i| client.go::<_, Reply>("Arith.SleepMilli", &args(i % 5, 10_000 + i)))
        .collect();
    for (i, r) in futures::future::join_all(calls)
        .await
        .into_iter()
        .enumerate()
    {
        assert_eq!(r.expect("concurrent call").c, 10_000 + i as i64);
    }
    assert_eq!(client.pending(), 0);
    // The calls made alone spun (or were answered before their first turn: not all 500).
    assert!(client.busy_poll_turns() > 0, "no call spun");
}

#[tokio::test(flavor = "current_thread")]
async fn replies_are_right_on_the_current_thread_runtime() {
    timed(60, sequential_then_concurrent()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_are_right_on_the_multi_thread_runtime() {
    timed(60, sequential_then_concurrent()).await
}

/// A reply slower than the budget: the call stops spinning, parks, and still gets it; a
/// call whose timeout passes while it spins (the budget is longer than the timeout) ends
/// with `Timeout`, and the connection stays usable.
#[tokio::test(flavor = "current_thread")]
async fn slow_replies_and_timeouts_while_spinning() {
    timed(60, async {
        let srv = GoServer::tcp();
        let client = busy_client(&srv, Duration::from_millis(5)).await;
        let r: Reply = client
            .call("Arith.SleepMilli", &args(50, 77))
            .await
            .unwrap();
        assert_eq!(r.c, 77);
        let client = busy_client(&srv, Duration::from_secs(10)).await;
        let r = client
            .call::<_, Reply>("Arith.SleepMilli", &args(2_000, 1))
            .timeout(Duration::from_millis(50))
            .await;
        assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
        add(&client, 4, 5).await;
    })
    .await
}

/// Other tasks keep running while a call spins (the spin yields to the runtime): on a
/// current-thread runtime, a task that counts while a slow call spins gets to count.
#[tokio::test(flavor = "current_thread")]
async fn other_tasks_run_while_a_call_spins() {
    timed(60, async {
        let srv = GoServer::tcp();
        let client = busy_client(&srv, Duration::from_secs(10)).await;
        let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let counter = {
            let ticks = ticks.clone();
            tokio::spawn(async move {
                loop {
                    ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tokio::task::yield_now().await;
                }
            })
        };
        let r: Reply = client
            .call("Arith.SleepMilli", &args(100, 5))
            .await
            .unwrap();
        assert_eq!(r.c, 5);
        counter.abort();
        // The call spun for its whole wait (a 10 s budget, a 100 ms reply), and the counting
        // task ran between its turns.
        assert!(client.busy_poll_turns() > 0, "the call did not spin");
        assert!(ticks.load(std::sync::atomic::Ordering::Relaxed) > 0);
    })
    .await
}

/// Without busy polling no call spins; with it, a call made while another is in flight
/// does not spin either.
#[tokio::test(flavor = "current_thread")]
async fn only_a_call_alone_in_flight_spins() {
    timed(60, async {
        let srv = GoServer::tcp();
        let plain = Client::dial(srv.tcp_addr().as_str()).await.expect("dial");
        let r: Reply = plain.call("Arith.SleepMilli", &args(20, 1)).await.unwrap();
        assert_eq!(r.c, 1);
        assert_eq!(plain.busy_poll_turns(), 0);

        let client = busy_client(&srv, Duration::from_secs(10)).await;
        let before = client.busy_poll_turns(); // the dial's probe may have spun
                                               // A long call first, not yet awaited (a `go` call spins only when polled)...
        let long = client.go::<_, Reply>("Arith.SleepMilli", &args(300, 2));
        // ...then one made while it is in flight: not alone, so it parks at once.
        let r: Reply = client.call("Arith.SleepMilli", &args(50, 3)).await.unwrap();
        assert_eq!(r.c, 3);
        assert_eq!(
            client.busy_poll_turns(),
            before,
            "a call spun with another in flight"
        );
        assert_eq!(long.await.unwrap().c, 2);
    })
    .await
}

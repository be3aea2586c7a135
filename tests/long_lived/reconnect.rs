//! `ReconnectingClient` one behaviour at a time against the Go server: lazy connect, calls
//! that wait for the new connection within their timeout, what is retried after a server
//! dies with a call in flight, and what is not.

use super::storm::{free_port, start_at};
use crate::common::gotypes::{args, Reply};
use crate::common::rpc::timed;
use gobrpc::rpc::{Backoff, Call, Client, Delivery, Error, ReconnectingClient};
use std::time::Duration;

fn builder() -> gobrpc::rpc::ReconnectBuilder {
    ReconnectingClient::builder().backoff(
        Backoff::default()
            .initial(Duration::from_millis(10))
            .max(Duration::from_millis(100)),
    )
}

fn dialer(addr: &str) -> impl Fn() -> gobrpc::rpc::ConnectFuture + Send + Sync + 'static {
    let addr = addr.to_string();
    move || {
        let addr = addr.clone();
        Box::pin(async move { Client::dial(addr).await })
    }
}

#[tokio::test]
async fn first_connect_fails_with_its_error() {
    timed(30, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let e = builder().connect(dialer(&addr)).await.unwrap_err();
        assert!(matches!(e, Error::Connect { .. }), "{e:?}");
    })
    .await;
}

#[tokio::test]
async fn lazy_connect_dials_on_the_first_call() {
    timed(30, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let client = builder()
            .timeout(Duration::from_secs(10))
            .connect_lazy(dialer(&addr));
        assert!(client.current().is_none());
        let srv = start_at(&addr).await;
        let r: Reply = client.call("Arith.Add", &args(2, 2)).await.unwrap();
        assert_eq!(r.c, 4);
        assert!(client.current().is_some());
        drop(srv);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_wait_for_the_new_connection_within_their_timeout() {
    timed(30, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let srv = start_at(&addr).await;
        let client = builder().connect(dialer(&addr)).await.unwrap();
        let closed = client.current().unwrap().closed();
        drop(srv);
        closed.await;
        // Nothing listens: a short timeout ends the call, which was never sent.
        let e = client
            .call::<_, Reply>("Arith.Add", &args(1, 1))
            .timeout(Duration::from_millis(200))
            .await
            .unwrap_err();
        assert_eq!(e.delivery(), Delivery::NotSent, "{e:?}");
        assert_eq!(e.to_string(), "call timed out");
        // A call with room to wait gets the restarted server.
        let waiting = {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .call::<_, Reply>("Arith.Add", &args(3, 4))
                    .timeout(Duration::from_secs(20))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(300)).await;
        let srv = start_at(&addr).await;
        assert_eq!(waiting.await.unwrap().unwrap().c, 7);
        drop(srv);
    })
    .await;
}

/// A call in flight when the server dies: sent again after the restart only if idempotent;
/// otherwise it fails with the may-have-run error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_idempotent_calls_are_sent_again() {
    timed(60, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let srv = start_at(&addr).await;
        let client = builder()
            .timeout(Duration::from_secs(20))
            .connect(dialer(&addr))
            .await
            .unwrap();
        let spawn_sleeper = |b: i64, idempotent: bool| {
            let client = client.clone();
            tokio::spawn(async move {
                let arg = args(1500, b);
                let call = client.call::<_, Reply>("Arith.SleepMilli", &arg);
                if idempotent {
                    call.idempotent().await
                } else {
                    call.await
                }
            })
        };
        let plain = spawn_sleeper(1, false);
        let idem = spawn_sleeper(2, true);
        // Both sleepers are on the wire once the connection carries two calls and a later
        // call is answered.
        let conn = client.current().unwrap();
        while conn.pending() < 2 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let _: Reply = conn.call("Arith.Add", &args(0, 0)).await.unwrap();
        let closed = conn.closed();
        tokio::task::spawn_blocking(move || drop(srv))
            .await
            .unwrap();
        closed.await;
        let srv = start_at(&addr).await;
        let e = plain.await.unwrap().unwrap_err();
        assert!(matches!(e, Error::MayHaveRun(_)), "{e:?}");
        assert_eq!(e.delivery(), Delivery::Unknown);
        assert!(
            e.to_string().starts_with("call may or may not have run: "),
            "{e}"
        );
        assert_eq!(
            idem.await.unwrap().unwrap().c,
            2,
            "the idempotent call was sent again"
        );
        drop(srv);
    })
    .await;
}

/// A server error is an answer: never retried, even when idempotent.
#[tokio::test]
async fn answered_calls_are_not_retried() {
    timed(30, async {
        let addr = format!("127.0.0.1:{}", free_port());
        let srv = start_at(&addr).await;
        let client = builder().connect(dialer(&addr)).await.unwrap();
        let conn = client.current().unwrap();
        let e = client
            .call::<_, Reply>("Arith.Div", &args(1, 0))
            .idempotent()
            .await
            .unwrap_err();
        assert_eq!(e.to_string(), "divide by zero");
        // Sent once: the dial's probe was call 0, Arith.Div call 1, so the next is 2.
        let next: Call<Reply> = conn.go("Arith.Add", &args(1, 1));
        assert_eq!(next.seq(), Some(2));
        assert_eq!(next.await.unwrap().c, 2);
        drop(srv);
    })
    .await;
}

//! How a connection ends: the server process exits, the server closes the connection,
//! the client closes (at once, or gracefully), a reply does not fit its type.

use super::*;
use futures::future::join_all;
use gobrpc::rpc::{Call, Error};

fn assert_eof<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(Error::UnexpectedEof) => {}
        other => panic!("want unexpected EOF, got {other:?}"),
    }
}

fn assert_shutdown<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(e @ Error::Shutdown) => assert_eq!(e.to_string(), "connection is shut down"),
        other => panic!("want Error::Shutdown, got {other:?}"),
    }
}

/// Starts `n` calls of `SleepMilli(ms)` and makes sure the server has read them (a later
/// call on the same connection is answered first).
async fn sleepers(client: &Client, n: i64, ms: i64) -> Vec<Call<Reply>> {
    let calls: Vec<Call<Reply>> = (0..n)
        .map(|i| client.go("Arith.SleepMilli", &args(ms, 100 + i)))
        .collect();
    add(client, 1, 2).await;
    assert_eq!(client.pending(), n as usize);
    calls
}

#[tokio::test]
async fn server_exit_with_pending_calls() {
    timed(20, async {
        let mut srv = GoServer::tcp();
        let client = connect(&srv).await;
        let calls = sleepers(&client, 5, 2000).await;
        let killer = connect(&srv).await;
        let exit = killer.go::<_, i64>("Control.Exit", &3i64);
        for r in join_all(calls).await {
            let e = r.as_ref().map(|_| ()).unwrap_err().to_string();
            assert_eq!(e, "unexpected EOF");
            assert_eof(r);
        }
        assert_eof(exit.await);
        assert_eq!(client.pending(), 0);
        assert!(client.is_shut_down());
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        let late = client.go::<_, Reply>("Arith.Add", &args(1, 2));
        assert_shutdown(late.await);
        assert_eq!(client.pending(), 0);
        assert_eq!(srv.wait(), Some(3));
    })
    .await
}

#[tokio::test]
async fn close_conn_with_pending_calls() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let other = connect(&srv).await;
        let calls = sleepers(&client, 4, 2000).await;
        let close = client.go::<_, i64>("Control.CloseConn", &0i64);
        for r in join_all(calls).await {
            assert_eof(r);
        }
        // CloseConn sends no reply either.
        assert_eof(close.await);
        assert_eq!(client.pending(), 0);
        assert!(client.is_shut_down());
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        // Only that connection was closed.
        add(&other, 3, 4).await;
    })
    .await
}

/// `close_gracefully` stops new calls at once, lets the pending ones finish with their
/// replies, and returns after them.
#[tokio::test]
async fn graceful_close_waits_for_pending() {
    with_client(20, |client| async move {
        let calls: Vec<Call<Reply>> = (0..10)
            .map(|i| client.go("Arith.SleepMilli", &args(300, 200 + i)))
            .collect();
        let closer = client.clone();
        let closing = closer.close_gracefully(Duration::from_secs(15));
        tokio::pin!(closing);
        assert!(futures::poll!(closing.as_mut()).is_pending());
        assert!(client.is_shut_down());
        // A call made once close has started is refused.
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        let late = client.go::<_, Reply>("Arith.Add", &args(1, 2));
        assert_eq!(late.seq(), None);
        assert_shutdown(late.await);
        // close_gracefully() returns once nothing is pending: the replies were all read by
        // then...
        assert!(closing.await);
        assert_eq!(client.pending(), 0);
        // ...and every call got its own reply, not an error.
        for (i, r) in join_all(calls).await.into_iter().enumerate() {
            assert_eq!(r.unwrap().c, 200 + i as i64);
        }
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        // Closing again is harmless.
        client.close().await;
    })
    .await
}

/// A reply that does not decode into the caller's type fails that call with Go's
/// "reading body …" text; unlike Go, the connection stays up: the calls pending meanwhile
/// get their replies, and later calls work (more in `mismatch.rs`).
#[tokio::test]
async fn undecodable_reply_fails_only_its_call() {
    with_client(20, |client| async move {
        let others = sleepers(&client, 3, 300).await;
        let err = client
            .call::<_, String>("Arith.Add", &args(1, 2))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::ReadingBody(_)), "{err:?}");
        let text = err.to_string();
        let inner = text
            .strip_prefix("reading body ")
            .unwrap_or_else(|| panic!("{text:?} does not start with \"reading body \""));
        // Go: "reading body gob: decoding into local type *string, received remote type
        // Reply = struct { C int; }"
        assert!(inner.starts_with("gob: "), "{text:?}");
        assert!(inner.contains("string"), "{text:?}");
        for (i, r) in join_all(others).await.into_iter().enumerate() {
            assert_eq!(r.unwrap().c, 100 + i as i64);
        }
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
        add(&client, 1, 2).await;
        assert_eq!(
            client
                .go::<_, Reply>("Arith.Add", &args(3, 4))
                .await
                .unwrap()
                .c,
            7
        );
    })
    .await
}

/// `close()` is Go's `Close`: a pending Watch (a long poll the server would hold for a
/// minute) ends at once with "connection is shut down", and later calls get it too.
#[tokio::test]
async fn close_ends_pending_watch_at_once() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let calls = sleepers(&client, 2, 60_000).await;
        let watch = client.go::<_, String>("KVStoreService.Watch", &60i64);
        add(&client, 1, 1).await; // the server has the Watch
        client.close().await;
        assert_shutdown(watch.await);
        for r in join_all(calls).await {
            assert_shutdown(r);
        }
        assert_eq!(client.pending(), 0);
        assert!(client.is_shut_down());
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        // Closing again is harmless; another connection to the server is unaffected.
        client.close().await;
        add(&connect(&srv).await, 2, 2).await;
    })
    .await
}

/// `close_gracefully` waits for the calls in flight up to its deadline: short sleepers
/// finish with their replies (true), a pending Watch is cut off at the deadline with
/// "connection is shut down" (false).
#[tokio::test]
async fn close_gracefully_with_deadline() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let calls = sleepers(&client, 3, 200).await;
        assert!(client.close_gracefully(Duration::from_secs(10)).await);
        for (i, r) in join_all(calls).await.into_iter().enumerate() {
            assert_eq!(r.unwrap().c, 100 + i as i64);
        }
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);

        let client = connect(&srv).await;
        let watch = client.go::<_, String>("KVStoreService.Watch", &60i64);
        add(&client, 1, 1).await;
        assert!(!client.close_gracefully(Duration::from_millis(300)).await);
        assert_shutdown(watch.await);
        assert_eq!(client.pending(), 0);
    })
    .await
}

//! Connection state: `Client::closed` and the classification of call errors by whether the
//! request may have run.

use crate::common::gotypes::{args, Reply};
use crate::common::rpc::{connect, timed};
use crate::common::server::GoServer;
use gobrpc::rpc::{Call, Client, Delivery, Error};

/// The server process dies: `closed()` resolves with the connection's error, and a call
/// that was in flight (sent, unanswered) may have run.
#[tokio::test]
async fn closed_resolves_when_the_server_dies() {
    timed(30, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let r: Reply = client.call("Arith.Add", &args(1, 2)).await.unwrap();
        assert_eq!(r.c, 3);
        let closed = client.closed();
        let sleeper: Call<Reply> = client.go("Arith.SleepMilli", &args(10_000, 1));
        // The sleeper is on the wire once a later call is answered.
        let _: Reply = client.call("Arith.Add", &args(1, 1)).await.unwrap();
        drop(srv);
        let cause = closed.await;
        assert!(
            matches!(cause, Error::UnexpectedEof | Error::Io(_)),
            "closed() with {cause:?}"
        );
        assert!(client.is_shut_down());
        let err = sleeper.await.unwrap_err();
        assert_eq!(err.delivery(), Delivery::Unknown, "{err:?}");
        assert!(err.may_have_run());
        // Later calls are refused before they are sent: no sequence number.
        let refused: Call<Reply> = client.go("Arith.Add", &args(1, 1));
        assert_eq!(refused.seq(), None);
        // closed() on an ended connection resolves at once with the same cause.
        assert_eq!(client.closed().await.to_string(), cause.to_string());
    })
    .await;
}

/// Closing the client resolves `closed()` with "connection is shut down".
#[tokio::test]
async fn closed_resolves_on_close() {
    timed(30, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let closed = client.closed();
        client.close().await;
        let cause = closed.await;
        assert!(matches!(cause, Error::Shutdown), "{cause:?}");
    })
    .await;
}

/// Requests still queued when the connection dies were never sent: their calls fail with
/// `Error::NotSent`, and only the request that reached the stream may have run.
#[tokio::test]
async fn queued_requests_are_not_sent() {
    timed(30, async {
        // A peer that never reads and a 64-byte pipe: the first request (type definitions
        // included, more than 64 bytes) fills the pipe, the others stay queued.
        let (ours, theirs) = tokio::io::duplex(64);
        let client = Client::new(ours);
        let first: Call<Reply> = client.go("Arith.Add", &args(1, 1));
        // The writer task takes the rest of the first request and waits for the pipe.
        tokio::task::yield_now().await;
        let queued: Vec<Call<Reply>> = (0..5)
            .map(|i| client.go("Arith.Add", &args(i, i)))
            .collect();
        tokio::task::yield_now().await;
        drop(theirs);
        let err = first.await.unwrap_err();
        assert_eq!(err.delivery(), Delivery::Unknown, "first: {err:?}");
        for call in queued {
            let err = call.await.unwrap_err();
            assert!(matches!(err, Error::NotSent(_)), "queued: {err:?}");
            assert_eq!(err.delivery(), Delivery::NotSent);
            assert!(!err.may_have_run());
        }
        assert_eq!(client.pending(), 0);
    })
    .await;
}

/// A server error was answered: the call ran (or was refused by the server).
#[tokio::test]
async fn server_errors_are_answered() {
    timed(30, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let err = client
            .call::<_, Reply>("Arith.Div", &args(1, 0))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "divide by zero");
        assert_eq!(err.delivery(), Delivery::Answered);
    })
    .await;
}

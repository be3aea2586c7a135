//! Fault injection: the ways a net/rpc connection goes wrong, with Go's client semantics
//! (`net/rpc/client.go`) as the expected behaviour.
//!
//! - `goserver`: the bundled Go server (`gointerop server`, go-interop/SERVER.md) killed or
//!   exiting with 1,000 calls pending, slow replies against timeouts, the client half-closing
//!   (dropped or `close()`d) while the server still owes replies.
//! - `scripted`: a scripted misbehaving peer (`common::peer`, a loopback TCP server the test
//!   drives byte by byte): garbage mid-stream, a re-sent type definition, a reply for a seq
//!   never issued, a header without a body, a server half-close, a server that stops reading.
//! - `split_body`: a large reply body split across messages (as Go splits a value around an
//!   inline type definition), its last message arriving late.
//! - `stingy`: a client stream that takes a few bytes per write and is often not ready.
//!
//! Every test runs inside its own `tokio::time::timeout` (`common::rpc::timed`), so a hang
//! fails the test; every server stops when the test drops it. No assertion is on timing:
//! latencies are printed for information only.
#![cfg(all(feature = "rpc", feature = "derive"))]

mod common;

#[path = "faults/goserver.rs"]
mod goserver;
#[path = "faults/scripted.rs"]
mod scripted;
#[path = "faults/split_body.rs"]
mod split_body;
#[path = "faults/stingy.rs"]
mod stingy;

use common::gotypes::{args, Reply};
use gobrpc::rpc::{self, Client, Error};
use std::fmt::Debug;

/// `Arith.Add(a, b)` must succeed with `a + b`: the connection works.
async fn add(client: &Client, a: i64, b: i64) {
    let r: Reply = client
        .call("Arith.Add", &args(a, b))
        .await
        .unwrap_or_else(|e| panic!("Arith.Add({a}, {b}) failed: {e} ({e:?})"));
    assert_eq!(r.c, a + b, "Arith.Add({a}, {b})");
}

/// Go's `ErrShutdown`: what calls get once the connection is down.
fn assert_shutdown<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(e @ Error::Shutdown) => assert_eq!(e.to_string(), "connection is shut down"),
        other => panic!("want Error::Shutdown, got {other:?}"),
    }
}

/// Go's `io.ErrUnexpectedEOF`: what pending calls get when the server closes.
fn assert_eof<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(e @ Error::UnexpectedEof) => assert_eq!(e.to_string(), "unexpected EOF"),
        other => panic!("want Error::UnexpectedEof, got {other:?}"),
    }
}

/// The call timed out.
fn assert_timeout<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(Error::Timeout) => {}
        other => panic!("want Error::Timeout, got {other:?}"),
    }
}

/// The connection is down: pending nothing, later calls (`call` and `go`) get `Shutdown`.
async fn assert_down(client: &Client) {
    assert_eq!(client.pending(), 0);
    assert!(client.is_shut_down());
    assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
    let late = client.go::<_, Reply>("Arith.Add", &args(1, 2));
    assert_eq!(late.seq(), None, "a call was sent on a dead connection");
    assert_shutdown(late.await);
    assert_eq!(client.pending(), 0);
}

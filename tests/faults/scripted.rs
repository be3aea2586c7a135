//! Faults from a scripted misbehaving peer (`common::peer`). The expected outcomes are what
//! Go's `rpc.Client` does with the same bytes (checked with a Go client against the same
//! scripts): garbage or a duplicate type definition fails every pending call with the gob
//! error and shuts the connection down; a reply for an unknown seq is read and discarded; a
//! header whose body never comes fails with EOF.

use super::*;
use common::gotypes::Args;
use common::mem::{mib, rss_bytes};
use common::peer::Peer;
use common::rpc::timed;
use futures::future::join_all;
use gobrpc::rpc::Call;
use gobrpc::EncoderState;
use std::sync::Arc;
use std::time::Duration;

/// Sends `Arith.Add(a, b)`; the peer reads it and answers `a + b`; the call must get it.
async fn add_via(client: &Client, peer: &mut Peer, a: i64, b: i64) {
    let call = client.go::<_, Reply>("Arith.Add", &args(a, b));
    let req = peer.read_request::<Args>().await.expect("a request");
    assert_eq!(req.method, "Arith.Add");
    assert_eq!(Some(req.seq), call.seq());
    peer.reply("Arith.Add", req.seq, &Reply { c: a + b }).await;
    assert_eq!(call.await.unwrap().c, a + b);
}

/// A client whose first call was answered normally (type definitions already sent in both
/// directions), with two more calls pending that the peer has read.
async fn two_pending() -> (Client, Peer, Call<Reply>, Call<Reply>) {
    let (client, mut peer) = Peer::pair_default().await;
    add_via(&client, &mut peer, 1, 2).await;
    let c1 = client.go::<_, Reply>("Arith.Add", &args(3, 4));
    let c2 = client.go::<_, Reply>("Arith.Add", &args(5, 6));
    let reqs = peer.read_requests::<Args>(2).await;
    assert_eq!(reqs[0].seq, c1.seq().unwrap());
    assert_eq!(reqs[1].seq, c2.seq().unwrap());
    assert_eq!(client.pending(), 2);
    (client, peer, c1, c2)
}

/// A gob decode error on the reply stream (not a reply body): `Error::Codec`, with `want`
/// as the start of its text if given.
fn assert_codec<T: Debug>(r: rpc::Result<T>, want: Option<&str>) -> String {
    match r {
        Err(e @ Error::Codec(_)) => {
            let text = e.to_string();
            if let Some(w) = want {
                assert!(text.starts_with(w), "want {w:?}…, got {text:?}");
            }
            text
        }
        other => panic!("want Error::Codec, got {other:?}"),
    }
}

/// Bytes after a valid reply that are not a gob message the client can accept. Each is
/// whole (the decoder can tell at once), so no call waits for more bytes.
const GARBAGE: &[(&str, &[u8], Option<&str>)] = &[
    // A message of 5 bytes "defining" type id -1 (builtin bool): Go's client fails every
    // pending call with "gob: duplicate type received" (checked with a Go client).
    (
        "typedef of a builtin id",
        &[0x05, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07],
        Some("gob: duplicate type received"),
    ),
    // A message of type id 100, never defined.
    ("undefined type id", &[0x03, 0xff, 0xc8, 0x00], None),
    // A length prefix of 2^63-1 bytes: over any limit.
    (
        "absurd length",
        &[0xf8, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00],
        None,
    ),
    // A message whose value is an int where the header (a struct) is expected.
    ("int for the header", &[0x03, 0x04, 0x00, 0x02], None),
];

/// Garbage after a valid reply: both pending calls fail with the decode error, the
/// connection is down, later calls get `Shutdown`, nothing hangs.
#[tokio::test]
async fn garbage_mid_stream() {
    timed(20, async {
        for &(name, bytes, want) in GARBAGE {
            let (client, mut peer, c1, c2) = two_pending().await;
            peer.write_raw(bytes).await;
            let e1 = assert_codec(c1.await, want);
            let e2 = assert_codec(c2.await, want);
            assert_eq!(e1, e2, "{name}");
            println!("garbage {name:?}: pending calls got {e1:?}");
            assert_down(&client).await;
        }
    })
    .await
}

/// A valid header, then a body that is garbage: that call gets "reading body …", the other
/// pending call the same error unprefixed (Go), and the connection is down.
#[tokio::test]
async fn garbage_reply_body() {
    timed(20, async {
        let (client, mut peer, c1, c2) = two_pending().await;
        let mut out = Vec::new();
        peer.encode_header("Arith.Add", c1.seq().unwrap(), "", &mut out);
        // A body of type id 100, never defined.
        out.extend_from_slice(&[0x03, 0xff, 0xc8, 0x00]);
        peer.write_raw(&out).await;
        let e1 = c1.await.unwrap_err();
        assert!(matches!(e1, Error::ReadingBody(_)), "{e1:?}");
        let text = e1.to_string();
        let inner = text
            .strip_prefix("reading body ")
            .unwrap_or_else(|| panic!("{text:?} does not start with \"reading body \""));
        assert!(inner.starts_with("gob: "), "{text:?}");
        let e2 = c2.await.unwrap_err();
        assert_eq!(e2.to_string(), inner, "{e2:?}");
        assert_down(&client).await;
    })
    .await
}

/// The peer starts a new gob encoder mid-connection (a broken server) and so sends the
/// `Response` type definition again: every pending call fails with "gob: duplicate type
/// received" (what Go's client says) and the connection is down.
#[tokio::test]
async fn resent_type_definition() {
    timed(20, async {
        let (client, mut peer, c1, c2) = two_pending().await;
        peer.enc = EncoderState::new();
        let bytes = peer.encode_reply("Arith.Add", c1.seq().unwrap(), &Reply { c: 7 });
        // The header's type definition again: id 64, `rpc.Response`.
        assert_eq!(&bytes[..4], &[0x39, 0x7f, 0x03, 0x01]);
        peer.write_raw(&bytes).await;
        assert_codec(c1.await, Some("gob: duplicate type received"));
        assert_codec(c2.await, Some("gob: duplicate type received"));
        assert_down(&client).await;
    })
    .await
}

/// Replies for seqs never issued (ok and error replies, bodies of several types) are read
/// and discarded — including the type definitions in their bodies, which the real replies
/// after them rely on — and the real replies complete their calls.
#[tokio::test]
async fn reply_for_seq_never_issued_is_discarded() {
    timed(20, async {
        let (client, mut peer) = Peer::pair_default().await;
        let c1 = client.go::<_, Reply>("Arith.Add", &args(3, 4));
        let c2 = client.go::<_, Reply>("Arith.Div", &args(5, 0));
        let reqs = peer.read_requests::<Args>(2).await;
        let (s1, s2) = (reqs[0].seq, reqs[1].seq);
        let mut out = Vec::new();
        // Defines `Reply` (id 65) inside a discarded body: c1's reply below does not again.
        out.extend(peer.encode_reply("Arith.Add", 99, &Reply { c: 99 }));
        out.extend(peer.encode_reply("Arith.Add", 1_000_000, "a string body"));
        // An error reply for an unknown seq: defines the error body's `struct{}`.
        peer.encode_header("Arith.Div", 98, "bogus", &mut out);
        peer.enc.encode(&common::peer::Empty {}, &mut out).unwrap();
        let real = peer.encode_reply("Arith.Add", s1, &Reply { c: 7 });
        // No type definition in the real reply: its header is the first message.
        assert_eq!(real[1..3], [0xff, 0x80], "{real:02x?}");
        out.extend(real);
        peer.write_raw(&out).await;
        assert_eq!(c1.await.unwrap().c, 7);
        // An error reply whose `struct{}` body type was defined by the discarded one.
        peer.reply_error("Arith.Div", s2, "divide by zero").await;
        match c2.await {
            Err(Error::Server(s)) => assert_eq!(s, "divide by zero"),
            other => panic!("want the server error, got {other:?}"),
        }
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
        // A reply for a seq issued long ago and already answered: discarded too.
        peer.reply("Arith.Add", s1, &Reply { c: -1 }).await;
        add_via(&client, &mut peer, 8, 9).await;
        assert_eq!(client.pending(), 0);
    })
    .await
}

/// The call whose header came but whose body never will: Go's client says "reading body
/// EOF" (the body's read hit EOF); `UnexpectedEof` is this client's equivalent. Anything
/// else — `Shutdown` in particular, which says the *client* was closed — is wrong.
fn assert_eof_reading_body<T: Debug>(r: rpc::Result<T>) {
    match r {
        Err(Error::UnexpectedEof) => {}
        Err(e @ Error::ReadingBody(_)) if e.to_string().contains("EOF") => {}
        other => panic!("want unexpected EOF (Go: \"reading body EOF\"), got {other:?}"),
    }
}

/// A response header for a pending call, then EOF: that call fails with EOF reading its
/// body, the other pending call with unexpected EOF (what Go's client does), and the
/// connection is down.
#[tokio::test]
async fn header_without_body_then_eof() {
    timed(20, async {
        let (client, mut peer, c1, c2) = two_pending().await;
        let mut out = Vec::new();
        peer.encode_header("Arith.Add", c1.seq().unwrap(), "", &mut out);
        peer.write_raw(&out).await;
        peer.shutdown_write().await;
        assert_eof_reading_body(c1.await);
        assert_eof(c2.await);
        assert_down(&client).await;
    })
    .await
}

/// As above with half of the body sent before EOF (Go: "reading body unexpected EOF").
#[tokio::test]
async fn header_with_half_a_body_then_eof() {
    timed(20, async {
        let (client, mut peer, c1, c2) = two_pending().await;
        let bytes = peer.encode_reply("Arith.Add", c1.seq().unwrap(), &Reply { c: 7 });
        peer.write_raw(&bytes[..bytes.len() - 2]).await;
        peer.shutdown_write().await;
        assert_eof_reading_body(c1.await);
        assert_eof(c2.await);
        assert_down(&client).await;
    })
    .await
}

/// The same with calls sent by `go_done`: every call's completion reaches the done channel
/// (the crate promises never to drop one), the one whose header came with an EOF error.
#[tokio::test]
async fn header_without_body_then_eof_go_done() {
    timed(20, async {
        let (client, mut peer) = Peer::pair_default().await;
        let (done, mut completions) = gobrpc::rpc::done_channel::<Reply>();
        let s1 = client.go_done("Arith.Add", &args(3, 4), &done).unwrap();
        let s2 = client.go_done("Arith.Add", &args(5, 6), &done).unwrap();
        drop(done);
        peer.read_requests::<Args>(2).await;
        let mut out = Vec::new();
        peer.encode_header("Arith.Add", s1, "", &mut out);
        peer.write_raw(&out).await;
        peer.shutdown_write().await;
        let mut got = Vec::new();
        while let Some(c) = completions.recv().await {
            got.push(c);
        }
        let seqs: Vec<u64> = got.iter().map(|c| c.seq).collect();
        assert_eq!(
            got.len(),
            2,
            "completions for seqs {seqs:?}, want {s1} and {s2}"
        );
        for c in got {
            if c.seq == s1 {
                assert_eof_reading_body(c.result);
            } else {
                assert_eof(c.result);
            }
        }
        assert_down(&client).await;
    })
    .await
}

/// The server answers two of five calls (out of order), then shuts its write side: those two
/// complete with their replies, the other three fail with unexpected EOF, the connection is
/// down, and the client's own side closes too (the peer reads a clean EOF).
#[tokio::test]
async fn server_half_close_after_some_replies() {
    timed(20, async {
        let (client, mut peer) = Peer::pair_default().await;
        let calls: Vec<Call<Reply>> = (0..5)
            .map(|i| client.go("Arith.Add", &args(i, 10 * i)))
            .collect();
        let reqs = peer.read_requests::<Args>(5).await;
        for i in [3, 0] {
            let a = &reqs[i].args;
            peer.reply("Arith.Add", reqs[i].seq, &Reply { c: a.a + a.b })
                .await;
        }
        peer.shutdown_write().await;
        for (i, r) in join_all(calls).await.into_iter().enumerate() {
            if i == 0 || i == 3 {
                assert_eq!(r.unwrap().c, 11 * i as i64);
            } else {
                assert_eof(r);
            }
        }
        assert_down(&client).await;
        peer.expect_eof().await;
    })
    .await
}

/// `close()` with calls in flight (Go's `Close`): they end at once with "connection is shut
/// down", no reply needed, and the peer reads the end of the client's stream.
#[tokio::test]
async fn close_ends_pending_calls_at_once() {
    timed(20, async {
        let (client, mut peer) = Peer::pair_default().await;
        let calls: Vec<Call<Reply>> = (0..3)
            .map(|i| client.go("Arith.Add", &args(i, 1)))
            .collect();
        peer.read_requests::<Args>(3).await;
        client.close().await;
        for r in join_all(calls).await {
            assert_shutdown(r);
        }
        peer.expect_eof().await;
        assert_down(&client).await;
    })
    .await
}

/// `close_gracefully()` with calls in flight: no new call goes out, the pending ones get
/// their replies, then the client half-closes (the peer reads a clean EOF, with no request
/// before it) and `close_gracefully()` returns.
#[tokio::test]
async fn close_half_closes_after_pending_replies() {
    timed(20, async {
        let (client, mut peer) = Peer::pair_default().await;
        let calls: Vec<Call<Reply>> = (0..3)
            .map(|i| client.go("Arith.Add", &args(i, 1)))
            .collect();
        let reqs = peer.read_requests::<Args>(3).await;
        let closer = client.clone();
        let close =
            tokio::spawn(async move { closer.close_gracefully(Duration::from_secs(15)).await });
        while !client.is_shut_down() {
            tokio::task::yield_now().await;
        }
        assert_shutdown(client.call::<_, Reply>("Arith.Add", &args(1, 2)).await);
        for r in reqs.iter().rev() {
            let c = r.args.a + r.args.b;
            peer.reply("Arith.Add", r.seq, &Reply { c }).await;
        }
        peer.expect_eof().await;
        assert!(close.await.unwrap());
        for (i, r) in join_all(calls).await.into_iter().enumerate() {
            assert_eq!(r.unwrap().c, i as i64 + 1);
        }
        assert_down(&client).await;
        // The half-close left the peer's side open: it could still write.
        peer.write_raw(&[]).await;
    })
    .await
}

/// A server that accepts and never reads: with a 200 ms client timeout and a 64 KiB write
/// buffer, thousands of `call`s with 16 KiB arguments from many tasks all end with
/// `Timeout` (none hangs), memory stays bounded (the requests the socket cannot take are
/// not piled up), nothing stays pending — and once the server reads again, the stream is
/// intact: a last call gets its own reply after every abandoned one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_stops_reading_backpressure() {
    const TASKS: usize = 300;
    const ROUNDS: usize = 10;
    timed(60, async {
        let builder = Client::builder()
            .timeout(Duration::from_millis(200))
            .max_write_buffer(64 << 10);
        let (client, mut peer) = Peer::pair(builder).await;
        let big: Arc<str> = "x".repeat(16 << 10).into();
        let before = rss_bytes();
        let tasks: Vec<_> = (0..TASKS)
            .map(|_| {
                let client = client.clone();
                let big = big.clone();
                tokio::spawn(async move {
                    for _ in 0..ROUNDS {
                        assert_timeout(client.call::<_, String>("HelloService.Hello", &*big).await);
                    }
                })
            })
            .collect();
        for t in join_all(tasks).await {
            t.expect("a caller panicked");
        }
        let after = rss_bytes();
        println!(
            "server stops reading: {} calls of 16 KiB all timed out; RSS {:.1} MiB -> {:.1} MiB \
             (growth {:.1} MiB)",
            TASKS * ROUNDS,
            mib(before),
            mib(after),
            mib(after.saturating_sub(before))
        );
        assert!(
            after.saturating_sub(before) < 64 << 20,
            "RSS grew by {:.1} MiB with a server that does not read",
            mib(after - before)
        );
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());

        // The server reads again: every request that went out is whole; it answers them all
        // (their callers are gone: discarded) and the last call gets its own reply.
        let last = client
            .go::<_, String>("HelloService.Hello", "last")
            .timeout(Duration::from_secs(30));
        let last_seq = last.seq().unwrap();
        let server = tokio::spawn(async move {
            let mut n = 0usize;
            while let Some(r) = peer.read_request::<String>().await {
                n += 1;
                let reply = format!("hello, {}", r.args.len());
                peer.reply("HelloService.Hello", r.seq, &reply).await;
                if r.seq == last_seq {
                    break;
                }
            }
            n
        });
        assert_eq!(last.await.unwrap(), "hello, 4");
        let n = server.await.unwrap();
        println!("server stops reading: {n} requests had been sent by then");
        assert_eq!(client.pending(), 0);
    })
    .await
}

//! A large reply whose body Go splits across messages, arriving in two writes. An interface
//! holding a type first defined inside the value ends the value's message with that
//! definition, and the value continues in the next message (spec: "Inline type definitions
//! split the value across messages"; fixture `iface_struct`). Here the first message is over
//! 256 KiB, so the client tries to decode it from a shared view of its read buffer, finds the
//! value incomplete, and must take it whole once the rest arrives.

use super::*;
use common::gotypes::{pt, Args, Point};
use common::peer::Peer;
use common::rpc::timed;
use gobrpc::types::Bytes;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Go's `interface{}` holding a `main.Point`.
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq, Default)]
#[gob(interface)]
enum Any {
    #[default]
    Nil,
    #[serde(rename = "main.Point")]
    Point(Point),
}

/// Go: `type Blob struct { D []byte; I interface{} }`
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[serde(rename_all = "UPPERCASE")]
struct Blob {
    d: Bytes,
    i: Any,
}

/// The (start, end) of each message of a gob stream (its length prefix included).
fn messages(mut bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while !bytes.is_empty() {
        let (len, width) = match bytes[0] {
            b if b < 0x80 => (b as usize, 1),
            b => {
                let n = (b as i8).unsigned_abs() as usize;
                let len = bytes[1..=n]
                    .iter()
                    .fold(0usize, |x, &b| x << 8 | b as usize);
                (len, 1 + n)
            }
        };
        out.push((at, at + width + len));
        at += width + len;
        bytes = &bytes[width + len..];
    }
    out
}

#[tokio::test]
async fn large_body_split_across_messages_arrives_late() {
    timed(30, async {
        let (client, mut peer) = Peer::pair_default().await;
        let d: Vec<u8> = (0..300u32 << 10).map(|i| (i * 7 + i / 251) as u8).collect();
        for round in 0..2 {
            let call = client.go::<_, Blob>("Blob.Get", &round);
            let req = peer.read_request::<i64>().await.expect("a request");
            let body = Blob {
                d: d.clone().into(),
                i: Any::Point(pt(1, round)),
            };
            let bytes = peer.encode_reply("Blob.Get", req.seq, &body);
            let msgs = messages(&bytes);
            let (start, end) = msgs[msgs.len() - 2];
            let split = if round == 0 {
                // First reply: Point is defined inside the value, which continues in the last
                // message. Send everything up to that message, then the rest.
                assert!(end - start > 300 << 10, "the value's first message holds D");
                end
            } else {
                // Point is known by now: the value is one message. Send it in two pieces.
                assert!(msgs.last().unwrap().1 - msgs.last().unwrap().0 > 300 << 10);
                bytes.len() - 10
            };
            peer.write_raw(&bytes[..split]).await;
            // Let the client read and try the incomplete body (the outcome must not depend
            // on whether it did).
            tokio::time::sleep(Duration::from_millis(50)).await;
            peer.write_raw(&bytes[split..]).await;
            let got = call.await.expect("the reply");
            assert!(got.d[..] == d[..], "round {round}: D differs");
            assert_eq!(got.i, Any::Point(pt(1, round)), "round {round}");
        }
        assert_eq!(client.pending(), 0);
    })
    .await
}

/// `Blob` as a caller who got `D`'s type wrong sees it.
#[derive(Deserialize, Debug)]
struct WrongD {
    #[serde(rename = "D")]
    _d: i64,
}

/// A reply that does not fit its call's type, found out in the body's first message while
/// the rest (the inline definition of `Point` and the end of the value) is still on its way:
/// the client skips the body as it arrives, then fails only that call. The definition of
/// `Point` it carried is kept: the next reply, which Go sends without it, decodes.
#[tokio::test]
async fn mismatched_body_split_across_messages_arrives_late() {
    timed(30, async {
        let (client, mut peer) = Peer::pair_default().await;
        let d: Vec<u8> = (0..300u32 << 10).map(|i| (i * 7 + i / 251) as u8).collect();
        let wrong = client.go::<_, WrongD>("Blob.Get", &0i64);
        let other = client.go::<_, Reply>("Arith.Add", &args(2, 3));
        let first = peer.read_request::<i64>().await.expect("a request");
        let second = peer.read_request::<Args>().await.expect("a request");
        let body = Blob {
            d: d.clone().into(),
            i: Any::Point(pt(1, 0)),
        };
        let bytes = peer.encode_reply("Blob.Get", first.seq, &body);
        let msgs = messages(&bytes);
        let (_, split) = msgs[msgs.len() - 2];
        peer.write_raw(&bytes[..split]).await;
        // Let the client read and try the incomplete body (the outcome must not depend on
        // whether it did).
        tokio::time::sleep(Duration::from_millis(50)).await;
        peer.write_raw(&bytes[split..]).await;
        match wrong.await {
            Err(Error::ReadingBody(e)) => {
                assert_eq!(e.category(), gobrpc::Category::Type, "{e:?}")
            }
            other => panic!("want \"reading body\" with a type error, got {other:?}"),
        }
        peer.reply("Arith.Add", second.seq, &Reply { c: 5 }).await;
        assert_eq!(other.await.unwrap().c, 5);
        // The same type again, now without its definitions, into the right Rust type.
        let right = client.go::<_, Blob>("Blob.Get", &1i64);
        let req = peer.read_request::<i64>().await.expect("a request");
        let body = Blob {
            d: d.clone().into(),
            i: Any::Point(pt(1, 1)),
        };
        peer.reply("Blob.Get", req.seq, &body).await;
        let got = right.await.expect("the reply");
        assert!(got.d[..] == d[..]);
        assert_eq!(got.i, Any::Point(pt(1, 1)));
        assert!(!client.is_shut_down());
        assert_eq!(client.pending(), 0);
    })
    .await
}

//! Hostile clients: each test attacks a live server in this process while a well-behaved
//! client keeps calling it. The server stays up, its memory stays bounded (the test
//! process's resident memory, which is the server's here), and the other client is
//! unaffected.

mod common;

use common::mem::{mib, rss_bytes};
use gobrpc::rpc::server::{Context, Server, Service};
use gobrpc::rpc::Client;
use gobrpc::{EncoderState, GobType};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Args")]
struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

/// Go's `rpc.Request`, to write requests by hand.
#[derive(Serialize, GobType)]
#[gob(name = "rpc.Request")]
struct Request<'a> {
    #[serde(rename = "ServiceMethod")]
    service_method: &'a str,
    #[serde(rename = "Seq")]
    seq: u64,
}

/// A server with `Arith.Add`, `Echo.Any` (a dynamic handler) and `Echo.Fill` (a reply of
/// `n` bytes), on a loopback port.
async fn start(server: gobrpc::rpc::server::ServerBuilder) -> (Server, String) {
    let arith = Service::new().method("Add", |_: Context, a: Args| async move {
        Ok::<_, String>(a.a + a.b)
    });
    let echo = Service::new()
        .dynamic_method(
            "Any",
            "interface {}",
            "*interface {}",
            |_: Context, v| async move { Ok::<_, String>(v) },
        )
        .method("Fill", |_: Context, n: i64| async move {
            Ok::<_, String>(serde_bytes::ByteBuf::from(vec![7u8; n as usize]))
        });
    let server = server
        .register("Arith", arith)
        .register("Echo", echo)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let s = server.clone();
    tokio::spawn(async move { s.serve(listener).await });
    (server, addr)
}

/// A well-behaved client's calls all succeed while `attack` runs, and after it.
async fn others_unaffected<F: std::future::Future>(addr: &str, attack: F) -> F::Output {
    let client = Client::dial(addr).await.unwrap();
    let calls = async {
        for i in 0..200 {
            let c: i64 = client
                .call("Arith.Add", &Args { a: i, b: 1 })
                .await
                .unwrap();
            assert_eq!(c, i + 1);
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    let (out, ()) = tokio::join!(attack, calls);
    let c: i64 = client
        .call("Arith.Add", &Args { a: 2, b: 3 })
        .await
        .unwrap();
    assert_eq!(c, 5);
    out
}

/// Every connection's task ends once its client is gone (bounded wait).
async fn all_connections_end(server: &Server) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while server.active_connections() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(server.active_connections(), 0, "connections still served");
}

/// The request header for `method`, with its type definition (a stream's first message).
fn header(method: &str) -> Vec<u8> {
    let mut out = Vec::new();
    EncoderState::new()
        .encode(
            &Request {
                service_method: method,
                seq: 0,
            },
            &mut out,
        )
        .unwrap();
    out
}

/// A gob unsigned integer.
fn uint(n: u64, out: &mut Vec<u8>) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let b = n.to_be_bytes();
        let skip = b.iter().take_while(|&&x| x == 0).count();
        out.push(-((8 - skip) as i8) as u8);
        out.extend_from_slice(&b[skip..]);
    }
}

/// One message: its length, then `body`.
fn message(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    uint(body.len() as u64, &mut out);
    out.extend_from_slice(body);
    out
}

/// Reads until the server closes the connection (bounded), returning what it sent.
async fn read_to_close(conn: &mut TcpStream) -> Vec<u8> {
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), conn.read_to_end(&mut got))
        .await
        .expect("the server closes the hostile connection")
        .ok();
    got
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_million_levels_of_nesting() {
    let (server, addr) = start(Server::builder()).await;
    let before = rss_bytes();
    // type T []T, then a T nested 10,000,000 deep, as the body of a call to a dynamic
    // handler (decoded into a TypedValue) and of one to a typed handler (skipped).
    let typedef = [
        0xff, 0x81, 0x02, 0x01, 0x01, 0x01, b'T', 0x01, 0xff, 0x82, 0x00, 0x01, 0xff, 0x82, 0x00,
        0x00,
    ];
    let mut value = vec![0xff, 0x82, 0x00];
    value.extend(std::iter::repeat(1u8).take(10_000_000));
    value.push(0);
    for method in ["Echo.Any", "Arith.Add"] {
        let got = others_unaffected(&addr, async {
            let mut conn = TcpStream::connect(&addr).await.unwrap();
            let mut req = header(method);
            req.extend(message(&typedef));
            req.extend(message(&value));
            let _ = conn.write_all(&req).await;
            read_to_close(&mut conn).await
        })
        .await;
        // Answered with the depth limit's error, or closed without a reply (when even
        // skipping the body goes past the limit): never a crash, never a stack overflow.
        let text = String::from_utf8_lossy(&got);
        assert!(got.is_empty() || text.contains("depth"), "{method}: {text}");
    }
    let grown = rss_bytes().saturating_sub(before);
    assert!(
        grown < 200 << 20,
        "the server grew by {:.1} MiB",
        mib(grown)
    );
    all_connections_end(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2_pow_60_length_prefix() {
    let (_server, addr) = start(Server::builder()).await;
    let before = rss_bytes();
    let got = others_unaffected(&addr, async {
        let mut conn = TcpStream::connect(&addr).await.unwrap();
        let mut req = Vec::new();
        uint(1 << 60, &mut req);
        req.extend_from_slice(&[0xff; 64]);
        conn.write_all(&req).await.unwrap();
        read_to_close(&mut conn).await
    })
    .await;
    assert!(got.is_empty(), "a header that cannot be read gets no reply");
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < 32 << 20, "the server grew by {:.1} MiB", mib(grown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_type_definitions() {
    let (_server, addr) = start(Server::builder()).await;
    let before = rss_bytes();
    let got = others_unaffected(&addr, async {
        let mut conn = TcpStream::connect(&addr).await.unwrap();
        // 50,000 definitions of `type T []int` under fresh ids, in 1,000-definition writes.
        for chunk in 0..50u64 {
            let mut batch = Vec::new();
            for i in 0..1000u64 {
                let id = 65 + chunk * 1000 + i;
                let mut body = Vec::new();
                uint((id << 1) - 1, &mut body); // -id, zigzag
                body.extend_from_slice(&[0x02, 0x01, 0x01, 0x01, b'T', 0x01]);
                uint(id << 1, &mut body);
                body.extend_from_slice(&[0x00, 0x01, 0x04, 0x00, 0x00]);
                batch.extend(message(&body));
            }
            if conn.write_all(&batch).await.is_err() {
                break; // the server gave up on this connection
            }
        }
        read_to_close(&mut conn).await
    })
    .await;
    assert!(got.is_empty(), "{}", String::from_utf8_lossy(&got));
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < 64 << 20, "the server grew by {:.1} MiB", mib(grown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_sends_one_byte_per_second() {
    let (_server, addr) = start(Server::builder()).await;
    // Header and body from one encoder: one stream, one numbering of types.
    let mut req = Vec::new();
    let mut enc = EncoderState::new();
    let header = Request {
        service_method: "Arith.Add",
        seq: 0,
    };
    enc.encode(&header, &mut req).unwrap();
    enc.encode(&Args { a: 40, b: 2 }, &mut req).unwrap();
    let mut conn = TcpStream::connect(&addr).await.unwrap();
    others_unaffected(&addr, async {
        for b in &req[..4] {
            conn.write_all(&[*b]).await.unwrap();
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    // The slow client is still served once its request is whole.
    conn.write_all(&req[4..]).await.unwrap();
    let mut reply = vec![0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(10), conn.read(&mut reply))
        .await
        .unwrap()
        .unwrap();
    assert!(n > 0, "the slow client's call is answered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_connections_opened_and_dropped() {
    let (server, addr) = start(Server::builder()).await;
    // Let the runtime and allocator settle before the baseline.
    others_unaffected(&addr, async {}).await;
    let before = rss_bytes();
    others_unaffected(&addr, async {
        for _ in 0..100_000 {
            let conn = TcpStream::connect(&addr).await.unwrap();
            // RST on close, so that the client side leaves no TIME_WAIT behind. (A zero
            // linger never blocks the thread, which is what the deprecation is about.)
            #[allow(deprecated)]
            conn.set_linger(Some(Duration::ZERO)).unwrap();
            drop(conn);
        }
    })
    .await;
    all_connections_end(&server).await;
    let grown = rss_bytes().saturating_sub(before);
    assert!(grown < 32 << 20, "the server grew by {:.1} MiB", mib(grown));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_reads_its_replies() {
    let (_server, addr) = start(
        Server::builder()
            .max_calls_per_connection(32)
            .max_write_buffer(4 << 20),
    )
    .await;
    let before = rss_bytes();
    let mut conn = TcpStream::connect(&addr).await.unwrap();
    // 4,000 calls for 256 KiB each (1,000 MiB of replies), never read: the server stops
    // reading this connection once its write buffer and call limit are full.
    let mut req = Vec::new();
    let mut enc = EncoderState::new();
    for seq in 0..4000u64 {
        let header = Request {
            service_method: "Echo.Fill",
            seq,
        };
        enc.encode(&header, &mut req).unwrap();
        enc.encode(&(256i64 << 10), &mut req).unwrap();
    }
    others_unaffected(&addr, async {
        // The server stops reading: this write cannot finish; give it a few seconds.
        let _ = tokio::time::timeout(Duration::from_secs(5), conn.write_all(&req)).await;
    })
    .await;
    let grown = rss_bytes().saturating_sub(before);
    assert!(
        grown < 128 << 20,
        "the server grew by {:.1} MiB",
        mib(grown)
    );
}

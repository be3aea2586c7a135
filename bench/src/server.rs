//! The servers of the server benchmarks, each its own process that prints one JSON line
//! (`{"tcp":"127.0.0.1:PORT"}`, as `gointerop server` does) and exits when its stdin ends:
//!
//! - `rust-server`: gobrpc's server (`gobrpc::rpc::server`, the service built by
//!   `#[gobrpc::service]`) serving `Arith.Add` with go-interop's `main.Args`/`main.Reply`, on a
//!   tokio multi-thread runtime (2 workers by default: Go's server runs with GOMAXPROCS = the
//!   machine's 2 cores).
//! - `raw-replier`: the floor. It decodes nothing: it splits the stream into gob messages by
//!   their length prefixes, tells type definitions from values by the sign of the type id,
//!   and answers every second value (a request is a header and an argument) with
//!   pre-encoded bytes. Blocking sockets, one thread per connection, one write per read.

use serde::{Deserialize, Serialize};
use std::io::{Read, Write};

/// Go: `type Args struct{ A, B int }`.
#[derive(Serialize, Deserialize, gobrpc::GobType)]
#[gob(name = "main.Args")]
pub struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

/// Go: `type Reply struct{ C int }`.
#[derive(Serialize, Deserialize, gobrpc::GobType)]
#[gob(name = "main.Reply")]
pub struct Reply {
    #[serde(rename = "C")]
    c: i64,
}

/// go-interop's `Arith`, the method the benchmarks call.
#[gobrpc::service]
pub trait Arith {
    /// `Arith.Add`: `A + B`.
    async fn add(&self, args: Args) -> Result<Reply, String>;
}

struct ArithImpl;

impl Arith for ArithImpl {
    async fn add(&self, args: Args) -> Result<Reply, String> {
        Ok(Reply { c: args.a + args.b })
    }
}

/// Prints the address line, then exits the process when stdin reaches end of file.
pub(crate) fn announce(addr: std::net::SocketAddr) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{{\"tcp\":\"{addr}\"}}")
        .and_then(|()| out.flush())
        .map_err(|e| e.to_string())?;
    std::thread::spawn(|| {
        let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
        std::process::exit(0);
    });
    Ok(())
}

/// `gobrpc-bench rust-server`: serves `Arith.Add` on `addr` until stdin ends.
pub fn run_rust_server(addr: &str, threads: usize) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("{addr}: {e}"))?;
        let server = gobrpc::rpc::server::Server::builder()
            .service(ArithImpl.into_service())
            .build();
        announce(listener.local_addr().map_err(|e| e.to_string())?)?;
        server.serve(listener).await.map_err(|e| e.to_string())
    })
}

// ---------------------------------------------------------------------------------------
// The raw replier
// ---------------------------------------------------------------------------------------

/// A gob unsigned integer at the front of `b` (Go's encoding: one byte below 0x80, else a
/// byte holding minus the count of big-endian bytes that follow): its value and length.
fn gob_uint(b: &[u8]) -> Option<(u64, usize)> {
    let first = *b.first()?;
    if first < 0x80 {
        return Some((first as u64, 1));
    }
    let n = (first as i8).unsigned_abs() as usize;
    if n > 8 || b.len() < 1 + n {
        return None;
    }
    let mut be = [0u8; 8];
    be[8 - n..].copy_from_slice(&b[1..1 + n]);
    Some((u64::from_be_bytes(be), 1 + n))
}

/// Whether a gob message (its bytes after the length prefix) holds a value, not a type
/// definition: its type id, a gob int, is positive. An int's sign is the lowest bit of the
/// uint that carries it: a one-byte uint is that byte, a longer one ends with it.
pub fn is_value(message: &[u8]) -> bool {
    let low = match message.first() {
        Some(&b) if b < 0x80 => b,
        Some(&b) => message
            .get((b as i8).unsigned_abs() as usize)
            .copied()
            .unwrap_or(0),
        None => 0,
    };
    low & 1 == 0
}

/// The bytes the raw replier sends: Go's server's reply to `Arith.Add(7, 8)`, split into its
/// type definitions (sent once per connection) and the `Reply{15}` value.
struct Canned {
    response_type: Vec<u8>,
    reply_type: Vec<u8>,
    reply_value: Vec<u8>,
}

impl Canned {
    fn new() -> Canned {
        // Go's first reply, spec §2.1: Response typedef, Response value, Reply typedef,
        // Reply value.
        let first = crate::codec::hex(crate::codec::GO_REPLY1);
        let mut messages = Vec::new();
        let mut at = 0;
        while at < first.len() {
            let (len, n) = gob_uint(&first[at..]).expect("Go's reply is well framed");
            messages.push(first[at..at + n + len as usize].to_vec());
            at += n + len as usize;
        }
        assert_eq!(messages.len(), 4, "Go's first reply has four messages");
        Canned {
            response_type: messages[0].clone(),
            reply_type: messages[2].clone(),
            reply_value: messages[3].clone(),
        }
    }
}

/// `gobrpc-bench raw-replier`: the floor server, on `addr` until stdin ends.
///
/// The reply header is the request's header message sent back as it came: Go's client's
/// stream defines `rpc.Request` {ServiceMethod, Seq} first (type id 64), as Go's server's
/// stream defines `rpc.Response` {ServiceMethod, Seq, Error} first (also 64), and with an
/// empty `Error` (a zero field is not sent) a `Response` encodes to exactly the bytes of the
/// `Request` with the same name and seq. So each reply carries the right seq with no
/// decoding. The argument is not looked at: the reply is always `Reply{C: 15}`, right for
/// the benchmarks' `Arith.Add(7, 8)` (which both clients check).
pub fn run_raw_replier(addr: &str) -> Result<(), String> {
    let listener = std::net::TcpListener::bind(addr).map_err(|e| format!("{addr}: {e}"))?;
    announce(listener.local_addr().map_err(|e| e.to_string())?)?;
    let canned = std::sync::Arc::new(Canned::new());
    for sock in listener.incoming() {
        let Ok(sock) = sock else { continue };
        let canned = canned.clone();
        std::thread::spawn(move || {
            let _ = raw_conn(sock, &canned);
        });
    }
    Ok(())
}

fn raw_conn(mut sock: std::net::TcpStream, canned: &Canned) -> std::io::Result<()> {
    sock.set_nodelay(true)?;
    let mut input = vec![0u8; 64 << 10];
    let (mut filled, mut out) = (0usize, Vec::with_capacity(64 << 10));
    let mut header: Vec<u8> = Vec::with_capacity(64);
    let (mut have_header, mut sent_types) = (false, false);
    loop {
        if filled == input.len() {
            input.resize(input.len() * 2, 0);
        }
        let n = sock.read(&mut input[filled..])?;
        if n == 0 {
            return Ok(());
        }
        filled += n;
        let mut at = 0;
        while let Some((len, prefix)) = gob_uint(&input[at..filled]) {
            let end = at + prefix + len as usize;
            if end > filled {
                break;
            }
            if is_value(&input[at + prefix..end]) {
                if !have_header {
                    header.clear();
                    header.extend_from_slice(&input[at..end]);
                    have_header = true;
                } else {
                    if !sent_types {
                        out.extend_from_slice(&canned.response_type);
                    }
                    out.extend_from_slice(&header);
                    if !sent_types {
                        out.extend_from_slice(&canned.reply_type);
                        sent_types = true;
                    }
                    out.extend_from_slice(&canned.reply_value);
                    have_header = false;
                }
            }
            at = end;
        }
        input.copy_within(at..filled, 0);
        filled -= at;
        if !out.is_empty() {
            sock.write_all(&out)?;
            out.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gob_uints() {
        // Go's encoding (spec §1): 7 → 07; 128 → ff 80; 256 → fe 01 00.
        assert_eq!(gob_uint(&[0x07]), Some((7, 1)));
        assert_eq!(gob_uint(&[0xff, 0x80]), Some((128, 2)));
        assert_eq!(gob_uint(&[0xfe, 0x01, 0x00]), Some((256, 3)));
        assert_eq!(gob_uint(&[0xfe, 0x01]), None);
    }

    #[test]
    fn values_and_definitions() {
        // Spec §2.1: a type definition of id 64 is sent as -64 (7f), its value as 64 (ff 80).
        assert!(!is_value(&[0x7f, 0x03]));
        assert!(is_value(&[0xff, 0x80, 0x01]));
        assert!(!is_value(&[0xff, 0x81, 0x03]));
    }

    #[test]
    fn replies_echo_the_request_header() {
        // Go's bytes: a later call (Seq 1) and its reply. The reply's header message is the
        // request's, byte for byte, and the canned value is Go's Reply{15}.
        let call = crate::codec::hex(crate::codec::GO_CALL_SEQ1);
        let reply = crate::codec::hex(crate::codec::GO_REPLY_SEQ1);
        let header = &call[..1 + call[0] as usize];
        assert_eq!(&reply[..header.len()], header);
        assert_eq!(&reply[header.len()..], &Canned::new().reply_value[..]);
    }
}

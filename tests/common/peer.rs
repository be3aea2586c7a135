//! A scripted net/rpc server for fault-injection tests: it accepts one connection on
//! loopback, decodes the client's requests with its own `DecoderState`, and writes whatever
//! the test scripts — well-formed replies encoded on its own `EncoderState` (the way Go's
//! server does, `rpc.Response` header then body), or raw bytes.
//!
//! Nothing here runs on its own: every step is awaited by the test, so a peer stops when the
//! test drops it (its socket closes).
#![allow(dead_code)]

use gobrpc::rpc::{Client, ClientBuilder};
use gobrpc::{DecoderState, EncoderState, GobType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Go's `rpc.Request` as the server decodes it (zero fields are omitted on the wire).
#[derive(Debug, Deserialize)]
struct RequestHeader {
    #[serde(rename = "ServiceMethod", default)]
    service_method: String,
    #[serde(rename = "Seq", default)]
    seq: u64,
}

/// Go's `rpc.Response` as the server encodes it.
#[derive(Debug, Serialize, GobType)]
#[gob(name = "rpc.Response")]
pub struct ResponseHeader<'a> {
    #[serde(rename = "ServiceMethod")]
    pub service_method: &'a str,
    #[serde(rename = "Seq")]
    pub seq: u64,
    #[serde(rename = "Error")]
    pub error: &'a str,
}

/// Go's `invalidRequest = struct{}{}`: the body of every error reply.
#[derive(Debug, Serialize, GobType)]
#[gob(name = "")]
pub struct Empty {}

/// One request the client sent.
#[derive(Debug)]
pub struct Request<A> {
    pub method: String,
    pub seq: u64,
    pub args: A,
}

/// The server end of one connection.
pub struct Peer {
    pub stream: TcpStream,
    /// The decoder of the client's stream (requests).
    pub dec: DecoderState,
    /// The encoder of the reply stream: type definitions go out once, as from Go.
    pub enc: EncoderState,
    /// Bytes read but not yet decoded.
    buf: Vec<u8>,
}

impl Peer {
    /// Listens on 127.0.0.1:0, connects a client built by `builder` and accepts it. The
    /// client sends no dial-time probe: the script owns every request.
    pub async fn pair(builder: ClientBuilder) -> (Client, Peer) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let builder = builder.probe(false);
        let (client, accepted) = tokio::join!(builder.dial(addr), listener.accept());
        let client = client.expect("dial the scripted peer");
        let (stream, _) = accepted.expect("accept");
        (client, Peer::new(stream))
    }

    /// A client with default settings and its peer.
    pub async fn pair_default() -> (Client, Peer) {
        Self::pair(Client::builder()).await
    }

    pub fn new(stream: TcpStream) -> Peer {
        Peer {
            stream,
            dec: DecoderState::new(),
            enc: EncoderState::new(),
            buf: Vec::new(),
        }
    }

    /// Decodes the next value of the request stream, reading as needed; `None` at a clean
    /// EOF. Panics on a decode error, an EOF inside a value, or a read error.
    async fn next<T: DeserializeOwned>(&mut self) -> Option<T> {
        loop {
            if !self.buf.is_empty() {
                match self.dec.decode::<T>(&self.buf) {
                    Ok(Some((v, n))) => {
                        self.buf.drain(..n);
                        return Some(v);
                    }
                    Ok(None) => {}
                    Err(e) => panic!("peer: the client's request stream does not decode: {e}"),
                }
            }
            let mut chunk = [0u8; 64 << 10];
            let n = self.stream.read(&mut chunk).await.expect("peer: read");
            if n == 0 {
                assert!(
                    self.buf.is_empty(),
                    "peer: the client's stream ended inside a message ({} bytes left)",
                    self.buf.len()
                );
                return None;
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    /// The next request with its arguments decoded as `A`; `None` if the client's stream
    /// ended cleanly (half-close or close) between requests.
    pub async fn read_request<A: DeserializeOwned>(&mut self) -> Option<Request<A>> {
        let h: RequestHeader = self.next().await?;
        let args: A = self
            .next()
            .await
            .expect("peer: the client's stream ended between a header and its body");
        Some(Request {
            method: h.service_method,
            seq: h.seq,
            args,
        })
    }

    /// Reads `n` requests.
    pub async fn read_requests<A: DeserializeOwned>(&mut self, n: usize) -> Vec<Request<A>> {
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let r = self
                .read_request()
                .await
                .unwrap_or_else(|| panic!("peer: EOF after {i} of {n} requests"));
            out.push(r);
        }
        out
    }

    /// Reads until the client's stream ends cleanly; panics if any byte comes instead.
    pub async fn expect_eof(&mut self) {
        assert!(
            self.buf.is_empty(),
            "peer: {} undecoded bytes",
            self.buf.len()
        );
        let mut chunk = [0u8; 4096];
        let n = self.stream.read(&mut chunk).await.expect("peer: read");
        assert_eq!(n, 0, "peer: want EOF, got {:02x?}", &chunk[..n]);
    }

    /// The bytes of one reply (header, then body), encoded on this peer's encoder.
    pub fn encode_reply<R: Serialize + GobType + ?Sized>(
        &mut self,
        method: &str,
        seq: u64,
        body: &R,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_header(method, seq, "", &mut out);
        self.enc.encode(body, &mut out).expect("peer: encode body");
        out
    }

    /// Appends a response header to `out`.
    pub fn encode_header(&mut self, method: &str, seq: u64, error: &str, out: &mut Vec<u8>) {
        let h = ResponseHeader {
            service_method: method,
            seq,
            error,
        };
        self.enc.encode(&h, out).expect("peer: encode header");
    }

    /// Sends a reply to `seq`.
    pub async fn reply<R: Serialize + GobType + ?Sized>(
        &mut self,
        method: &str,
        seq: u64,
        body: &R,
    ) {
        let bytes = self.encode_reply(method, seq, body);
        self.write_raw(&bytes).await;
    }

    /// Sends an error reply to `seq` (body `struct{}{}`, as Go's server).
    pub async fn reply_error(&mut self, method: &str, seq: u64, error: &str) {
        let mut out = Vec::new();
        self.encode_header(method, seq, error, &mut out);
        self.enc.encode(&Empty {}, &mut out).expect("encode");
        self.write_raw(&out).await;
    }

    /// Writes `bytes` as they are.
    pub async fn write_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("peer: write");
        self.stream.flush().await.expect("peer: flush");
    }

    /// Shuts the write side (the client reads EOF; this peer can still read).
    pub async fn shutdown_write(&mut self) {
        self.stream.shutdown().await.expect("peer: shutdown");
    }
}

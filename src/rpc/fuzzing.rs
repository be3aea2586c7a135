//! Entry points for the fuzz targets (`fuzz/`): the client's response stream, the server's
//! request stream and the HTTP handshake, driven from bytes without a socket. Not part of
//! the API.

use super::codec::{Event, ResponseDecoder};
use super::pending::{DynamicReply, Pending, Sink, Typed};
use crate::Limits;
use bytes::BytesMut;
use std::sync::Arc;
use tokio_util::codec::Decoder;

/// Feeds `data` to a client's response decoder, in chunks of `chunk` bytes, with calls of
/// several reply types waiting (sequence numbers 0–4). Bodies of 8 bytes or more take the
/// shared-buffer path that large replies take. Returns how many events it produced.
pub fn response_stream(data: &[u8], chunk: usize) -> usize {
    use std::collections::HashMap;
    use tokio::sync::oneshot::{channel, Receiver};

    /// Registers a call with reply type `R` under `seq`; the receiver keeps it wanted.
    fn wait<R: super::pending::Reply>(pending: &Pending, seq: u64) -> Receiver<super::Result<R>> {
        let (tx, rx) = channel();
        let _ = pending.insert(seq, Box::new(Typed::new(Sink::Oneshot(tx))));
        rx
    }

    /// A struct with a `[]byte` that may share the read buffer.
    #[derive(serde::Deserialize)]
    #[allow(dead_code)]
    struct Blob {
        #[serde(rename = "D")]
        d: crate::types::Bytes,
        #[serde(rename = "S")]
        s: String,
    }

    let pending = Arc::new(Pending::default());
    let _waiting = (
        wait::<String>(&pending, 0),
        wait::<Vec<i64>>(&pending, 1),
        wait::<DynamicReply>(&pending, 2),
        wait::<HashMap<String, i64>>(&pending, 3),
        wait::<Blob>(&pending, 4),
    );

    let limits = Limits::default().max_message(1 << 20);
    let mut dec = ResponseDecoder::new(pending.clone(), limits, false).share_bodies_from(8);
    let mut buf = BytesMut::new();
    let mut events = 0;
    let chunk = chunk.max(1);
    for piece in data.chunks(chunk) {
        buf.extend_from_slice(piece);
        loop {
            match dec.decode(&mut buf) {
                Ok(Some(Event::Reply(call, outcome))) => {
                    call.complete(outcome);
                    events += 1;
                }
                Ok(Some(Event::Discarded(_))) => events += 1,
                Ok(None) => break,
                Err(e) => {
                    pending.fail_all(e);
                    return events;
                }
            }
        }
    }
    match dec.decode_eof(&mut buf) {
        Ok(_) => {}
        Err(e) => pending.fail_all(e),
    }
    events
}

/// Runs Go's HTTP `CONNECT` handshake against a peer that answers with `reply`.
pub fn http_connect(reply: &[u8]) -> bool {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime");
    rt.block_on(async {
        let mut stream = tokio::io::join(reply, Vec::new());
        super::http_connect(&mut stream, super::DEFAULT_RPC_PATH)
            .await
            .is_ok()
    })
}

/// Feeds `data` to a server's request decoder, in chunks of `chunk` bytes. The server has
/// the methods the Go-written request fixtures (`fixtures/netrpc`) call, with the argument
/// types Go's take (structs, strings, integers, maps, bytes, `time.Time`, `big.Int`, and a
/// dynamic `TypedValue` for `Echo.Any`). Returns what it read, one line per request, then how
/// the stream ended: reads split anywhere must read the same.
pub fn server_request_stream(data: &[u8], chunk: usize) -> Vec<String> {
    use super::server::codec::Request;
    use super::server::{Context, Server, Service};
    use crate::types::{BigInt, GoTime};
    use std::collections::HashMap;

    static SERVER: std::sync::OnceLock<Server> = std::sync::OnceLock::new();
    let server = SERVER.get_or_init(|| {
        #[derive(serde::Deserialize, crate::GobType)]
        #[gob(name = "main.Args")]
        #[allow(dead_code)]
        struct Args {
            #[serde(rename = "A")]
            a: i64,
            #[serde(rename = "B")]
            b: i64,
        }
        #[derive(serde::Deserialize, crate::GobType)]
        #[gob(name = "main.KV")]
        #[allow(dead_code)]
        struct Kv {
            #[serde(rename = "Key")]
            key: String,
            #[serde(rename = "Value")]
            value: crate::types::Bytes,
        }
        #[derive(serde::Deserialize, crate::GobType)]
        #[gob(name = "main.Creds")]
        #[allow(dead_code)]
        struct Creds {
            #[serde(rename = "User")]
            user: String,
            #[serde(rename = "Password")]
            password: String,
        }
        #[derive(serde::Deserialize, crate::GobType)]
        #[gob(name = "main.Point")]
        #[allow(dead_code)]
        struct Point {
            #[serde(rename = "X")]
            x: i64,
            #[serde(rename = "Y")]
            y: i64,
        }
        /// Adds method `name` taking an `A` (the reply is `struct{}`).
        fn takes<A>(service: Service, name: &str) -> Service
        where
            A: serde::de::DeserializeOwned + crate::GobType + Send + 'static,
        {
            service.method(name, |_: Context, _: A| async { Ok::<(), String>(()) })
        }
        let arith = ["Add", "Mul", "Div", "Error"]
            .into_iter()
            .fold(Service::new(), takes::<Args>);
        let arith = takes::<String>(takes::<Args>(arith, "String"), "Scan");
        let builtin = ["Map", "Slice", "Array"]
            .into_iter()
            .fold(Service::new(), takes::<Args>);
        let kv = takes::<Kv>(takes::<String>(Service::new(), "Get"), "Set");
        let auth = takes::<i64>(takes::<Creds>(Service::new(), "Login"), "Whoami");
        let echo = takes::<GoTime>(Service::new(), "Time");
        let echo = takes::<serde_bytes::ByteBuf>(takes::<i64>(echo, "Fill"), "Bytes");
        let echo = takes::<HashMap<String, HashMap<String, Vec<i64>>>>(echo, "Nested");
        let echo = takes::<BigInt>(takes::<Point>(echo, "Point"), "Big");
        let echo = echo.dynamic_method("Any", "main.AnyHolder", "*main.AnyHolder", |_, v| async {
            Ok::<_, String>(v)
        });
        Server::builder()
            .limits(Limits::default().max_message(1 << 20).max_depth(200))
            .register("HelloService", takes::<String>(Service::new(), "Hello"))
            .register("Arith", arith)
            .register("BuiltinTypes", builtin)
            .register("KVStoreService", kv)
            .register("Auth", auth)
            .register("Echo", echo)
            // Invalid requests' arguments are decoded by their wire types, not only skipped.
            .on_invalid_request(|_| {})
            .build()
    });

    let mut dec = server.request_decoder();
    let mut buf = BytesMut::new();
    let mut read = Vec::new();
    let mut note = |r: Request| match r {
        Request::Call {
            seq,
            service_method,
            ..
        } => read.push(format!("call {seq} {service_method}")),
        Request::Invalid {
            seq,
            service_method,
            error,
            args,
        } => read.push(format!(
            "invalid {seq} {service_method}: {error} (args {})",
            if args.is_some() { "decoded" } else { "skipped" }
        )),
    };
    // Each piece as it arrives, then the end of input (`None`).
    for piece in data.chunks(chunk.max(1)).map(Some).chain([None]) {
        buf.extend_from_slice(piece.unwrap_or_default());
        loop {
            let next = match piece {
                Some(_) => dec.decode(&mut buf),
                None => dec.decode_eof(&mut buf),
            };
            match next {
                Ok(Some(r)) => note(r),
                Ok(None) => break,
                Err(e) => {
                    read.push(format!("ends: {}", e.0));
                    return read;
                }
            }
        }
    }
    read.push("end of input".into());
    read
}

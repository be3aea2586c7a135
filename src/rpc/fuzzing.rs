//! Entry points for the fuzz targets (`fuzz/`): the response stream and the HTTP handshake,
//! driven from bytes without a socket. Not part of the API.

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

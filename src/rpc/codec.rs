//! The framed codec of the response stream: `Response` header, then the body, decoded in
//! order on the connection's one gob decoder.

use super::error::Error;
use super::header::Response;
use super::pending::{Body, SharedPending, Waiting};
use crate::{Category, DecoderState, Limits};
use bytes::{Buf, BytesMut};
use std::sync::Arc;

/// What one response produced.
pub(crate) enum Event {
    /// A call's reply (or its error) is ready to hand over.
    Reply(Box<dyn Waiting>, Result<(), Error>),
    /// A reply for a call nobody waits for any more (cancelled, timed out, never issued):
    /// read and discarded, as Go does.
    Discarded(u64),
}

/// Decodes responses; the reply body is decoded into the type of the call that waits for it.
pub(crate) struct ResponseDecoder {
    st: DecoderState,
    pending: SharedPending,
    header: Option<Response>,
    call: Option<Box<dyn Waiting>>,
    /// The current body did not fit its call's type: it is being skipped by its wire type
    /// (it may need more messages), and then the call fails with this error.
    skipping: Option<Arc<crate::Error>>,
    /// The stream failed: the error every later `decode` returns.
    failed: Option<Error>,
    /// Nothing of the stream has been decoded yet: an HTTP answer is recognised here.
    at_start: bool,
    /// The current body was already tried in place of a shared buffer and needed more
    /// messages: it is not tried that way again (each try puts the bytes back).
    shared_tried: bool,
    /// Bodies whose value message is at least this long are decoded shared.
    share_body: usize,
}

/// A reply body whose value message is at least this long is decoded from a shared view of
/// the read buffer, so that [`types::Bytes`](crate::types::Bytes) in it need no copy.
/// (Below it a copy costs less than giving up the read buffer.)
const SHARE_BODY: usize = 256 << 10;

/// The length of the first value (non-definition) message at the front of `buf`, if that
/// message has arrived whole.
fn whole_value_message(buf: &[u8], max_message: usize) -> Option<usize> {
    let mut input = crate::wire::Input::new(buf, 0, max_message);
    loop {
        input.next_message().ok()?;
        let len = input.remaining();
        if input.read_int().ok()? >= 0 {
            return Some(len);
        }
        input.finish_message();
    }
}

impl ResponseDecoder {
    pub(crate) fn new(pending: SharedPending, limits: Limits, strict: bool) -> Self {
        let mut st = DecoderState::with_limits(limits);
        st.set_strict(strict);
        ResponseDecoder {
            st,
            pending,
            header: None,
            call: None,
            skipping: None,
            failed: None,
            at_start: true,
            shared_tried: false,
            share_body: SHARE_BODY,
        }
    }

    /// Decodes bodies of `n` bytes or more shared (the fuzz entry sets it low, so that
    /// every input takes that path).
    pub(crate) fn share_bodies_from(mut self, n: usize) -> Self {
        self.share_body = n;
        self
    }
}

impl ResponseDecoder {
    /// The call whose reply body was being read, if any: when the connection fails it must
    /// be completed with the error too (it is no longer in the pending map).
    pub(crate) fn take_call(&mut self) -> Option<Box<dyn Waiting>> {
        self.header = None;
        self.call.take()
    }

    /// Decodes the waiting call's reply body from the front of `src` and removes it.
    fn decode_body(&mut self, src: &mut BytesMut) -> crate::Result<Option<()>> {
        let call = self.call.as_mut().expect("a call waits");
        let max = self.st.limits().max_message;
        let large = !self.shared_tried
            && src.len() >= self.share_body
            && whole_value_message(src, max).is_some_and(|n| n >= self.share_body);
        if !large {
            let Some(n) = call.decode(&mut self.st, Body::Borrowed(src))? else {
                return Ok(None);
            };
            src.advance(n);
            return Ok(Some(()));
        }
        // Freeze the read buffer so that the reply's `Bytes` can keep views into it. The
        // reader continues in a new buffer holding what followed the body (normally little:
        // the body is whole), so that later replies are not read into the memory this one
        // keeps alive. A body that is incomplete or does not fit goes back whole (to be
        // tried again, or skipped).
        self.shared_tried = true;
        let all = std::mem::take(src).freeze();
        let result = call.decode(&mut self.st, Body::Shared(&all));
        let used = match &result {
            Ok(Some(n)) => *n,
            _ => 0,
        };
        *src = BytesMut::from(&all[used..]);
        Ok(result?.map(|_| ()))
    }

    /// The body of the current call did not decode into its type. If the error is about
    /// the type, not the stream, the body is skipped by its wire type and only this call
    /// fails; otherwise the stream is done.
    fn body_failed(&mut self, e: crate::Error, src: &mut BytesMut) -> Result<Option<Event>, Error> {
        if !matches!(e.category(), Category::Type | Category::Custom) {
            return Err(self.fail(Error::ReadingBody(Arc::new(e))));
        }
        tracing::debug!(error = %e, "gob rpc: reply does not fit the call's type; skipping it");
        // The failed attempt kept none of the definitions it read (DecoderState rolls a
        // failed decode back): skipping registers them.
        self.skipping = Some(Arc::new(e));
        self.skip_body(src)
    }

    /// Skips the body of a call that fails with [`skipping`](Self::skipping)'s error.
    fn skip_body(&mut self, src: &mut BytesMut) -> Result<Option<Event>, Error> {
        match self.st.skip(src) {
            Ok(None) => Ok(None),
            Ok(Some(n)) => {
                src.advance(n);
                self.header = None;
                let e = self.skipping.take().expect("a body is being skipped");
                let call = self.call.take().expect("call present");
                Ok(Some(Event::Reply(call, Err(Error::ReadingBody(e)))))
            }
            Err(e) => Err(self.fail(Error::ReadingBody(Arc::new(e)))),
        }
    }

    /// The stream failed with `e` (a body error is [`Error::ReadingBody`]: the call being
    /// read, still held here, gets it as it is; the others and later reads get the error
    /// itself, as in Go).
    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some(match &e {
            Error::ReadingBody(inner) => Error::Codec(inner.clone()),
            other => other.clone(),
        });
        e
    }

    /// Recognises an HTTP answer at the start of the stream: the client dialed an HTTP
    /// server as if it were a net/rpc one. `None` if more bytes are needed to tell.
    fn check_start(&mut self, src: &BytesMut) -> Option<Result<(), Error>> {
        const HTTP: &[u8] = b"HTTP/";
        if src.len() < HTTP.len() && HTTP.starts_with(src) {
            return None;
        }
        self.at_start = false;
        if !src.starts_with(HTTP) {
            return Some(Ok(()));
        }
        let line = src[..].split(|&b| b == b'\n').next().unwrap_or_default();
        let line = String::from_utf8_lossy(line);
        Some(Err(self.fail(Error::Http(format!(
            "the server answered in HTTP ({:?}): this looks like an HTTP server: use `dial_http`",
            line.trim_end()
        )))))
    }
}

impl tokio_util::codec::Decoder for ResponseDecoder {
    type Item = Event;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Event>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.at_start {
            match self.check_start(src) {
                None => return Ok(None),
                Some(checked) => checked?,
            }
        }
        let header = match &self.header {
            Some(h) => h,
            None => match self.st.decode::<Response>(src) {
                Err(e) => return Err(self.fail(Error::codec(e))),
                Ok(None) => return Ok(None),
                Ok(Some((h, n))) => {
                    src.advance(n);
                    self.call = self.pending.take(h.seq);
                    self.shared_tried = false;
                    self.header.insert(h)
                }
            },
        };
        if self.call.is_none() || !header.error.is_empty() {
            // An error reply (its body is the server's `struct{}`) or nobody waiting: read the
            // body and discard it, still registering any type it defines.
            let n = match self.st.skip(src) {
                Err(e) => return Err(self.fail(Error::codec(e))),
                Ok(None) => return Ok(None),
                Ok(Some(n)) => n,
            };
            src.advance(n);
            let h = self.header.take().expect("header decoded above");
            return Ok(Some(match self.call.take() {
                Some(call) => Event::Reply(call, Err(Error::Server(h.error))),
                None => Event::Discarded(h.seq),
            }));
        }
        if self.skipping.is_some() {
            return self.skip_body(src);
        }
        match self.decode_body(src) {
            Ok(None) => Ok(None),
            Ok(Some(())) => {
                self.header = None;
                let call = self.call.take().expect("call present");
                Ok(Some(Event::Reply(call, Ok(()))))
            }
            Err(e) => self.body_failed(e, src),
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Event>, Error> {
        match self.decode(src)? {
            Some(ev) => Ok(Some(ev)),
            None if src.is_empty() && self.header.is_none() => Ok(None),
            None => {
                // The stream ended inside a response. Its call gets Go's "reading body …"
                // error; the calls still waiting get "unexpected EOF" when the stream ends.
                src.clear();
                self.header = None;
                // (A call whose body was being skipped keeps its own error.)
                let skipping = self.skipping.take();
                match self.call.take() {
                    Some(call) => {
                        let e =
                            skipping.unwrap_or_else(|| Arc::new(crate::Error::unexpected_eof()));
                        Ok(Some(Event::Reply(call, Err(Error::ReadingBody(e)))))
                    }
                    None => Err(Error::UnexpectedEof),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::pending::{Pending, Sink, Typed};
    use super::*;
    use tokio::sync::oneshot;
    use tokio_util::codec::Decoder;

    /// `rpc.Response` as Go's server encodes it.
    #[derive(serde::Serialize, crate::GobType)]
    #[gob(name = "rpc.Response")]
    struct Resp<'a> {
        #[serde(rename = "ServiceMethod")]
        method: &'a str,
        #[serde(rename = "Seq")]
        seq: u64,
        #[serde(rename = "Error")]
        error: &'a str,
    }

    fn wait<R: super::super::pending::Reply>(
        pending: &Pending,
        seq: u64,
    ) -> oneshot::Receiver<super::super::Result<R>> {
        let (tx, rx) = oneshot::channel();
        pending
            .insert(seq, Box::new(Typed::new(Sink::Oneshot(tx))))
            .unwrap();
        rx
    }

    /// A reply that does not fit its call's type, between two that do, read whole or in
    /// pieces of every small size: that call fails with its type error, the others get
    /// their replies, and the stream goes on.
    #[test]
    fn misfit_reply_fails_only_its_call() {
        let mut enc = crate::EncoderState::new();
        let mut stream = Vec::new();
        let mut reply = |seq: u64, body: &dyn Fn(&mut crate::EncoderState, &mut Vec<u8>)| {
            let h = Resp {
                method: "S.M",
                seq,
                error: "",
            };
            enc.encode(&h, &mut stream).unwrap();
            body(&mut enc, &mut stream);
        };
        reply(0, &|e, out| e.encode(&7i64, out).unwrap());
        reply(1, &|e, out| e.encode(&vec![1i64, 2], out).unwrap());
        reply(2, &|e, out| e.encode("ok", out).unwrap());
        for chunk in [1, 2, 3, 5, 8, usize::MAX] {
            let pending = Arc::new(Pending::default());
            let rx0 = wait::<String>(&pending, 0);
            let rx1 = wait::<Vec<i64>>(&pending, 1);
            let rx2 = wait::<String>(&pending, 2);
            let mut dec = ResponseDecoder::new(pending.clone(), Limits::default(), false);
            let mut buf = BytesMut::new();
            for piece in stream.chunks(chunk) {
                buf.extend_from_slice(piece);
                while let Some(ev) = dec.decode(&mut buf).unwrap() {
                    match ev {
                        Event::Reply(call, outcome) => call.complete(outcome),
                        Event::Discarded(seq) => panic!("seq {seq} discarded"),
                    }
                }
            }
            assert!(buf.is_empty());
            match rx0.blocking_recv().unwrap() {
                Err(Error::ReadingBody(e)) => assert_eq!(e.category(), Category::Type),
                other => panic!("chunk {chunk}: want a type error, got {other:?}"),
            }
            assert_eq!(
                rx1.blocking_recv().unwrap().unwrap(),
                [1, 2],
                "chunk {chunk}"
            );
            assert_eq!(rx2.blocking_recv().unwrap().unwrap(), "ok", "chunk {chunk}");
        }
    }

    /// `ClientConfig::strict` reaches the reply decoder.
    #[test]
    fn strict_reaches_the_decoder() {
        for strict in [false, true] {
            let pending = Arc::new(Pending::default());
            let dec = ResponseDecoder::new(pending, Limits::default(), strict);
            assert_eq!(dec.st.is_strict(), strict);
        }
    }
}

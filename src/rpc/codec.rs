//! The framed codec of the response stream: `Response` header, then the body, decoded in
//! order on the connection's one gob decoder.

use super::error::Error;
use super::header::Response;
use super::pending::{Body, SharedPending, Waiting};
use crate::{DecoderState, Limits};
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
    /// A reply body failed to decode: the connection is done (Go shuts it down too).
    poisoned: Option<Arc<crate::Error>>,
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
    pub(crate) fn new(pending: SharedPending, limits: Limits) -> Self {
        ResponseDecoder {
            st: DecoderState::with_limits(limits),
            pending,
            header: None,
            call: None,
            poisoned: None,
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
        // keeps alive.
        // (On an error the connection is done: nothing goes back.)
        self.shared_tried = true;
        let all = std::mem::take(src).freeze();
        let used = call.decode(&mut self.st, Body::Shared(&all))?;
        *src = BytesMut::from(&all[used.unwrap_or(0)..]);
        Ok(used.map(|_| ()))
    }
}

impl tokio_util::codec::Decoder for ResponseDecoder {
    type Item = Event;
    type Error = Error;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Event>, Error> {
        if let Some(e) = &self.poisoned {
            return Err(Error::Codec(e.clone()));
        }
        let header = match &self.header {
            Some(h) => h,
            None => match self.st.decode::<Response>(src).map_err(Error::codec)? {
                None => return Ok(None),
                Some((h, n)) => {
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
            let Some(n) = self.st.skip(src).map_err(Error::codec)? else {
                return Ok(None);
            };
            src.advance(n);
            let h = self.header.take().expect("header decoded above");
            return Ok(Some(match self.call.take() {
                Some(call) => Event::Reply(call, Err(Error::Server(h.error))),
                None => Event::Discarded(h.seq),
            }));
        }
        match self.decode_body(src) {
            Ok(None) => Ok(None),
            Ok(Some(())) => {
                self.header = None;
                let call = self.call.take().expect("call present");
                Ok(Some(Event::Reply(call, Ok(()))))
            }
            Err(e) => {
                let e = Arc::new(e);
                self.poisoned = Some(e.clone());
                self.header = None;
                let call = self.call.take().expect("call present");
                Ok(Some(Event::Reply(call, Err(Error::ReadingBody(e)))))
            }
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
                match self.call.take() {
                    Some(call) => {
                        let eof = Arc::new(crate::Error::unexpected_eof());
                        Ok(Some(Event::Reply(call, Err(Error::ReadingBody(eof)))))
                    }
                    None => Err(Error::UnexpectedEof),
                }
            }
        }
    }
}

//! The framed codec of the response stream: `Response` header, then the body, decoded in
//! order on the connection's one gob decoder.

use super::error::Error;
use super::header::Response;
use super::pending::{SharedPending, Waiting};
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
}

impl ResponseDecoder {
    pub(crate) fn new(pending: SharedPending, limits: Limits) -> Self {
        ResponseDecoder {
            st: DecoderState::with_limits(limits),
            pending,
            header: None,
            call: None,
            poisoned: None,
        }
    }
}

impl ResponseDecoder {
    /// The call whose reply body was being read, if any: when the connection fails it must
    /// be completed with the error too (it is no longer in the pending map).
    pub(crate) fn take_call(&mut self) -> Option<Box<dyn Waiting>> {
        self.header = None;
        self.call.take()
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
                    self.header.insert(h)
                }
            },
        };
        let Some(call) = self.call.as_mut().filter(|_| header.error.is_empty()) else {
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
        };
        match call.decode(&mut self.st, src) {
            Ok(None) => Ok(None),
            Ok(Some(n)) => {
                src.advance(n);
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

//! The framed codec of a request stream: `Request` header, then the argument, decoded in
//! order on the connection's one gob decoder, as Go's `ServeCodec` reads them.

use super::context::{ConnInfo, Context};
use super::header::RequestHeader;
use super::registry::{Entry, Registry};
use super::service::HandlerFuture;
use crate::{Category, DecoderState, Limits};
use bytes::{Buf, BytesMut};
use std::sync::Arc;

/// One request read off the stream.
pub(crate) enum Request {
    /// A call to run.
    Call {
        seq: u64,
        service_method: Arc<str>,
        /// The handler's future, with its argument and context.
        run: HandlerFuture,
    },
    /// A request answered with an error and no call (its body was read and discarded):
    /// unknown service or method, an ill-formed name, an argument that does not decode.
    Invalid {
        seq: u64,
        service_method: Arc<str>,
        error: String,
        /// The argument by its wire type, when asked for and valid gob on its own.
        args: Option<crate::TypedValue>,
    },
}

/// Where the decoder is within a request.
enum Stage {
    /// Expecting a header.
    Header,
    /// Expecting the argument of a found method.
    Body(RequestHeader, Arc<Entry>),
    /// Discarding the body of a request answered with `error`.
    Skip(RequestHeader, String),
}

/// Decodes requests for the services in a registry.
pub(crate) struct RequestDecoder {
    st: DecoderState,
    registry: Arc<Registry>,
    stage: Stage,
    /// The method the last found request named: a stream mostly calls the same methods
    /// again, and a match skips the two hash lookups by name.
    last: Option<Arc<Entry>>,
    /// The connection the calls' contexts refer to.
    conn: Arc<ConnInfo>,
    /// Decode the argument of an invalid request by its wire type (for a hook to see)
    /// instead of only skipping it.
    keep_invalid_args: bool,
}

impl RequestDecoder {
    pub(crate) fn new(registry: Arc<Registry>, limits: Limits, conn: Arc<ConnInfo>) -> Self {
        RequestDecoder {
            st: DecoderState::with_limits(limits),
            registry,
            stage: Stage::Header,
            last: None,
            conn,
            keep_invalid_args: false,
        }
    }

    /// Decodes the arguments of invalid requests by their wire types instead of only
    /// skipping them.
    pub(crate) fn keep_invalid_args(mut self, keep: bool) -> Self {
        self.keep_invalid_args = keep;
        self
    }

    /// The argument of a request answered with an error, by its wire type: `Ok(None)` if
    /// more bytes are needed, `Ok(Some((None, n)))` if it was only skipped.
    #[allow(clippy::type_complexity)]
    fn invalid_args(
        &mut self,
        src: &[u8],
    ) -> crate::Result<Option<(Option<crate::TypedValue>, usize)>> {
        if self.keep_invalid_args {
            match self.st.decode_value(src) {
                Ok(Some((v, n))) => return Ok(Some((Some(v), n))),
                Ok(None) => return Ok(None),
                // Valid gob the dynamic decoder refuses (a failed decode keeps no type
                // definitions): skipped below, as without a hook.
                Err(e) if e.category() != Category::Io => {}
                Err(e) => return Err(e),
            }
        }
        Ok(self.st.skip(src)?.map(|n| (None, n)))
    }

    /// The stage after reading `header`: its method, or the error it is answered with
    /// (Go's `readRequestHeader`, texts verbatim).
    fn route(&mut self, header: RequestHeader) -> Stage {
        if let Some(last) = &self.last {
            if last.full_name.as_bytes() == header.service_method.as_bytes() {
                return Stage::Body(header, last.clone());
            }
        }
        let name = header.service_method.as_str();
        let Some(dot) = name.rfind('.') else {
            let error = format!("rpc: service/method request ill-formed: {name}");
            return Stage::Skip(header, error);
        };
        let Some(service) = self.registry.service(&name[..dot]) else {
            let error = format!("rpc: can't find service {name}");
            return Stage::Skip(header, error);
        };
        match service.get(&name[dot + 1..]) {
            Some(entry) => {
                self.last = Some(entry.clone());
                Stage::Body(header, entry.clone())
            }
            None => {
                let error = format!("rpc: can't find method {name}");
                Stage::Skip(header, error)
            }
        }
    }
}

/// A request header that cannot be decoded ends the connection, with no reply (Go's
/// "rpc: server cannot decode request").
#[derive(Debug)]
pub(crate) struct HeaderError(pub(crate) String);

impl From<std::io::Error> for HeaderError {
    fn from(e: std::io::Error) -> Self {
        HeaderError(e.to_string())
    }
}

impl tokio_util::codec::Decoder for RequestDecoder {
    type Item = Request;
    type Error = HeaderError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Request>, HeaderError> {
        loop {
            match std::mem::replace(&mut self.stage, Stage::Header) {
                Stage::Header => {
                    let decoded = self.st.decode::<RequestHeader>(src).map_err(|e| {
                        HeaderError(format!("rpc: server cannot decode request: {e}"))
                    })?;
                    let Some((header, n)) = decoded else {
                        return Ok(None);
                    };
                    src.advance(n);
                    self.stage = self.route(header);
                }
                Stage::Body(header, entry) => {
                    match entry.method.decode(&mut self.st, src, &|| Context {
                        inner: self.conn.clone(),
                        seq: header.seq,
                        service_method: entry.full_name.clone(),
                    }) {
                        Ok(None) => {
                            self.stage = Stage::Body(header, entry);
                            return Ok(None);
                        }
                        Ok(Some((run, n))) => {
                            src.advance(n);
                            entry.count_call();
                            return Ok(Some(Request::Call {
                                seq: header.seq,
                                service_method: entry.full_name.clone(),
                                run,
                            }));
                        }
                        // The argument does not fit: answered with the codec's text (Go's
                        // `err.Error()`), and the body is skipped by its wire types, so the
                        // connection stays usable.
                        Err(e) if e.category() != Category::Io => {
                            self.stage = Stage::Skip(header, e.message().to_string());
                        }
                        Err(e) => return Err(HeaderError(e.to_string())),
                    }
                }
                Stage::Skip(header, error) => match self.invalid_args(src) {
                    Ok(None) => {
                        self.stage = Stage::Skip(header, error);
                        return Ok(None);
                    }
                    Ok(Some((args, n))) => {
                        src.advance(n);
                        return Ok(Some(Request::Invalid {
                            seq: header.seq,
                            service_method: header.service_method.as_str().into(),
                            error,
                            args,
                        }));
                    }
                    // Not even skippable: the stream is out of sync, the connection ends.
                    Err(e) => return Err(HeaderError(format!("rpc: {e}"))),
                },
            }
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<Request>, HeaderError> {
        match self.decode(src)? {
            Some(r) => Ok(Some(r)),
            // A clean end, or a stream cut inside a request: either way no more requests
            // (Go's server stops reading at io.EOF and io.ErrUnexpectedEOF alike).
            None => {
                src.clear();
                Ok(None)
            }
        }
    }
}

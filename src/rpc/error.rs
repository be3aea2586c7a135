//! The errors a call can end with, in Go's words.

use std::fmt;
use std::sync::Arc;

/// Why a call did not return a reply.
///
/// The `Display` texts are Go's: a Go user reading a log line from Rust sees what `net/rpc`
/// would have said. Errors are cheap to clone (a connection failure is handed to every call
/// that was waiting on the connection).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The service returned an error; the text is the server's `err.Error()`, verbatim (Go's
    /// `rpc.ServerError`). Also the server's own failures: `rpc: can't find service …`.
    Server(String),
    /// The client is closed, or its connection died before the call was sent
    /// (Go's `rpc.ErrShutdown`: "connection is shut down").
    Shutdown,
    /// The server closed the connection while the call was pending ("unexpected EOF").
    UnexpectedEof,
    /// The reply arrived but could not be decoded into the reply type ("reading body …", as
    /// Go words it).
    ///
    /// When the reply is valid gob that does not fit the Rust type (the inner error's
    /// [`category`](crate::Error::category) is [`Type`](crate::Category::Type) or
    /// [`Custom`](crate::Category::Custom): a Go `uint64` into an `i64`, no field in
    /// common, an interface holding a type the Rust enum lacks, a field strict mode
    /// rejects, …), only this call fails: the body is skipped by its wire type and the
    /// connection carries on. (Go shuts the connection down here; the wire lets us do
    /// better.) When the bytes are not valid gob, or exceed a limit, the connection is shut
    /// down: this call gets this error, the other calls in flight the inner error as
    /// [`Error::Codec`].
    ReadingBody(Arc<crate::Error>),
    /// The connection failed: the read or write error, shared by every pending call.
    Io(Arc<std::io::Error>),
    /// Connecting to `addr` failed (refused, unreachable, timed out, …):
    /// "connecting to `addr`: `error`". The I/O error is the [`source`](std::error::Error::source);
    /// [`io_error`](Self::io_error) gives it too.
    Connect {
        /// The address dialed (the socket address tried last, or the Unix socket's path).
        addr: String,
        /// What the system said.
        error: Arc<std::io::Error>,
    },
    /// The call's timeout elapsed (the reply, if it ever comes, is read and discarded).
    Timeout,
    /// The arguments could not be encoded, or the server's bytes are not valid gob.
    Codec(Arc<crate::Error>),
    /// The HTTP `CONNECT` handshake failed (Go's `DialHTTP` errors), or the server's
    /// protocol is not the one dialed: an HTTP answer on a net/rpc connection ("this looks
    /// like an HTTP server: use `dial_http`"), or no HTTP answer to `CONNECT` ("this looks
    /// like a plain net/rpc port: use `dial`").
    Http(String),
    /// The connection died before the call's request was written to it: the server never
    /// saw it, so it did not run (sending it again is safe). The text is the connection's
    /// error, as the calls that were sent get it.
    NotSent(Arc<Error>),
    /// A call that [`ReconnectingClient`](super::ReconnectingClient) or [`Pool`](super::Pool)
    /// did not retry because it was sent and its reply was lost, and it is not marked
    /// idempotent: it may or may not have run on the server. "call may or may not have run:
    /// `error`".
    MayHaveRun(Arc<Error>),
}

/// Whether a failed call's request may have run on the server: what
/// [`Error::delivery`] answers.
///
/// ```
/// use gobrpc::rpc::{Delivery, Error};
///
/// assert_eq!(Error::Server("divide by zero".into()).delivery(), Delivery::Answered);
/// assert_eq!(Error::UnexpectedEof.delivery(), Delivery::Unknown);
/// let lost = Error::NotSent(std::sync::Arc::new(Error::UnexpectedEof));
/// assert_eq!(lost.delivery(), Delivery::NotSent);
/// assert!(!lost.may_have_run());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Delivery {
    /// The request never reached the connection (refused, failed to encode, could not
    /// connect, or still queued when the connection died): it did not run.
    NotSent,
    /// The request was sent (or may have been) and no answer came: the connection died, or
    /// the call timed out. It may or may not have run.
    Unknown,
    /// The server answered: with an error ([`Error::Server`]) or a reply the client could
    /// not decode ([`Error::ReadingBody`]).
    Answered,
}

impl Error {
    /// The server's error text, if the server answered with an error.
    pub fn server_error(&self) -> Option<&str> {
        match self {
            Error::Server(s) => Some(s),
            _ => None,
        }
    }

    /// The I/O error behind an [`Io`](Self::Io) or [`Connect`](Self::Connect) error (for
    /// its [`kind`](std::io::Error::kind)).
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io(e) | Error::Connect { error: e, .. } => Some(e),
            _ => None,
        }
    }

    /// Whether the call's request may have run on the server (see [`Delivery`]).
    ///
    /// The answer errs on the safe side: an error that cannot tell says
    /// [`Unknown`](Delivery::Unknown). [`Shutdown`](Self::Shutdown) is such an error (it
    /// reaches the calls in flight when a client is closed, and the calls refused after);
    /// a refused [`Call`](super::Call) has no [`seq`](super::Call::seq). When a connection
    /// dies, the calls whose requests were still queued get [`NotSent`](Self::NotSent).
    pub fn delivery(&self) -> Delivery {
        match self {
            Error::Server(_) | Error::ReadingBody(_) => Delivery::Answered,
            Error::Connect { .. } | Error::Http(_) | Error::NotSent(_) => Delivery::NotSent,
            _ => Delivery::Unknown,
        }
    }

    /// True unless the request certainly did not run: it was not sent
    /// ([`Delivery::NotSent`]). An answered call counts as run.
    ///
    /// ```
    /// use gobrpc::rpc::Error;
    /// use std::sync::Arc;
    ///
    /// assert!(Error::Server("boom".into()).may_have_run()); // it ran, and failed
    /// assert!(Error::UnexpectedEof.may_have_run()); // sent; the reply was lost
    /// assert!(!Error::NotSent(Arc::new(Error::UnexpectedEof)).may_have_run());
    /// ```
    pub fn may_have_run(&self) -> bool {
        self.delivery() != Delivery::NotSent
    }

    pub(crate) fn connect(addr: impl std::fmt::Display, error: std::io::Error) -> Self {
        Error::Connect {
            addr: addr.to_string(),
            error: Arc::new(error),
        }
    }

    pub(crate) fn codec(e: crate::Error) -> Self {
        match e.category() {
            crate::Category::Io => Error::Io(Arc::new(std::io::Error::other(e.to_string()))),
            _ => Error::Codec(Arc::new(e)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Server(s) => f.write_str(s),
            Error::Shutdown => f.write_str("connection is shut down"),
            Error::UnexpectedEof => f.write_str("unexpected EOF"),
            // Go writes "reading body " + err, with no colon.
            Error::ReadingBody(e) => write!(f, "reading body {e}"),
            Error::Io(e) => write!(f, "{e}"),
            Error::Connect { addr, error } => write!(f, "connecting to {addr}: {error}"),
            Error::Timeout => f.write_str("call timed out"),
            Error::Codec(e) => write!(f, "{e}"),
            Error::Http(s) => f.write_str(s),
            Error::NotSent(e) => write!(f, "{e}"),
            Error::MayHaveRun(e) => write!(f, "call may or may not have run: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::ReadingBody(e) | Error::Codec(e) => Some(&**e),
            Error::Io(e) | Error::Connect { error: e, .. } => Some(&**e),
            Error::NotSent(e) | Error::MayHaveRun(e) => Some(&**e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

/// A `Result` whose error is an rpc [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

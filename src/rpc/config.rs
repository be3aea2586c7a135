//! How a client behaves: [`ClientConfig`] and its [`ClientBuilder`].

use super::client::Client;
use crate::Limits;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// The default [`ClientConfig::connect_timeout`]: 10 s.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default [`ClientConfig::handshake_timeout`]: 10 s.
pub const DEFAULT_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The default [`ClientConfig::keepalive`]: 15 s, as Go's `net.Dialer`.
pub const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(15);

/// How a [`Client`] behaves. Build one with [`Client::builder`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Timeout for every call that sets none of its own (default: none, as in Go).
    pub timeout: Option<Duration>,
    /// How long the `dial*` methods wait for the TCP or Unix connection to be established
    /// (default [`DEFAULT_CONNECT_TIMEOUT`]; `None`: as long as the system does). Go's `Dial`
    /// has none.
    pub connect_timeout: Option<Duration>,
    /// How long the `dial*` methods wait for the server's first answer once connected: the
    /// TLS handshake, the HTTP `CONNECT` exchange, and the [probe](Self::probe) (default
    /// [`DEFAULT_HANDSHAKE_TIMEOUT`]; `None`: forever).
    pub handshake_timeout: Option<Duration>,
    /// Whether [`dial`](ClientBuilder::dial), [`dial_unix`](ClientBuilder::dial_unix) and
    /// `dial_tls` check that a net/rpc server answers before they return (default: yes).
    ///
    /// The check is one request that Go's server answers at once with an error, without
    /// running any method (its service name is ill-formed). An HTTP server answers it with an
    /// HTTP error instead (it contains a line break), so dialing the HTTP port of a server
    /// fails at once, saying to use [`dial_http`](ClientBuilder::dial_http), where it would
    /// otherwise wait forever (Go's HTTP server waits for a line that gob never sends). Turn
    /// it off for a server that is not Go's and does not answer such a request.
    pub probe: bool,
    /// Limits on what the server's replies may make the decoder do.
    pub limits: Limits,
    /// Strict mode: a struct field in a reply that the Rust type lacks fails the call,
    /// naming the field, for every type (as `#[serde(deny_unknown_fields)]` does for one
    /// type). Off by default: such fields are skipped, as Go skips them. See
    /// [`DecoderState::set_strict`](crate::DecoderState::set_strict). Like every reply that
    /// does not fit its type, such a reply fails only its own call.
    pub strict: bool,
    /// How many bytes of requests may wait for the socket before [`Client::call`] waits for
    /// room (default 16 MiB). A server that stops reading thus makes callers wait and time
    /// out instead of growing memory. [`Client::go`] never waits: it queues at once.
    pub max_write_buffer: usize,
    /// Busy polling (default: off): how long a call that is alone in flight keeps polling
    /// for its reply before its task parks. Lowers one caller's latency on machines where
    /// waking a parked thread is slow (virtual machines), at the cost of the CPU the spin
    /// burns; calls made while others are in flight never spin. See
    /// [`ClientBuilder::busy_poll`].
    pub busy_poll: Option<Duration>,
    /// Tell the server when a call is abandoned (default: no). When a [`Call`](super::Call)
    /// is dropped or times out before its reply, the client sends `_goRPC_.Cancel` with
    /// `CancelArgs{Seq}`, the call's sequence number: the convention of the net/rpc fork
    /// with contexts (github.com/keegancsmith/rpc), whose server then cancels that call's
    /// `context.Context`. The late reply is still read and discarded. A stdlib `net/rpc`
    /// server answers it with "rpc: can't find service _goRPC_.Cancel", which is discarded
    /// too: nothing else changes.
    pub send_cancel: bool,
    /// `TCP_NODELAY` on dialed TCP connections (default: on, as Go sets it).
    pub nodelay: bool,
    /// TCP keepalive on dialed TCP connections: the idle time before the first probe
    /// (default 15 s, Go's `net.Dialer` default; `None`: off).
    pub keepalive: Option<Duration>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            handshake_timeout: Some(DEFAULT_HANDSHAKE_TIMEOUT),
            probe: true,
            limits: Limits::default(),
            strict: false,
            max_write_buffer: 16 << 20,
            busy_poll: None,
            send_cancel: false,
            nodelay: true,
            keepalive: Some(DEFAULT_KEEPALIVE),
        }
    }
}

/// Builds a [`Client`] with non-default settings.
///
/// ```no_run
/// # async fn f() -> Result<(), gobrpc::rpc::Error> {
/// use std::time::Duration;
/// let client = gobrpc::rpc::Client::builder()
///     .timeout(Duration::from_secs(5))
///     .connect_timeout(Duration::from_secs(3))
///     .dial("127.0.0.1:1234")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientBuilder {
    pub(crate) config: ClientConfig,
}

impl ClientBuilder {
    /// Sets the default per-call timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// Sets the connect timeout (see [`ClientConfig::connect_timeout`]; `None`: none).
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.connect_timeout = timeout.into();
        self
    }

    /// Sets the handshake timeout (see [`ClientConfig::handshake_timeout`]; `None`: none).
    pub fn handshake_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.config.handshake_timeout = timeout.into();
        self
    }

    /// Turns the dial-time check that a net/rpc server answers on or off (see
    /// [`ClientConfig::probe`]).
    pub fn probe(mut self, probe: bool) -> Self {
        self.config.probe = probe;
        self
    }

    /// Sets how many bytes of requests may queue before `call` waits for room.
    pub fn max_write_buffer(mut self, bytes: usize) -> Self {
        self.config.max_write_buffer = bytes;
        self
    }

    /// Has a call that is alone in flight poll for its reply for up to `budget` before its
    /// task parks (see [`ClientConfig::busy_poll`]; `None`: off, the default). While it
    /// polls, the call's task yields to the runtime after each non-blocking poll of the
    /// runtime's I/O driver, so other tasks still run; it works best on the current-thread
    /// runtime. A budget of about one round trip to the server (tens of microseconds on
    /// loopback) is enough: a longer one only burns CPU when the server is slow.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), gobrpc::rpc::Error> {
    /// use std::time::Duration;
    /// let client = gobrpc::rpc::Client::builder()
    ///     .busy_poll(Duration::from_micros(50))
    ///     .dial("127.0.0.1:1234")
    ///     .await?;
    /// let hello: String = client.call("HelloService.Hello", "gopher").await?;
    /// # Ok(()) }
    /// ```
    pub fn busy_poll(mut self, budget: impl Into<Option<Duration>>) -> Self {
        self.config.busy_poll = budget.into().filter(|d| !d.is_zero());
        self
    }

    /// Sends `_goRPC_.Cancel` for every abandoned call (see [`ClientConfig::send_cancel`]).
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), gobrpc::rpc::Error> {
    /// use std::time::Duration;
    /// let client = gobrpc::rpc::Client::builder().send_cancel(true).dial("127.0.0.1:1234").await?;
    /// // Times out after 1 s: the server's context for this call is cancelled.
    /// let r: gobrpc::rpc::Result<String> =
    ///     client.call("Search.Slow", "query").timeout(Duration::from_secs(1)).await;
    /// # Ok(()) }
    /// ```
    pub fn send_cancel(mut self, on: bool) -> Self {
        self.config.send_cancel = on;
        self
    }

    /// Sets `TCP_NODELAY` on dialed TCP connections (see [`ClientConfig::nodelay`]).
    pub fn nodelay(mut self, on: bool) -> Self {
        self.config.nodelay = on;
        self
    }

    /// Sets the TCP keepalive idle time of dialed TCP connections (see
    /// [`ClientConfig::keepalive`]; `None`: off).
    ///
    /// ```
    /// use gobrpc::rpc::Client;
    /// use std::time::Duration;
    ///
    /// let b = Client::builder().keepalive(Duration::from_secs(30)).nodelay(false);
    /// assert_eq!(b.config().keepalive, Some(Duration::from_secs(30)));
    /// assert!(!b.config().nodelay);
    /// assert_eq!(Client::builder().keepalive(None).config().keepalive, None);
    /// ```
    pub fn keepalive(mut self, idle: impl Into<Option<Duration>>) -> Self {
        self.config.keepalive = idle.into();
        self
    }

    /// Sets the decoder limits for replies.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Turns strict mode on or off (see [`ClientConfig::strict`]).
    pub fn strict(mut self, strict: bool) -> Self {
        self.config.strict = strict;
        self
    }

    /// The configuration built so far.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// A client speaking over an established stream: one the Rust side dialed, or one it
    /// accepted from a Go process that dialed in to serve (reverse RPC). No probe is sent.
    /// Must be called inside a tokio runtime.
    pub fn connect<S>(self, stream: S) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        Client::start(stream, self.config)
    }
}

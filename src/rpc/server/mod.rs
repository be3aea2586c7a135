//! A Go `net/rpc` server: Rust answers Go clients, and they cannot tell it from Go's.
//!
//! Register [`Service`]s under names, then serve connections: any stream
//! ([`Server::serve_conn`], including one the Rust side dialed to a Go process that will
//! call it), TCP and Unix listeners ([`Server::serve`], [`Server::serve_unix`]), and HTTP
//! `CONNECT` with Go's debug page ([`Server::serve_http`]).
//!
//! ```no_run
//! use gobrpc::rpc::server::{Context, Server, Service};
//! use gobrpc::GobType;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Deserialize, GobType)]
//! #[gob(name = "main.Args")]
//! struct Args { #[serde(rename = "A")] a: i64, #[serde(rename = "B")] b: i64 }
//!
//! # async fn f() -> std::io::Result<()> {
//! let arith = Service::new().method("Add", |_: Context, args: Args| async move {
//!     Ok::<_, String>(args.a + args.b)
//! });
//! let server = Server::builder().register("Arith", arith).build();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:1234").await?;
//! server.serve(listener).await // Go: rpc.Dial("tcp", "127.0.0.1:1234")
//! # }
//! ```
//!
//! What it does as Go's server does (`src/net/rpc/server.go`):
//! - one reader per connection decodes requests in order, each call runs concurrently with
//!   the others, and each reply is written whole when its call completes (completion
//!   order). The reader polls each handler once: one that completes at once is answered
//!   there, and the replies of the calls answered in one pass go out in one write; one that
//!   waits runs on as its own task. So a handler that computes for long without an `.await`
//!   holds up its connection's next requests (not other connections): move such work to
//!   `tokio::task::spawn_blocking` and await it;
//! - unknown services and methods and ill-formed names are answered with Go's texts
//!   (`rpc: can't find service S.M`, `rpc: can't find method S.M`,
//!   `rpc: service/method request ill-formed: X`), the request body read and discarded;
//!   every error reply carries Go's `struct{}` body;
//! - an argument that does not decode is answered with the codec's error text and the
//!   connection stays usable; a header that does not decode ends the connection;
//! - at end of input the calls in flight finish and their replies go out before the close.
//!
//! Where it differs, and why: a handler that panics fails its own call with an error reply
//! (`rpc: handler panicked: …`) instead of crashing the process; requests are decoded
//! under [`Limits`](crate::Limits); a connection runs at most
//! [`ServerConfig::max_calls_per_connection`] calls at once (it stops reading, rather than
//! start unbounded tasks); a reply that cannot be encoded is answered with the encoder's
//! error instead of closing the connection.

pub(crate) mod codec;
mod conn;
mod context;
mod header;
mod http;
mod invalid;
mod panic;
mod registry;
mod service;

pub use context::{Connection, Context, Peer};
pub use http::{HttpPaths, DEFAULT_DEBUG_PATH};
pub use invalid::InvalidRequest;
pub use service::Service;

use registry::Registry;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// How a [`Server`] behaves. Build one with [`Server::builder`].
///
/// ```
/// let server = gobrpc::rpc::server::Server::builder()
///     .max_calls_per_connection(64)
///     .register("Echo", gobrpc::rpc::server::Service::new().method(
///         "Echo",
///         |_: gobrpc::rpc::server::Context, s: String| async move { Ok::<_, String>(s) },
///     ))
///     .build();
/// assert_eq!(server.config().max_calls_per_connection, 64);
/// assert_eq!(server.config().max_connections, 10_000); // the default
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServerConfig {
    /// Limits on what a client's requests may make the decoder do.
    pub limits: crate::Limits,
    /// Calls one connection may have running at once (default 1,024). At the limit the
    /// server stops reading the connection until a call completes.
    pub max_calls_per_connection: usize,
    /// Connections served at once by the accept loops (default 10,000). At the limit the
    /// server stops accepting until a connection ends.
    pub max_connections: usize,
    /// Bytes of replies that may wait for a slow client before its calls wait to send
    /// theirs (default 16 MiB).
    pub max_write_buffer: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            limits: crate::Limits::default(),
            max_calls_per_connection: 1024,
            max_connections: 10_000,
            max_write_buffer: 16 << 20,
        }
    }
}

/// Builds a [`Server`]: register services, set limits.
///
/// ```
/// use gobrpc::rpc::server::{Context, Server, Service};
///
/// let arith = Service::new()
///     .method("Double", |_: Context, n: i64| async move { Ok::<_, String>(2 * n) });
/// // Go: server.Register(new(Arith)); server.RegisterName("net.rpc.Arith", new(Arith))
/// let server = Server::builder()
///     .register("Arith", arith.clone())
///     .register("net.rpc.Arith", arith)
///     .limits(gobrpc::Limits::default().max_depth(100))
///     .build();
/// ```
#[derive(Default)]
#[must_use]
pub struct ServerBuilder {
    registry: Registry,
    config: ServerConfig,
    on_invalid: Option<invalid::InvalidRequestHook>,
}

impl std::fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// Serves `service` under `name` (Go's `RegisterName`; `Register` uses the receiver's
    /// type name, such as `"Arith"`). The same service may be registered under several
    /// names; each counts its own calls.
    ///
    /// # Panics
    /// If `name` is empty or already registered, or `service` has no methods (Go's
    /// `Register` refuses these too).
    pub fn register(mut self, name: &str, service: Service) -> Self {
        assert!(!name.is_empty(), "rpc.Register: no service name");
        assert!(
            !service.methods.is_empty(),
            "rpc.Register: service {name} has no methods"
        );
        assert!(
            self.registry.insert(name, &service),
            "rpc: service already defined: {name}"
        );
        self
    }

    /// Serves `service` under its own name ([`Service::named`], or the trait's name for a
    /// `#[gobrpc::service]` implementation's [`into_service`](crate::service)).
    ///
    /// # Panics
    /// As [`register`](Self::register), and if the service has no name.
    pub fn service(self, service: Service) -> Self {
        let name = service
            .name
            .clone()
            .expect("rpc: a service with no name: use register(name, service)");
        self.register(&name, service)
    }

    /// Sets the decoder limits for requests.
    pub fn limits(mut self, limits: crate::Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// Sets how many calls one connection may run at once.
    pub fn max_calls_per_connection(mut self, n: usize) -> Self {
        self.config.max_calls_per_connection = n.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Sets how many connections are served at once.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.config.max_connections = n.clamp(1, Semaphore::MAX_PERMITS);
        self
    }

    /// Sets how many bytes of replies may wait for a slow client.
    pub fn max_write_buffer(mut self, bytes: usize) -> Self {
        self.config.max_write_buffer = bytes;
        self
    }

    /// Calls `hook` with every request answered with an error and no call (unknown
    /// service or method, ill-formed name, argument that does not fit), before its error
    /// reply is sent. The argument is then decoded by its wire type for the hook to see,
    /// where without a hook it is only skipped. Runs on the connection's reader: keep it
    /// short.
    pub fn on_invalid_request(
        mut self,
        hook: impl Fn(&InvalidRequest) + Send + Sync + 'static,
    ) -> Self {
        self.on_invalid = Some(Arc::new(hook));
        self
    }

    /// The server.
    pub fn build(self) -> Server {
        let connections = Arc::new(Semaphore::new(self.config.max_connections));
        Server {
            inner: Arc::new(Inner {
                registry: Arc::new(self.registry),
                config: self.config,
                on_invalid: self.on_invalid,
                stop_accepting: CancellationToken::new(),
                stop_reading: CancellationToken::new(),
                abort: CancellationToken::new(),
                connections,
                active: Default::default(),
            }),
        }
    }
}

pub(crate) struct Inner {
    registry: Arc<Registry>,
    config: ServerConfig,
    /// Hears of the requests answered with an error and no call.
    on_invalid: Option<invalid::InvalidRequestHook>,
    /// Accept loops return.
    stop_accepting: CancellationToken,
    /// Connections read no more requests; calls in flight finish.
    stop_reading: CancellationToken,
    /// Calls in flight are dropped unanswered (the drain deadline passed).
    abort: CancellationToken,
    /// One permit per connection served, and one per accept loop waiting to accept
    /// (shutdown waits for all of them).
    connections: Arc<Semaphore>,
    /// Connections being served by the accept loops.
    active: std::sync::atomic::AtomicUsize,
}

/// A Go `net/rpc` server (Go's `*rpc.Server`). Cheap to clone: clones serve the same
/// services and share limits and shutdown.
#[derive(Clone)]
pub struct Server {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl Server {
    /// A builder: register services, then [`build`](ServerBuilder::build).
    pub fn builder() -> ServerBuilder {
        ServerBuilder::default()
    }

    /// The configuration in force.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// A decoder of one connection's requests, as [`serve_conn`](Self::serve_conn) reads
    /// them (the fuzz targets drive it without a socket).
    pub(crate) fn request_decoder(&self) -> codec::RequestDecoder {
        let conn = std::sync::Arc::new(context::ConnInfo {
            peer: Peer::Unknown,
            connection: Connection::default(),
        });
        codec::RequestDecoder::new(self.inner.registry.clone(), self.inner.config.limits, conn)
            .keep_invalid_args(self.inner.on_invalid.is_some())
    }

    /// How many connections the accept loops are serving now.
    pub fn active_connections(&self) -> usize {
        self.inner.active.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Serves one connection over any stream until the client stops sending requests,
    /// then answers the calls in flight and closes (Go's `ServeConn`). The stream may be
    /// one the Rust side dialed: a Go process that accepted it calls Rust over it.
    ///
    /// ```
    /// use gobrpc::rpc::{server::{Context, Server, Service}, Client};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), gobrpc::rpc::Error> {
    /// let server = Server::builder()
    ///     .register("Echo", Service::new().method("Echo", |_: Context, s: String| async move {
    ///         Ok::<_, String>(s)
    ///     }))
    ///     .build();
    /// let (ours, theirs) = tokio::io::duplex(4096);
    /// tokio::spawn(async move { server.serve_conn(theirs).await });
    /// let client = Client::new(ours);
    /// let echoed: String = client.call("Echo.Echo", "hi").await?;
    /// assert_eq!(echoed, "hi");
    /// # Ok(()) }
    /// ```
    pub async fn serve_conn<S>(&self, stream: S)
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        self.serve_conn_from(stream, Peer::Unknown).await
    }

    /// [`serve_conn`](Self::serve_conn), telling handlers who the peer is.
    pub async fn serve_conn_from<S>(&self, stream: S, peer: Peer)
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        conn::serve(self.inner.clone(), stream, peer).await
    }

    /// Accepts TCP connections and serves each on its own task until
    /// [`shutdown`](Self::shutdown) (Go's `Accept`). Returns an accept error that is not
    /// about one connection.
    ///
    /// ```
    /// use gobrpc::rpc::{server::{Context, Server, Service}, Client};
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = Server::builder()
    ///     .register("Echo", Service::new().method("Echo", |_: Context, s: String| async move {
    ///         Ok::<_, String>(s)
    ///     }))
    ///     .build();
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// let serving = tokio::spawn({
    ///     let server = server.clone();
    ///     async move { server.serve(listener).await }
    /// });
    /// let client = Client::dial(addr).await?; // Go: rpc.Dial("tcp", addr)
    /// assert_eq!(client.call::<_, String>("Echo.Echo", "hi").await?, "hi");
    /// server.shutdown(Duration::from_secs(1)).await; // serve returns
    /// serving.await??;
    /// # Ok(()) }
    /// ```
    pub async fn serve(&self, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        self.accept_loop(
            || accept_tcp(&listener),
            |s, p| self.clone().serve_owned(s, p),
        )
        .await
    }

    /// Accepts Unix socket connections, as [`serve`](Self::serve) does TCP.
    #[cfg(unix)]
    pub async fn serve_unix(&self, listener: tokio::net::UnixListener) -> std::io::Result<()> {
        let accept = || async {
            let (stream, addr) = listener.accept().await?;
            let path = addr.as_pathname().map(|p| p.to_path_buf());
            Ok((stream, Peer::Unix(path)))
        };
        self.accept_loop(accept, |s, p| self.clone().serve_owned(s, p))
            .await
    }

    async fn serve_owned<S>(self, stream: S, peer: Peer)
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        conn::serve(self.inner, stream, peer).await
    }

    /// Accepts connections with `accept` and serves each with `handle` on its own task,
    /// within the connection limit, until shutdown.
    pub(crate) async fn accept_loop<S, A, AFut, H, HFut>(
        &self,
        mut accept: A,
        handle: H,
    ) -> std::io::Result<()>
    where
        A: FnMut() -> AFut,
        AFut: std::future::Future<Output = std::io::Result<(S, Peer)>>,
        H: Fn(S, Peer) -> HFut,
        HFut: std::future::Future<Output = ()> + Send + 'static,
    {
        let inner = &self.inner;
        loop {
            let permit = tokio::select! {
                p = inner.connections.clone().acquire_owned() => p.expect("never closed"),
                _ = inner.stop_accepting.cancelled() => return Ok(()),
            };
            let accepted = tokio::select! {
                a = accept() => a,
                _ = inner.stop_accepting.cancelled() => return Ok(()),
            };
            match accepted {
                Ok((stream, peer)) => {
                    use std::sync::atomic::Ordering::Relaxed;
                    let served = handle(stream, peer);
                    let inner = inner.clone();
                    inner.active.fetch_add(1, Relaxed);
                    tokio::spawn(async move {
                        served.await;
                        inner.active.fetch_sub(1, Relaxed);
                        drop(permit);
                    });
                }
                Err(e) if is_per_connection(&e) => {
                    tracing::debug!(error = %e, "rpc: accept");
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait a little, as Go's
                    // http.Server does, rather than spin or give up.
                    tracing::warn!(error = %e, "rpc: accept failed; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                        _ = inner.stop_accepting.cancelled() => return Ok(()),
                    }
                }
            }
        }
    }

    /// Shuts down gracefully: stops accepting and reading new requests, lets the calls in
    /// flight finish and be answered within `drain`, then drops what is left and returns.
    /// Connections being served by [`serve_conn`](Self::serve_conn) stop too. (See
    /// [`serve`](Self::serve) for an example.)
    pub async fn shutdown(&self, drain: Duration) {
        let inner = &self.inner;
        inner.stop_accepting.cancel();
        inner.stop_reading.cancel();
        let all = inner.config.max_connections as u32;
        let drained = tokio::time::timeout(drain, inner.connections.acquire_many(all)).await;
        if drained.is_err() {
            tracing::warn!(
                ?drain,
                "rpc: calls still running at the drain deadline; dropped"
            );
            inner.abort.cancel();
            let _ = inner.connections.acquire_many(all).await;
        }
    }
}

/// Accepts one TCP connection, with Nagle off (replies are written whole).
pub(crate) async fn accept_tcp(
    listener: &tokio::net::TcpListener,
) -> std::io::Result<(tokio::net::TcpStream, Peer)> {
    let (stream, addr) = listener.accept().await?;
    let _ = stream.set_nodelay(true);
    Ok((stream, Peer::Tcp(addr)))
}

/// Accept errors that concern one connection only (the loop goes on at once).
fn is_per_connection(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        e.kind(),
        ConnectionAborted | ConnectionReset | ConnectionRefused | Interrupted | WouldBlock
    )
}

//! [`ReconnectingClient`]: a client that dials again when its connection dies, and retries
//! a call only when doing so cannot run it twice unasked.

use super::client::Client;
use super::error::{Delivery, Error, Result};
use super::retry::{Connections, Picked, RetryCall};
use crate::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What a connect function returns: a future of a new [`Client`]. Name it when one connect
/// function picks among futures of different types, such as a transport chosen at run time.
///
/// ```
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// use gobrpc::rpc::{Client, ConnectFuture, ReconnectingClient};
///
/// /// TCP for `host:port`, a Unix socket for a path.
/// fn dial_any(addr: String) -> ConnectFuture {
///     if addr.starts_with('/') {
///         Box::pin(async move { Client::dial_unix(addr).await })
///     } else {
///         Box::pin(async move { Client::dial(addr.as_str()).await })
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
/// # let server = Server::builder().service(svc).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?.to_string();
/// # tokio::spawn(async move { server.serve(listener).await });
/// let client = ReconnectingClient::builder()
///     .connect(move || dial_any(addr.clone()))
///     .await?;
/// let four: i64 = client.call("Arith.Double", &2i64).await?;
/// assert_eq!(four, 4);
/// # Ok(()) }
/// ```
pub type ConnectFuture = Pin<Box<dyn Future<Output = Result<Client>> + Send>>;

/// A user's connect function, boxed.
pub(crate) type ConnectFn = Arc<dyn Fn() -> ConnectFuture + Send + Sync>;

/// Boxes a connect function.
pub(crate) fn connect_fn<F, Fut>(f: F) -> ConnectFn
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Client>> + Send + 'static,
{
    Arc::new(move || Box::pin(f()) as ConnectFuture)
}

/// How long to wait between connection attempts: exponential, capped, with jitter.
///
/// Attempt `n` (from 0) waits `min(max, initial × multiplier^n)`, less a random part of it
/// of up to `jitter` (0 to 1), so that many clients of one restarted server do not all dial
/// at the same instant. The first attempt after a connection dies is made at once.
///
/// ```
/// use gobrpc::rpc::Backoff;
/// use std::time::Duration;
///
/// let b = Backoff::default().initial(Duration::from_millis(10)).max(Duration::from_secs(1));
/// assert!(b.delay(0) <= Duration::from_millis(10));
/// assert!(b.delay(30) <= Duration::from_secs(1));
/// assert!(b.delay(30) >= Duration::from_millis(500)); // default jitter: up to half
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Backoff {
    initial: Duration,
    max: Duration,
    multiplier: f64,
    jitter: f64,
}

impl Default for Backoff {
    /// 50 ms, doubling, capped at 5 s, jitter one half.
    fn default() -> Self {
        Backoff {
            initial: Duration::from_millis(50),
            max: Duration::from_secs(5),
            multiplier: 2.0,
            jitter: 0.5,
        }
    }
}

impl Backoff {
    /// The wait before the second attempt.
    pub fn initial(mut self, d: Duration) -> Self {
        self.initial = d;
        self
    }

    /// The cap on any wait.
    pub fn max(mut self, d: Duration) -> Self {
        self.max = d;
        self
    }

    /// How much each wait grows (at least 1).
    pub fn multiplier(mut self, m: f64) -> Self {
        self.multiplier = if m.is_finite() { m.max(1.0) } else { 1.0 };
        self
    }

    /// The part of each wait that is random, from 0 (none) to 1 (anywhere from 0 to the
    /// full wait).
    pub fn jitter(mut self, j: f64) -> Self {
        self.jitter = if j.is_finite() {
            j.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// The wait before attempt `attempt + 1`, jitter included.
    pub fn delay(&self, attempt: u32) -> Duration {
        let grown = self.initial.as_secs_f64() * self.multiplier.powi(attempt.min(64) as i32);
        let base = grown.min(self.max.as_secs_f64());
        let cut = base * self.jitter * random_unit();
        Duration::from_secs_f64((base - cut).max(0.0))
    }
}

/// A random number in [0, 1), from a per-process random seed (no dependency needed for
/// jitter).
fn random_unit() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish()
            | 1;
    }
    // xorshift64*
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    STATE.store(x, Ordering::Relaxed);
    (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
}

/// How a [`ReconnectingClient`] or [`Pool`](super::Pool) behaves.
///
/// ```
/// use gobrpc::rpc::{Backoff, ReconnectingClient};
/// use std::time::Duration;
///
/// let builder = ReconnectingClient::builder()
///     .backoff(Backoff::default().initial(Duration::from_millis(50)).max(Duration::from_secs(2)))
///     .timeout(Duration::from_secs(10)) // per call, waiting for a connection included
///     .max_retries(3);
/// // then: builder.connect(|| Client::dial("127.0.0.1:1234")).await?
/// # drop(builder);
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ReconnectBuilder {
    pub(crate) backoff: Backoff,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: u32,
}

impl Default for ReconnectBuilder {
    fn default() -> Self {
        ReconnectBuilder {
            backoff: Backoff::default(),
            timeout: None,
            max_retries: 3,
        }
    }
}

impl ReconnectBuilder {
    /// The wait between connection attempts (default: [`Backoff::default`]).
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// The default timeout of every call, covering the wait for a connection and every
    /// retry (default: none: a call waits for a connection as long as it takes).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// How many times one call may be sent again (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Connects now: returns once connected, or with the first attempt's error (no client
    /// is left running then). `connect` is called for each attempt; make it dial with any
    /// of [`Client`]'s builders (TCP, Unix, HTTP, TLS) or wrap a stream of your own with
    /// [`ClientBuilder::connect`](super::ClientBuilder::connect).
    ///
    /// ```
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    /// use gobrpc::rpc::{Client, ReconnectingClient};
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
    /// # let server = Server::builder().service(svc).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// let client = ReconnectingClient::builder()
    ///     .timeout(Duration::from_secs(5))
    ///     .connect(move || Client::dial(addr))
    ///     .await?;
    /// let four: i64 = client.call("Arith.Double", &2i64).idempotent().await?;
    /// assert_eq!(four, 4);
    /// # Ok(()) }
    /// ```
    pub async fn connect<F, Fut>(self, connect: F) -> Result<ReconnectingClient>
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Client>> + Send + 'static,
    {
        let client = self.start(connect_fn(connect), false, None);
        let mut rx = client.inner.state.subscribe();
        let first = rx
            .wait_for(|s| !matches!(s, State::Idle | State::Connecting { last: None, .. }))
            .await
            .map(|s| s.clone());
        match first {
            Ok(State::Connected(_)) => Ok(client),
            Ok(State::Connecting { last: Some(e), .. }) => {
                client.close();
                Err(e)
            }
            _ => Err(Error::Shutdown),
        }
    }

    /// Returns at once; the first call dials (lazy connect). Must be called inside a tokio
    /// runtime.
    ///
    /// ```
    /// use gobrpc::rpc::{Client, ReconnectingClient};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // Nothing listens there: nothing is dialed until a call is made.
    /// let client = ReconnectingClient::builder().connect_lazy(|| Client::dial("127.0.0.1:9"));
    /// assert!(client.current().is_none());
    /// # }
    /// ```
    pub fn connect_lazy<F, Fut>(self, connect: F) -> ReconnectingClient
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Client>> + Send + 'static,
    {
        self.start(connect_fn(connect), true, None)
    }

    pub(crate) fn start(
        self,
        connect: ConnectFn,
        lazy: bool,
        on_connect: Option<Arc<Notify>>,
    ) -> ReconnectingClient {
        let (state, _) = watch::channel(State::Idle);
        let inner = Arc::new(Inner {
            connect,
            state,
            opts: self,
            demand: Notify::new(),
            stop: CancellationToken::new(),
            on_connect,
        });
        if !lazy {
            inner.demand.notify_one();
        }
        tokio::spawn(supervise(inner.clone()));
        ReconnectingClient {
            _stop: Arc::new(StopOnDrop(inner.stop.clone())),
            inner,
        }
    }
}

#[derive(Clone)]
pub(crate) enum State {
    /// Lazy, and no call yet.
    Idle,
    /// Dialing; `last` is why the previous connection or attempt ended.
    Connecting {
        last: Option<Error>,
    },
    Connected(Client),
    Closed,
}

pub(crate) struct Inner {
    connect: ConnectFn,
    state: watch::Sender<State>,
    pub(crate) opts: ReconnectBuilder,
    /// Wakes a lazy supervisor.
    demand: Notify,
    stop: CancellationToken,
    /// The pool's "a member connected" signal.
    on_connect: Option<Arc<Notify>>,
}

/// Stops the supervisor when the last handle goes.
struct StopOnDrop(CancellationToken);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Dials, watches the connection, dials again when it dies, until stopped.
async fn supervise(inner: Arc<Inner>) {
    let stop = inner.stop.clone();
    tokio::select! {
        _ = stop.cancelled() => {}
        _ = inner.demand.notified() => run(&inner).await,
    }
    inner.state.send_replace(State::Closed);
}

async fn run(inner: &Inner) {
    let stop = &inner.stop;
    let mut attempt: u32 = 0;
    let mut last = None;
    loop {
        inner.publish(State::Connecting { last: last.take() });
        let dialed = tokio::select! {
            r = (inner.connect)() => r,
            _ = stop.cancelled() => return,
        };
        match dialed {
            Ok(client) => {
                tracing::info!(attempt, "gob rpc: connected");
                attempt = 0;
                inner.publish(State::Connected(client.clone()));
                if let Some(n) = &inner.on_connect {
                    n.notify_waiters();
                }
                let cause = tokio::select! {
                    e = client.closed() => e,
                    _ = stop.cancelled() => return,
                };
                tracing::warn!(error = %cause, "gob rpc: disconnected; reconnecting");
                last = Some(cause);
            }
            Err(e) => {
                let wait = inner.opts.backoff.delay(attempt);
                tracing::warn!(attempt, error = %e, retry_in = ?wait, "gob rpc: connect failed");
                attempt = attempt.saturating_add(1);
                inner.publish(State::Connecting { last: Some(e) });
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stop.cancelled() => return,
                }
            }
        }
    }
}

impl Inner {
    /// Sets the state, unless stopped (then it stays `Closed`).
    fn publish(&self, state: State) {
        self.state.send_if_modified(|s| {
            if self.stop.is_cancelled() {
                return false;
            }
            *s = state;
            true
        });
    }

    /// The live connection, if there is one now.
    pub(crate) fn live(&self) -> Option<Client> {
        self.current(true)
    }

    /// The connection now; one already shut down too unless `checked`.
    pub(crate) fn current(&self, checked: bool) -> Option<Client> {
        match &*self.state.borrow() {
            State::Connected(c) if !(checked && c.is_shut_down()) => Some(c.clone()),
            _ => None,
        }
    }

    /// Starts a lazy supervisor.
    pub(crate) fn wake(&self) {
        self.demand.notify_one();
    }

    /// Waits for a live connection until `deadline`; a call that gets none was not sent.
    pub(crate) async fn wait_live(&self, deadline: Option<Instant>) -> Result<Client> {
        if let Some(c) = self.live() {
            return Ok(c);
        }
        self.wake();
        let mut rx = self.state.subscribe();
        let wait = rx.wait_for(|s| match s {
            State::Connected(c) => !c.is_shut_down(),
            State::Closed => true,
            _ => false,
        });
        let got = match deadline {
            Some(at) => match tokio::time::timeout_at(at, wait).await {
                Ok(r) => r,
                Err(_) => return Err(Error::NotSent(Arc::new(Error::Timeout))),
            },
            None => wait.await,
        };
        match got.as_deref() {
            Ok(State::Connected(c)) => Ok(c.clone()),
            _ => Err(Error::NotSent(Arc::new(Error::Shutdown))),
        }
    }
}

/// A client that dials again whenever its connection dies, for long-running services.
///
/// Built on a connect function of yours ([`ReconnectBuilder::connect`]), so any transport
/// works: TCP, Unix, HTTP, TLS, or a stream you wrap. Calls made while it is reconnecting
/// wait for the new connection, within their timeout. Dialing backs off exponentially with
/// jitter ([`Backoff`]); `tracing` events mark each connect, failed attempt and disconnect.
///
/// **Retries.** A call is sent again on the new connection only when that cannot run it
/// twice unasked:
/// - its request was never sent ([`Delivery::NotSent`]): always;
/// - it was sent and the connection died before the reply ([`Delivery::Unknown`]): only if
///   the call is marked [`idempotent`](RetryCall::idempotent); otherwise it fails with
///   [`Error::MayHaveRun`], which says it may or may not have run;
/// - the server answered, even with an error, or the call timed out: never.
///
/// ```
/// use gobrpc::rpc::{Client, Error, ReconnectingClient};
/// use std::time::Duration;
///
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
/// # let server = Server::builder().service(svc).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move { server.serve(listener).await });
/// let client = ReconnectingClient::builder()
///     .timeout(Duration::from_secs(5))
///     .connect(move || Client::dial(addr))
///     .await?;
/// // Safe to send twice: retried on a new connection if the reply is lost.
/// let six: i64 = client.call("Arith.Double", &3i64).idempotent().await?;
/// assert_eq!(six, 6);
/// // Not marked idempotent: never sent twice; if its reply were lost it would fail with
/// // Error::MayHaveRun, and the caller decides.
/// match client.call::<_, i64>("Arith.Double", &4i64).await {
///     Ok(eight) => assert_eq!(eight, 8),
///     Err(e @ Error::MayHaveRun(_)) => eprintln!("may or may not have run: {e}"),
///     Err(e) => return Err(e.into()),
/// }
/// # Ok(()) }
/// ```
///
/// Cheap to clone; the connection is closed when the last clone is dropped.
#[derive(Clone)]
pub struct ReconnectingClient {
    inner: Arc<Inner>,
    _stop: Arc<StopOnDrop>,
}

impl std::fmt::Debug for ReconnectingClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReconnectingClient")
            .field("connected", &self.inner.live().is_some())
            .finish()
    }
}

impl ReconnectingClient {
    /// A builder: backoff, timeout, retries, then [`connect`](ReconnectBuilder::connect) or
    /// [`connect_lazy`](ReconnectBuilder::connect_lazy).
    pub fn builder() -> ReconnectBuilder {
        ReconnectBuilder::default()
    }

    /// Calls `service_method` with `args`: `.await` it for the reply. Mark it
    /// [`idempotent`](RetryCall::idempotent) if running it twice does no harm, so that it
    /// is retried when its reply is lost.
    ///
    /// ```
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    /// use gobrpc::rpc::{Client, ReconnectingClient};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let svc = Service::named("Bank").method("Deposit", |_: Context, n: i64| async move { Ok::<i64, String>(n) });
    /// # let server = Server::builder().service(svc).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// let client = ReconnectingClient::builder().connect(move || Client::dial(addr)).await?;
    /// // Not idempotent: never sent twice. If the connection dies after it was sent, it
    /// // fails with Error::MayHaveRun.
    /// let balance: i64 = client.call("Bank.Deposit", &100i64).await?;
    /// # assert_eq!(balance, 100);
    /// # Ok(()) }
    /// ```
    pub fn call<'a, A, R>(&'a self, service_method: &'a str, args: &'a A) -> RetryCall<'a, A, R>
    where
        A: Serialize + GobType + Sync + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        RetryCall::new(&*self.inner, service_method, args, &self.inner.opts)
    }

    /// The live connection now, if any (for [`Client::pending`], [`Client::go`], …).
    pub fn current(&self) -> Option<Client> {
        self.inner.live()
    }

    /// Starts a lazy client's dialing.
    pub(crate) fn wake(&self) {
        self.inner.wake();
    }

    /// True once closed: it no longer dials.
    pub(crate) fn is_closed(&self) -> bool {
        matches!(*self.inner.state.borrow(), State::Closed) || self.inner.stop.is_cancelled()
    }

    /// The connection now (see [`Inner::current`]).
    pub(crate) fn current_if(&self, checked: bool) -> Option<Client> {
        self.inner.current(checked)
    }

    /// Waits until connected (dialing now if lazy), up to `timeout`.
    pub async fn connected(&self, timeout: Duration) -> Result<Client> {
        self.inner.wait_live(Some(Instant::now() + timeout)).await
    }

    /// Stops reconnecting and drops the connection (calls in flight on it still finish; new
    /// calls fail with [`Error::NotSent`]). Dropping every clone does the same.
    ///
    /// ```
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    /// use gobrpc::rpc::{Client, Delivery, ReconnectingClient};
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
    /// # let server = Server::builder().service(svc).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// let client = ReconnectingClient::builder().connect_lazy(move || Client::dial(addr));
    /// let conn = client.connected(Duration::from_secs(5)).await?; // dials now
    /// assert_eq!(conn.pending(), 0);
    /// client.close();
    /// let err = client.call::<_, i64>("Arith.Double", &1i64).await.unwrap_err();
    /// assert_eq!(err.delivery(), Delivery::NotSent);
    /// # Ok(()) }
    /// ```
    pub fn close(&self) {
        self.inner.stop.cancel();
        self.inner.state.send_replace(State::Closed);
    }
}

fn picked(client: Client) -> Picked {
    Picked {
        client,
        member: 0,
        _load: None,
    }
}

impl Connections for Inner {
    fn try_pick(&self, _avoid: Option<usize>, checked: bool) -> Option<Picked> {
        self.current(checked).map(picked)
    }

    fn wait_pick<'a>(
        &'a self,
        deadline: Option<Instant>,
        _avoid: Option<usize>,
    ) -> Pin<Box<dyn Future<Output = Result<Picked>> + Send + 'a>> {
        Box::pin(async move { self.wait_live(deadline).await.map(picked) })
    }
}

/// Whether a failed attempt may be sent again, and if not what the caller gets.
pub(crate) enum Verdict {
    /// Send again; the error is what the attempt got.
    Retry(Error),
    Fail(Error),
}

/// The retry rule: `refused` is a call that got no sequence number (never registered).
pub(crate) fn judge(err: Error, refused: bool, idempotent: bool) -> Verdict {
    if refused {
        // Refused by a connection that had just died: not sent. Any other refusal (the
        // arguments do not encode) would fail again.
        return match err {
            Error::Shutdown => Verdict::Retry(Error::Shutdown),
            e => Verdict::Fail(e),
        };
    }
    match err.delivery() {
        Delivery::NotSent => Verdict::Retry(err),
        Delivery::Answered => Verdict::Fail(err),
        _ if matches!(err, Error::Timeout | Error::MayHaveRun(_)) => Verdict::Fail(err),
        _ if idempotent => Verdict::Retry(err),
        _ => Verdict::Fail(Error::MayHaveRun(Arc::new(err))),
    }
}

#[allow(dead_code)]
fn assert_send() {
    fn is_send<T: Send + Sync>() {}
    is_send::<ReconnectingClient>();
}

//! [`Pool`]: several reconnecting connections, to one server or to replicas, with calls
//! spread over them.

use super::client::Client;
use super::error::{Error, Result};
use super::reconnect::{connect_fn, Backoff, ConnectFn, ReconnectBuilder, ReconnectingClient};
use super::retry::{Connections, Load, Picked, RetryCall};
use crate::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// How a [`Pool`] picks the connection for a call (round-robin unless
/// [`PoolBuilder::balance`] says otherwise).
///
/// ```
/// use gobrpc::rpc::{Balance, Client, Pool};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert_eq!(Balance::default(), Balance::RoundRobin);
/// // Replicas of uneven speed: the slower one gets fewer calls.
/// let pool = Pool::builder()
///     .balance(Balance::LeastPending)
///     .lazy(true)
///     .member(|| Client::dial("127.0.0.1:7001"))
///     .member(|| Client::dial("127.0.0.1:7002"))
///     .build();
/// assert_eq!(pool.stats().len(), 2);
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Balance {
    /// Each live connection in turn.
    #[default]
    RoundRobin,
    /// The live connection with the fewest calls in flight (ties in turn): a slow replica
    /// gets fewer calls.
    LeastPending,
}

/// Builds a [`Pool`]: its members (one per connection), its balancing, and the
/// [`ReconnectingClient`] settings every member shares.
///
/// ```
/// use gobrpc::rpc::{Balance, Client, Pool};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pool = Pool::builder()
///     .balance(Balance::RoundRobin)
///     .timeout(Duration::from_secs(5))
///     .lazy(true) // dial at the first call
///     .members(2, || Client::dial("127.0.0.1:7001")) // two connections to one replica
///     .member(|| Client::dial("127.0.0.1:7002")) // and one to another
///     .build();
/// assert_eq!(pool.stats().len(), 3);
/// # }
/// ```
#[derive(Default)]
#[must_use]
pub struct PoolBuilder {
    opts: ReconnectBuilder,
    balance: Balance,
    lazy: bool,
    members: Vec<ConnectFn>,
}

impl std::fmt::Debug for PoolBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolBuilder")
            .field("opts", &self.opts)
            .field("balance", &self.balance)
            .field("members", &self.members.len())
            .finish()
    }
}

impl PoolBuilder {
    /// How calls are spread (default [`Balance::RoundRobin`]).
    pub fn balance(mut self, balance: Balance) -> Self {
        self.balance = balance;
        self
    }

    /// The wait between a member's connection attempts.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.opts = self.opts.backoff(backoff);
        self
    }

    /// The default timeout of every call (see [`ReconnectBuilder::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.opts = self.opts.timeout(timeout);
        self
    }

    /// How many times one call may be sent again, to the same or another member.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.opts = self.opts.max_retries(n);
        self
    }

    /// Members dial on the first call instead of at once.
    pub fn lazy(mut self, lazy: bool) -> Self {
        self.lazy = lazy;
        self
    }

    /// Adds one member: a connection made with `connect` (one per replica).
    pub fn member<F, Fut>(mut self, connect: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Client>> + Send + 'static,
    {
        self.members.push(connect_fn(connect));
        self
    }

    /// Adds `n` members made with the same `connect` (`n` connections to one server).
    pub fn members<F, Fut>(mut self, n: usize, connect: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Client>> + Send + 'static,
    {
        let f = connect_fn(connect);
        self.members.extend(std::iter::repeat(f).take(n));
        self
    }

    /// Starts the pool: each member dials in the background (unless [`lazy`](Self::lazy))
    /// and dials again whenever its connection dies. Calls wait for a live member within
    /// their timeout. Must be called inside a tokio runtime.
    pub fn build(self) -> Pool {
        let connected = Arc::new(Notify::new());
        let members = self
            .members
            .into_iter()
            .map(|f| Member {
                rc: self
                    .opts
                    .clone()
                    .start(f, self.lazy, Some(connected.clone())),
                load: Arc::new(AtomicUsize::new(0)),
                calls: AtomicU64::new(0),
            })
            .collect();
        Pool {
            inner: Arc::new(PoolInner {
                members,
                balance: self.balance,
                next: AtomicUsize::new(0),
                connected,
                opts: self.opts,
            }),
        }
    }
}

struct Member {
    rc: ReconnectingClient,
    /// Calls in flight through the pool.
    load: Arc<AtomicUsize>,
    /// Attempts sent, ever.
    calls: AtomicU64,
}

struct PoolInner {
    members: Vec<Member>,
    balance: Balance,
    next: AtomicUsize,
    /// Signalled when any member connects.
    connected: Arc<Notify>,
    opts: ReconnectBuilder,
}

/// What [`Pool::stats`] tells about one member.
///
/// ```
/// use gobrpc::rpc::{Client, Pool};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// // A lazy pool connects at its first call: no member is connected yet.
/// let pool = Pool::builder().lazy(true).member(|| Client::dial("127.0.0.1:7001")).build();
/// let member = &pool.stats()[0];
/// assert!(!member.connected);
/// assert_eq!((member.in_flight, member.calls), (0, 0));
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemberStats {
    /// Connected now.
    pub connected: bool,
    /// Calls in flight on it now.
    pub in_flight: usize,
    /// Attempts sent to it so far.
    pub calls: u64,
}

/// Connections to one server, or to several replicas of it, with calls spread over them
/// ([`Balance`]).
///
/// Each member is a [`ReconnectingClient`]: a member whose connection dies is replaced in
/// the background, and calls go to the others meanwhile. A call fails over to another member
/// under the same rule as a reconnecting client's retry: always if it was not sent, if it
/// was sent and its reply lost only when marked [`idempotent`](RetryCall::idempotent)
/// (otherwise it fails with [`Error::MayHaveRun`]), never once the server answered.
///
/// ```
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// use gobrpc::rpc::{Balance, Client, Pool};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let mut replicas = Vec::new();
/// # for _ in 0..2 {
/// #     let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
/// #     let server = Server::builder().service(svc).build();
/// #     let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// #     replicas.push(listener.local_addr()?);
/// #     tokio::spawn(async move { server.serve(listener).await });
/// # }
/// let (a, b) = (replicas[0], replicas[1]);
/// let pool = Pool::builder()
///     .balance(Balance::LeastPending)
///     .timeout(Duration::from_secs(5))
///     .member(move || Client::dial(a))
///     .member(move || Client::dial(b))
///     .build();
/// let six: i64 = pool.call("Arith.Double", &3i64).idempotent().await?;
/// assert_eq!(six, 6);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Pool {
    inner: Arc<PoolInner>,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("members", &self.inner.members.len())
            .field("balance", &self.inner.balance)
            .finish()
    }
}

impl Pool {
    /// A builder: members, balancing, backoff, timeout, retries.
    pub fn builder() -> PoolBuilder {
        PoolBuilder::default()
    }

    /// Calls `service_method` with `args` on a member: `.await` it for the reply (see
    /// [`ReconnectingClient::call`]).
    pub fn call<'a, A, R>(&'a self, service_method: &'a str, args: &'a A) -> RetryCall<'a, A, R>
    where
        A: Serialize + GobType + Sync + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        RetryCall::new(&*self.inner, service_method, args, &self.inner.opts)
    }

    /// Each member's state, in the order they were added.
    ///
    /// ```
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    /// use gobrpc::rpc::{Client, Pool};
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
    /// # let server = Server::builder().service(svc).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// // Four connections to one server, round-robin.
    /// let pool = Pool::builder()
    ///     .timeout(Duration::from_secs(5))
    ///     .members(4, move || Client::dial(addr))
    ///     .build();
    /// for n in 0..8i64 {
    ///     let r: i64 = pool.call("Arith.Double", &n).await?;
    ///     assert_eq!(r, 2 * n);
    /// }
    /// let stats = pool.stats();
    /// assert_eq!(stats.len(), 4);
    /// assert_eq!(stats.iter().map(|m| m.calls).sum::<u64>(), 8);
    /// assert!(stats.iter().all(|m| m.in_flight == 0));
    /// # Ok(()) }
    /// ```
    pub fn stats(&self) -> Vec<MemberStats> {
        self.inner
            .members
            .iter()
            .map(|m| MemberStats {
                connected: m.rc.current().is_some(),
                in_flight: m.load.load(Ordering::Relaxed),
                calls: m.calls.load(Ordering::Relaxed),
            })
            .collect()
    }

    /// Each member's live connection now, if any.
    pub fn connections(&self) -> Vec<Option<Client>> {
        self.inner.members.iter().map(|m| m.rc.current()).collect()
    }

    /// Stops every member (see [`ReconnectingClient::close`]).
    pub fn close(&self) {
        for m in &self.inner.members {
            m.rc.close();
        }
    }
}

impl PoolInner {
    /// A live member by the balancing rule, `avoid` only if no other is live.
    fn choose(&self, avoid: Option<usize>, checked: bool) -> Option<Picked> {
        let n = self.members.len();
        if n == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed) % n;
        let mut best: Option<(usize, Client, usize)> = None;
        let mut fallback = None;
        for i in (0..n).map(|k| (start + k) % n) {
            let m = &self.members[i];
            let Some(client) = m.rc.current_if(checked) else {
                continue;
            };
            if Some(i) == avoid {
                fallback = Some((i, client));
                continue;
            }
            match self.balance {
                Balance::RoundRobin => {
                    best = Some((i, client, 0));
                    break;
                }
                Balance::LeastPending => {
                    let load = m.load.load(Ordering::Relaxed);
                    if best.as_ref().map_or(true, |b| load < b.2) {
                        best = Some((i, client, load));
                    }
                }
            }
        }
        let (i, client) = best.map(|(i, c, _)| (i, c)).or(fallback)?;
        let m = &self.members[i];
        m.calls.fetch_add(1, Ordering::Relaxed);
        Some(Picked {
            client,
            member: i,
            _load: Some(Load::hold(&m.load)),
        })
    }
}

impl Connections for PoolInner {
    fn try_pick(&self, avoid: Option<usize>, checked: bool) -> Option<Picked> {
        self.choose(avoid, checked)
    }

    fn wait_pick<'a>(
        &'a self,
        deadline: Option<Instant>,
        avoid: Option<usize>,
    ) -> Pin<Box<dyn Future<Output = Result<Picked>> + Send + 'a>> {
        Box::pin(async move {
            loop {
                let notified = self.connected.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(p) = self.choose(avoid, true) {
                    return Ok(p);
                }
                if self.members.iter().all(|m| m.rc.is_closed()) {
                    return Err(Error::NotSent(Arc::new(Error::Shutdown)));
                }
                for m in &self.members {
                    m.rc.wake();
                }
                match deadline {
                    Some(at) => {
                        if tokio::time::timeout_at(at, notified).await.is_err() {
                            return Err(Error::NotSent(Arc::new(Error::Timeout)));
                        }
                    }
                    None => notified.await,
                }
            }
        })
    }
}

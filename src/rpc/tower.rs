//! [`TowerClient`]: a client as a `tower::Service` (feature `tower`), so that tower's
//! layers (timeout, concurrency limit, rate limit, retry, load shedding, …) apply to calls.

use super::client::Client;
use super::error::{Error, Result};
use super::pool::Pool;
use super::reconnect::ReconnectingClient;
use crate::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A tower request: the service method and its arguments.
///
/// ```
/// use gobrpc::rpc::MethodCall;
///
/// let call = MethodCall::new("Arith.Double", 21i64).idempotent();
/// assert_eq!((call.method.as_str(), call.args), ("Arith.Double", 21));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct MethodCall<A> {
    /// `"Service.Method"`.
    pub method: String,
    /// The arguments.
    pub args: A,
    /// Running it twice does no harm: a [`ReconnectingClient`] or [`Pool`] may send it
    /// again when its reply is lost (see [`RetryCall::idempotent`](super::RetryCall::idempotent)).
    /// A plain [`Client`] never sends a call twice.
    pub idempotent: bool,
}

impl<A> MethodCall<A> {
    /// A call of `method` with `args`, not marked idempotent.
    ///
    /// ```
    /// let call = gobrpc::rpc::MethodCall::new("Arith.Add", (1, 2)).idempotent();
    /// assert_eq!(call.method, "Arith.Add");
    /// assert!(call.idempotent);
    /// ```
    pub fn new(method: impl Into<String>, args: A) -> Self {
        MethodCall {
            method: method.into(),
            args,
            idempotent: false,
        }
    }

    /// Marks the call idempotent.
    #[must_use]
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }
}

/// The futures a [`TowerClient`] returns: the reply, or the call's error.
///
/// ```
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// use gobrpc::rpc::{CallFuture, Client, MethodCall, TowerClient};
/// use tower_service::Service as TowerService;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
/// # let server = Server::builder().service(svc).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move { server.serve(listener).await });
/// let mut svc: TowerClient<Client, i64> = TowerClient::new(Client::dial(addr).await?);
/// // Sent when first polled; it is Send and 'static, so any task can await it.
/// let pending: CallFuture<i64> = svc.call(MethodCall::new("Arith.Double", 21i64));
/// assert_eq!(tokio::spawn(pending).await??, 42);
/// # Ok(()) }
/// ```
pub type CallFuture<R> = Pin<Box<dyn Future<Output = Result<R>> + Send>>;

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Client {}
    impl Sealed for super::ReconnectingClient {}
    impl Sealed for super::Pool {}
}

/// What a [`TowerClient`] sends calls with: a [`Client`], a [`ReconnectingClient`] or a
/// [`Pool`] (sealed: these three are all there is).
///
/// ```
/// use gobrpc::rpc::{Backend, Client, Pool, TowerClient};
///
/// /// The same tower stack over whichever client the configuration asks for.
/// fn doubler<C: Backend>(backend: C) -> TowerClient<C, i64> {
///     TowerClient::new(backend)
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let pool = Pool::builder().lazy(true).member(|| Client::dial("127.0.0.1:7001")).build();
/// let _svc: TowerClient<Pool, i64> = doubler(pool);
/// # }
/// ```
pub trait Backend: sealed::Sealed + Clone + Send + Sync + 'static {
    /// Sends one call.
    #[doc(hidden)]
    fn send<A, R>(&self, call: MethodCall<A>) -> CallFuture<R>
    where
        A: Serialize + GobType + Send + Sync + 'static,
        R: DeserializeOwned + Send + 'static;

    /// Whether calls can no longer succeed.
    #[doc(hidden)]
    fn is_closed(&self) -> bool {
        false
    }
}

impl Backend for Client {
    fn send<A, R>(&self, call: MethodCall<A>) -> CallFuture<R>
    where
        A: Serialize + GobType + Send + Sync + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let client = self.clone();
        Box::pin(async move { client.call(&call.method, &call.args).await })
    }

    fn is_closed(&self) -> bool {
        self.is_shut_down()
    }
}

macro_rules! retrying_backend {
    ($t:ty) => {
        impl Backend for $t {
            fn send<A, R>(&self, call: MethodCall<A>) -> CallFuture<R>
            where
                A: Serialize + GobType + Send + Sync + 'static,
                R: DeserializeOwned + Send + 'static,
            {
                let client = self.clone();
                Box::pin(async move {
                    let c = client.call(&call.method, &call.args);
                    if call.idempotent {
                        c.idempotent().await
                    } else {
                        c.await
                    }
                })
            }
        }
    };
}
retrying_backend!(ReconnectingClient);
retrying_backend!(Pool);

/// A [`Client`], [`ReconnectingClient`] or [`Pool`] as a `tower::Service` of
/// [`MethodCall<A>`] whose response is the reply `R`.
///
/// `poll_ready` is ready at once (a plain client's fails once its connection is shut down):
/// a connection takes any number of concurrent calls, so backpressure is what a layer such
/// as tower's concurrency limit adds.
///
/// ```
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// use gobrpc::rpc::{Client, MethodCall, TowerClient};
/// use tower_service::Service as TowerService;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let svc = Service::named("Arith").method("Double", |_: Context, n: i64| async move { Ok::<i64, String>(n * 2) });
/// # let server = Server::builder().service(svc).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move { server.serve(listener).await });
/// let mut svc: TowerClient<Client, i64> = TowerClient::new(Client::dial(addr).await?);
/// std::future::poll_fn(|cx| TowerService::<MethodCall<i64>>::poll_ready(&mut svc, cx)).await?;
/// let eight = svc.call(MethodCall::new("Arith.Double", 4i64)).await?;
/// assert_eq!(eight, 8);
/// # Ok(()) }
/// ```
pub struct TowerClient<C, R> {
    backend: C,
    _reply: PhantomData<fn() -> R>,
}

impl<C: Clone, R> Clone for TowerClient<C, R> {
    fn clone(&self) -> Self {
        TowerClient {
            backend: self.backend.clone(),
            _reply: PhantomData,
        }
    }
}

impl<C: std::fmt::Debug, R> std::fmt::Debug for TowerClient<C, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TowerClient")
            .field("backend", &self.backend)
            .finish()
    }
}

impl<C: Backend, R> TowerClient<C, R> {
    /// Wraps a client; `R` is the reply type of every call made through it.
    pub fn new(backend: C) -> Self {
        TowerClient {
            backend,
            _reply: PhantomData,
        }
    }

    /// The client inside.
    pub fn get_ref(&self) -> &C {
        &self.backend
    }
}

impl<C, A, R> tower_service::Service<MethodCall<A>> for TowerClient<C, R>
where
    C: Backend,
    A: Serialize + GobType + Send + Sync + 'static,
    R: DeserializeOwned + Send + 'static,
{
    type Response = R;
    type Error = Error;
    type Future = CallFuture<R>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(if self.backend.is_closed() {
            Err(Error::Shutdown)
        } else {
            Ok(())
        })
    }

    fn call(&mut self, call: MethodCall<A>) -> Self::Future {
        self.backend.send(call)
    }
}

//! The call of a [`ReconnectingClient`](super::ReconnectingClient) or a
//! [`Pool`](super::Pool): [`RetryCall`], and the loop that sends it, again when that is safe.

use super::client::Client;
use super::error::{Error, Result};
use super::reconnect::{judge, ReconnectBuilder, Verdict};
use super::Call;
use crate::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// A connection to send one attempt on.
pub(crate) struct Picked {
    pub(crate) client: Client,
    /// Which pool member (0 for a lone client).
    pub(crate) member: usize,
    /// The member's count of calls in flight, held (for its `Drop`) during this attempt.
    pub(crate) _load: Option<Load>,
}

/// One call in flight on a pool member (least-pending balancing counts them).
pub(crate) struct Load(pub(crate) Arc<AtomicUsize>);

impl Load {
    pub(crate) fn hold(count: &Arc<AtomicUsize>) -> Load {
        count.fetch_add(1, Ordering::Relaxed);
        Load(count.clone())
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Where attempts are sent: a reconnecting client's connection, or a pool member's.
pub(crate) trait Connections: Send + Sync {
    /// A connection now, without waiting; `avoid` is the member the previous attempt failed
    /// on (taken only when no other is live). `checked`: skip connections already shut down
    /// (a first attempt does not look: a dead one refuses the call, which is then retried).
    fn try_pick(&self, avoid: Option<usize>, checked: bool) -> Option<Picked>;

    /// Waits for a live connection until `deadline` (a call that gets none was not sent).
    fn wait_pick<'a>(
        &'a self,
        deadline: Option<Instant>,
        avoid: Option<usize>,
    ) -> Pin<Box<dyn Future<Output = Result<Picked>> + Send + 'a>>;
}

/// A call of a [`ReconnectingClient`](super::ReconnectingClient) or [`Pool`](super::Pool):
/// set its options, then `.await` it for the reply.
///
/// Its timeout (the client's default unless [`timeout`](Self::timeout) says otherwise)
/// covers everything: waiting for a connection, each attempt, each retry.
///
/// ```
/// # use gobrpc::rpc::server::{Context, Server, Service};
/// use gobrpc::rpc::{Client, Delivery, ReconnectingClient};
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let svc = Service::named("KV").method("Get", |_: Context, k: String| async move {
/// #     if k == "missing" { Err("no such key".to_string()) } else { Ok(format!("value of {k}")) }
/// # });
/// # let server = Server::builder().service(svc).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move { server.serve(listener).await });
/// let client = ReconnectingClient::builder().connect(move || Client::dial(addr)).await?;
/// let v: String = client
///     .call("KV.Get", "color")
///     .idempotent() // a read: safe to send again if its reply is lost
///     .timeout(Duration::from_secs(2))
///     .await?;
/// assert_eq!(v, "value of color");
/// // A server error is an answer: returned as it is, never retried.
/// let err = client.call::<_, String>("KV.Get", "missing").idempotent().await.unwrap_err();
/// assert_eq!(err.to_string(), "no such key");
/// assert_eq!(err.delivery(), Delivery::Answered);
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing unless awaited"]
pub struct RetryCall<'a, A: ?Sized, R> {
    conns: &'a dyn Connections,
    method: &'a str,
    args: &'a A,
    timeout: Option<Duration>,
    idempotent: bool,
    max_retries: u32,
    _reply: std::marker::PhantomData<fn() -> R>,
}

impl<A: ?Sized, R> std::fmt::Debug for RetryCall<'_, A, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetryCall")
            .field("method", &self.method)
            .field("timeout", &self.timeout)
            .field("idempotent", &self.idempotent)
            .finish()
    }
}

impl<'a, A: ?Sized, R> RetryCall<'a, A, R> {
    pub(crate) fn new(
        conns: &'a dyn Connections,
        method: &'a str,
        args: &'a A,
        opts: &ReconnectBuilder,
    ) -> Self {
        RetryCall {
            conns,
            method,
            args,
            timeout: opts.timeout,
            idempotent: false,
            max_retries: opts.max_retries,
            _reply: std::marker::PhantomData,
        }
    }

    /// Marks the call idempotent: running it twice does no harm, so it is sent again when
    /// its reply is lost to a dying connection.
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Gives up after `timeout`, counted from the first poll (replacing the default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// No timeout, even if the client has a default one.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }
}

impl<'a, A, R> IntoFuture for RetryCall<'a, A, R>
where
    A: Serialize + GobType + Sync + ?Sized,
    R: DeserializeOwned + Send + 'static,
{
    type Output = Result<R>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<R>> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(run_call(self))
    }
}

/// Sends the call, and again after a failure the retry rule allows, until it succeeds, the
/// rule says no, the retries run out, or the deadline passes.
async fn run_call<A, R>(call: RetryCall<'_, A, R>) -> Result<R>
where
    A: Serialize + GobType + Sync + ?Sized,
    R: DeserializeOwned + Send + 'static,
{
    let deadline = call.timeout.map(|t| Instant::now() + t);
    let mut retries = 0;
    let mut avoid = None;
    loop {
        let picked = match call.conns.try_pick(avoid, avoid.is_some()) {
            Some(p) => p,
            None => call.conns.wait_pick(deadline, avoid).await?,
        };
        let attempt: Call<R> = picked.client.go_until(call.method, call.args, deadline);
        let refused = attempt.seq().is_none();
        let err = match attempt.await {
            Ok(reply) => return Ok(reply),
            Err(e) => e,
        };
        match judge(err, refused, call.idempotent) {
            Verdict::Retry(_) if retries < call.max_retries => {
                retries += 1;
                avoid = Some(picked.member);
                tracing::debug!(method = call.method, retries, "gob rpc: call sent again");
            }
            // Out of retries: the last error says what happened to the last attempt.
            Verdict::Retry(e) if refused => return Err(Error::NotSent(Arc::new(e))),
            Verdict::Retry(e) => return Err(e),
            Verdict::Fail(e) => return Err(e),
        }
    }
}

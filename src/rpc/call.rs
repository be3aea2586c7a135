//! The futures of one call: [`Call`] (what [`Client::go`] returns) and [`CallBuilder`]
//! (what [`Client::call`] returns), with their per-call timeout options.

use super::busy_poll::BusyPoll;
use super::client::{CancelNotice, Client};
use super::error::{Error, Result};
use super::pending::SharedPending;
use crate::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::time::Instant;

pub(crate) enum CallState<R> {
    Waiting(oneshot::Receiver<Result<R>>),
    Failed(Option<Error>),
}

pub(crate) struct CancelOnDrop {
    pub(crate) pending: SharedPending,
    pub(crate) seq: u64,
    pub(crate) armed: bool,
    /// Tells the server too ([`ClientConfig::send_cancel`](super::ClientConfig::send_cancel)).
    pub(crate) notice: Option<CancelNotice>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed && self.pending.cancel(self.seq) {
            if let Some(n) = &self.notice {
                n.send(self.seq);
            }
        }
    }
}

/// A call in flight (Go's `*rpc.Call`): a future of its reply.
///
/// It has the client's default timeout ([`ClientBuilder::timeout`](super::ClientBuilder::timeout))
/// unless [`timeout`](Self::timeout) or [`no_timeout`](Self::no_timeout) says otherwise.
/// Dropping it before it completes abandons the call; the reply, when it comes, is read and
/// discarded so that the connection stays in sync.
#[must_use = "a call does nothing for you unless awaited; dropping it abandons the call"]
pub struct Call<R> {
    pub(crate) state: CallState<R>,
    pub(crate) guard: Option<CancelOnDrop>,
    pub(crate) seq: Option<u64>,
    pub(crate) sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    pub(crate) span: tracing::Span,
    /// Polls for the reply before parking, while alone in flight (opt-in).
    pub(crate) busy_poll: Option<BusyPoll>,
}

impl<R> std::fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call").field("seq", &self.seq).finish()
    }
}

impl<R> Call<R> {
    /// The call's sequence number (`None` if it failed before it was sent).
    pub fn seq(&self) -> Option<u64> {
        self.seq
    }

    /// Gives up on the call after `timeout` from now (replacing the client's default).
    pub fn timeout(self, timeout: Duration) -> Self {
        self.deadline(Some(Instant::now() + timeout))
    }

    /// Waits for the reply however long it takes, even on a client with a default timeout
    /// (the call still ends if the connection does).
    pub fn no_timeout(self) -> Self {
        self.deadline(None)
    }

    pub(crate) fn deadline(mut self, at: Option<Instant>) -> Self {
        self.sleep = at.map(|at| Box::pin(tokio::time::sleep_until(at)));
        self
    }
}

impl<R> Future for Call<R> {
    type Output = Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<R>> {
        let this = self.get_mut();
        let _enter = this.span.enter();
        let rx = match &mut this.state {
            CallState::Failed(e) => return Poll::Ready(Err(e.take().unwrap_or(Error::Shutdown))),
            CallState::Waiting(rx) => rx,
        };
        if let Poll::Ready(r) = Pin::new(rx).poll(cx) {
            // Completed: the reader already removed the call from the map.
            if let Some(g) = &mut this.guard {
                g.armed = false;
            }
            return Poll::Ready(r.unwrap_or(Err(Error::Shutdown)));
        }
        if let Some(sleep) = &mut this.sleep {
            if sleep.as_mut().poll(cx).is_ready() {
                this.guard = None; // removes the call from the map
                this.state = CallState::Failed(None);
                return Poll::Ready(Err(Error::Timeout));
            }
        }
        if let (Some(spin), Some(guard)) = (&mut this.busy_poll, &this.guard) {
            if spin.spin(cx, || guard.pending.len() <= 1) {
                guard.pending.count_spin();
            } else {
                this.busy_poll = None;
            }
        }
        Poll::Pending
    }
}

/// A call made with [`Client::call`]: set its options, then `.await` it for the reply.
///
/// Nothing is sent until it is awaited (polled). Its timeout is the client's default
/// ([`ClientBuilder::timeout`](super::ClientBuilder::timeout)) unless
/// [`timeout`](Self::timeout) or [`no_timeout`](Self::no_timeout) says otherwise; it counts
/// from the first poll and covers waiting for room in the request queue, as well as waiting
/// for the reply.
///
/// ```no_run
/// # async fn f(client: gobrpc::rpc::Client) -> Result<(), gobrpc::rpc::Error> {
/// use std::time::Duration;
/// let hello: String = client
///     .call("HelloService.Hello", "gopher")
///     .timeout(Duration::from_secs(2))
///     .await?;
/// // A long poll on a client whose default timeout is shorter than the poll.
/// let key: String = client.call("KV.Watch", &60i64).no_timeout().await?;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing unless awaited"]
pub struct CallBuilder<'a, A: ?Sized, R> {
    client: &'a Client,
    method: &'a str,
    args: &'a A,
    timeout: Option<Duration>,
    stage: Stage<'a, R>,
}

/// Where a [`CallBuilder`] is.
enum Stage<'a, R> {
    /// Not polled yet.
    Start,
    /// Waiting for room in the request queue (only when a server is slow to read).
    Room {
        wait: Pin<Box<dyn Future<Output = Result<()>> + Send + 'a>>,
        deadline: Option<Instant>,
    },
    /// Sent; waiting for the reply.
    Sent(Call<R>),
    /// Completed.
    Done,
}

impl<'a, A: ?Sized, R> CallBuilder<'a, A, R> {
    pub(crate) fn new(client: &'a Client, method: &'a str, args: &'a A) -> Self {
        CallBuilder {
            client,
            method,
            args,
            timeout: client.default_timeout(),
            stage: Stage::Start,
        }
    }

    /// Gives up on the call after `timeout` (replacing the client's default), counted from
    /// when it is first awaited.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Waits for the reply however long it takes, even on a client with a default timeout.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }
}

impl<A: ?Sized, R> std::fmt::Debug for CallBuilder<'_, A, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallBuilder")
            .field("method", &self.method)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl<A, R> Future for CallBuilder<'_, A, R>
where
    A: Serialize + GobType + ?Sized,
    R: DeserializeOwned + Send + 'static,
{
    type Output = Result<R>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<R>> {
        let this = self.get_mut();
        loop {
            match &mut this.stage {
                Stage::Start => {
                    let deadline = this.timeout.map(|d| Instant::now() + d);
                    let requests = this.client.requests();
                    // Checked without waiting first: the common case.
                    this.stage = match requests.has_room() {
                        Err(e) => {
                            this.stage = Stage::Done;
                            return Poll::Ready(Err(e));
                        }
                        Ok(true) => Stage::Sent(this.send(deadline)),
                        Ok(false) => Stage::Room {
                            wait: Box::pin(requests.wait_for_room(deadline)),
                            deadline,
                        },
                    };
                }
                Stage::Room { wait, deadline } => {
                    let deadline = *deadline;
                    match wait.as_mut().poll(cx) {
                        Poll::Pending => return Poll::Pending,
                        Poll::Ready(Err(e)) => {
                            this.stage = Stage::Done;
                            return Poll::Ready(Err(e));
                        }
                        Poll::Ready(Ok(())) => this.stage = Stage::Sent(this.send(deadline)),
                    }
                }
                Stage::Sent(call) => {
                    let r = std::task::ready!(Pin::new(call).poll(cx));
                    this.stage = Stage::Done;
                    return Poll::Ready(r);
                }
                Stage::Done => return Poll::Ready(Err(Error::Shutdown)),
            }
        }
    }
}

impl<A, R> CallBuilder<'_, A, R>
where
    A: Serialize + GobType + ?Sized,
    R: DeserializeOwned + Send + 'static,
{
    fn send(&self, deadline: Option<Instant>) -> Call<R> {
        self.client.go_until(self.method, self.args, deadline)
    }
}

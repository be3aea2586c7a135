//! The client: Go's `rpc.Client` on tokio.

use super::codec::{Event, ResponseDecoder};
use super::error::{Error, Result};
use super::header::Request;
use super::pending::{Completed, DynamicReply, Pending, Reply, SharedPending, Sink, Typed};
use super::writer::{Queue, Requests};
use crate::{EncoderState, GobType, Limits, TypedValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};

/// How a [`Client`] behaves. Build one with [`Client::builder`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Timeout for every call that sets none of its own (default: none, as in Go).
    pub timeout: Option<Duration>,
    /// Limits on what the server's replies may make the decoder do.
    pub limits: Limits,
    /// How many bytes of requests may wait for the socket before [`Client::call`] waits for
    /// room (default 16 MiB). A server that stops reading thus makes callers wait and time
    /// out instead of growing memory. [`Client::go`] never waits: it queues at once.
    pub max_write_buffer: usize,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            timeout: None,
            limits: Limits::default(),
            max_write_buffer: 16 << 20,
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
///     .dial("127.0.0.1:1234")
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct ClientBuilder {
    config: ClientConfig,
}

impl ClientBuilder {
    /// Sets the default per-call timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.config.timeout = Some(timeout);
        self
    }

    /// Sets how many bytes of requests may queue before `call` waits for room.
    pub fn max_write_buffer(mut self, bytes: usize) -> Self {
        self.config.max_write_buffer = bytes;
        self
    }

    /// Sets the decoder limits for replies.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.config.limits = limits;
        self
    }

    /// The configuration built so far.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// A client speaking over an established stream: one the Rust side dialed, or one it
    /// accepted from a Go process that dialed in to serve (reverse RPC).
    pub fn connect<S>(self, stream: S) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        Client::start(stream, self.config)
    }
}

struct Shared {
    requests: Requests,
    pending: SharedPending,
    config: ClientConfig,
}

/// Closes the connection gracefully when the last [`Client`] handle is dropped.
struct CloseOnDrop(Arc<Shared>);

impl Drop for CloseOnDrop {
    fn drop(&mut self) {
        self.0.requests.close();
    }
}

/// A connection to a Go `net/rpc` server (Go's `*rpc.Client`).
///
/// Cheap to clone: every clone shares the connection, which one reader task and one writer
/// task serve (a call that is the only one in flight writes its own request). Calls from
/// many tasks run concurrently on it; replies are matched to calls by
/// sequence number, in whatever order the server sends them.
///
/// ```no_run
/// # async fn f() -> Result<(), gobrpc::rpc::Error> {
/// use gobrpc::rpc::Client;
///
/// let client = Client::dial("127.0.0.1:1234").await?;
/// let reply: String = client.call("HelloService.Hello", "gopher").await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    shared: Arc<Shared>,
    _close: Arc<CloseOnDrop>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("pending", &self.shared.pending.len())
            .finish()
    }
}

impl Client {
    /// A builder for a client with non-default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client with default settings over an established stream (see
    /// [`ClientBuilder::connect`]). Must be called inside a tokio runtime.
    pub fn new<S>(stream: S) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        Self::start(stream, ClientConfig::default())
    }

    fn start<S>(stream: S, config: ClientConfig) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read, write) = tokio::io::split(stream);
        let pending: SharedPending = Arc::new(Pending::default());
        let shared = Arc::new(Shared {
            requests: Requests::new(Box::pin(write), config.max_write_buffer),
            pending: pending.clone(),
            config,
        });
        tokio::spawn(write_loop(shared.clone()));
        tokio::spawn(read_loop(shared.clone(), read));
        Client {
            _close: Arc::new(CloseOnDrop(shared.clone())),
            shared,
        }
    }

    /// Calls `service_method` (`"Service.Method"`) with `args` and waits for the reply
    /// (Go's `Client.Call`).
    pub async fn call<A, R>(&self, service_method: &str, args: &A) -> Result<R>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        // The call's timeout covers waiting for room in the queue too.
        let deadline = self
            .shared
            .config
            .timeout
            .map(|d| tokio::time::Instant::now() + d);
        self.shared.requests.wait_for_room(deadline).await?;
        let call = self.go(service_method, args);
        match deadline {
            Some(d) => call.deadline(d).await,
            None => call.await,
        }
    }

    /// Sends the call now and returns a handle that completes with the reply (Go's
    /// `Client.Go`). The request is encoded and queued for the writer before this returns, so
    /// calls reach the server in the order `go` was called. Await the handle for the reply;
    /// dropping it abandons the call (its reply is read and discarded).
    pub fn go<A, R>(&self, service_method: &str, args: &A) -> Call<R>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        self.go_with(service_method, |enc, header, out| {
            enc.encode_pair(header, args, out)
        })
    }

    /// Calls `service_method` with a dynamic argument and returns the dynamic reply, keeping
    /// the reply's Go types — for tools that know no Rust types (the `gobrpc` CLI).
    pub async fn call_value(&self, service_method: &str, args: &TypedValue) -> Result<TypedValue> {
        let call: Call<DynamicReply> = self.go_with(service_method, |enc, header, out| {
            enc.encode_pair_value(header, args, out)
        });
        call.await.map(|r| r.0)
    }

    fn go_with<R: Reply>(
        &self,
        service_method: &str,
        encode: impl FnOnce(&mut EncoderState, &Request<'_>, &mut Vec<u8>) -> crate::Result<()>,
    ) -> Call<R> {
        let (tx, rx) = oneshot::channel();
        let started = self.start_call(service_method, encode, |_| Sink::Oneshot(tx));
        let timeout = self.shared.config.timeout;
        match started {
            Ok(seq) => Call {
                state: CallState::Waiting(rx),
                guard: Some(CancelOnDrop {
                    pending: self.shared.pending.clone(),
                    seq,
                    armed: true,
                }),
                seq: Some(seq),
                sleep: timeout.map(|d| Box::pin(tokio::time::sleep(d))),
                span: tracing::debug_span!("rpc.call", method = service_method, seq),
            },
            Err(e) => Call {
                state: CallState::Failed(Some(e)),
                guard: None,
                seq: None,
                sleep: None,
                span: tracing::Span::none(),
            },
        }
    }

    /// Sends the call now; its completion arrives on `done` along with every other call sent
    /// with the same [`DoneSender`] (Go's shared `Done` channel). Returns the call's sequence
    /// number, which the [`Completed`] carries.
    ///
    /// Unlike Go, which silently drops a completion when the done channel is full, the channel
    /// is unbounded: no result is ever lost; memory grows only with results you have not yet
    /// received. Calls sent this way have no timeout: they complete when the reply arrives or
    /// the connection dies.
    pub fn go_done<A, R>(&self, service_method: &str, args: &A, done: &DoneSender<R>) -> Result<u64>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        let tx = done.tx.clone();
        let method = service_method.to_string();
        self.start_call(
            service_method,
            |enc, header, out| enc.encode_pair(header, args, out),
            move |seq| Sink::Done { tx, seq, method },
        )
    }

    /// Registers the call, then encodes it onto the writer's buffer, all under the writer
    /// lock so that sequence order, encoder order and write order agree.
    fn start_call<R: Reply>(
        &self,
        service_method: &str,
        encode: impl FnOnce(&mut EncoderState, &Request<'_>, &mut Vec<u8>) -> crate::Result<()>,
        sink: impl FnOnce(u64) -> Sink<R>,
    ) -> Result<u64> {
        let shared = &*self.shared;
        let mut q = shared.requests.lock();
        if q.closed {
            return Err(Error::Shutdown);
        }
        let seq = q.next_seq;
        q.next_seq += 1;
        // Registered before the request is written, so a fast reply always finds its call.
        let in_flight = shared
            .pending
            .insert(seq, Box::new(Typed::new(sink(seq))))?;
        let header = Request {
            service_method,
            seq,
        };
        let Queue { enc, out, .. } = &mut *q;
        let was_empty = out.is_empty();
        if let Err(e) = encode(enc, &header, out) {
            drop(q);
            shared.pending.cancel(seq);
            return Err(Error::codec(e));
        }
        if let Err(e) = shared.requests.submit(q, was_empty, in_flight == 1) {
            // The call is registered: it fails with the others.
            shared.write_failed(e);
        }
        Ok(seq)
    }

    /// Stops new calls, lets the calls in flight finish (or fail, or time out), then closes
    /// the connection. Later calls fail with [`Error::Shutdown`].
    pub async fn close(&self) {
        self.shared.requests.lock().closed = true;
        self.shared.pending.wait_drained().await;
        self.shared.requests.close();
    }

    /// The number of calls waiting for replies.
    pub fn pending(&self) -> usize {
        self.shared.pending.len()
    }

    /// True once the connection has died or the client was closed.
    pub fn is_shut_down(&self) -> bool {
        self.shared.requests.lock().closed
    }
}

impl Shared {
    /// A write failed: the connection is done, and every call in flight fails with the error.
    fn write_failed(&self, e: std::io::Error) {
        tracing::warn!(error = %e, "gob rpc: write failed; connection shut down");
        self.requests.close();
        self.pending.fail_all(Error::from(e));
    }
}

async fn write_loop(shared: Arc<Shared>) {
    if let Err(e) = shared.requests.run().await {
        shared.write_failed(e);
    }
}

async fn read_loop<R: AsyncRead + Unpin>(shared: Arc<Shared>, read: R) {
    use futures_core::Stream;
    let decoder = ResponseDecoder::new(shared.pending.clone(), shared.config.limits);
    let mut frames = tokio_util::codec::FramedRead::new(read, decoder);
    let err = loop {
        let next = std::future::poll_fn(|cx| Pin::new(&mut frames).poll_next(cx)).await;
        match next {
            Some(Ok(Event::Reply(call, outcome))) => call.complete(outcome),
            Some(Ok(Event::Discarded(seq))) => {
                tracing::trace!(seq, "gob rpc: reply for a call nobody waits for, discarded")
            }
            Some(Err(e)) => break e,
            None => {
                let closing = shared.requests.lock().closed;
                break if closing {
                    Error::Shutdown
                } else {
                    Error::UnexpectedEof
                };
            }
        }
    };
    if !matches!(err, Error::Shutdown) {
        tracing::warn!(error = %err, "gob rpc: connection failed");
    }
    shared.requests.close();
    if let Some(call) = frames.decoder_mut().take_call() {
        call.complete(Err(err.clone()));
    }
    shared.pending.fail_all(err);
}

enum CallState<R> {
    Waiting(oneshot::Receiver<Result<R>>),
    Failed(Option<Error>),
}

struct CancelOnDrop {
    pending: SharedPending,
    seq: u64,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.pending.cancel(self.seq);
        }
    }
}

/// A call in flight (Go's `*rpc.Call`): a future of its reply.
///
/// Dropping it before it completes abandons the call; the reply, when it comes, is read and
/// discarded so that the connection stays in sync.
#[must_use = "a call does nothing for you unless awaited; dropping it abandons the call"]
pub struct Call<R> {
    state: CallState<R>,
    guard: Option<CancelOnDrop>,
    seq: Option<u64>,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
    span: tracing::Span,
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

    /// Gives up on the call after `timeout` (replacing the client's default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.sleep = Some(Box::pin(tokio::time::sleep(timeout)));
        self
    }

    fn deadline(mut self, at: tokio::time::Instant) -> Self {
        self.sleep = Some(Box::pin(tokio::time::sleep_until(at)));
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
        Poll::Pending
    }
}

/// The sending half of a shared completion channel for [`Client::go_done`].
#[derive(Debug)]
pub struct DoneSender<R> {
    tx: mpsc::UnboundedSender<Completed<R>>,
}

impl<R> Clone for DoneSender<R> {
    fn clone(&self) -> Self {
        DoneSender {
            tx: self.tx.clone(),
        }
    }
}

/// The receiving half of a shared completion channel.
#[derive(Debug)]
pub struct DoneReceiver<R> {
    rx: mpsc::UnboundedReceiver<Completed<R>>,
}

impl<R> DoneReceiver<R> {
    /// The next completed call (`None` once every sender is gone and all were received).
    pub async fn recv(&mut self) -> Option<Completed<R>> {
        self.rx.recv().await
    }
}

/// A completion channel shared by many calls (Go's `done chan *Call`); see
/// [`Client::go_done`].
pub fn done_channel<R>() -> (DoneSender<R>, DoneReceiver<R>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (DoneSender { tx }, DoneReceiver { rx })
}

#[allow(dead_code)]
fn assert_send() {
    fn is_send<T: Send + Sync>() {}
    is_send::<Client>();
    is_send::<Call<String>>();
}

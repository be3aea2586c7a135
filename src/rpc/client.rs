//! The client: Go's `rpc.Client` on tokio.

use super::busy_poll::BusyPoll;
use super::call::{CallBuilder, CallState, CancelOnDrop};
use super::codec::{Event, ResponseDecoder};
use super::config::{ClientBuilder, ClientConfig};
use super::error::{Error, Result};
use super::header::Request;
use super::pending::{
    Completed, DynamicReply, Pending, Reply, SharedPending, Sink, Typed, Waiting,
};
use super::writer::{Queue, Requests};
use super::Call;
use crate::{EncoderState, GobType, TypedValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

struct Shared {
    requests: Requests,
    pending: SharedPending,
    config: ClientConfig,
    /// Stops the reader task ([`Client::close`]); taken when used.
    stop_reader: Mutex<Option<oneshot::Sender<()>>>,
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

    pub(crate) fn start<S>(stream: S, config: ClientConfig) -> Client
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read, write) = tokio::io::split(stream);
        let pending: SharedPending = Arc::new(Pending::default());
        let (stop_tx, stop_rx) = oneshot::channel();
        let shared = Arc::new(Shared {
            requests: Requests::new(Box::pin(write), config.max_write_buffer),
            pending: pending.clone(),
            config,
            stop_reader: Mutex::new(Some(stop_tx)),
        });
        tokio::spawn(write_loop(shared.clone()));
        tokio::spawn(read_loop(shared.clone(), read, stop_rx));
        Client {
            _close: Arc::new(CloseOnDrop(shared.clone())),
            shared,
        }
    }

    /// Calls `service_method` (`"Service.Method"`) with `args` and waits for the reply
    /// (Go's `Client.Call`): `.await` what it returns.
    ///
    /// Before awaiting, [`CallBuilder::timeout`] sets a timeout for this call and
    /// [`CallBuilder::no_timeout`] lifts the client's default one. When the request queue is
    /// full (a server slow to read), the call waits for room, within its timeout.
    pub fn call<'a, A, R>(&'a self, service_method: &'a str, args: &'a A) -> CallBuilder<'a, A, R>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        CallBuilder::new(self, service_method, args)
    }

    /// Sends the call now and returns a handle that completes with the reply (Go's
    /// `Client.Go`). The request is encoded and queued for the writer before this returns, so
    /// calls reach the server in the order `go` was called. Await the handle for the reply;
    /// dropping it abandons the call (its reply is read and discarded). The handle has the
    /// client's default timeout, counted from now; [`Call::timeout`] and
    /// [`Call::no_timeout`] change it.
    pub fn go<A, R>(&self, service_method: &str, args: &A) -> Call<R>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        let deadline = self.default_timeout().map(|d| Instant::now() + d);
        self.go_until(service_method, args, deadline)
    }

    /// [`go`](Self::go) with the call's deadline.
    pub(crate) fn go_until<A, R>(
        &self,
        service_method: &str,
        args: &A,
        deadline: Option<Instant>,
    ) -> Call<R>
    where
        A: Serialize + GobType + ?Sized,
        R: DeserializeOwned + Send + 'static,
    {
        self.go_with(
            service_method,
            |enc, header, out| enc.encode_pair(header, args, out),
            deadline,
        )
    }

    pub(crate) fn default_timeout(&self) -> Option<Duration> {
        self.shared.config.timeout
    }

    pub(crate) fn requests(&self) -> &Requests {
        &self.shared.requests
    }

    /// Calls `service_method` with a dynamic argument and returns the dynamic reply, keeping
    /// the reply's Go types — for tools that know no Rust types (the `gobrpc` CLI).
    pub async fn call_value(&self, service_method: &str, args: &TypedValue) -> Result<TypedValue> {
        let deadline = self.default_timeout().map(|d| Instant::now() + d);
        let call: Call<DynamicReply> = self.go_with(
            service_method,
            |enc, header, out| enc.encode_pair_value(header, args, out),
            deadline,
        );
        call.await.map(|r| r.0)
    }

    /// Calls `service_method` with a JSON argument of the Go type `arg_type` declared in
    /// `decls` (a declared name or a type expression such as `[]int`), and returns the reply
    /// as Go's `encoding/json` prints it (feature `json`). The argument's gob bytes are those
    /// Go's encoder sends for the value Go's `json.Unmarshal` makes of `args` (the rules are in
    /// [`crate::json`]); the reply needs no declaration.
    ///
    /// ```
    /// use gobrpc::decl::Decls;
    /// use gobrpc::rpc::Client;
    /// use serde_json::json;
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    /// # use gobrpc::{TypedValue, Value};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let arith = Service::named("Arith").dynamic_method("Add", "main.Args", "*int", |_: Context, tv: TypedValue| async move {
    /// #     let Value::Struct(fields) = tv.value else { return Err("not a struct") };
    /// #     let sum = fields.iter().map(|(_, v)| match v { Value::Int(i) => *i, _ => 0 }).sum();
    /// #     Ok(TypedValue::infer(Value::Int(sum)))
    /// # });
    /// # let server = Server::builder().service(arith).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// // The Go declarations of the server's types, as they are in its source:
    /// let decls = Decls::parse(r#"
    ///     package main
    ///     type Args struct { A, B int }
    /// "#)?;
    /// let client = Client::dial(addr).await?;
    /// let reply = client.call_json("Arith.Add", &decls, "Args", &json!({"A": 7, "B": 8})).await?;
    /// assert_eq!(reply, json!(15));
    ///
    /// // A JSON argument that does not fit the declaration never reaches the wire:
    /// let err = client.call_json("Arith.Add", &decls, "Args", &json!({"A": "7"})).await.unwrap_err();
    /// assert_eq!(err.to_string(), "argument: at `A`: expected an integer for int, found string \"7\"");
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "json")]
    pub async fn call_json(
        &self,
        service_method: &str,
        decls: &crate::decl::Decls,
        arg_type: &str,
        args: &serde_json::Value,
    ) -> std::result::Result<serde_json::Value, crate::json::CallError> {
        use crate::json::CallError;
        let arg = decls.typed_value(arg_type, args).map_err(CallError::Args)?;
        let reply = self
            .call_value(service_method, &arg)
            .await
            .map_err(CallError::Call)?;
        crate::json::to_json_value(&reply).map_err(CallError::Reply)
    }

    pub(crate) fn go_with<R: Reply>(
        &self,
        service_method: &str,
        encode: impl FnOnce(&mut EncoderState, &Request<'_>, &mut Vec<u8>) -> crate::Result<()>,
        deadline: Option<Instant>,
    ) -> Call<R> {
        self.go_waiting(service_method, encode, deadline, |sink| {
            Box::new(Typed::new(sink))
        })
    }

    /// [`go_with`](Self::go_with) for any way of reading the reply (`waiting`, given where
    /// to deliver the result).
    pub(crate) fn go_waiting<R>(
        &self,
        service_method: &str,
        encode: impl FnOnce(&mut EncoderState, &Request<'_>, &mut Vec<u8>) -> crate::Result<()>,
        deadline: Option<Instant>,
        waiting: impl FnOnce(Sink<R>) -> Box<dyn Waiting>,
    ) -> Call<R> {
        let (tx, rx) = oneshot::channel();
        let started = self.start_call(service_method, encode, |_| waiting(Sink::Oneshot(tx)));
        match started {
            Ok(seq) => Call {
                state: CallState::Waiting(rx),
                guard: Some(CancelOnDrop {
                    pending: self.shared.pending.clone(),
                    seq,
                    armed: true,
                    notice: self
                        .shared
                        .config
                        .send_cancel
                        .then(|| CancelNotice(Arc::downgrade(&self.shared))),
                }),
                seq: Some(seq),
                sleep: deadline.map(|at| Box::pin(tokio::time::sleep_until(at))),
                span: tracing::debug_span!("rpc.call", method = service_method, seq),
                busy_poll: self.shared.config.busy_poll.map(BusyPoll::new),
            },
            Err(e) => Call {
                state: CallState::Failed(Some(e)),
                guard: None,
                seq: None,
                sleep: None,
                span: tracing::Span::none(),
                busy_poll: None,
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
            move |seq| Box::new(Typed::<R>::new(Sink::Done { tx, seq, method })),
        )
    }

    /// Registers the call, then encodes it onto the writer's buffer, all under the writer
    /// lock so that sequence order, encoder order and write order agree.
    fn start_call(
        &self,
        service_method: &str,
        encode: impl FnOnce(&mut EncoderState, &Request<'_>, &mut Vec<u8>) -> crate::Result<()>,
        waiting: impl FnOnce(u64) -> Box<dyn Waiting>,
    ) -> Result<u64> {
        let shared = &*self.shared;
        let mut q = shared.requests.lock();
        if q.closed {
            return Err(Error::Shutdown);
        }
        let seq = q.next_seq;
        q.next_seq += 1;
        // Registered before the request is written, so a fast reply always finds its call.
        let in_flight = shared.pending.insert(seq, waiting(seq))?;
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

    /// Closes the connection at once, as Go's `Client.Close` does: every call in flight
    /// ends now with [`Error::Shutdown`] ("connection is shut down"), later calls fail with
    /// it, and the connection is closed (requests already queued are still written, then the
    /// client half-closes and stops reading). Closing again does nothing.
    ///
    /// To let the calls in flight finish first, use
    /// [`close_gracefully`](Self::close_gracefully).
    pub async fn close(&self) {
        self.shared.requests.close();
        self.shared.pending.fail_all(Error::Shutdown);
        let stop = self
            .shared
            .stop_reader
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(stop) = stop {
            let _ = stop.send(());
        }
    }

    /// Closes the connection after the calls in flight, waiting for them at most `timeout`:
    /// new calls are refused at once (with [`Error::Shutdown`]); the calls in flight get
    /// their replies (or fail, or time out); when none is left, or when `timeout` has
    /// passed, the client [`close`](Self::close)s, which ends the calls still waiting with
    /// [`Error::Shutdown`]. Returns true if every call finished before the deadline.
    pub async fn close_gracefully(&self, timeout: Duration) -> bool {
        self.shared.requests.lock().closed = true;
        let drained = tokio::time::timeout(timeout, self.shared.pending.wait_drained())
            .await
            .is_ok();
        self.close().await;
        drained
    }

    /// The number of calls waiting for replies.
    pub fn pending(&self) -> usize {
        self.shared.pending.len()
    }

    /// How many busy-poll turns this connection's calls have taken (a diagnostic, for
    /// tests: it shows that calls spun, or that they did not; see
    /// [`ClientBuilder::busy_poll`]).
    #[doc(hidden)]
    pub fn busy_poll_turns(&self) -> u64 {
        self.shared.pending.spin_turns()
    }

    /// True once the connection has died or the client was closed.
    pub fn is_shut_down(&self) -> bool {
        self.shared.requests.lock().closed
    }

    /// Resolves when the connection has ended, with the error that ended it: the read or
    /// write error, [`Error::UnexpectedEof`] when the server closed it, [`Error::Shutdown`]
    /// when the client was closed. The future does not keep the connection open, and it
    /// resolves at once on a connection already ended.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// use gobrpc::rpc::{Client, Error};
    ///
    /// let (ours, theirs) = tokio::io::duplex(64);
    /// let client = Client::new(ours);
    /// let closed = client.closed();
    /// drop(theirs); // the server goes away
    /// assert!(matches!(closed.await, Error::UnexpectedEof));
    /// assert!(client.is_shut_down());
    /// # }
    /// ```
    pub fn closed(&self) -> impl Future<Output = Error> + Send + 'static {
        let pending = self.shared.pending.clone();
        async move { pending.closed().await }
    }
}

/// `_goRPC_.Cancel`'s argument in the net/rpc fork with contexts
/// (github.com/keegancsmith/rpc): the call to cancel.
#[derive(Serialize, crate::GobType)]
#[gob(name = "svc.CancelArgs")]
struct CancelArgs {
    #[serde(rename = "Seq")]
    seq: u64,
}

/// The service method a server with contexts cancels a call's context on.
pub(crate) const CANCEL_METHOD: &str = "_goRPC_.Cancel";

/// Sends `_goRPC_.Cancel` for an abandoned call; does not keep the connection open.
pub(crate) struct CancelNotice(std::sync::Weak<Shared>);

impl CancelNotice {
    /// Queues the cancel request for the writer task (never writes here: this runs in a
    /// `Drop`). Its reply (`true`, or a stdlib server's "can't find service") matches no
    /// call and is discarded.
    pub(crate) fn send(&self, seq: u64) {
        let Some(shared) = self.0.upgrade() else {
            return;
        };
        let mut q = shared.requests.lock();
        if q.closed {
            return;
        }
        let header = Request {
            service_method: CANCEL_METHOD,
            seq: q.next_seq,
        };
        q.next_seq += 1;
        let Queue { enc, out, .. } = &mut *q;
        let was_empty = out.is_empty();
        let encoded = enc.encode_pair(&header, &CancelArgs { seq }, out);
        debug_assert!(encoded.is_ok(), "a cancel request always encodes");
        tracing::debug!(seq, "gob rpc: call abandoned; {CANCEL_METHOD} sent");
        if let Err(e) = shared.requests.submit(q, was_empty, false) {
            shared.write_failed(e);
        }
    }
}

impl Shared {
    /// A write failed: the connection is done, and every call in flight fails with the error.
    fn write_failed(&self, e: std::io::Error) {
        tracing::warn!(error = %e, "gob rpc: write failed; connection shut down");
        self.lost(Error::from(e));
    }

    /// The connection died: requests not yet written are dropped, and every call in flight
    /// fails with `err` ([`Error::NotSent`] for those whose requests were dropped).
    fn lost(&self, err: Error) {
        let unsent_from = self.requests.abandon();
        self.pending.fail_from(err, unsent_from);
    }
}

async fn write_loop(shared: Arc<Shared>) {
    if let Err(e) = shared.requests.run().await {
        shared.write_failed(e);
    }
}

async fn read_loop<R: AsyncRead + Unpin>(
    shared: Arc<Shared>,
    read: R,
    mut stop: oneshot::Receiver<()>,
) {
    use futures_core::Stream;
    use std::task::Poll;
    let config = &shared.config;
    let decoder = ResponseDecoder::new(shared.pending.clone(), config.limits, config.strict);
    let mut frames = tokio_util::codec::FramedRead::new(read, decoder);
    let err = loop {
        // The stream first: `stop` (a dropped sender counts) is looked at only when no
        // reply is ready.
        let next = std::future::poll_fn(|cx| match Pin::new(&mut frames).poll_next(cx) {
            Poll::Ready(next) => Poll::Ready(Some(next)),
            Poll::Pending => Pin::new(&mut stop).poll(cx).map(|_| None),
        })
        .await;
        match next {
            Some(Some(Ok(Event::Reply(call, outcome)))) => call.complete(outcome),
            Some(Some(Ok(Event::Discarded(seq)))) => {
                tracing::trace!(seq, "gob rpc: reply for a call nobody waits for, discarded")
            }
            Some(Some(Err(e))) => break e,
            // Closed by the client.
            None => break Error::Shutdown,
            Some(None) => {
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
    // The call whose body was being read gets "reading body …"; the others the error
    // itself, as in Go.
    if let Some(call) = frames.decoder_mut().take_call() {
        call.complete(Err(err.clone()));
    }
    let err = match err {
        Error::ReadingBody(e) => Error::Codec(e),
        e => e,
    };
    if matches!(err, Error::Shutdown) {
        // Closed by the client: what is queued is still written (see `close`).
        shared.requests.close();
        shared.pending.fail_all(err);
    } else {
        shared.lost(err);
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

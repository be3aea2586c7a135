//! The yamux client session: the stream table, the reader and writer tasks, keepalive.

use super::frame::{
    FrameType, Header, HeaderError, ACK, FIN, GO_AWAY_INTERNAL_ERROR, GO_AWAY_NORMAL,
    GO_AWAY_PROTOCOL_ERROR, HEADER_LEN, RST, SYN,
};
use super::stream::{Stream, StreamShared, StreamState};
use bytes::{Bytes, BytesMut};
use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufWriter};
use tokio::sync::{mpsc, oneshot};
use tokio_util::sync::CancellationToken;

/// How a yamux [`Session`] behaves; the defaults are hashicorp/yamux's.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MuxConfig {
    /// Streams the peer may open that are not yet accepted (default 256); more are reset.
    pub accept_backlog: usize,
    /// How often to ping the peer (default 30 s; `None`: never).
    pub keepalive_interval: Option<Duration>,
    /// How long a keepalive ping may wait for its answer before the session is closed
    /// ("keepalive timeout"; default 10 s, yamux's `ConnectionWriteTimeout`).
    pub keepalive_timeout: Duration,
    /// Each stream's receive window (default 256 KiB, yamux's initial window; Go's peer
    /// assumes exactly this at stream open).
    pub max_stream_window: u32,
}

impl Default for MuxConfig {
    fn default() -> Self {
        MuxConfig {
            accept_backlog: 256,
            keepalive_interval: Some(Duration::from_secs(30)),
            keepalive_timeout: Duration::from_secs(10),
            max_stream_window: 256 * 1024,
        }
    }
}

/// What the writer task is told to do.
#[derive(Debug)]
pub(crate) enum Out {
    /// Write a frame (header and payload).
    Frame(Header, Bytes),
    /// Write what is queued, then close the connection.
    Close,
}

struct State {
    next_id: u32,
    streams: HashMap<u32, Arc<StreamShared>>,
    /// Why the session ended, once it has.
    shutdown: Option<String>,
    remote_go_away: bool,
    pings: HashMap<u32, oneshot::Sender<()>>,
    next_ping: u32,
}

/// What the session's tasks and streams share.
pub(crate) struct Shared {
    state: Mutex<State>,
    out: mpsc::UnboundedSender<Out>,
    accept: tokio::sync::Mutex<mpsc::Receiver<Stream>>,
    accept_tx: Mutex<Option<mpsc::Sender<Stream>>>,
    done: CancellationToken,
    pub(crate) config: MuxConfig,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a frame for the writer; false once the session is closed.
    pub(crate) fn send(&self, out: Out) -> bool {
        self.out.send(out).is_ok()
    }

    /// Drops a stream from the table: later frames for it are discarded.
    pub(crate) fn forget(&self, id: u32) {
        self.lock().streams.remove(&id);
    }

    /// Ends the session: every stream sees the end, `accept` returns `None`.
    fn shut_down(&self, reason: String) {
        let streams: Vec<_> = {
            let mut st = self.lock();
            if st.shutdown.is_none() {
                tracing::debug!(reason = %reason, "yamux session closed");
                st.shutdown = Some(reason);
            }
            st.pings.clear();
            st.streams.drain().map(|(_, s)| s).collect()
        };
        for s in streams {
            let mut s = s.lock();
            s.session_closed = true;
            s.wake_all();
        }
        self.accept_tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        self.done.cancel();
    }
}

/// A yamux session, client side, over one connection (Go's `yamux.Client`).
///
/// Cheap to clone; every clone is the same session. The session closes when
/// [`close`](Self::close) is called, when the connection ends, and when the last handle is
/// dropped (its streams then end too).
#[derive(Clone)]
pub struct Session {
    shared: Arc<Shared>,
    _guard: Arc<CloseGuard>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("closed", &self.is_closed())
            .finish_non_exhaustive()
    }
}

struct CloseGuard(Arc<Shared>);

impl Drop for CloseGuard {
    fn drop(&mut self) {
        close(&self.0);
    }
}

fn close(shared: &Arc<Shared>) {
    if shared.lock().shutdown.is_some() {
        return;
    }
    shared.send(Out::Frame(
        Header::new(FrameType::GoAway, 0, 0, GO_AWAY_NORMAL),
        Bytes::new(),
    ));
    shared.send(Out::Close);
    shared.shut_down("session shutdown".into());
}

fn shutdown_error() -> io::Error {
    io::Error::new(io::ErrorKind::NotConnected, "session shutdown")
}

impl Session {
    /// Starts a client session over `conn` with yamux's defaults. Must be called inside a
    /// tokio runtime: it spawns the reader, writer and keepalive tasks.
    pub fn client<C>(conn: C) -> Session
    where
        C: AsyncRead + AsyncWrite + Send + 'static,
    {
        Self::client_with(conn, MuxConfig::default())
    }

    /// [`client`](Self::client) with a configuration.
    pub fn client_with<C>(conn: C, config: MuxConfig) -> Session
    where
        C: AsyncRead + AsyncWrite + Send + 'static,
    {
        let (read, write) = tokio::io::split(conn);
        let (out, out_rx) = mpsc::unbounded_channel();
        let (accept_tx, accept_rx) = mpsc::channel(config.accept_backlog.max(1));
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                next_id: 1,
                streams: HashMap::new(),
                shutdown: None,
                remote_go_away: false,
                pings: HashMap::new(),
                next_ping: 0,
            }),
            out,
            accept: tokio::sync::Mutex::new(accept_rx),
            accept_tx: Mutex::new(Some(accept_tx)),
            done: CancellationToken::new(),
            config,
        });
        tokio::spawn(write_loop(shared.clone(), write, out_rx));
        tokio::spawn(read_loop(shared.clone(), read));
        if let Some(every) = shared.config.keepalive_interval {
            tokio::spawn(keepalive(Arc::downgrade(&shared), every));
        }
        Session {
            _guard: Arc::new(CloseGuard(shared.clone())),
            shared,
        }
    }

    /// Opens a stream: its SYN is queued before this returns, so streams reach the peer in
    /// the order they were opened (Go's `OpenStream`). Does not wait for the peer's ACK.
    pub fn open(&self) -> io::Result<Stream> {
        let mut st = self.shared.lock();
        if st.shutdown.is_some() {
            return Err(shutdown_error());
        }
        if st.remote_go_away {
            return Err(io::Error::new(
                io::ErrorKind::ConnectionRefused,
                "remote end is not accepting connections",
            ));
        }
        let id = st.next_id;
        if id == u32::MAX {
            return Err(io::Error::other("streams exhausted"));
        }
        st.next_id = id.saturating_add(2);
        let window = self.shared.config.max_stream_window;
        let stream = Arc::new(StreamShared {
            id,
            state: Mutex::new(StreamState::new(window, false)),
        });
        st.streams.insert(id, stream.clone());
        // Under the table's lock: SYNs go out in id order.
        let syn = Header::new(FrameType::WindowUpdate, SYN, id, 0);
        self.shared.send(Out::Frame(syn, Bytes::new()));
        drop(st);
        Ok(Stream::new(stream, self.shared.clone()))
    }

    /// Waits for a stream the peer opened (Go's `AcceptStream`); `None` once the session
    /// has ended. The peer's SYN is acknowledged as soon as it arrives.
    pub async fn accept(&self) -> Option<Stream> {
        self.shared.accept.lock().await.recv().await
    }

    /// Sends a ping and waits for its answer; returns the round-trip time.
    pub async fn ping(&self) -> io::Result<Duration> {
        ping(&self.shared).await
    }

    /// Sends go-away, closes the connection and ends every stream (Go's `Close`).
    pub fn close(&self) {
        close(&self.shared);
    }

    /// Whether the session has ended.
    pub fn is_closed(&self) -> bool {
        self.shared.lock().shutdown.is_some()
    }

    /// Resolves when the session has ended.
    pub async fn closed(&self) {
        self.shared.done.cancelled().await;
    }
}

async fn ping(shared: &Shared) -> io::Result<Duration> {
    let (tx, rx) = oneshot::channel();
    let id = {
        let mut st = shared.lock();
        if st.shutdown.is_some() {
            return Err(shutdown_error());
        }
        let id = st.next_ping;
        st.next_ping = st.next_ping.wrapping_add(1);
        st.pings.insert(id, tx);
        id
    };
    let start = tokio::time::Instant::now();
    shared.send(Out::Frame(
        Header::new(FrameType::Ping, SYN, 0, id),
        Bytes::new(),
    ));
    match tokio::time::timeout(shared.config.keepalive_timeout, rx).await {
        Ok(Ok(())) => Ok(start.elapsed()),
        Ok(Err(_)) => Err(shutdown_error()),
        Err(_) => {
            shared.lock().pings.remove(&id);
            Err(io::Error::new(io::ErrorKind::TimedOut, "keepalive timeout"))
        }
    }
}

async fn keepalive(shared: std::sync::Weak<Shared>, every: Duration) {
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.done.is_cancelled() {
            return;
        }
        if let Err(e) = ping(&shared).await {
            if e.kind() == io::ErrorKind::TimedOut {
                shared.shut_down("keepalive timeout".into());
            }
            return;
        }
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(
    shared: Arc<Shared>,
    write: W,
    mut rx: mpsc::UnboundedReceiver<Out>,
) {
    let mut w = BufWriter::with_capacity(64 * 1024, write);
    let result: io::Result<()> = async {
        loop {
            // This task's own handle on `shared` keeps the queue's sender alive: the
            // session's end must stop it, or it would hold the connection forever.
            let out = tokio::select! {
                biased;
                out = rx.recv() => out,
                () = shared.done.cancelled() => None,
            };
            let Some(out) = out else { break };
            if write_queued(&mut w, &mut rx, out).await? {
                return Ok(());
            }
        }
        // Ended: what was queued before the end (a go-away) still goes out, within the
        // keepalive timeout (a peer that reads nothing cannot hold the connection).
        let drain = async {
            if let Ok(out) = rx.try_recv() {
                if write_queued(&mut w, &mut rx, out).await? {
                    return Ok(());
                }
            }
            w.shutdown().await
        };
        tokio::time::timeout(shared.config.keepalive_timeout, drain)
            .await
            .unwrap_or(Ok(()))
    }
    .await;
    if let Err(e) = result {
        shared.shut_down(format!("write: {e}"));
    }
}

/// Writes `out` and whatever else is queued, then flushes. True once `Out::Close` was
/// written (the connection is shut down for writing).
async fn write_queued<W: AsyncWrite + Unpin>(
    w: &mut BufWriter<W>,
    rx: &mut mpsc::UnboundedReceiver<Out>,
    out: Out,
) -> io::Result<bool> {
    let mut next = Some(out);
    while let Some(out) = next.take() {
        match out {
            Out::Frame(h, body) => {
                w.write_all(&h.encode()).await?;
                w.write_all(&body).await?;
            }
            Out::Close => {
                w.flush().await?;
                w.shutdown().await?;
                return Ok(true);
            }
        }
        next = rx.try_recv().ok();
    }
    w.flush().await?;
    Ok(false)
}

async fn read_loop<R: AsyncRead + Unpin>(shared: Arc<Shared>, read: R) {
    let mut r = tokio::io::BufReader::with_capacity(64 * 1024, read);
    let reason = tokio::select! {
        r = read_frames(&shared, &mut r) => match r {
            Ok(()) => "session shutdown".to_string(),
            Err(e) => e.to_string(),
        },
        () = shared.done.cancelled() => return,
    };
    shared.shut_down(reason);
}

/// Why the reader stopped.
enum ReadError {
    Io(io::Error),
    /// The peer broke the protocol: answered with go-away (protocol error).
    Protocol(String),
    /// The peer sent go-away with an error code.
    Remote(&'static str),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Protocol(s) => f.write_str(s),
            ReadError::Remote(s) => f.write_str(s),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

async fn read_frames<R: AsyncRead + Unpin>(
    shared: &Arc<Shared>,
    r: &mut R,
) -> Result<(), ReadError> {
    let result = read_frames_inner(shared, r).await;
    if let Err(ReadError::Protocol(_)) = &result {
        shared.send(Out::Frame(
            Header::new(FrameType::GoAway, 0, 0, GO_AWAY_PROTOCOL_ERROR),
            Bytes::new(),
        ));
        shared.send(Out::Close);
    }
    result
}

async fn read_frames_inner<R: AsyncRead + Unpin>(
    shared: &Arc<Shared>,
    r: &mut R,
) -> Result<(), ReadError> {
    let mut hb = [0u8; HEADER_LEN];
    loop {
        match r.read_exact(&mut hb).await {
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e.into()),
        }
        let h = Header::decode(&hb).map_err(|e: HeaderError| ReadError::Protocol(e.to_string()))?;
        match h.kind {
            FrameType::Data | FrameType::WindowUpdate => stream_frame(shared, h, r).await?,
            FrameType::Ping => {
                if h.has(SYN) {
                    shared.send(Out::Frame(
                        Header::new(FrameType::Ping, ACK, 0, h.length),
                        Bytes::new(),
                    ));
                } else if let Some(tx) = shared.lock().pings.remove(&h.length) {
                    let _ = tx.send(());
                }
            }
            FrameType::GoAway => match h.length {
                GO_AWAY_NORMAL => shared.lock().remote_go_away = true,
                GO_AWAY_PROTOCOL_ERROR => return Err(ReadError::Remote("yamux protocol error")),
                GO_AWAY_INTERNAL_ERROR => {
                    return Err(ReadError::Remote("remote yamux internal error"))
                }
                _ => return Err(ReadError::Remote("unexpected go away received")),
            },
        }
    }
}

/// A data or window-update frame: opens, updates, fills or closes a stream.
async fn stream_frame<R: AsyncRead + Unpin>(
    shared: &Arc<Shared>,
    h: Header,
    r: &mut R,
) -> Result<(), ReadError> {
    if h.has(SYN) {
        incoming(shared, h.stream_id)?;
    }
    let stream = shared.lock().streams.get(&h.stream_id).cloned();
    let Some(stream) = stream else {
        // A stream we closed or reset: discard its data.
        if h.kind == FrameType::Data && h.length > 0 {
            tracing::debug!(stream = h.stream_id, "yamux: discarding data for stream");
            tokio::io::copy(
                &mut (&mut *r).take(u64::from(h.length)),
                &mut tokio::io::sink(),
            )
            .await?;
        }
        return Ok(());
    };
    if h.kind == FrameType::Data {
        let window = stream.lock().recv_window;
        if h.length > window {
            return Err(ReadError::Protocol("recv window exceeded".into()));
        }
    }
    let mut data = BytesMut::new();
    if h.kind == FrameType::Data && h.length > 0 {
        data.resize(h.length as usize, 0);
        r.read_exact(&mut data).await?;
    }
    let mut st = stream.lock();
    if h.has(ACK) {
        st.established = true;
    }
    if h.kind == FrameType::WindowUpdate {
        st.send_window = st
            .send_window
            .checked_add(h.length)
            .ok_or_else(|| ReadError::Protocol("send window overflow".into()))?;
        if let Some(w) = st.write_waker.take() {
            w.wake();
        }
    } else if !data.is_empty() {
        st.recv_window -= h.length;
        st.recv.extend_from_slice(&data);
        if let Some(w) = st.read_waker.take() {
            w.wake();
        }
    }
    let mut forget = false;
    if h.has(FIN) {
        st.read_closed = true;
        forget = st.write_closed;
        if let Some(w) = st.read_waker.take() {
            w.wake();
        }
    }
    if h.has(RST) {
        st.error = Some(io::ErrorKind::ConnectionReset);
        forget = true;
        st.wake_all();
    }
    drop(st);
    if forget {
        shared.forget(h.stream_id);
    }
    Ok(())
}

/// The peer opened a stream: acknowledge it at once (upstream yamux closes a stream whose
/// ACK does not come within its stream-open timeout) and queue it for `accept`.
fn incoming(shared: &Arc<Shared>, id: u32) -> Result<(), ReadError> {
    if id % 2 == 1 || id == 0 {
        return Err(ReadError::Protocol(format!(
            "stream id {id} opened by the server side is not even"
        )));
    }
    let window = shared.config.max_stream_window;
    let stream = Arc::new(StreamShared {
        id,
        state: Mutex::new(StreamState::new(window, true)),
    });
    {
        let mut st = shared.lock();
        if st.streams.contains_key(&id) {
            return Err(ReadError::Protocol("duplicate stream initiated".into()));
        }
        st.streams.insert(id, stream.clone());
    }
    let handle = Stream::new(stream, shared.clone());
    let tx = shared
        .accept_tx
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    // ACK first, so that the stream's own frames follow it.
    shared.send(Out::Frame(
        Header::new(FrameType::WindowUpdate, ACK, id, 0),
        Bytes::new(),
    ));
    let refused = match tx {
        Some(tx) => tx.try_send(handle).err().map(|e| e.into_inner()),
        None => Some(handle),
    };
    if let Some(handle) = refused {
        tracing::warn!(
            stream = id,
            "yamux: backlog exceeded, forcing connection reset"
        );
        // Dropped without its FIN: the RST ends it.
        handle.mark_reset();
        drop(handle);
        shared.send(Out::Frame(
            Header::new(FrameType::WindowUpdate, RST, id, 0),
            Bytes::new(),
        ));
    }
    Ok(())
}

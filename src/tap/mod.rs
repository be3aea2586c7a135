//! A transparent net/rpc proxy that shows the calls going through it (features `json` and
//! `rpc`; the engine of `gobrpc tap`).
//!
//! Every byte is forwarded unchanged, in both directions, as soon as it arrives; the tap
//! decodes its own copy: the request stream (`rpc.Request` header, then the arguments) and
//! the response stream (`rpc.Response` header, then the reply), matched by sequence number
//! per connection, one [`Event::Call`] per call. With [`Tap::http`] the HTTP `CONNECT`
//! exchange (Go's `rpc.DialHTTP`) is forwarded first, then decoded as above. A stream the tap
//! cannot decode is reported once ([`Event::Problem`]) and still forwarded: the tap never
//! breaks the conversation it watches. Connections are independent; each has its own
//! upstream connection.
//!
//! ```no_run
//! use gobrpc::tap::{Addr, Listener, Tap};
//!
//! # #[tokio::main] async fn main() -> std::io::Result<()> {
//! let listener = Listener::bind(&Addr::parse("127.0.0.1:4000")).await?;
//! let tap = Tap::new(Addr::parse("127.0.0.1:1234"), |event| println!("{}", event.to_json_line()));
//! tap.serve(listener).await
//! # }
//! ```

pub(crate) mod event;
mod stream;

pub use event::{CallEvent, Event, Outcome, ProblemEvent};
pub use stream::Direction;

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use stream::{Message, StreamDecoder};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Where to listen or connect: `host:port`, or `unix:PATH` for a Unix socket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Addr {
    /// A TCP address (`127.0.0.1:1234`, `localhost:1234`).
    Tcp(String),
    /// A Unix socket path.
    Unix(PathBuf),
}

impl Addr {
    /// `unix:PATH` is a Unix socket; anything else a TCP address.
    pub fn parse(s: &str) -> Addr {
        match s.strip_prefix("unix:") {
            Some(p) => Addr::Unix(p.into()),
            None => Addr::Tcp(s.to_string()),
        }
    }

    async fn connect(&self) -> std::io::Result<Box<dyn Io>> {
        Ok(match self {
            Addr::Tcp(a) => {
                let s = tokio::net::TcpStream::connect(a.as_str()).await?;
                let _ = s.set_nodelay(true);
                Box::new(s)
            }
            #[cfg(unix)]
            Addr::Unix(p) => Box::new(tokio::net::UnixStream::connect(p).await?),
            #[cfg(not(unix))]
            Addr::Unix(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "unix sockets are not supported here",
                ))
            }
        })
    }
}

impl fmt::Display for Addr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Addr::Tcp(a) => f.write_str(a),
            Addr::Unix(p) => write!(f, "unix:{}", p.display()),
        }
    }
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// The tap's listening socket.
#[derive(Debug)]
pub struct Listener {
    inner: ListenerKind,
}

#[derive(Debug)]
enum ListenerKind {
    Tcp(tokio::net::TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

impl Listener {
    /// Listens on `addr` (a Unix socket path must not exist yet).
    pub async fn bind(addr: &Addr) -> std::io::Result<Listener> {
        let inner = match addr {
            Addr::Tcp(a) => ListenerKind::Tcp(tokio::net::TcpListener::bind(a.as_str()).await?),
            #[cfg(unix)]
            Addr::Unix(p) => ListenerKind::Unix(tokio::net::UnixListener::bind(p)?),
            #[cfg(not(unix))]
            Addr::Unix(_) => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::Unsupported,
                    "unix sockets are not supported here",
                ))
            }
        };
        Ok(Listener { inner })
    }

    /// The address it listens on (with the port the system chose for `:0`).
    pub fn local_addr(&self) -> std::io::Result<Addr> {
        match &self.inner {
            ListenerKind::Tcp(l) => Ok(Addr::Tcp(l.local_addr()?.to_string())),
            #[cfg(unix)]
            ListenerKind::Unix(l) => Ok(Addr::Unix(
                l.local_addr()?
                    .as_pathname()
                    .map(PathBuf::from)
                    .unwrap_or_default(),
            )),
        }
    }

    async fn accept(&self) -> std::io::Result<Accepted> {
        Ok(match &self.inner {
            ListenerKind::Tcp(l) => {
                let (s, _) = l.accept().await?;
                let _ = s.set_nodelay(true);
                Accepted::Tcp(s)
            }
            #[cfg(unix)]
            ListenerKind::Unix(l) => Accepted::Unix(l.accept().await?.0),
        })
    }
}

/// An accepted connection, registered with the runtime that accepted it.
enum Accepted {
    Tcp(tokio::net::TcpStream),
    #[cfg(unix)]
    Unix(tokio::net::UnixStream),
}

/// An accepted connection between runtimes: a non-blocking std socket.
enum Moving {
    Tcp(std::net::TcpStream),
    #[cfg(unix)]
    Unix(std::os::unix::net::UnixStream),
}

impl Accepted {
    fn boxed(self) -> Box<dyn Io> {
        match self {
            Accepted::Tcp(s) => Box::new(s),
            #[cfg(unix)]
            Accepted::Unix(s) => Box::new(s),
        }
    }

    /// Leaves this runtime (the socket stays non-blocking).
    fn into_std(self) -> std::io::Result<Moving> {
        Ok(match self {
            Accepted::Tcp(s) => Moving::Tcp(s.into_std()?),
            #[cfg(unix)]
            Accepted::Unix(s) => Moving::Unix(s.into_std()?),
        })
    }
}

impl Moving {
    /// Joins the runtime of the calling task.
    fn into_tokio(self) -> std::io::Result<Box<dyn Io>> {
        Ok(match self {
            Moving::Tcp(s) => Box::new(tokio::net::TcpStream::from_std(s)?),
            #[cfg(unix)]
            Moving::Unix(s) => Box::new(tokio::net::UnixStream::from_std(s)?),
        })
    }
}

type Sink = Arc<dyn Fn(Event) + Send + Sync>;

/// The proxy: where it forwards to, and who hears about the calls.
#[derive(Clone)]
pub struct Tap {
    upstream: Addr,
    http: bool,
    sink: Sink,
    flush: Arc<dyn Fn() + Send + Sync>,
    next_conn: Arc<AtomicU64>,
    runtimes: Arc<[tokio::runtime::Handle]>,
}

impl fmt::Debug for Tap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tap")
            .field("upstream", &self.upstream)
            .field("http", &self.http)
            .finish_non_exhaustive()
    }
}

impl Tap {
    /// A tap forwarding to `upstream`, giving every event to `sink` (called from the
    /// connections' tasks, one event at a time per connection).
    pub fn new(upstream: Addr, sink: impl Fn(Event) + Send + Sync + 'static) -> Tap {
        Tap {
            upstream,
            http: false,
            sink: Arc::new(sink),
            flush: Arc::new(|| ()),
            next_conn: Arc::new(AtomicU64::new(1)),
            runtimes: Arc::new([]),
        }
    }

    /// Calls `flush` after each burst of events given to the sink, on the same thread: after
    /// the calls completed by one read from a socket, after the calls left unanswered when
    /// a connection closes, after each problem. A sink that buffers what it writes writes it
    /// here, once per burst rather than once per event.
    pub fn flush(mut self, flush: impl Fn() + Send + Sync + 'static) -> Tap {
        self.flush = Arc::new(flush);
        self
    }

    /// Serves the connections on these runtimes, in turn, rather than on the one
    /// [`Tap::serve`] runs on. A connection stays on its runtime: with a current-thread
    /// runtime per core, both directions of a connection, and the readiness events that
    /// wake them, are handled on one thread, without waking another.
    pub fn runtimes(mut self, runtimes: Vec<tokio::runtime::Handle>) -> Tap {
        self.runtimes = runtimes.into();
        self
    }

    /// Expects every connection to start with HTTP `CONNECT` (Go's `rpc.DialHTTP`): the
    /// exchange is forwarded, then the gob streams after it are decoded.
    pub fn http(mut self, http: bool) -> Tap {
        self.http = http;
        self
    }

    /// Accepts connections until an accept error other than a per-connection one; each is
    /// served in its own task.
    pub async fn serve(&self, listener: Listener) -> std::io::Result<()> {
        loop {
            let client = match listener.accept().await {
                Ok(c) => c,
                Err(e) if is_transient(&e) => {
                    // Out of descriptors: let connections close before trying again.
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    continue;
                }
                Err(e) => return Err(e),
            };
            let conn = self.next_conn.fetch_add(1, Ordering::Relaxed);
            if self.runtimes.is_empty() {
                tokio::spawn(self.clone().serve_conn(conn, client.boxed()));
                continue;
            }
            let client = match client.into_std() {
                Ok(c) => c,
                Err(e) => {
                    self.problem(conn, None, format!("accept: {e}"));
                    continue;
                }
            };
            let rt = &self.runtimes[(conn as usize) % self.runtimes.len()];
            let tap = self.clone();
            rt.spawn(async move {
                match client.into_tokio() {
                    Ok(client) => tap.serve_conn(conn, client).await,
                    Err(e) => tap.problem(conn, None, format!("accept: {e}")),
                }
            });
        }
    }

    async fn serve_conn(self, conn: u64, client: Box<dyn Io>) {
        let upstream = match self.upstream.connect().await {
            Ok(u) => u,
            Err(e) => {
                self.problem(conn, None, format!("dial {}: {e}", self.upstream));
                return;
            }
        };
        let calls = Arc::new(Mutex::new(HashMap::new()));
        let (cr, cw) = tokio::io::split(client);
        let (ur, uw) = tokio::io::split(upstream);
        let up = self
            .clone()
            .pump(conn, Direction::Requests, cr, uw, calls.clone());
        let down = self
            .clone()
            .pump(conn, Direction::Responses, ur, cw, calls.clone());
        tokio::join!(up, down);
        let mut left: Vec<(u64, Half)> = calls.lock().expect("calls").drain().collect();
        left.sort_by_key(|(seq, _)| *seq);
        for (seq, half) in left {
            match half {
                Half::Request(r) => (self.sink)(Event::Call(CallEvent {
                    time: r.time,
                    conn,
                    seq,
                    service_method: r.service_method,
                    args: r.args,
                    outcome: Outcome::Unanswered,
                })),
                Half::Response(_) => self.problem(
                    conn,
                    Some(Direction::Responses),
                    format!("a response with seq {seq} answers no request seen"),
                ),
            }
        }
        (self.flush)();
    }

    /// Forwards `from` to `to` until the end, decoding a copy.
    async fn pump(
        self,
        conn: u64,
        dir: Direction,
        mut from: impl AsyncRead + Unpin,
        mut to: impl AsyncWrite + Unpin,
        calls: Calls,
    ) {
        let mut dec = StreamDecoder::new(dir, self.http);
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => {
                    self.problem(conn, Some(dir), format!("read: {e}"));
                    break;
                }
            };
            let (at, time) = (Instant::now(), SystemTime::now());
            if let Err(e) = to.write_all(&buf[..n]).await {
                self.problem(conn, Some(dir), format!("write: {e}"));
                break;
            }
            let (messages, problem) = dec.feed(&buf[..n]);
            if let Some(p) = problem {
                self.problem(conn, Some(dir), format!("{p}; forwarding without decoding"));
            }
            if !messages.is_empty() {
                for m in messages {
                    self.matched(conn, dir, m, at, time, &calls);
                }
                (self.flush)();
            }
        }
        if let Some(p) = dec.finish() {
            self.problem(conn, Some(dir), p);
        }
        let _ = to.shutdown().await;
    }

    fn matched(
        &self,
        conn: u64,
        dir: Direction,
        m: Message,
        at: Instant,
        time: SystemTime,
        calls: &Calls,
    ) {
        let body = m.body.unwrap_or_else(|e| {
            self.problem(
                conn,
                Some(dir),
                format!("#{}: cannot print the body: {e}", m.seq),
            );
            "null".into()
        });
        let half = match dir {
            Direction::Requests => Half::Request(Request {
                time,
                at,
                service_method: m.service_method,
                args: body,
            }),
            Direction::Responses => Half::Response(Response {
                at,
                error: m.error,
                reply: body,
            }),
        };
        let other = {
            let mut calls = calls.lock().expect("calls");
            match calls.remove(&m.seq) {
                Some(o) => o,
                None => {
                    calls.insert(m.seq, half);
                    return;
                }
            }
        };
        let (req, resp) = match (half, other) {
            (Half::Request(q), Half::Response(p)) | (Half::Response(p), Half::Request(q)) => (q, p),
            (Half::Request(q), Half::Request(_)) => {
                self.problem(conn, Some(dir), format!("seq {} used twice", m.seq));
                calls.lock().expect("calls").insert(m.seq, Half::Request(q));
                return;
            }
            (Half::Response(_), Half::Response(_)) => {
                self.problem(conn, Some(dir), format!("two responses with seq {}", m.seq));
                return;
            }
        };
        let latency = resp.at.saturating_duration_since(req.at);
        let outcome = if resp.error.is_empty() {
            Outcome::Reply {
                json: resp.reply,
                latency,
            }
        } else {
            Outcome::Error {
                text: resp.error,
                latency,
            }
        };
        (self.sink)(Event::Call(CallEvent {
            time: req.time,
            conn,
            seq: m.seq,
            service_method: req.service_method,
            args: req.args,
            outcome,
        }));
    }

    fn problem(&self, conn: u64, direction: Option<Direction>, message: String) {
        (self.sink)(Event::Problem(ProblemEvent {
            time: SystemTime::now(),
            conn,
            direction,
            message,
        }));
        (self.flush)();
    }
}

type Calls = Arc<Mutex<HashMap<u64, Half>>>;

/// The half of a call seen first.
enum Half {
    Request(Request),
    Response(Response),
}

struct Request {
    time: SystemTime,
    at: Instant,
    service_method: String,
    args: String,
}

struct Response {
    at: Instant,
    error: String,
    reply: String,
}

/// Accept errors that concern one connection only (or a passing shortage of descriptors).
fn is_transient(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::ConnectionAborted | K::ConnectionReset | K::Interrupted | K::WouldBlock
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24)
}

//! The server's operational behaviour, on in-process servers over loopback: panicking
//! handlers, graceful shutdown, the per-connection call limit and the connection limit as
//! back-pressure, the HTTP debug page (against Go's own page) and Go's 405, and the
//! `tracing` span of each call.
//!
//! Waits are on handler-side signals, never on elapsed time; the only timeouts are hang
//! guards.

mod common;

use common::server::GoServer;
use gobrpc::rpc::server::{Context, HttpPaths, Server, Service};
use gobrpc::rpc::Client;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify, Semaphore};

/// How long anything may take before the test fails as hung.
const HANG: Duration = Duration::from_secs(30);

async fn guard<F: Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(HANG, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: still waiting after {HANG:?}"))
}

/// Go: `type Args struct{ A, B int }`
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Args")]
struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

fn add(_: Context, args: Args) -> std::future::Ready<Result<i64, String>> {
    std::future::ready(Ok(args.a + args.b))
}

/// Serves `server` on a loopback port with its accept loop; returns the address and the
/// loop's task.
async fn serve_tcp(server: &Server) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let server = server.clone();
    (
        addr,
        tokio::spawn(async move { server.serve(listener).await }),
    )
}

// ---- panics ---------------------------------------------------------------------------

/// A handler that panics, in its future or before it returns one, fails only its own call
/// with `rpc: handler panicked: …`; the calls in flight beside it and the calls after it on
/// the same connection are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_fails_only_its_call() {
    let (started, gate) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (s, g) = (started.clone(), gate.clone());
    let service = Service::new()
        .method("Add", add)
        .method("Panic", |_: Context, what: String| async move {
            if !what.is_empty() {
                panic!("boom: {what}");
            }
            Ok::<i64, String>(0)
        })
        .method(
            "PanicEarly",
            |_: Context, what: String| -> std::future::Ready<Result<i64, String>> {
                panic!("before any future: {what}")
            },
        )
        .method("Wait", move |_: Context, _: i64| {
            let (s, g) = (s.clone(), g.clone());
            async move {
                s.notify_one();
                g.notified().await;
                Ok::<_, String>("released".to_string())
            }
        });
    let server = Server::builder().register("T", service).build();
    let (addr, _serving) = serve_tcp(&server).await;
    let client = Client::dial(&addr).await.unwrap();

    let waiting = client.go::<_, String>("T.Wait", &0i64);
    guard("the Wait handler starts", started.notified()).await;
    for (method, text) in [
        ("T.Panic", "rpc: handler panicked: boom: x"),
        (
            "T.PanicEarly",
            "rpc: handler panicked: before any future: x",
        ),
    ] {
        let err = guard(method, client.call::<_, i64>(method, "x"))
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), text);
        // The connection goes on.
        let sum: i64 = guard("Add", client.call("T.Add", &Args { a: 2, b: 3 }))
            .await
            .unwrap();
        assert_eq!(sum, 5);
    }
    gate.notify_one();
    assert_eq!(guard("Wait", waiting).await.unwrap(), "released");
    // So does the server: a new connection is served.
    let other = Client::dial(&addr).await.unwrap();
    let sum: i64 = guard("Add", other.call("T.Add", &Args { a: 1, b: 1 }))
        .await
        .unwrap();
    assert_eq!(sum, 2);
    server.shutdown(HANG).await;
}

// ---- graceful shutdown ----------------------------------------------------------------

/// `shutdown(drain)` stops accepting, and the call in flight finishes and is answered;
/// shutdown returns after it, well inside the drain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_calls_in_flight_finish_within_the_drain() {
    let (started, gate) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (s, g) = (started.clone(), gate.clone());
    let service = Service::new().method("Slow", move |_: Context, n: i64| {
        let (s, g) = (s.clone(), g.clone());
        async move {
            s.notify_one();
            g.notified().await;
            Ok::<_, String>(n + 1)
        }
    });
    let server = Server::builder().register("T", service).build();
    let (addr, serving) = serve_tcp(&server).await;
    let client = Client::dial(&addr).await.unwrap();
    let slow = client.go::<_, i64>("T.Slow", &41i64);
    guard("the handler starts", started.notified()).await;

    let shutdown = tokio::spawn({
        let server = server.clone();
        async move { server.shutdown(HANG * 10).await }
    });
    // The accept loop returns and its listener is gone: no new connection.
    guard("the accept loop ends", serving)
        .await
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(&addr).await.is_err());
    // The call in flight holds the shutdown until it is answered.
    assert!(!shutdown.is_finished());
    gate.notify_one();
    assert_eq!(guard("the call in flight", slow).await.unwrap(), 42);
    guard("shutdown", shutdown).await.unwrap();
    // The connection is closed after its last reply.
    let after = guard(
        "a call after shutdown",
        client.call::<_, i64>("T.Slow", &0i64),
    )
    .await;
    assert!(after.is_err(), "{after:?}");
}

/// Sets its flag (and says so) when dropped: a handler future that is dropped unfinished.
struct DropFlag(Arc<Notify>);

impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

/// A call still running at the drain deadline is dropped: its handler's future is dropped,
/// its caller gets no reply but the connection's end, and shutdown returns.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_drops_a_call_still_running_at_the_deadline() {
    let (started, dropped) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let (s, d) = (started.clone(), dropped.clone());
    let service = Service::new().method("Forever", move |_: Context, _: i64| {
        let (s, flag) = (s.clone(), DropFlag(d.clone()));
        async move {
            let _flag = flag;
            s.notify_one();
            std::future::pending::<()>().await;
            Ok::<i64, String>(0)
        }
    });
    let server = Server::builder().register("T", service).build();
    let (addr, serving) = serve_tcp(&server).await;
    let client = Client::dial(&addr).await.unwrap();
    let forever = client.go::<_, i64>("T.Forever", &0i64);
    guard("the handler starts", started.notified()).await;

    guard("shutdown", server.shutdown(Duration::from_millis(50))).await;
    guard("the accept loop ends", serving)
        .await
        .unwrap()
        .unwrap();
    guard("the handler's future is dropped", dropped.notified()).await;
    let got = guard("the dropped call", forever).await;
    // Go's client's words for a connection that ends under a call: io.ErrUnexpectedEOF.
    assert!(
        matches!(got, Err(gobrpc::rpc::Error::UnexpectedEof)),
        "the dropped call got {got:?}"
    );
}

// ---- limits ---------------------------------------------------------------------------

/// With `max_calls_per_connection(2)`, a third call on the connection does not start until
/// one of the two completes: the server stops reading, it does not queue the call.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_connection_call_limit_is_back_pressure() {
    let log = Arc::new(Mutex::new(Vec::<String>::new()));
    let release = Arc::new(Semaphore::new(0));
    let (started_tx, mut started) = mpsc::unbounded_channel::<i64>();
    let (l, r) = (log.clone(), release.clone());
    let service = Service::new()
        .method("Add", add)
        .method("Hold", move |_: Context, i: i64| {
            let (l, r, tx) = (l.clone(), r.clone(), started_tx.clone());
            async move {
                l.lock().unwrap().push(format!("start {i}"));
                let _ = tx.send(i);
                r.acquire().await.unwrap().forget();
                l.lock().unwrap().push(format!("end {i}"));
                Ok::<_, String>(i)
            }
        });
    let server = Server::builder()
        .register("T", service)
        .max_calls_per_connection(2)
        .build();
    let (addr, _serving) = serve_tcp(&server).await;
    let client = Client::dial(&addr).await.unwrap();
    let calls: Vec<_> = (0..3).map(|i| client.go::<_, i64>("T.Hold", &i)).collect();
    let mut first = [
        guard("a first call starts", started.recv()).await.unwrap(),
        guard("a second call starts", started.recv()).await.unwrap(),
    ];
    first.sort();
    assert_eq!(first, [0, 1], "the first two calls sent start first");
    // Another connection is served meanwhile: by the time its call is answered, the third
    // request has long arrived; it has not started.
    let other = Client::dial(&addr).await.unwrap();
    let sum: i64 = guard("Add", other.call("T.Add", &Args { a: 1, b: 2 }))
        .await
        .unwrap();
    assert_eq!(sum, 3);
    assert_eq!(log.lock().unwrap().len(), 2, "{:?}", log.lock().unwrap());

    release.add_permits(1);
    assert_eq!(
        guard("the third call starts", started.recv()).await,
        Some(2)
    );
    release.add_permits(2);
    for (i, call) in calls.into_iter().enumerate() {
        assert_eq!(guard("a held call", call).await.unwrap(), i as i64);
    }
    let log = log.lock().unwrap().clone();
    let third = log.iter().position(|e| e == "start 2").unwrap();
    let first_end = log.iter().position(|e| e.starts_with("end")).unwrap();
    assert!(
        first_end < third,
        "the third call started before any ended: {log:?}"
    );
    server.shutdown(HANG).await;
}

/// With `max_connections(1)`, a second connection is not served while the first is open,
/// and is served once it ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_beyond_the_limit_waits_for_one_to_end() {
    let peers = Arc::new(Mutex::new(Vec::<String>::new()));
    let p = peers.clone();
    let service = Service::new().method("Who", move |ctx: Context, _: i64| {
        p.lock().unwrap().push(ctx.peer().to_string());
        std::future::ready(Ok::<_, String>(ctx.peer().to_string()))
    });
    let server = Server::builder()
        .register("T", service)
        .max_connections(1)
        .build();
    let (addr, _serving) = serve_tcp(&server).await;

    let a_stream = TcpStream::connect(&addr).await.unwrap();
    let a_addr = a_stream.local_addr().unwrap().to_string();
    let a = Client::new(a_stream);
    let who: String = guard("A", a.call("T.Who", &0i64)).await.unwrap();
    assert_eq!(who, a_addr);

    // B connects (the kernel completes the handshake) and sends a call.
    let b_stream = TcpStream::connect(&addr).await.unwrap();
    let b_addr = b_stream.local_addr().unwrap().to_string();
    let b = Client::new(b_stream);
    let b_call = tokio::spawn(b.go::<_, String>("T.Who", &0i64));
    // A goes on being served; B is not.
    let who: String = guard("A again", a.call("T.Who", &0i64)).await.unwrap();
    assert_eq!(who, a_addr);
    assert_eq!(server.active_connections(), 1);
    assert_eq!(*peers.lock().unwrap(), [a_addr.clone(), a_addr.clone()]);
    assert!(!b_call.is_finished());

    // A ends: B is served.
    a.close().await;
    let who = guard("B", b_call).await.unwrap().unwrap();
    assert_eq!(who, b_addr);
    assert_eq!(*peers.lock().unwrap(), [a_addr.clone(), a_addr, b_addr]);
    server.shutdown(HANG).await;
}

// ---- HTTP -----------------------------------------------------------------------------

/// A plain HTTP/1.0 request for `path` with `method`: the status code, the content type,
/// and the body.
async fn http(addr: &str, method: &str, path: &str) -> (u16, String, String) {
    let mut conn = TcpStream::connect(addr).await.unwrap();
    let request = format!("{method} {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n");
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    guard("an HTTP response", conn.read_to_end(&mut raw))
        .await
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head and a body");
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap_or("")
        .to_string();
    (status, content_type, body.to_string())
}

/// The debug page split into its head and its sections by service name (its tail checked).
fn sections(page: &str) -> (String, Vec<(String, String)>) {
    let page = page
        .strip_suffix("\n\t</body>\n\t</html>")
        .expect("Go's tail");
    let mut parts = page.split("\n\t<hr>\n\tService ");
    let head = parts.next().unwrap().to_string();
    let services = parts
        .map(|s| {
            let name = s.split('\n').next().unwrap().to_string();
            (name, s.to_string())
        })
        .collect();
    (head, services)
}

/// `examples/interop_server` serves the bundled Go server's services; its debug page is
/// Go's for the same services, text for text, service by service (Go's server also has its
/// test-only `Control` and `Mismatch`), down to signatures with pointer arguments.
#[test]
fn the_debug_page_is_gos() {
    let args = ["-tcp", "", "-http", "127.0.0.1:0"];
    let (go, rust) = (GoServer::start(&args), GoServer::start_rust(&args));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let page = |s: &GoServer| {
        let addr = s.info.http.clone().unwrap();
        rt.block_on(http(&addr, "GET", "/debug/rpc"))
    };
    let ((go_status, go_type, go_page), (status, content_type, page)) = (page(&go), page(&rust));
    assert_eq!((status, content_type), (go_status, go_type));
    assert_eq!(status, 200);
    let (go_head, go_services) = sections(&go_page);
    let (head, services) = sections(&page);
    assert_eq!(head, go_head);
    let names: Vec<&str> = services.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Arith",
            "Auth",
            "BuiltinTypes",
            "Echo",
            "HelloService",
            "KVStoreService"
        ]
    );
    for (name, section) in &services {
        let go = go_services.iter().find(|(n, _)| n == name);
        let go = go.unwrap_or_else(|| panic!("Go's page has no service {name}"));
        assert_eq!(section, &go.1, "service {name}");
    }
    let go_only: Vec<&str> = go_services
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !names.contains(n))
        .collect();
    assert_eq!(go_only, ["Control", "Mismatch"]);
}

/// The debug page, on `/debug/rpc` and on a custom path, counts each method's calls (the
/// ones that ran: a request whose argument does not decode runs none, as in Go).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_debug_page_counts_calls_on_every_debug_path() {
    let arith = Service::new()
        .method("Add", add)
        .method("Mul", |_: Context, a: Args| async move {
            Ok::<_, String>(a.a * a.b)
        })
        .pointer_arg("Mul");
    let hello = Service::new().method("Hello", |_: Context, name: String| async move {
        Ok::<_, String>(format!("hello, {name}"))
    });
    let server = Server::builder()
        .register("Arith", arith)
        .register("HelloService", hello)
        .build();
    let (addr, _serving) = serve_tcp(&server).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http_addr = listener.local_addr().unwrap().to_string();
    let paths = HttpPaths::default().debug("/bar");
    let s = server.clone();
    tokio::spawn(async move { s.serve_http(listener, paths).await });

    let client = Client::dial(&addr).await.unwrap();
    for i in 0..3 {
        let _: i64 = client
            .call("Arith.Add", &Args { a: i, b: 1 })
            .await
            .unwrap();
    }
    let _: i64 = client
        .call("Arith.Mul", &Args { a: 6, b: 7 })
        .await
        .unwrap();
    // An argument that does not decode: answered with an error, and no call runs.
    assert!(client.call::<_, i64>("Arith.Mul", "six").await.is_err());

    // Go's debug.go template, rendered (the rows as Go's page above shows them).
    let row = |sig: &str, calls: u32| {
        format!(
            "\n\t\t\t<tr>\n\t\t\t<td align=left font=fixed>{sig}</td>\n\t\t\t<td align=center>{calls}</td>\n\t\t\t</tr>\n\t\t"
        )
    };
    let table = |rows: String| {
        format!("\n\t<hr>\n\t\t<table>\n\t\t<th align=center>Method</th><th align=center>Calls</th>\n\t\t{rows}\n\t\t</table>\n\t")
    };
    let want = format!(
        "<html>\n\t<body>\n\t<title>Services</title>\n\t\n\t<hr>\n\tService Arith{}\n\t<hr>\n\tService HelloService{}\n\t</body>\n\t</html>",
        table(row("Add(main.Args, *int) error", 3) + &row("Mul(*main.Args, *int) error", 1)),
        table(row("Hello(string, *string) error", 0)),
    );
    for path in ["/debug/rpc", "/bar"] {
        let (status, content_type, page) = http(&http_addr, "GET", path).await;
        assert_eq!(
            (status, content_type.as_str()),
            (200, "text/html; charset=utf-8")
        );
        assert_eq!(page, want, "{path}");
    }
    assert_eq!(http(&http_addr, "GET", "/nope").await.0, 404);
    server.shutdown(HANG).await;
}

/// A method other than `CONNECT` on an RPC path gets Go's 405, `405 must CONNECT\n`, as
/// Go's server answers it.
#[test]
fn other_methods_on_the_rpc_path_get_gos_405() {
    let go = GoServer::start(&["-tcp", "", "-http", "127.0.0.1:0"]);
    let go_addr = go.info.http.clone().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let server = Server::builder()
            .register("Arith", Service::new().method("Add", add))
            .build();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let paths = HttpPaths::default().rpc("/custom_rpc");
        let s = server.clone();
        tokio::spawn(async move { s.serve_http(listener, paths).await });
        for (method, path) in [
            ("GET", "/_goRPC_"),
            ("POST", "/_goRPC_"),
            ("GET", "/custom_rpc"),
        ] {
            let got = http(&addr, method, path).await;
            assert_eq!(
                got,
                (
                    405,
                    "text/plain; charset=utf-8".into(),
                    "405 must CONNECT\n".into()
                ),
                "{method} {path}"
            );
            assert_eq!(got, http(&go_addr, method, path).await, "{method} {path}");
        }
        server.shutdown(HANG).await;
    });
}

// ---- tracing --------------------------------------------------------------------------

/// A span or an event as the subscriber saw it: its name or message, its fields, and (for
/// an event) the span it happened in.
#[derive(Debug, Clone, Default)]
struct Seen {
    name: String,
    fields: std::collections::BTreeMap<String, String>,
    span: Option<u64>,
}

struct Fields<'a>(&'a mut std::collections::BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().into(), format!("{value:?}"));
    }
}

/// Records every span and event of gobrpc, with the span each event is in.
#[derive(Default, Clone)]
struct Recorder {
    spans: Arc<Mutex<Vec<Seen>>>,
    events: Arc<Mutex<Vec<Seen>>>,
    entered: Arc<Mutex<std::collections::HashMap<std::thread::ThreadId, Vec<u64>>>>,
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target().starts_with("gobrpc")
    }
    fn new_span(&self, attrs: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut seen = Seen {
            name: attrs.metadata().name().into(),
            ..Seen::default()
        };
        attrs.record(&mut Fields(&mut seen.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(seen);
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        values.record(&mut Fields(&mut spans[id.into_u64() as usize - 1].fields));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        let mut seen = Seen::default();
        e.record(&mut Fields(&mut seen.fields));
        seen.name = seen.fields.remove("message").unwrap_or_default();
        let entered = self.entered.lock().unwrap();
        seen.span = e.parent().map(|id| id.into_u64()).or_else(|| {
            let mine = entered.get(&std::thread::current().id());
            mine.and_then(|stack| stack.last().copied())
        });
        self.events.lock().unwrap().push(seen);
    }
    fn enter(&self, id: &tracing::span::Id) {
        let mut entered = self.entered.lock().unwrap();
        let stack = entered.entry(std::thread::current().id()).or_default();
        stack.push(id.into_u64());
    }
    fn exit(&self, _: &tracing::span::Id) {
        let mut entered = self.entered.lock().unwrap();
        if let Some(stack) = entered.get_mut(&std::thread::current().id()) {
            stack.pop();
        }
    }
}

/// Each call runs in a span `rpc.serve` with its method, sequence number and peer; in it,
/// the call's end is an event with its duration and outcome (and the error text), and a
/// panic is logged there too.
#[test]
fn each_call_has_a_tracing_span() {
    let recorder = Recorder::default();
    let _default = tracing::subscriber::set_default(recorder.clone());
    // One thread: every task runs where the recorder is the default subscriber.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client_addr = rt.block_on(async {
        let service = Service::new()
            .method("Add", add)
            .method("Div", |_: Context, a: Args| async move {
                if a.b == 0 {
                    return Err("divide by zero".to_string());
                }
                Ok(a.a / a.b)
            })
            .method("Panic", |_: Context, _: i64| async move {
                panic!("traced");
                #[allow(unreachable_code)]
                Ok::<i64, String>(0)
            });
        let server = Server::builder().register("Arith", service).build();
        let (addr, _serving) = serve_tcp(&server).await;
        let stream = TcpStream::connect(&addr).await.unwrap();
        let client_addr = stream.local_addr().unwrap().to_string();
        let client = Client::new(stream);
        let sum: i64 = client
            .call("Arith.Add", &Args { a: 1, b: 2 })
            .await
            .unwrap();
        assert_eq!(sum, 3);
        let err = client
            .call::<_, i64>("Arith.Div", &Args { a: 1, b: 0 })
            .await;
        assert_eq!(err.unwrap_err().to_string(), "divide by zero");
        assert!(client.call::<_, i64>("Arith.Panic", &0i64).await.is_err());
        client.close().await;
        server.shutdown(HANG).await;
        client_addr
    });
    let spans = recorder.spans.lock().unwrap().clone();
    let events = recorder.events.lock().unwrap().clone();
    let calls: Vec<(u64, &Seen)> = spans
        .iter()
        .enumerate()
        .filter(|(_, s)| s.name == "rpc.serve")
        .map(|(i, s)| (i as u64 + 1, s))
        .collect();
    let wants = [
        ("Arith.Add", "0", "ok", None),
        ("Arith.Div", "1", "error", Some("divide by zero")),
        (
            "Arith.Panic",
            "2",
            "panicked",
            Some("rpc: handler panicked: traced"),
        ),
    ];
    assert_eq!(calls.len(), wants.len(), "{spans:#?}");
    for ((id, span), (method, seq, outcome, error)) in calls.into_iter().zip(wants) {
        assert_eq!(span.fields["method"], method, "{span:?}");
        assert_eq!(span.fields["seq"], seq, "{span:?}");
        assert_eq!(span.fields["peer"], client_addr, "{span:?}");
        let done: Vec<&Seen> = events
            .iter()
            .filter(|e| e.span == Some(id) && e.name == "rpc: call done")
            .collect();
        assert_eq!(done.len(), 1, "{method}: {events:#?}");
        let done = done[0];
        assert!(
            done.fields["duration_us"].parse::<u64>().is_ok(),
            "{done:?}"
        );
        assert_eq!(done.fields["outcome"], outcome, "{done:?}");
        assert_eq!(
            done.fields.get("error").map(String::as_str),
            error,
            "{done:?}"
        );
    }
    let panicked = events
        .iter()
        .find(|e| e.name == "rpc: handler panicked")
        .expect("the panic is logged");
    assert_eq!(panicked.fields["panic"], "rpc: handler panicked: traced");
}

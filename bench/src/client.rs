//! The client processes the harness runs, one per measurement: gobrpc's client against the
//! Go server (`client`), and the raw loopback floor against the echo server (`floor-client`).
//! Each prints one JSON line ([`RunResult`]); CPU time is this process's
//! `getrusage(RUSAGE_SELF)` over the measured window, RSS its peak.
//!
//! Go's side, `gointerop bench-rpc-client`, does the same work with Go's `net/rpc` client
//! and prints the same fields.

use crate::codec::{hex, Args, Reply, Request, GO_CALL_SEQ1};
use crate::sys::{proc_cpu_ns, rusage_self};
use gobrpc::types::Bytes;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one client process measured (the Go program prints the same fields).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RunResult {
    pub scenario: String,
    pub concurrency: usize,
    pub calls: i64,
    pub elapsed_ns: i64,
    pub cpu_user_ns: i64,
    pub cpu_sys_ns: i64,
    pub max_rss_kib: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lat_p50_ns: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lat_p99_ns: f64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub lat_mean_ns: f64,
    #[serde(default, skip_serializing_if = "is_zero_i")]
    pub payload_bytes: i64,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub round_trips_s: Vec<f64>,
    /// The server process's CPU time (user + system) over the measured window, when the
    /// client was given its pid (`/proc/PID/stat`, 10 ms ticks).
    #[serde(default, skip_serializing_if = "is_zero_i")]
    pub server_cpu_ns: i64,
}

fn is_zero(v: &f64) -> bool {
    *v == 0.0
}

fn is_zero_i(v: &i64) -> bool {
    *v == 0
}

/// Options shared by both clients (parsed from the command line).
#[derive(Debug, Clone)]
pub struct ClientOpts {
    pub addr: String,
    pub scenario: String,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub size: usize,
    pub count: usize,
    /// Tokio worker threads for gobrpc's client: 0 = current-thread runtime.
    pub threads: usize,
    /// gobrpc's sequential caller runs in the `block_on` future instead of a spawned task.
    pub in_block_on: bool,
    /// The server's pid: its CPU time over the window is measured too.
    pub server_pid: Option<u32>,
    /// gobrpc's client busy-polls for a lone call's reply this long before parking.
    pub busy_poll: Option<Duration>,
}

/// Byte `i` of `Echo.Fill`'s reply (go-interop/SERVER.md).
fn fill_byte(i: usize) -> u8 {
    ((i as u32).wrapping_mul(2_654_435_761) >> 24) as u8
}

/// Checks an `Echo.Fill` reply, as Go's client does (every byte, one pass).
fn check_fill(b: &[u8]) -> Result<(), String> {
    match b.iter().enumerate().find(|&(i, &x)| x != fill_byte(i)) {
        None => Ok(()),
        Some((i, _)) => Err(format!("Echo.Fill: byte {i} differs")),
    }
}

pub(crate) fn latency_stats(mut lats: Vec<f64>) -> (f64, f64, f64) {
    let mean = lats.iter().sum::<f64>() / lats.len() as f64;
    lats.sort_by(f64::total_cmp);
    (lats[lats.len() / 2], lats[lats.len() * 99 / 100], mean)
}

/// CPU counters at one instant: this process's, and the server's when its pid is known.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuSnap {
    ru: crate::sys::Rusage,
    server: Option<(u32, i64)>,
}

pub(crate) fn cpu_snap(server_pid: Option<u32>) -> CpuSnap {
    CpuSnap {
        ru: rusage_self(),
        server: server_pid.and_then(|pid| Some((pid, proc_cpu_ns(pid)?))),
    }
}

/// Fills in the CPU used since `s0`: this process's, and the server process's.
pub(crate) fn cpu_window(r: &mut RunResult, s0: CpuSnap) {
    let ru1 = rusage_self();
    r.cpu_user_ns = ru1.user_ns - s0.ru.user_ns;
    r.cpu_sys_ns = ru1.sys_ns - s0.ru.sys_ns;
    if let Some((pid, c0)) = s0.server {
        r.server_cpu_ns = proc_cpu_ns(pid).map_or(0, |c1| c1 - c0);
    }
}

// ---------------------------------------------------------------------------------------
// gobrpc's client
// ---------------------------------------------------------------------------------------

/// A tokio runtime with `threads` workers; 0 = a current-thread runtime.
pub(crate) fn runtime(threads: usize) -> Result<tokio::runtime::Runtime, String> {
    if threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    }
    .map_err(|e| e.to_string())
}

pub fn run_client(o: &ClientOpts) -> Result<RunResult, String> {
    let rt = runtime(o.threads)?;
    let mut r = rt.block_on(client_scenario(o))?;
    r.max_rss_kib = rusage_self().max_rss_kib;
    Ok(r)
}

async fn add(client: &gobrpc::rpc::Client) -> Result<(), String> {
    let reply: Reply = client
        .call("Arith.Add", &Args { a: 7, b: 8 })
        .await
        .map_err(|e| e.to_string())?;
    if reply.c != 15 {
        return Err(format!("Arith.Add(7, 8) = {}", reply.c));
    }
    Ok(())
}

/// One caller, back to back: a warm-up, then a window in which every call is timed. Fills
/// `concurrency`, `calls`, `elapsed_ns`, the CPU times and the latency quantiles.
pub(crate) async fn latency_window<F, Fut>(
    call: F,
    warmup: Duration,
    duration: Duration,
    server_pid: Option<u32>,
) -> Result<RunResult, String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let warm_end = Instant::now() + warmup;
    while Instant::now() < warm_end {
        call().await?;
    }
    let mut lats = Vec::with_capacity(1 << 16);
    let ru0 = cpu_snap(server_pid);
    let start = Instant::now();
    let end = start + duration;
    loop {
        let t0 = Instant::now();
        call().await?;
        let t1 = Instant::now();
        lats.push((t1 - t0).as_nanos() as f64);
        if t1 >= end {
            break;
        }
    }
    let mut r = RunResult {
        scenario: "latency_seq".into(),
        concurrency: 1,
        elapsed_ns: start.elapsed().as_nanos() as i64,
        calls: lats.len() as i64,
        ..RunResult::default()
    };
    cpu_window(&mut r, ru0);
    (r.lat_p50_ns, r.lat_p99_ns, r.lat_mean_ns) = latency_stats(lats);
    Ok(r)
}

/// `concurrency` tasks calling back to back; the calls completed in the window after the
/// warm-up are counted. Fills `concurrency`, `calls`, `elapsed_ns` and the CPU times.
pub(crate) async fn throughput_window<F, Fut>(
    call: F,
    concurrency: usize,
    warmup: Duration,
    duration: Duration,
    server_pid: Option<u32>,
) -> Result<RunResult, String>
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: Future<Output = Result<(), String>> + Send,
{
    let calls = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (call, calls, stop) = (call.clone(), calls.clone(), stop.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    if let Err(e) = call().await {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                    calls.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect();
    tokio::time::sleep(warmup).await;
    let ru0 = cpu_snap(server_pid);
    let c0 = calls.load(Ordering::Relaxed);
    let start = Instant::now();
    tokio::time::sleep(duration).await;
    let c1 = calls.load(Ordering::Relaxed);
    let mut r = RunResult {
        scenario: "throughput".into(),
        concurrency,
        elapsed_ns: start.elapsed().as_nanos() as i64,
        calls: (c1 - c0) as i64,
        ..RunResult::default()
    };
    cpu_window(&mut r, ru0);
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.map_err(|e| e.to_string())??;
    }
    Ok(r)
}

async fn client_scenario(o: &ClientOpts) -> Result<RunResult, String> {
    use gobrpc::rpc::Client;
    let limits = gobrpc::Limits::default().max_message(o.size + (16 << 20));
    let client = Client::builder()
        .limits(limits)
        .busy_poll(o.busy_poll)
        .dial(o.addr.as_str())
        .await
        .map_err(|e| e.to_string())?;
    let mut r = RunResult {
        scenario: o.scenario.clone(),
        concurrency: o.concurrency,
        ..RunResult::default()
    };
    let server_pid = o.server_pid;
    let c = client.clone();
    let call = move || {
        let c = c.clone();
        async move { add(&c).await }
    };
    match o.scenario.as_str() {
        "latency_seq" => {
            // The caller is a spawned task, as calls are in a server. (Called from the
            // `block_on` future itself, each call also costs tokio's current-thread runtime
            // one zero-timeout epoll_wait: `--in-block-on` measures that way.)
            let sequential = latency_window(call, o.warmup, o.duration, server_pid);
            r = if o.in_block_on {
                sequential.await?
            } else {
                tokio::spawn(sequential)
                    .await
                    .map_err(|e| e.to_string())??
            };
            r.scenario = o.scenario.clone();
        }
        "throughput" => {
            r = throughput_window(call, o.concurrency, o.warmup, o.duration, server_pid).await?;
            r.scenario = o.scenario.clone();
        }
        "reply" => {
            r.concurrency = 1;
            // A small call first (the reply header's type definition), as Go's client does.
            let small: Bytes = client
                .call("Echo.Fill", &3i64)
                .await
                .map_err(|e| e.to_string())?;
            check_fill(&small)?;
            r.payload_bytes = o.size as i64;
            let ru0 = cpu_snap(server_pid);
            let start = Instant::now();
            for _ in 0..o.count {
                let t0 = Instant::now();
                let back: Bytes = client
                    .call("Echo.Fill", &(o.size as i64))
                    .await
                    .map_err(|e| e.to_string())?;
                r.round_trips_s.push(t0.elapsed().as_secs_f64());
                if back.len() != o.size {
                    return Err(format!("Echo.Fill: {} bytes, want {}", back.len(), o.size));
                }
                check_fill(&back)?;
                r.calls += 1;
            }
            r.elapsed_ns = start.elapsed().as_nanos() as i64;
            cpu_window(&mut r, ru0);
        }
        s => return Err(format!("unknown scenario {s}")),
    }
    client.close().await;
    Ok(r)
}

// ---------------------------------------------------------------------------------------
// The floor: a raw loopback echo of the same bytes
// ---------------------------------------------------------------------------------------

/// The echo server the floor client talks to: a listener on 127.0.0.1 that writes back every
/// byte it reads, one busy-polling thread per connection (a non-blocking socket read in a
/// loop: the reply is never delayed by waking a parked thread). Runs for the harness's
/// lifetime; a connection's thread ends when the client closes it.
pub fn start_echo_server() -> std::io::Result<std::net::SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("echo-server".into())
        .spawn(move || {
            for sock in listener.incoming() {
                let Ok(mut sock) = sock else { continue };
                let _ = std::thread::Builder::new()
                    .name("echo-conn".into())
                    .spawn(move || {
                        let _ = sock.set_nodelay(true);
                        let _ = sock.set_nonblocking(true);
                        let mut buf = vec![0u8; 256 << 10];
                        loop {
                            let n = match spin_read(&mut sock, &mut buf) {
                                Ok(0) | Err(_) => return,
                                Ok(n) => n,
                            };
                            if spin_write_all(&mut sock, &buf[..n]).is_err() {
                                return;
                            }
                        }
                    });
            }
        })?;
    Ok(addr)
}

/// A read on a non-blocking socket that polls until some bytes (or the end) arrive.
fn spin_read(sock: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match sock.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::hint::spin_loop(),
            r => return r,
        }
    }
}

/// `read_exact` on a non-blocking socket, polling.
fn spin_read_exact(sock: &mut impl Read, mut buf: &mut [u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        match spin_read(sock, buf)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => buf = &mut buf[n..],
        }
    }
    Ok(())
}

/// `write_all` on a non-blocking socket, polling while the socket's buffer is full.
fn spin_write_all(sock: &mut impl Write, mut buf: &[u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        match sock.write(buf) {
            Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Which floor a raw client measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// The echo server: the same request bytes come straight back (no server work at all).
    Echo,
    /// The Go server: gobrpc's exact request bytes, replies read as bytes and not decoded
    /// (the least any client of that server can do).
    Server,
}

/// The raw client: a socket and pre-encoded bytes (blocking, except that sequential calls
/// busy-poll a non-blocking socket, as the echo server does). A call is the 25 bytes of a
/// steady-state `Arith.Add(7, 8)` (spec §2.1 "later call"); its reply is as many bytes
/// back from the echo server, or the Go server's 23-byte reply. Throughput keeps
/// `concurrency` requests in flight on the one connection and batches every refill into one
/// write. `reply` (Go server only) sends one `Echo.Fill(size)` at a time and reads the reply
/// into one reused buffer.
pub fn run_floor_client(o: &ClientOpts, floor: Floor) -> Result<RunResult, String> {
    let e = |e: std::io::Error| e.to_string();
    let server_pid = o.server_pid;
    let mut sock = std::net::TcpStream::connect(o.addr.as_str()).map_err(e)?;
    sock.set_nodelay(true).map_err(e)?;
    let mut r = RunResult {
        scenario: o.scenario.clone(),
        concurrency: o.concurrency,
        ..RunResult::default()
    };
    let mut enc = gobrpc::EncoderState::new();
    let mut call =
        |method: &'static str, seq: u64, args: &dyn Fn(&mut gobrpc::EncoderState, &mut Vec<u8>)| {
            let mut out = Vec::new();
            let header = Request {
                service_method: method,
                seq,
            };
            enc.encode(&header, &mut out)
                .expect("encode a request header");
            args(&mut enc, &mut out);
            out
        };
    let add_args = |enc: &mut gobrpc::EncoderState, out: &mut Vec<u8>| {
        enc.encode(&Args { a: 7, b: 8 }, out).expect("encode Args");
    };
    // The first call carries the type definitions: the Go server gets it (and answers it);
    // the echo floor only ever sees steady-state calls.
    let first = call("Arith.Add", 0, &add_args);
    if floor == Floor::Server {
        sock.write_all(&first).map_err(e)?;
        read_reply(&mut sock, &mut Vec::new()).map_err(e)?;
    }
    let req = call("Arith.Add", 1, &add_args);
    if floor == Floor::Echo {
        assert_eq!(req, hex(GO_CALL_SEQ1), "the steady call is Go's");
    }
    let unit = match floor {
        Floor::Echo => req.len(),
        Floor::Server => {
            sock.write_all(&req).map_err(e)?;
            read_reply(&mut sock, &mut Vec::new()).map_err(e)?
        }
    };
    match o.scenario.as_str() {
        "latency_seq" => {
            // Busy-polling: the floor never waits for a parked thread to wake.
            r.concurrency = 1;
            sock.set_nonblocking(true).map_err(e)?;
            let mut back = vec![0u8; unit];
            let mut once = |sock: &mut std::net::TcpStream| -> std::io::Result<()> {
                spin_write_all(sock, &req)?;
                spin_read_exact(sock, &mut back)
            };
            let warm_end = Instant::now() + o.warmup;
            while Instant::now() < warm_end {
                once(&mut sock).map_err(e)?;
            }
            let mut lats = Vec::with_capacity(1 << 16);
            let ru0 = cpu_snap(server_pid);
            let start = Instant::now();
            let end = start + o.duration;
            loop {
                let t0 = Instant::now();
                once(&mut sock).map_err(e)?;
                let t1 = Instant::now();
                lats.push((t1 - t0).as_nanos() as f64);
                if t1 >= end {
                    break;
                }
            }
            r.elapsed_ns = start.elapsed().as_nanos() as i64;
            cpu_window(&mut r, ru0);
            r.calls = lats.len() as i64;
            (r.lat_p50_ns, r.lat_p99_ns, r.lat_mean_ns) = latency_stats(lats);
        }
        "throughput" => {
            let window = o.concurrency.max(1);
            let batch: Vec<u8> = req.repeat(window);
            let mut buf = vec![0u8; (unit * window).max(64 << 10)];
            sock.write_all(&batch).map_err(e)?;
            let (mut bytes_in, mut done) = (0usize, 0u64);
            let warm_end = Instant::now() + o.warmup;
            let mut window_start: Option<(Instant, u64, CpuSnap)> = None;
            let mut end = None;
            loop {
                let n = sock.read(&mut buf).map_err(e)?;
                if n == 0 {
                    return Err("the server closed the connection".into());
                }
                bytes_in += n;
                let completed = (bytes_in / unit) as u64 - done;
                done += completed;
                let now = Instant::now();
                match (window_start, end) {
                    (None, _) if now >= warm_end => {
                        window_start = Some((now, done, cpu_snap(server_pid)));
                        end = Some(now + o.duration);
                    }
                    (Some((t0, d0, ru0)), Some(end)) if now >= end => {
                        r.elapsed_ns = (now - t0).as_nanos() as i64;
                        r.calls = (done - d0) as i64;
                        cpu_window(&mut r, ru0);
                        break;
                    }
                    _ => {}
                }
                if completed > 0 {
                    sock.write_all(&batch[..completed as usize * req.len()])
                        .map_err(e)?;
                }
            }
        }
        "reply" if floor == Floor::Server => {
            r.concurrency = 1;
            let fill = |n: i64| {
                move |enc: &mut gobrpc::EncoderState, out: &mut Vec<u8>| {
                    enc.encode(&n, out).expect("encode an int");
                }
            };
            let small = call("Echo.Fill", 2, &fill(3));
            sock.write_all(&small).map_err(e)?;
            read_reply(&mut sock, &mut Vec::new()).map_err(e)?;
            let request = call("Echo.Fill", 3, &fill(o.size as i64));
            // The first large reply gives the length; it is not timed.
            let mut back = Vec::new();
            sock.write_all(&request).map_err(e)?;
            let len = read_reply(&mut sock, &mut back).map_err(e)?;
            r.payload_bytes = o.size as i64;
            let ru0 = cpu_snap(server_pid);
            let start = Instant::now();
            for _ in 0..o.count {
                let t0 = Instant::now();
                sock.write_all(&request).map_err(e)?;
                sock.read_exact(&mut back[..len]).map_err(e)?;
                r.round_trips_s.push(t0.elapsed().as_secs_f64());
                if back[len - 1] != fill_byte(o.size - 1) {
                    return Err("Echo.Fill: last byte differs".into());
                }
                r.calls += 1;
            }
            r.elapsed_ns = start.elapsed().as_nanos() as i64;
            cpu_window(&mut r, ru0);
        }
        s => return Err(format!("scenario {s} has no {floor:?} floor")),
    }
    r.max_rss_kib = rusage_self().max_rss_kib;
    Ok(r)
}

/// Reads one net/rpc reply as bytes into `buf` (its header and body messages, and any type
/// definitions before them) without decoding it; returns its length.
fn read_reply(sock: &mut impl Read, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    buf.clear();
    let mut values = 0;
    while values < 2 {
        let mut first = [0u8; 1];
        sock.read_exact(&mut first)?;
        buf.push(first[0]);
        let len = if first[0] < 0x80 {
            first[0] as usize
        } else {
            let n = (first[0] as i8).unsigned_abs() as usize;
            let mut be = [0u8; 8];
            sock.read_exact(&mut be[8 - n..])?;
            buf.extend_from_slice(&be[8 - n..]);
            u64::from_be_bytes(be) as usize
        };
        let at = buf.len();
        buf.resize(at + len, 0);
        sock.read_exact(&mut buf[at..])?;
        if crate::server::is_value(&buf[at..]) {
            values += 1;
        }
    }
    Ok(buf.len())
}

//! The client processes the harness runs, one per measurement: gobrpc's client against the
//! Go server (`client`), and the raw loopback floor against the echo server (`floor-client`).
//! Each prints one JSON line ([`RunResult`]); CPU time is this process's
//! `getrusage(RUSAGE_SELF)` over the measured window, RSS its peak.
//!
//! Go's side, `gointerop bench-rpc-client`, does the same work with Go's `net/rpc` client
//! and prints the same fields.

use crate::codec::{hex, Args, Reply, Request, GO_CALL_SEQ1};
use crate::sys::rusage_self;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
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
}

/// The deterministic payload both clients send (the same formula in Go).
pub fn payload(n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

fn latency_stats(mut lats: Vec<f64>) -> (f64, f64, f64) {
    let mean = lats.iter().sum::<f64>() / lats.len() as f64;
    lats.sort_by(f64::total_cmp);
    (lats[lats.len() / 2], lats[lats.len() * 99 / 100], mean)
}

fn cpu_window(r: &mut RunResult, ru0: crate::sys::Rusage) {
    let ru1 = rusage_self();
    r.cpu_user_ns = ru1.user_ns - ru0.user_ns;
    r.cpu_sys_ns = ru1.sys_ns - ru0.sys_ns;
}

// ---------------------------------------------------------------------------------------
// gobrpc's client
// ---------------------------------------------------------------------------------------

pub fn run_client(o: &ClientOpts) -> Result<RunResult, String> {
    let rt = if o.threads == 0 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(o.threads)
            .enable_all()
            .build()
    }
    .map_err(|e| e.to_string())?;
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

async fn client_scenario(o: &ClientOpts) -> Result<RunResult, String> {
    use gobrpc::rpc::Client;
    let limits = gobrpc::Limits::default().max_message(o.size + (16 << 20));
    let client = Client::builder()
        .limits(limits)
        .dial(o.addr.as_str())
        .await
        .map_err(|e| e.to_string())?;
    let mut r = RunResult {
        scenario: o.scenario.clone(),
        concurrency: o.concurrency,
        ..RunResult::default()
    };
    match o.scenario.as_str() {
        "latency_seq" => {
            r.concurrency = 1;
            let warm_end = Instant::now() + o.warmup;
            while Instant::now() < warm_end {
                add(&client).await?;
            }
            let mut lats = Vec::with_capacity(1 << 16);
            let ru0 = rusage_self();
            let start = Instant::now();
            let end = start + o.duration;
            loop {
                let t0 = Instant::now();
                add(&client).await?;
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
            let calls = Arc::new(AtomicU64::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let tasks: Vec<_> = (0..o.concurrency)
                .map(|_| {
                    let (client, calls, stop) = (client.clone(), calls.clone(), stop.clone());
                    tokio::spawn(async move {
                        while !stop.load(Ordering::Relaxed) {
                            if let Err(e) = add(&client).await {
                                stop.store(true, Ordering::Relaxed);
                                return Err(e);
                            }
                            calls.fetch_add(1, Ordering::Relaxed);
                        }
                        Ok(())
                    })
                })
                .collect();
            tokio::time::sleep(o.warmup).await;
            let ru0 = rusage_self();
            let c0 = calls.load(Ordering::Relaxed);
            let start = Instant::now();
            tokio::time::sleep(o.duration).await;
            let c1 = calls.load(Ordering::Relaxed);
            r.elapsed_ns = start.elapsed().as_nanos() as i64;
            cpu_window(&mut r, ru0);
            r.calls = (c1 - c0) as i64;
            stop.store(true, Ordering::Relaxed);
            for t in tasks {
                t.await.map_err(|e| e.to_string())??;
            }
        }
        "bytes" => {
            r.concurrency = 1;
            let small: ByteBuf = client
                .call("Echo.Bytes", &ByteBuf::from(vec![1u8, 2, 3]))
                .await
                .map_err(|e| e.to_string())?;
            assert_eq!(&small[..], &[1, 2, 3]);
            let data = ByteBuf::from(payload(o.size));
            r.payload_bytes = o.size as i64;
            let ru0 = rusage_self();
            let start = Instant::now();
            for _ in 0..o.count {
                let t0 = Instant::now();
                let back: ByteBuf = client
                    .call("Echo.Bytes", &data)
                    .await
                    .map_err(|e| e.to_string())?;
                r.round_trips_s.push(t0.elapsed().as_secs_f64());
                if back[..] != data[..] {
                    return Err("Echo.Bytes: reply differs from the payload".into());
                }
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

/// The echo server the floor client talks to: a tokio listener on 127.0.0.1 that writes back
/// every byte it reads. Runs on its own thread for the harness's lifetime.
pub fn start_echo_server() -> std::io::Result<std::net::SocketAddr> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    std::thread::Builder::new()
        .name("echo-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("echo runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                loop {
                    let Ok((mut sock, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = sock.set_nodelay(true);
                    tokio::spawn(async move {
                        use tokio::io::{AsyncReadExt, AsyncWriteExt};
                        let mut buf = vec![0u8; 256 << 10];
                        loop {
                            match sock.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => {
                                    if sock.write_all(&buf[..n]).await.is_err() {
                                        return;
                                    }
                                }
                            }
                        }
                    });
                }
            })
        })?;
    Ok(addr)
}

/// The raw client: blocking socket, the bytes of a steady-state gob call (25 bytes, spec
/// §2.1 "later call"), the same number read back. Throughput keeps `concurrency` requests in
/// flight on the one connection and batches every refill into one write — the least work a
/// client can do per call.
pub fn run_floor_client(o: &ClientOpts) -> Result<RunResult, String> {
    let e = |e: std::io::Error| e.to_string();
    let mut sock = std::net::TcpStream::connect(o.addr.as_str()).map_err(e)?;
    sock.set_nodelay(true).map_err(e)?;
    let req = hex(GO_CALL_SEQ1);
    let unit = req.len();
    let mut r = RunResult {
        scenario: o.scenario.clone(),
        concurrency: o.concurrency,
        ..RunResult::default()
    };
    match o.scenario.as_str() {
        "latency_seq" => {
            r.concurrency = 1;
            let mut back = vec![0u8; unit];
            let mut once = |sock: &mut std::net::TcpStream| -> std::io::Result<()> {
                sock.write_all(&req)?;
                sock.read_exact(&mut back)
            };
            let warm_end = Instant::now() + o.warmup;
            while Instant::now() < warm_end {
                once(&mut sock).map_err(e)?;
            }
            let mut lats = Vec::with_capacity(1 << 16);
            let ru0 = rusage_self();
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
            let mut buf = vec![0u8; batch.len().max(64 << 10)];
            sock.write_all(&batch).map_err(e)?;
            let (mut bytes_in, mut done) = (0usize, 0u64);
            let warm_end = Instant::now() + o.warmup;
            let mut window_start: Option<(Instant, u64, crate::sys::Rusage)> = None;
            let mut end = None;
            loop {
                let n = sock.read(&mut buf).map_err(e)?;
                if n == 0 {
                    return Err("echo server closed".into());
                }
                bytes_in += n;
                let completed = (bytes_in / unit) as u64 - done;
                done += completed;
                let now = Instant::now();
                match (window_start, end) {
                    (None, _) if now >= warm_end => {
                        window_start = Some((now, done, rusage_self()));
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
                    sock.write_all(&batch[..completed as usize * unit])
                        .map_err(e)?;
                }
            }
        }
        "bytes" => {
            r.concurrency = 1;
            // The bytes gobrpc writes for a steady-state Echo.Bytes call of this payload.
            let mut enc = gobrpc::EncoderState::new();
            let mut warm = Vec::new();
            let header = |seq| Request {
                service_method: "Echo.Bytes",
                seq,
            };
            enc.encode(&header(0), &mut warm)
                .map_err(|e| e.to_string())?;
            enc.encode(&ByteBuf::from(vec![1u8, 2, 3]), &mut warm)
                .map_err(|e| e.to_string())?;
            let mut request = Vec::new();
            {
                let data = ByteBuf::from(payload(o.size));
                enc.encode(&header(1), &mut request)
                    .map_err(|e| e.to_string())?;
                enc.encode(&data, &mut request).map_err(|e| e.to_string())?;
            }
            r.payload_bytes = o.size as i64;
            let mut back = vec![0u8; request.len()];
            let ru0 = rusage_self();
            let start = Instant::now();
            let request = Arc::new(request);
            for _ in 0..o.count {
                let t0 = Instant::now();
                // Write from a second thread while this one reads: neither side may stall.
                let mut w = sock.try_clone().map_err(e)?;
                let req = request.clone();
                let writer = std::thread::spawn(move || w.write_all(&req));
                sock.read_exact(&mut back).map_err(e)?;
                writer.join().map_err(|_| "writer panicked")?.map_err(e)?;
                r.round_trips_s.push(t0.elapsed().as_secs_f64());
                if back[..] != request[..] {
                    return Err("echo differs".into());
                }
                r.calls += 1;
            }
            r.elapsed_ns = start.elapsed().as_nanos() as i64;
            cpu_window(&mut r, ru0);
        }
        s => return Err(format!("unknown scenario {s}")),
    }
    r.max_rss_kib = rusage_self().max_rss_kib;
    Ok(r)
}

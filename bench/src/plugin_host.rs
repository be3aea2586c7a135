//! The Rust side of the plugin-host benchmark (`gobrpc-bench plugin-host`): one process
//! that launches our go-plugin plugin (`go-interop/goplugin/`) with `gobrpc::plugin`,
//! dispenses it, and measures calls of `Plugin.Double(21)` on the dispensed connection.
//! It prints one JSON line ([`RunResult`]): CPU time is this process's over the window (the
//! plugin is a child and not counted), `server_cpu_ns` the plugin process's.
//!
//! - the host (default): calls on the dispensed `gobrpc::rpc::Client`, every reply decoded
//!   and checked, as a user of `gobrpc::plugin` makes them;
//! - the raw host (`--raw`), the floor: after the same launch, handshake and dispense
//!   (`Dispenser.Dispense`, then the broker's dial, over the same yamux session), it writes
//!   pre-encoded request bytes on the dispensed yamux stream and reads the replies as bytes,
//!   decoding nothing. Throughput keeps `concurrency` requests in flight and refills them in
//!   one write per read, as the client floor (`floor-client --floor server`) does.
//!
//! Go's side is `go-interop/goplugin-host` (go-plugin's own host).

use crate::client::{cpu_snap, cpu_window, latency_window, throughput_window, RunResult};
use crate::codec::Request;
use crate::sys::rusage_self;
use gobrpc::plugin::{mux::Stream, Client, ClientConfig, HandshakeConfig};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The method called, its argument and its reply.
const METHOD: &str = "Plugin.Double";
const ARG: i64 = 21;
const WANT: i64 = 42;

/// What one host run does.
#[derive(Debug, Clone)]
pub struct PluginHostOpts {
    /// The plugin binary.
    pub plugin: String,
    pub scenario: String,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    /// Tokio worker threads: 0 = current-thread runtime.
    pub threads: usize,
    /// The raw host (the floor) instead of gobrpc's.
    pub raw: bool,
}

pub fn run_plugin_host(o: &PluginHostOpts) -> Result<RunResult, String> {
    let rt = crate::client::runtime(o.threads)?;
    let mut r = rt.block_on(host(o))?;
    r.max_rss_kib = rusage_self().max_rss_kib;
    Ok(r)
}

async fn host(o: &PluginHostOpts) -> Result<RunResult, String> {
    let e = |e: gobrpc::plugin::Error| e.to_string();
    let config = ClientConfig::command(&o.plugin)
        .handshake(HandshakeConfig {
            protocol_version: 1,
            magic_cookie_key: "GOBRPC_TEST_PLUGIN".into(),
            magic_cookie_value: "gobrpc".into(),
        })
        .plugins(["test"]);
    let plugin = Client::start(config).await.map_err(e)?;
    let pid = plugin.pid();
    let result = if o.raw {
        // Dispense by hand, as `dispense` does, to keep the stream itself.
        let conn = plugin.rpc_client().await.map_err(e)?;
        let id: u32 = conn
            .control()
            .call("Dispenser.Dispense", "test")
            .await
            .map_err(|e| e.to_string())?;
        let stream = conn.broker().dial(id).await.map_err(e)?;
        raw_host(stream, o, pid).await
    } else {
        let client = plugin.dispense("test").await.map_err(e)?;
        let call = move || {
            let client = client.clone();
            async move {
                let v: i64 = client.call(METHOD, &ARG).await.map_err(|e| e.to_string())?;
                if v != WANT {
                    return Err(format!("{METHOD}({ARG}) = {v}"));
                }
                Ok(())
            }
        };
        match o.scenario.as_str() {
            "latency_seq" => tokio::spawn(latency_window(call, o.warmup, o.duration, pid))
                .await
                .map_err(|e| e.to_string())?,
            "throughput" => throughput_window(call, o.concurrency, o.warmup, o.duration, pid).await,
            s => Err(format!("unknown scenario {s}")),
        }
    };
    plugin.kill().await;
    result
}

/// `METHOD(ARG)` with sequence number `seq`, encoded on `enc` (its first use carries the
/// request header's type definition).
fn request(enc: &mut gobrpc::EncoderState, seq: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let header = Request {
        service_method: METHOD,
        seq,
    };
    enc.encode(&header, &mut out).expect("encode a header");
    enc.encode(&ARG, &mut out).expect("encode an int");
    out
}

/// The length of the first reply in `buf` (its type definitions, header and body: two
/// values), if `buf` holds all of it.
fn reply_len(buf: &[u8]) -> Option<usize> {
    let (mut at, mut values) = (0, 0);
    while values < 2 {
        let first = *buf.get(at)?;
        let (len, prefix) = if first < 0x80 {
            (first as usize, 1)
        } else {
            let n = (first as i8).unsigned_abs() as usize;
            let be = buf.get(at + 1..at + 1 + n)?;
            let len = be.iter().fold(0usize, |acc, &b| acc << 8 | b as usize);
            (len, 1 + n)
        };
        let body = buf.get(at + prefix..at + prefix + len)?;
        if crate::server::is_value(body) {
            values += 1;
        }
        at += prefix + len;
    }
    Some(at)
}

/// Sends `req` and reads its whole reply; returns the reply's length.
async fn round_trip(stream: &mut Stream, req: &[u8], buf: &mut Vec<u8>) -> Result<usize, String> {
    let e = |e: std::io::Error| e.to_string();
    stream.write_all(req).await.map_err(e)?;
    buf.clear();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(n) = reply_len(buf) {
            return Ok(n);
        }
        let n = stream.read(&mut chunk).await.map_err(e)?;
        if n == 0 {
            return Err("the plugin closed the stream".into());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

/// The floor: pre-encoded requests, replies counted by their (fixed) length.
async fn raw_host(
    mut stream: Stream,
    o: &PluginHostOpts,
    pid: Option<u32>,
) -> Result<RunResult, String> {
    let e = |e: std::io::Error| e.to_string();
    let mut enc = gobrpc::EncoderState::new();
    let mut buf = Vec::new();
    // The first call carries the type definitions; every later request is the same bytes
    // (the server answers each, whatever its sequence number), and so is every reply.
    let first = request(&mut enc, 0);
    round_trip(&mut stream, &first, &mut buf).await?;
    // The first reply (with its type definitions) decodes to the right answer; the
    // measured replies are only counted.
    let mut dec = gobrpc::DecoderState::new();
    let e_dec = |e: gobrpc::Error| e.to_string();
    let (_, n) = dec
        .decode::<crate::codec::Response>(&buf)
        .map_err(e_dec)?
        .ok_or("no reply header")?;
    let (v, _) = dec
        .decode::<i64>(&buf[n..])
        .map_err(e_dec)?
        .ok_or("no reply body")?;
    if v != WANT {
        return Err(format!("{METHOD}({ARG}) = {v}"));
    }
    let req = request(&mut enc, 1);
    let unit = round_trip(&mut stream, &req, &mut buf).await?;
    let mut r = RunResult {
        scenario: o.scenario.clone(),
        concurrency: o.concurrency,
        ..RunResult::default()
    };
    match o.scenario.as_str() {
        "latency_seq" => {
            // One caller: the stream is the call's alone (the lock is never contended).
            let conn = tokio::sync::Mutex::new((&mut stream, vec![0u8; unit]));
            let call = || async {
                let mut conn = conn.lock().await;
                let (stream, back) = &mut *conn;
                once(stream, &req, back).await
            };
            r = latency_window(call, o.warmup, o.duration, pid).await?;
        }
        "throughput" => {
            let window = o.concurrency.max(1);
            let batch = req.repeat(window);
            let mut buf = vec![0u8; (unit * window).max(64 << 10)];
            stream.write_all(&batch).await.map_err(e)?;
            let (mut bytes_in, mut done) = (0usize, 0u64);
            let warm_end = Instant::now() + o.warmup;
            let mut measuring = None;
            loop {
                let n = stream.read(&mut buf).await.map_err(e)?;
                if n == 0 {
                    return Err("the plugin closed the stream".into());
                }
                bytes_in += n;
                let completed = (bytes_in / unit) as u64 - done;
                done += completed;
                let now = Instant::now();
                match measuring {
                    None if now >= warm_end => measuring = Some((now, done, cpu_snap(pid))),
                    Some((t0, d0, s0)) if now >= t0 + o.duration => {
                        r.elapsed_ns = (now - t0).as_nanos() as i64;
                        r.calls = (done - d0) as i64;
                        cpu_window(&mut r, s0);
                        break;
                    }
                    _ => {}
                }
                if completed > 0 {
                    let k = completed as usize * req.len();
                    stream.write_all(&batch[..k]).await.map_err(e)?;
                }
            }
        }
        s => return Err(format!("unknown scenario {s}")),
    }
    Ok(r)
}

/// One request, its reply read whole into `back` (its known length).
async fn once(stream: &mut Stream, req: &[u8], back: &mut [u8]) -> Result<(), String> {
    let e = |e: std::io::Error| e.to_string();
    stream.write_all(req).await.map_err(e)?;
    stream.read_exact(back).await.map_err(e)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_lengths() {
        // A type definition (negative id: odd), then two values (even ids), then more.
        let buf = [2, 0x03, 0xaa, 2, 0x04, 0xbb, 3, 0x06, 0x01, 0x02, 9];
        assert_eq!(reply_len(&buf), Some(10));
        assert_eq!(reply_len(&buf[..9]), None);
        // A long length prefix: 0xfe then two bytes.
        let mut long = vec![0xfe, 0x01, 0x00, 0x04];
        long.extend(std::iter::repeat_n(0u8, 255));
        long.extend([1, 0x04]);
        assert_eq!(reply_len(&long), Some(long.len()));
    }
}

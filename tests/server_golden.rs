//! The Rust server writes Go's server's bytes: each stream in `fixtures/netrpc` is a
//! connection's sequential calls as Go's client wrote them and a fresh Go server answered
//! them (`bash go-interop/regen-netrpc.sh` records them). Replayed against the same services
//! served by gobrpc (`examples/interop_server.rs`), every reply must be byte for byte Go's:
//! the response headers, the error replies with their `struct{}` body, the type definitions
//! on first use, interfaces, `time.Time`, `big.Int`.

mod common;

use common::server::GoServer;
use serde::Deserialize;
use std::io::{Read, Write};
use std::time::Duration;

#[derive(Deserialize)]
struct Record {
    script: String,
    calls: Vec<RecordedCall>,
}

#[derive(Deserialize)]
struct RecordedCall {
    method: String,
    request: String,
    reply: String,
    outcome: String,
}

fn records() -> Vec<Record> {
    let dir = common::fixtures_dir().join("netrpc");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
        .collect()
}

#[test]
fn reply_bytes_are_gos() {
    let records = records();
    assert!(records.len() >= 20, "only {} streams", records.len());
    let server = GoServer::start_rust(&[]);
    let mut mismatches = Vec::new();
    for record in &records {
        // One connection per stream: type definitions go out once per stream.
        let mut conn = std::net::TcpStream::connect(server.tcp_addr()).unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        for (i, call) in record.calls.iter().enumerate() {
            conn.write_all(&hex::decode(&call.request).unwrap())
                .unwrap();
            let want = hex::decode(&call.reply).unwrap();
            let mut got = vec![0; want.len()];
            if let Err(e) = conn.read_exact(&mut got) {
                mismatches.push(format!(
                    "{} call {i} ({}, Go: {}): reading {} reply bytes: {e}",
                    record.script,
                    call.method,
                    call.outcome,
                    want.len()
                ));
                break;
            }
            if got != want {
                mismatches.push(format!(
                    "{} call {i} ({}, Go: {}):\n  go:   {}\n  rust: {}",
                    record.script,
                    call.method,
                    call.outcome,
                    call.reply,
                    hex::encode(&got)
                ));
                break;
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

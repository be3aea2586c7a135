//! The gobrpc codec scenarios, shared by the side-by-side harness (`bench/src/codec.rs`) and
//! the criterion bench (`benches/codec.rs`, which includes this file by path). Go's side is
//! `gointerop bench-codec`.
//!
//! Every input is checked against Go's bytes (or decoded back) before it is timed. Semantics
//! per scenario (same as benches/codec.rs and go-interop/bench.go):
//!
//! | scenario | state |
//! | --- | --- |
//! | `encode_request_args` | `Request` + `Args{7, 8}`, steady state (typedefs already sent) |
//! | `decode_response_reply` | `Response` + `Reply`, steady state (typedefs already seen) |
//! | `decode_string_slice_1000` | `[]string` × 1000, fresh decoder per op |
//! | `decode_map_int_int_1000` | `map[int]int` × 1000, fresh decoder per op |
//! | `encode_bench_struct` / `decode_bench_struct` | `Bench{A, B, C, D}` (1,600-byte `D`), steady |
//!
//! Decoded values are built fresh and dropped inside the timed loop, by both Rust crates.

use gobrpc::{DecoderState, EncoderState, GobType};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

pub const SCENARIOS: [&str; 6] = [
    "encode_request_args",
    "decode_response_reply",
    "decode_string_slice_1000",
    "decode_map_int_int_1000",
    "encode_bench_struct",
    "decode_bench_struct",
];

/// Spec §2.1, call 1, client → server (101 bytes).
pub const GO_CALL1: &str = "
    2e 7f 03 01 01 07 52 65 71 75 65 73 74 01 ff 80 00 01 02
    01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 00 00
    0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
    1e ff 81 03 01 01 04 41 72 67 73 01 ff 82 00 01 02 01 01 41 01 04 00 01 01 42 01 04 00 00 00
    07 ff 82 01 0e 01 10 00";
/// A later call (Seq 1, no typedefs): Request{"Arith.Add", 1}, Args{7, 8} (25 bytes).
pub const GO_CALL_SEQ1: &str = "
    10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
    07 ff 82 01 0e 01 10 00";
/// Spec §2.1, call 1, server → client (105 bytes).
pub const GO_REPLY1: &str = "
    39 7f 03 01 01 08 52 65 73 70 6f 6e 73 65 01 ff 80 00 01 03
    01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00
    01 05 45 72 72 6f 72 01 0c 00 00 00
    0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
    19 ff 81 03 01 01 05 52 65 70 6c 79 01 ff 82 00 01 01 01 01 43 01 04 00 00 00
    05 ff 82 01 1e 00";
/// A later reply (no typedefs): Response{"Arith.Add", 1, ""}, Reply{15} (23 bytes).
pub const GO_REPLY_SEQ1: &str = "
    10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
    05 ff 82 01 1e 00";

pub fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).expect("valid hex")
}

/// Go: `rpc.Request`.
#[derive(Serialize, GobType)]
#[gob(name = "main.Request")]
pub struct Request<'a> {
    #[serde(rename = "ServiceMethod")]
    pub service_method: &'a str,
    #[serde(rename = "Seq")]
    pub seq: u64,
}

/// Go: `rpc.Response`.
#[derive(Deserialize)]
pub struct Response {
    #[serde(rename = "ServiceMethod")]
    service_method: String,
    #[serde(rename = "Seq")]
    seq: u64,
    #[serde(rename = "Error")]
    error: String,
}

/// `Request`, decoded (to check gobwire's bytes).
#[derive(Deserialize)]
pub struct DeRequest {
    #[serde(rename = "ServiceMethod")]
    pub service_method: String,
    #[serde(rename = "Seq")]
    pub seq: u64,
}

/// Go: `type Args struct{ A, B int }`.
#[derive(Serialize, Deserialize, GobType)]
#[gob(name = "main.Args")]
pub struct Args {
    #[serde(rename = "A")]
    pub a: i64,
    #[serde(rename = "B")]
    pub b: i64,
}

/// Go: `type Reply struct{ C int }`.
#[derive(Deserialize)]
pub struct Reply {
    #[serde(rename = "C")]
    pub c: i64,
}

/// Go's `encoding/gob` benchmark struct (timing_test.go).
#[derive(Serialize, Deserialize, GobType, PartialEq, Debug)]
#[gob(name = "main.Bench")]
pub struct Bench {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: f64,
    #[serde(rename = "C")]
    c: String,
    #[serde(rename = "D")]
    d: ByteBuf,
}

/// Go's value: `Bench{7, 3.14, "now is the time", bytes.Repeat([]byte("for all good men"), 100)}`.
#[allow(clippy::approx_constant)] // Go's 3.14, not π
pub fn bench_value() -> Bench {
    Bench {
        a: 7,
        b: 3.14,
        c: "now is the time".into(),
        d: ByteBuf::from(b"for all good men".repeat(100)),
    }
}

/// A Go-written fixture (this file is compiled from the repository root and from `bench/`).
pub fn go_fixture(name: &str) -> Vec<u8> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = if root.join("fixtures").is_dir() {
        root.to_path_buf()
    } else {
        root.join("..")
    };
    let path = dir.join("fixtures/gob").join(format!("{name}.gob"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The first message of a stream whose first length prefix is one byte.
pub fn first_message(stream: &[u8]) -> &[u8] {
    assert!(stream[0] < 0x80);
    &stream[..1 + stream[0] as usize]
}

/// The allocation floor of `decode_string_slice_1000`: what its result costs to build and
/// drop without decoding anything (a `Vec` of capacity 1,000, then 1,000 `String`s of the
/// same 15 bytes, as serde's `Vec<String>` visitor builds it).
pub fn string_slice_alloc_floor() -> Op {
    let text = "now is the time".to_string();
    Box::new(move || {
        let mut v: Vec<String> = Vec::with_capacity(black_box(1000));
        for _ in 0..1000 {
            v.push(String::from(black_box(text.as_str())));
        }
        black_box(&v);
    })
}

/// One timed scenario: its body runs once per op.
pub type Op = Box<dyn FnMut()>;

/// gobrpc's op for `name`, checked against Go's bytes first.
pub fn gobrpc_op(name: &str) -> Op {
    match name {
        "encode_request_args" => {
            let mut enc = EncoderState::new();
            let mut buf = Vec::with_capacity(256);
            let args = Args { a: 7, b: 8 };
            let req = |seq| Request {
                service_method: "Arith.Add",
                seq,
            };
            enc.encode(&req(0), &mut buf).unwrap();
            enc.encode(&args, &mut buf).unwrap();
            assert_eq!(buf, hex(GO_CALL1), "first call differs from Go's bytes");
            buf.clear();
            enc.encode(&req(1), &mut buf).unwrap();
            enc.encode(&args, &mut buf).unwrap();
            assert_eq!(
                buf,
                hex(GO_CALL_SEQ1),
                "steady call differs from Go's bytes"
            );
            let mut seq = 1u64;
            Box::new(move || {
                seq += 1;
                buf.clear();
                enc.encode(&req(black_box(seq)), &mut buf).unwrap();
                enc.encode(black_box(&args), &mut buf).unwrap();
                black_box(buf.len());
            })
        }
        "decode_response_reply" => {
            let mut dec = DecoderState::new();
            let first = hex(GO_REPLY1);
            let (r, n1) = dec.decode::<Response>(&first).unwrap().unwrap();
            assert_eq!(
                (r.service_method.as_str(), r.seq, r.error.as_str()),
                ("Arith.Add", 0, "")
            );
            let (reply, n2) = dec.decode::<Reply>(&first[n1..]).unwrap().unwrap();
            assert_eq!((reply.c, n1 + n2), (15, first.len()));
            let values = hex(GO_REPLY_SEQ1);
            let (r, n) = dec.decode::<Response>(&values).unwrap().unwrap();
            let (reply, m) = dec.decode::<Reply>(&values[n..]).unwrap().unwrap();
            assert_eq!((r.seq, reply.c, n + m), (1, 15, values.len()));
            Box::new(move || {
                let (r, n) = dec.decode::<Response>(black_box(&values)).unwrap().unwrap();
                let (reply, _) = dec.decode::<Reply>(&values[n..]).unwrap().unwrap();
                black_box((r, reply));
            })
        }
        "decode_string_slice_1000" => {
            let strings = vec!["now is the time".to_string(); 1000];
            let bytes = gobrpc::to_vec(&strings).unwrap();
            assert_eq!(
                first_message(&bytes),
                first_message(&go_fixture("slice_string"))
            );
            let (back, n) = DecoderState::new()
                .decode::<Vec<String>>(&bytes)
                .unwrap()
                .unwrap();
            assert_eq!((back, n), (strings, bytes.len()));
            Box::new(move || {
                let mut dec = DecoderState::new();
                black_box(dec.decode::<Vec<String>>(black_box(&bytes)).unwrap());
            })
        }
        "decode_map_int_int_1000" => {
            let map: BTreeMap<i64, i64> = (0..1000).map(|i| (i, i)).collect();
            let bytes = gobrpc::to_vec(&map).unwrap();
            assert_eq!(
                first_message(&bytes),
                first_message(&go_fixture("map_3_entries"))
            );
            let (back, n) = DecoderState::new()
                .decode::<HashMap<i64, i64>>(&bytes)
                .unwrap()
                .unwrap();
            assert_eq!(n, bytes.len());
            assert_eq!(back, map.iter().map(|(&k, &v)| (k, v)).collect());
            Box::new(move || {
                let mut dec = DecoderState::new();
                black_box(dec.decode::<HashMap<i64, i64>>(black_box(&bytes)).unwrap());
            })
        }
        "encode_bench_struct" => {
            let v = bench_value();
            let mut enc = EncoderState::new();
            let mut first = Vec::new();
            enc.encode(&v, &mut first).unwrap();
            let mut buf = Vec::with_capacity(4096);
            enc.encode(&v, &mut buf).unwrap();
            assert!(first.ends_with(&buf) && first.len() > buf.len());
            Box::new(move || {
                buf.clear();
                enc.encode(black_box(&v), &mut buf).unwrap();
                black_box(buf.len());
            })
        }
        "decode_bench_struct" => {
            let v = bench_value();
            let mut enc = EncoderState::new();
            let mut first = Vec::new();
            enc.encode(&v, &mut first).unwrap();
            let mut buf = Vec::new();
            enc.encode(&v, &mut buf).unwrap();
            let mut dec = DecoderState::new();
            let (back, n) = dec.decode::<Bench>(&first).unwrap().unwrap();
            assert_eq!((&back, n), (&v, first.len()));
            let (back, n) = dec.decode::<Bench>(&buf).unwrap().unwrap();
            assert_eq!((&back, n), (&v, buf.len()));
            Box::new(move || {
                black_box(dec.decode::<Bench>(black_box(&buf)).unwrap());
            })
        }
        _ => panic!("unknown codec scenario {name}"),
    }
}

//! Codec micro-benchmarks, mirroring Go's (spec §5; the Go side is `gointerop bench-codec`).
//!
//! | bench | Go counterpart | state |
//! | --- | --- | --- |
//! | `encode_request_args` | EncodeRequest: `Encode(&Request)` + `Encode(&Args)` | steady (typedefs sent) |
//! | `decode_response_reply` | DecodeResponse: `Decode(&Response)` + `Decode(&Reply)` | steady (typedefs seen) |
//! | `decode_string_slice_1000[_value]` | DecodeStringSlice: `[]string` × 1000 | fresh decoder per op |
//! | `decode_map_int_int_1000[_value]` | DecodeMap: `map[int]int` × 1000 | fresh decoder per op |
//! | `encode_bench_struct` / `decode_bench_struct` | `Bench{A, B, C, D}` (1,600-byte `D`) | steady |
//!
//! Every input is checked against Go's bytes (or decoded back) before it is measured. Decoded
//! values are dropped inside the timed loop (Go pays for them in GC time). Go's
//! DecodeStringSlice decodes into a reused slice (the strings are still allocated); serde
//! always builds a new `Vec`.
//!
//! Run: `cargo bench --bench codec -- --warm-up-time 1 --measurement-time 3`, and for Go
//! `cd go-interop && go run . bench-codec -count 3` (one JSON line per scenario).

use criterion::{criterion_group, criterion_main, Criterion};
use gobrpc::{DecoderState, EncoderState, GobType, Value};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;

/// Go: `rpc.Request` (only its name's last part, "Request", goes on the wire).
#[derive(Serialize, GobType)]
#[gob(name = "main.Request")]
struct Request<'a> {
    #[serde(rename = "ServiceMethod")]
    service_method: &'a str,
    #[serde(rename = "Seq")]
    seq: u64,
}

/// Go: `rpc.Response`.
#[derive(Deserialize)]
struct Response {
    #[serde(rename = "ServiceMethod")]
    service_method: String,
    #[serde(rename = "Seq")]
    seq: u64,
    #[serde(rename = "Error")]
    error: String,
}

/// Go: `type Args struct{ A, B int }`.
#[derive(Serialize, GobType)]
#[gob(name = "main.Args")]
struct Args {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: i64,
}

/// Go: `type Reply struct{ C int }`.
#[derive(Deserialize)]
struct Reply {
    #[serde(rename = "C")]
    c: i64,
}

/// Go's `encoding/gob` benchmark struct (timing_test.go).
#[derive(Serialize, Deserialize, GobType, PartialEq, Debug)]
#[gob(name = "main.Bench")]
struct Bench {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "B")]
    b: f64,
    #[serde(rename = "C")]
    c: String,
    #[serde(rename = "D")]
    d: ByteBuf,
}

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.split_whitespace().collect::<String>()).expect("valid hex")
}

/// Spec §2.1, call 1, client → server: typedef Request, Request{"Arith.Add", 0}, typedef
/// Args, Args{7, 8}.
const GO_CALL1: &str = "
    2e 7f 03 01 01 07 52 65 71 75 65 73 74 01 ff 80 00 01 02
    01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 00 00
    0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
    1e ff 81 03 01 01 04 41 72 67 73 01 ff 82 00 01 02 01 01 41 01 04 00 01 01 42 01 04 00 00 00
    07 ff 82 01 0e 01 10 00";
/// A later call (Seq 1, no typedefs): Request{"Arith.Add", 1}, Args{7, 8}.
const GO_CALL_SEQ1: &str = "
    10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
    07 ff 82 01 0e 01 10 00";
/// Spec §2.1, call 1, server → client: typedef Response, Response{"Arith.Add", 0, ""},
/// typedef Reply, Reply{15}.
const GO_REPLY1: &str = "
    39 7f 03 01 01 08 52 65 73 70 6f 6e 73 65 01 ff 80 00 01 03
    01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00
    01 05 45 72 72 6f 72 01 0c 00 00 00
    0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
    19 ff 81 03 01 01 05 52 65 70 6c 79 01 ff 82 00 01 01 01 01 43 01 04 00 00 00
    05 ff 82 01 1e 00";
/// A later reply (no typedefs): Response{"Arith.Add", 1, ""}, Reply{15}.
const GO_REPLY_SEQ1: &str = "
    10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
    05 ff 82 01 1e 00";

/// Go's bytes for `[]string` and `map[int]int` values: their first message is the typedef.
fn go_fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/gob/{name}.gob", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first message of a stream whose first length prefix is one byte.
fn first_message(stream: &[u8]) -> &[u8] {
    assert!(stream[0] < 0x80);
    &stream[..1 + stream[0] as usize]
}

fn encode_request_args(c: &mut Criterion) {
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
        "steady-state call differs from Go's bytes"
    );

    let mut seq = 1u64;
    c.bench_function("encode_request_args", |b| {
        b.iter(|| {
            seq += 1;
            buf.clear();
            enc.encode(&req(black_box(seq)), &mut buf).unwrap();
            enc.encode(black_box(&args), &mut buf).unwrap();
            black_box(buf.len())
        })
    });
}

fn decode_response_reply(c: &mut Criterion) {
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
    let once = |dec: &mut DecoderState| {
        let (r, n) = dec.decode::<Response>(black_box(&values)).unwrap().unwrap();
        let (reply, m) = dec.decode::<Reply>(&values[n..]).unwrap().unwrap();
        (r, reply, n + m)
    };
    let (r, reply, n) = once(&mut dec);
    assert_eq!(
        (
            r.service_method.as_str(),
            r.seq,
            r.error.as_str(),
            reply.c,
            n
        ),
        ("Arith.Add", 1, "", 15, values.len())
    );

    c.bench_function("decode_response_reply", |b| {
        b.iter(|| black_box(once(&mut dec)))
    });
}

fn decode_string_slice(c: &mut Criterion) {
    let strings = vec!["now is the time".to_string(); 1000];
    let bytes = gobrpc::to_vec(&strings).unwrap();
    // Go's typedef of []string (fixture `slice_string` starts with it).
    assert_eq!(
        first_message(&bytes),
        first_message(&go_fixture("slice_string"))
    );
    let (back, n) = DecoderState::new()
        .decode::<Vec<String>>(&bytes)
        .unwrap()
        .unwrap();
    assert_eq!((back, n), (strings, bytes.len()));

    c.bench_function("decode_string_slice_1000", |b| {
        b.iter(|| {
            let mut dec = DecoderState::new();
            black_box(dec.decode::<Vec<String>>(black_box(&bytes)).unwrap())
        })
    });

    let (v, _) = DecoderState::new().decode_value(&bytes).unwrap().unwrap();
    assert!(matches!(&v.value, Value::Slice(s) if s.len() == 1000));
    c.bench_function("decode_string_slice_1000_value", |b| {
        b.iter(|| {
            let mut dec = DecoderState::new();
            black_box(dec.decode_value(black_box(&bytes)).unwrap())
        })
    });
}

fn decode_map(c: &mut Criterion) {
    let map: BTreeMap<i64, i64> = (0..1000).map(|i| (i, i)).collect();
    let bytes = gobrpc::to_vec(&map).unwrap();
    // Go's typedef of map[int]int (fixture `map_3_entries` starts with it).
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

    c.bench_function("decode_map_int_int_1000", |b| {
        b.iter(|| {
            let mut dec = DecoderState::new();
            black_box(dec.decode::<HashMap<i64, i64>>(black_box(&bytes)).unwrap())
        })
    });

    let (v, _) = DecoderState::new().decode_value(&bytes).unwrap().unwrap();
    assert!(matches!(&v.value, Value::Map(m) if m.len() == 1000));
    c.bench_function("decode_map_int_int_1000_value", |b| {
        b.iter(|| {
            let mut dec = DecoderState::new();
            black_box(dec.decode_value(black_box(&bytes)).unwrap())
        })
    });
}

/// Go's value: `Bench{7, 3.14, "now is the time", bytes.Repeat([]byte("for all good men"), 100)}`.
#[allow(clippy::approx_constant)] // Go's 3.14, not π
fn bench_value() -> Bench {
    Bench {
        a: 7,
        b: 3.14,
        c: "now is the time".into(),
        d: ByteBuf::from(b"for all good men".repeat(100)),
    }
}

fn bench_struct(c: &mut Criterion) {
    let v = bench_value();
    let mut enc = EncoderState::new();
    let mut first = Vec::new();
    enc.encode(&v, &mut first).unwrap();
    let mut buf = Vec::with_capacity(4096);
    enc.encode(&v, &mut buf).unwrap();
    assert!(first.ends_with(&buf) && first.len() > buf.len());

    c.bench_function("encode_bench_struct", |b| {
        b.iter(|| {
            buf.clear();
            enc.encode(black_box(&v), &mut buf).unwrap();
            black_box(buf.len())
        })
    });

    let mut dec = DecoderState::new();
    let (back, n) = dec.decode::<Bench>(&first).unwrap().unwrap();
    assert_eq!((&back, n), (&v, first.len()));
    let (back, n) = dec.decode::<Bench>(&buf).unwrap().unwrap();
    assert_eq!((&back, n), (&v, buf.len()));

    c.bench_function("decode_bench_struct", |b| {
        b.iter(|| black_box(dec.decode::<Bench>(black_box(&buf)).unwrap()))
    });
}

criterion_group!(
    benches,
    encode_request_args,
    decode_response_reply,
    decode_string_slice,
    decode_map,
    bench_struct
);
criterion_main!(benches);

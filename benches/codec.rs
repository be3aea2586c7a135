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
//! The scenarios are the side-by-side harness's (`bench/src/scenarios.rs`, included by path),
//! so both measure the same work; every input is checked against Go's bytes (or decoded back)
//! before it is measured. The `_value` variants decode into the dynamic `TypedValue`.
//!
//! Run: `cargo bench --bench codec -- --warm-up-time 1 --measurement-time 3`, and for Go
//! `cd go-interop && go run . bench-codec -count 3` (one JSON line per scenario).

#[allow(dead_code)]
#[path = "../bench/src/scenarios.rs"]
mod scenarios;

use criterion::{criterion_group, criterion_main, Criterion};
use gobrpc::{DecoderState, Value};
use std::collections::BTreeMap;
use std::hint::black_box;

/// The scenarios shared with the harness.
fn shared(c: &mut Criterion) {
    for name in scenarios::SCENARIOS {
        let mut op = scenarios::gobrpc_op(name);
        c.bench_function(name, |b| b.iter(&mut op));
    }
}

/// Decoding the same streams into `TypedValue` (a fresh decoder per op, as Go's).
fn dynamic(c: &mut Criterion) {
    let strings = gobrpc::to_vec(&vec!["now is the time".to_string(); 1000]).unwrap();
    let map: BTreeMap<i64, i64> = (0..1000).map(|i| (i, i)).collect();
    let map = gobrpc::to_vec(&map).unwrap();
    let (v, _) = DecoderState::new().decode_value(&strings).unwrap().unwrap();
    assert!(matches!(&v.value, Value::Slice(s) if s.len() == 1000));
    let (v, _) = DecoderState::new().decode_value(&map).unwrap().unwrap();
    assert!(matches!(&v.value, Value::Map(m) if m.len() == 1000));
    for (name, bytes) in [
        ("decode_string_slice_1000_value", strings),
        ("decode_map_int_int_1000_value", map),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| {
                let mut dec = DecoderState::new();
                black_box(dec.decode_value(black_box(&bytes)).unwrap())
            })
        });
    }
}

criterion_group!(benches, shared, dynamic);
criterion_main!(benches);

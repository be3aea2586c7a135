//! Codec scenarios, in process: gobrpc's (`scenarios.rs`), the same values through the
//! `gobwire` crate, and a plain timing loop. Go's side is `gointerop bench-codec`.

pub use crate::scenarios::*;
use gobrpc::{DecoderState, EncoderState, GobType};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// The same values through the `gobwire` crate.
mod gw {
    use gobwire::Gob;

    #[derive(Gob, Default, Debug)]
    #[gob(name = "Request")]
    pub struct Request {
        #[gob(name = "ServiceMethod")]
        pub service_method: String,
        #[gob(name = "Seq")]
        pub seq: u64,
    }

    #[derive(Gob, Default, Debug)]
    #[gob(name = "Response")]
    pub struct Response {
        #[gob(name = "ServiceMethod")]
        pub service_method: String,
        #[gob(name = "Seq")]
        pub seq: u64,
        #[gob(name = "Error")]
        pub error: String,
    }

    #[derive(Gob, Default, Debug)]
    #[gob(name = "Args")]
    pub struct Args {
        #[gob(name = "A")]
        pub a: i64,
        #[gob(name = "B")]
        pub b: i64,
    }

    #[derive(Gob, Default, Debug)]
    #[gob(name = "Reply")]
    pub struct Reply {
        #[gob(name = "C")]
        pub c: i64,
    }

    #[derive(Gob, Default, Debug, PartialEq)]
    #[gob(name = "Bench")]
    pub struct Bench {
        #[gob(name = "A")]
        pub a: i64,
        #[gob(name = "B")]
        pub b: f64,
        #[gob(name = "C")]
        pub c: String,
        #[gob(name = "D")]
        pub d: Vec<u8>,
    }

    #[derive(Gob, Default, Debug, PartialEq)]
    #[gob(name = "TenStrings")]
    pub struct TenStrings {
        #[gob(name = "F0")]
        pub f0: String,
        #[gob(name = "F1")]
        pub f1: String,
        #[gob(name = "F2")]
        pub f2: String,
        #[gob(name = "F3")]
        pub f3: String,
        #[gob(name = "F4")]
        pub f4: String,
        #[gob(name = "F5")]
        pub f5: String,
        #[gob(name = "F6")]
        pub f6: String,
        #[gob(name = "F7")]
        pub f7: String,
        #[gob(name = "F8")]
        pub f8: String,
        #[gob(name = "F9")]
        pub f9: String,
    }

    #[allow(clippy::approx_constant)] // Go's 3.14, not π
    pub fn bench_value() -> Bench {
        Bench {
            a: 7,
            b: 3.14,
            c: "now is the time".into(),
            d: b"for all good men".repeat(100),
        }
    }

    /// Feeds every message of `stream` to `dec`; true when a value is ready.
    pub fn push_all(dec: &mut gobwire::Decoder, mut stream: &[u8]) -> gobwire::Result<bool> {
        let mut ready = false;
        while !stream.is_empty() {
            let (width, len) = gobwire::parse_length_prefix(stream)?.expect("whole prefix");
            ready = dec.push_message(&stream[width..width + len])? == gobwire::Progress::Ready;
            stream = &stream[width + len..];
        }
        Ok(ready)
    }

    /// Decodes one value that starts `stream`, returning it and the bytes it took.
    pub fn decode_one<T: gobwire::Decode + Default>(
        dec: &mut gobwire::Decoder,
        mut stream: &[u8],
    ) -> (T, usize) {
        let total = stream.len();
        loop {
            let (width, len) = gobwire::parse_length_prefix(stream)
                .unwrap()
                .expect("whole prefix");
            let progress = dec.push_message(&stream[width..width + len]).unwrap();
            stream = &stream[width + len..];
            if progress == gobwire::Progress::Ready {
                return (dec.decode().unwrap(), total - stream.len());
            }
        }
    }
}

/// gobwire's op for `name`, checked against Go's bytes first.
pub fn gobwire_op(name: &str) -> Op {
    use gw::decode_one;
    match name {
        "encode_request_args" => {
            let mut enc = gobwire::Encoder::new();
            let mut buf = Vec::with_capacity(256);
            let args = gw::Args { a: 7, b: 8 };
            let mut req = gw::Request {
                service_method: "Arith.Add".into(),
                seq: 0,
            };
            enc.encode_into(&req, &mut buf).unwrap();
            enc.encode_into(&args, &mut buf).unwrap();
            // gobwire numbers its first type 65 where Go uses 64 (so its first call is 102
            // bytes, not 101). Checked instead: the steady-state call is as long as Go's,
            // and gobrpc decodes both calls to the same values.
            let first = std::mem::take(&mut buf);
            req.seq = 1;
            enc.encode_into(&req, &mut buf).unwrap();
            enc.encode_into(&args, &mut buf).unwrap();
            assert_eq!(
                buf.len(),
                hex(GO_CALL_SEQ1).len(),
                "gobwire: steady call length differs from Go's"
            );
            let mut dec = DecoderState::new();
            for (bytes, seq) in [(&first, 0), (&buf, 1)] {
                let (r, n) = dec.decode::<DeRequest>(bytes).unwrap().unwrap();
                let (a, m) = dec.decode::<Args>(&bytes[n..]).unwrap().unwrap();
                assert_eq!(
                    (r.service_method.as_str(), r.seq, a.a, a.b, n + m),
                    ("Arith.Add", seq, 7, 8, bytes.len()),
                    "gobwire: call decodes wrong"
                );
            }
            Box::new(move || {
                req.seq += 1;
                buf.clear();
                enc.encode_into(black_box(&req), &mut buf).unwrap();
                enc.encode_into(black_box(&args), &mut buf).unwrap();
                black_box(buf.len());
            })
        }
        "decode_response_reply" => {
            let mut dec = gobwire::Decoder::new();
            let first = hex(GO_REPLY1);
            let (r, n1) = decode_one::<gw::Response>(&mut dec, &first);
            assert_eq!((r.service_method.as_str(), r.seq), ("Arith.Add", 0));
            let (reply, n2) = decode_one::<gw::Reply>(&mut dec, &first[n1..]);
            assert_eq!((reply.c, n1 + n2), (15, first.len()));
            let values = hex(GO_REPLY_SEQ1);
            let (r, n) = decode_one::<gw::Response>(&mut dec, &values);
            let (reply, m) = decode_one::<gw::Reply>(&mut dec, &values[n..]);
            assert_eq!((r.seq, reply.c, n + m), (1, 15, values.len()));
            Box::new(move || {
                let (r, n) = decode_one::<gw::Response>(&mut dec, black_box(&values));
                let (reply, _) = decode_one::<gw::Reply>(&mut dec, &values[n..]);
                black_box((r, reply));
            })
        }
        "decode_string_slice_1000" => {
            let strings = vec!["now is the time".to_string(); 1000];
            let bytes = gobrpc::to_vec(&strings).unwrap();
            let (back, n) = decode_one::<Vec<String>>(&mut gobwire::Decoder::new(), &bytes);
            assert_eq!((back, n), (strings, bytes.len()));
            Box::new(move || {
                let mut dec = gobwire::Decoder::new();
                black_box(decode_one::<Vec<String>>(&mut dec, black_box(&bytes)));
            })
        }
        "decode_map_int_int_1000" => {
            let map: HashMap<i64, i64> = (0..1000).map(|i| (i, i)).collect();
            let bytes = gobrpc::to_vec(&map).unwrap();
            let (back, n) = decode_one::<HashMap<i64, i64>>(&mut gobwire::Decoder::new(), &bytes);
            assert_eq!((back, n), (map, bytes.len()));
            Box::new(move || {
                let mut dec = gobwire::Decoder::new();
                black_box(decode_one::<HashMap<i64, i64>>(&mut dec, black_box(&bytes)));
            })
        }
        "encode_bench_struct" => {
            let v = gw::bench_value();
            let mut enc = gobwire::Encoder::new();
            let mut first = Vec::new();
            enc.encode_into(&v, &mut first).unwrap();
            let mut buf = Vec::with_capacity(4096);
            enc.encode_into(&v, &mut buf).unwrap();
            assert!(first.ends_with(&buf) && first.len() > buf.len());
            // Same length as gobrpc's steady-state bytes (type ids differ: 65 vs 64), and
            // gobrpc decodes it back.
            let mut ours = EncoderState::new();
            let mut ours_buf = Vec::new();
            ours.encode(&bench_value(), &mut ours_buf).unwrap();
            ours_buf.clear();
            ours.encode(&bench_value(), &mut ours_buf).unwrap();
            assert_eq!(buf.len(), ours_buf.len(), "gobwire: Bench length differs");
            let mut dec = DecoderState::new();
            let (back, n) = dec.decode::<Bench>(&first).unwrap().unwrap();
            assert_eq!(
                (back, n),
                (bench_value(), first.len()),
                "gobwire: Bench decodes wrong"
            );
            Box::new(move || {
                buf.clear();
                enc.encode_into(black_box(&v), &mut buf).unwrap();
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
            let mut dec = gobwire::Decoder::new();
            assert!(gw::push_all(&mut dec, &first).unwrap());
            let back: gw::Bench = dec.decode().unwrap();
            assert_eq!(back, gw::bench_value());
            let (back, n) = decode_one::<gw::Bench>(&mut dec, &buf);
            assert_eq!((back, n), (gw::bench_value(), buf.len()));
            Box::new(move || {
                black_box(decode_one::<gw::Bench>(&mut dec, black_box(&buf)));
            })
        }
        REPLY_10 => {
            let (first, values) = ten_strings_stream();
            let mut dec = gobwire::Decoder::new();
            let (back, n) = decode_one::<gw::TenStrings>(&mut dec, &first);
            assert_eq!(
                (back.f9.as_str(), n),
                (ten_strings()[9].as_str(), first.len())
            );
            let (back, n) = decode_one::<gw::TenStrings>(&mut dec, &values);
            assert_eq!(
                (back.f0.as_str(), n),
                (ten_strings()[0].as_str(), values.len())
            );
            Box::new(move || {
                black_box(decode_one::<gw::TenStrings>(&mut dec, black_box(&values)));
            })
        }
        _ => panic!("unknown codec scenario {name}"),
    }
}

// ---- borrowed decoding (issue 16) ----------------------------------------------------------

/// A reply of ten strings, decoded steady state (its type definition already seen), into a
/// fresh value per op. Go's side: `benchDecodeTenStrings` in go-interop/bench.go.
pub const REPLY_10: &str = "decode_reply_10_strings";

/// The scenarios of `scenarios.rs`, then [`REPLY_10`].
pub const SCENARIOS: [&str; crate::scenarios::SCENARIOS.len() + 1] = {
    let base = crate::scenarios::SCENARIOS;
    let mut all = [REPLY_10; crate::scenarios::SCENARIOS.len() + 1];
    let mut i = 0;
    while i < base.len() {
        all[i] = base[i];
        i += 1;
    }
    all
};

/// The libraries a codec scenario runs on: gobrpc into owned values, gobrpc into borrowed
/// values (the scenarios of [`borrowed_target`]), and gobwire.
pub const LIBS: [&str; 3] = ["gobrpc", "gobrpc_borrowed", "gobwire"];

/// True if `lib` has an op for scenario `name`.
pub fn runs_on(lib: &str, name: &str) -> bool {
    lib != "gobrpc_borrowed" || borrowed_target(name).is_some()
}

/// `lib`'s op for scenario `name` (see [`runs_on`]).
pub fn lib_op(lib: &str, name: &str) -> Op {
    match lib {
        "gobrpc" => gobrpc_op(name),
        "gobrpc_borrowed" => borrowed_op(name),
        _ => gobwire_op(name),
    }
}

/// The target for the borrowed row of `name` (its time ÷ Go's), and what it decodes
/// into; `None` for a scenario without a borrowed row.
pub fn borrowed_target(name: &str) -> Option<(f64, &'static str)> {
    match name {
        "decode_string_slice_1000" => Some((0.35, "Vec<&str>")),
        REPLY_10 => Some((0.4, "a struct of ten &str")),
        _ => None,
    }
}

/// The target of an owned row of `name`: `ratio`, but none for [`REPLY_10`], whose owned
/// and gobwire rows are there for comparison with its borrowed row.
pub fn owned_target(name: &str, ratio: f64) -> crate::table::Target {
    match name {
        REPLY_10 => crate::table::Target::None,
        _ => crate::table::Target::RatioMax(ratio),
    }
}

/// gobrpc's op for `name` into owned values.
pub fn gobrpc_op(name: &str) -> Op {
    if name != REPLY_10 {
        return crate::scenarios::gobrpc_op(name);
    }
    let (first, values) = ten_strings_stream();
    let mut dec = DecoderState::new();
    let (back, _) = dec.decode::<TenStrings>(&first).unwrap().unwrap();
    assert_eq!(back, ten_strings_value());
    Box::new(move || {
        let (r, _) = dec
            .decode::<TenStrings>(black_box(&values))
            .unwrap()
            .unwrap();
        black_box(r);
    })
}

/// gobrpc's op for `name` into borrowed values, with the same semantics as its owned op.
pub fn borrowed_op(name: &str) -> Op {
    match name {
        "decode_string_slice_1000" => {
            let strings = vec!["now is the time".to_string(); 1000];
            let bytes = gobrpc::to_vec(&strings).unwrap();
            let (back, n) = DecoderState::new()
                .decode::<Vec<&str>>(&bytes)
                .unwrap()
                .unwrap();
            assert!(back == strings && n == bytes.len());
            Box::new(move || {
                let mut dec = DecoderState::new();
                black_box(dec.decode::<Vec<&str>>(black_box(&bytes)).unwrap());
            })
        }
        REPLY_10 => {
            let (first, values) = ten_strings_stream();
            let mut dec = DecoderState::new();
            let (back, _) = dec.decode::<TenStringsRef>(&first).unwrap().unwrap();
            assert_eq!(ten_strings(), back.fields());
            let (back, n) = dec.decode::<TenStringsRef>(&values).unwrap().unwrap();
            assert!(ten_strings() == back.fields() && n == values.len());
            Box::new(move || {
                let (r, _) = dec
                    .decode::<TenStringsRef>(black_box(&values))
                    .unwrap()
                    .unwrap();
                black_box(r);
            })
        }
        _ => panic!("no borrowed op for codec scenario {name}"),
    }
}

/// The ten strings, as Go's side builds them (`fmt.Sprintf("value %d: now is the time", i)`).
fn ten_strings() -> Vec<String> {
    (0..10)
        .map(|i| format!("value {i}: now is the time"))
        .collect()
}

/// Go: `type TenStrings struct { F0, F1, …, F9 string }`.
#[derive(Deserialize, Debug, PartialEq)]
#[serde(rename_all = "UPPERCASE")]
pub struct TenStrings {
    f0: String,
    f1: String,
    f2: String,
    f3: String,
    f4: String,
    f5: String,
    f6: String,
    f7: String,
    f8: String,
    f9: String,
}

/// [`TenStrings`] borrowed from the reply's bytes (and what the stream is encoded from).
#[derive(Serialize, Deserialize, GobType, Debug)]
#[gob(name = "main.TenStrings")]
#[serde(rename_all = "UPPERCASE")]
pub struct TenStringsRef<'a> {
    f0: &'a str,
    f1: &'a str,
    f2: &'a str,
    f3: &'a str,
    f4: &'a str,
    f5: &'a str,
    f6: &'a str,
    f7: &'a str,
    f8: &'a str,
    f9: &'a str,
}

impl TenStringsRef<'_> {
    fn fields(&self) -> [&str; 10] {
        [
            self.f0, self.f1, self.f2, self.f3, self.f4, self.f5, self.f6, self.f7, self.f8,
            self.f9,
        ]
    }
}

fn ten_strings_value() -> TenStrings {
    let [f0, f1, f2, f3, f4, f5, f6, f7, f8, f9] =
        <[String; 10]>::try_from(ten_strings()).expect("ten");
    TenStrings {
        f0,
        f1,
        f2,
        f3,
        f4,
        f5,
        f6,
        f7,
        f8,
        f9,
    }
}

/// The first value of a stream (type definition and value) and a later one (value only).
fn ten_strings_stream() -> (Vec<u8>, Vec<u8>) {
    let s = ten_strings();
    let v = TenStringsRef {
        f0: &s[0],
        f1: &s[1],
        f2: &s[2],
        f3: &s[3],
        f4: &s[4],
        f5: &s[5],
        f6: &s[6],
        f7: &s[7],
        f8: &s[8],
        f9: &s[9],
    };
    let mut enc = EncoderState::new();
    let (mut first, mut values) = (Vec::new(), Vec::new());
    enc.encode(&v, &mut first).unwrap();
    enc.encode(&v, &mut values).unwrap();
    assert!(first.ends_with(&values) && first.len() > values.len());
    (first, values)
}

/// ns per op of `op` run exactly `n` times, no warm-up (for instruction counts).
pub fn run_fixed(op: &mut Op, n: u64) -> (f64, u64) {
    let t = Instant::now();
    for _ in 0..n {
        op();
    }
    (t.elapsed().as_nanos() as f64 / n.max(1) as f64, n)
}

/// ns per op of `op`: calibrated so one sample lasts about `sample`, `samples` samples, the
/// median sample reported (after a warm-up of about one sample).
pub fn time_op(op: &mut Op, sample: Duration, samples: usize) -> (f64, u64) {
    // Calibrate: double until a batch takes ≥ 10 ms.
    let mut iters: u64 = 1;
    let per_op = loop {
        let t = Instant::now();
        for _ in 0..iters {
            op();
        }
        let e = t.elapsed();
        if e >= Duration::from_millis(10) {
            break e.as_secs_f64() / iters as f64;
        }
        iters *= 2;
    };
    let n = ((sample.as_secs_f64() / per_op) as u64).max(1);
    // Warm-up.
    for _ in 0..n {
        op();
    }
    let mut ns: Vec<f64> = (0..samples.max(1))
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                op();
            }
            t.elapsed().as_nanos() as f64 / n as f64
        })
        .collect();
    ns.sort_by(f64::total_cmp);
    (ns[ns.len() / 2], n)
}

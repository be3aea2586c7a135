//! Typed negative cases and limits: every malformed Go fixture decoded into a Rust type that
//! mirrors Go's target is an error (never a panic) worded like Go's where we follow Go;
//! truncated streams fail exactly where Go's do; and hostile inputs (deep nesting, lying
//! lengths, type-definition floods, huge interface names) hit a limit with bounded stack
//! and memory.

mod common;

use common::gotypes::{Float32Field, Int8Field, Point, Request, Small, Temp, Version, AB};
use gobrpc::types::{BigInt, GoTime};
use gobrpc::{Category, Decoder, DecoderState, Error, GobType, Limits, TypedValue};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;
use std::fmt::Debug;
use std::io::Read;
use std::sync::{Mutex, MutexGuard};

// ---- Rust mirrors of the Go targets ----------------------------------------------------
// (with `Point`, `AB`, `Small`, `Int8Field`, `Float32Field`, `Request`, `Temp` and `Version`
// from `common::gotypes`)

/// `main.OnlyInt`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct OnlyInt {
    #[serde(rename = "Int")]
    int: i64,
}

/// `main.ET2`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct ET2 {
    #[serde(rename = "X")]
    x: String,
}

/// `main.DeepNode` / any `struct { Next *Node }`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct DeepNode {
    #[serde(rename = "Next")]
    next: Option<Box<DeepNode>>,
}

/// `struct {}`
#[derive(Debug, Deserialize)]
struct Empty {}

/// `interface{}` with the concrete types the fixtures' Go side registered.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Any {
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "main.Point")]
    Point(Point),
}

/// `fmt.Stringer`: no concrete type of the fixtures implements it.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Stringer {
    Nil,
    #[serde(rename = "main.Celsius")]
    Celsius(f64),
}

/// `main.StringerHolder { I fmt.Stringer }`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct StringerHolder {
    #[serde(rename = "I")]
    i: Stringer,
}

/// Decodes the first value of `bytes` into `T` with `Decoder` (std::io).
fn first<T: DeserializeOwned + Debug>(bytes: &[u8]) -> Result<String, Error> {
    let mut dec = Decoder::new(bytes);
    dec.decode::<T>().map(|v| format!("{v:?}"))
}

/// Decodes the first value of `bytes` into the Rust mirror of Go's `target`.
fn decode_as(target: &str, bytes: &[u8]) -> Option<Result<String, Error>> {
    Some(match target {
        "*[]int" => first::<Vec<i64>>(bytes),
        "*[2]int" => first::<[i64; 2]>(bytes),
        "*[3]int" => first::<[i64; 3]>(bytes),
        "*main.OnlyInt" => first::<OnlyInt>(bytes),
        "*main.ET2" => first::<ET2>(bytes),
        "*int" => first::<i64>(bytes),
        "*big.Int" => first::<BigInt>(bytes),
        "*main.Temp" => first::<Temp>(bytes),
        "*string" => first::<String>(bytes),
        "*[]uint8" => first::<ByteBuf>(bytes),
        "*interface {}" => first::<Any>(bytes),
        "*main.DeepNode" => first::<DeepNode>(bytes),
        "*main.Point" => first::<Point>(bytes),
        "*main.Float32Field" => first::<Float32Field>(bytes),
        "*main.Int8Field" => first::<Int8Field>(bytes),
        "*float32" => first::<f32>(bytes),
        "*main.Version" => first::<Version>(bytes),
        "*main.StringerHolder" => first::<StringerHolder>(bytes),
        "*float64" => first::<f64>(bytes),
        "*int8" => first::<i8>(bytes),
        "*uint" => first::<u64>(bytes),
        "*struct {}" => first::<Empty>(bytes),
        "*[]*struct {}" => first::<Vec<Option<Box<Empty>>>>(bytes),
        "*map[int]int" => first::<HashMap<i64, i64>>(bytes),
        "*map[string]int8" => first::<HashMap<String, i8>>(bytes),
        "*rpc.Request" => first::<Request>(bytes),
        "*[]int8" => first::<Vec<i8>>(bytes),
        "*[]main.Point" => first::<Vec<Point>>(bytes),
        "*time.Time" => first::<GoTime>(bytes),
        "*uint8" => first::<u8>(bytes),
        _ => return None,
    })
}

/// The tests of this file run one at a time: the limit tests measure the process's peak RSS,
/// which any other test running alongside would disturb.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// Checks what every error must satisfy: a non-empty message, an offset inside the input.
fn check_error_shape(name: &str, e: &Error, input_len: usize, failures: &mut Vec<String>) {
    if e.to_string().is_empty() || e.message().is_empty() {
        failures.push(format!("{name}: empty error message ({e:?})"));
    }
    if let Some(off) = e.offset() {
        if off > input_len as u64 {
            failures.push(format!(
                "{name}: offset {off} beyond the input's {input_len} bytes ({e})"
            ));
        }
    }
}

// ---- (a) typed negative fixtures -------------------------------------------------------

/// What our error must look like for a fixture.
enum Expect {
    /// We follow Go's wording: the message contains all these parts of Go's message.
    Go(&'static [&'static str]),
    /// Our wording differs from Go's: the category is checked instead.
    Cat(Category),
}

use Expect::{Cat, Go};

/// Every typed negative fixture, with what our error must be.
const TYPED: &[(&str, Expect)] = &[
    ("array_len_mismatch_type", Cat(Category::Type)),
    (
        "array_wrong_length",
        Go(&["gob: length mismatch in decodeArray"]),
    ),
    (
        "array_wrong_length_ignored",
        Go(&["gob: length mismatch in ignoreArray"]),
    ),
    ("baddata_2", Cat(Category::Corrupt)),
    ("baddata_3", Cat(Category::Corrupt)),
    ("bigint_into_int", Cat(Category::Type)),
    (
        "bigint_payload_invalid",
        Go(&["Int.GobDecode: encoding version 3 not supported"]),
    ),
    ("bool_into_int", Cat(Category::Type)),
    ("bytes_into_string", Cat(Category::Type)),
    ("bytes_len_exceeds_message", Cat(Category::Corrupt)),
    ("concrete_into_iface", Cat(Category::Custom)),
    // Go crashes on it; we must stop at the depth limit.
    ("deep_nested_node_100k", Cat(Category::Limit)),
    (
        "delta_past_after_valid",
        Go(&["gob: bad data: field numbers out of bounds"]),
    ),
    (
        "delta_past_last_field",
        Go(&["gob: bad data: field numbers out of bounds"]),
    ),
    ("duplicate_typedef", Go(&["gob: duplicate type received"])),
    ("empty_message", Cat(Category::Corrupt)),
    ("empty_message_then_value", Cat(Category::Corrupt)),
    (
        "field_float32_out_of_range",
        Go(&[r#"value for "F" out of range"#]),
    ),
    (
        "field_int8_out_of_range",
        Go(&[r#"value for "A" out of range"#]),
    ),
    ("float_into_float32_out_of_range", Go(&["out of range"])),
    ("iface_into_concrete", Cat(Category::Type)),
    ("iface_name_1024_unregistered", Cat(Category::Custom)),
    ("iface_name_1025", Go(&["gob: name too long (1025 bytes)"])),
    (
        "iface_name_1mib",
        Go(&["gob: name too long (1048576 bytes)"]),
    ),
    (
        "iface_name_len_exceeds",
        Go(&["gob: invalid type name length 100: exceeds input size"]),
    ),
    ("iface_name_unregistered", Cat(Category::Custom)),
    ("iface_not_assignable", Cat(Category::Custom)),
    ("iface_type_mismatch", Cat(Category::Type)),
    ("ignore_depth_limit", Cat(Category::Limit)),
    ("int_into_float", Cat(Category::Type)),
    ("int_into_int8_out_of_range", Go(&["out of range"])),
    ("int_into_string", Cat(Category::Type)),
    (
        "int_into_struct",
        Go(&[
            "gob: type mismatch in decoder: want struct type",
            "got non-struct",
        ]),
    ),
    ("int_into_uint", Cat(Category::Type)),
    (
        "invalid_type_id",
        Go(&["gob: unknown type id or corrupted data"]),
    ),
    ("local_remote_mismatch", Cat(Category::Type)),
    ("map_count_2pow40", Cat(Category::Corrupt)),
    ("map_elem_int8_out_of_range", Go(&["out of range"])),
    ("map_into_slice", Cat(Category::Type)),
    ("map_key_mismatch", Cat(Category::Type)),
    (
        "no_fields_matched",
        Go(&["gob: type mismatch: no fields matched compiling decoder for Point"]),
    ),
    (
        "no_fields_matched_zero",
        Go(&["gob: type mismatch: no fields matched compiling decoder for Point"]),
    ),
    (
        "rpc_header_not_struct",
        Go(&[
            "gob: type mismatch in decoder: want struct type",
            "got non-struct",
        ]),
    ),
    (
        "rpc_seq_as_int",
        Go(&["gob: wrong type (", ") for received field "]),
    ),
    (
        "singleton_nonzero_delta",
        Go(&["gob: decode: corrupted data: non-zero delta for singleton"]),
    ),
    ("slice_count_2pow40", Cat(Category::Corrupt)),
    ("slice_count_exceeds_input", Go(&["exceeds input size"])),
    ("slice_elem_int8_out_of_range", Go(&["out of range"])),
    (
        "slice_struct_count_exceeds_input",
        Go(&["exceeds input size"]),
    ),
    ("string_len_exceeds_message", Cat(Category::Corrupt)),
    ("string_len_huge", Cat(Category::Corrupt)),
    ("struct_into_int", Cat(Category::Type)),
    ("struct_into_time", Cat(Category::Type)),
    (
        "time_bad_payload",
        Go(&["Time.UnmarshalBinary: unsupported version"]),
    ),
    (
        "time_into_struct",
        Go(&[
            "gob: type mismatch in decoder: want struct type",
            "got non-struct",
        ]),
    ),
    (
        "time_payload_invalid",
        Go(&["Time.UnmarshalBinary: invalid length"]),
    ),
    ("truncated_typedef_message", Go(&["unexpected EOF"])),
    ("truncated_typedef_payload", Cat(Category::Corrupt)),
    ("typedef_empty_wiretype", Cat(Category::Corrupt)),
    ("typedef_id_63", Go(&["gob: duplicate type received"])),
    (
        "typedef_id_builtin_6",
        Go(&["gob: duplicate type received"]),
    ),
    ("typedef_unknown_elem", Cat(Category::Type)),
    ("typedef_value_merged", Go(&["extra data in buffer"])),
    ("typedefs_then_eof", Go(&["unexpected EOF"])),
    (
        "uint_9_bytes_in_value",
        Go(&["gob: encoded unsigned integer out of range"]),
    ),
    (
        "uint_first_byte_0x80",
        Go(&["gob: encoded unsigned integer out of range"]),
    ),
    ("uint_into_int", Cat(Category::Type)),
    ("uint_into_uint8_out_of_range", Go(&["out of range"])),
    (
        "uint_truncated_in_value",
        Go(&["gob: invalid uint data length 2: exceeds input size 1"]),
    ),
    ("undefined_value_id", Cat(Category::Corrupt)),
    (
        "wiretype_field_delta_8",
        Go(&["field numbers out of bounds"]),
    ),
    (
        "wrong_field_type",
        Go(&["gob: wrong type (", ") for received field "]),
    ),
];

/// Typed fixtures we decode although Go refuses them: `string_into_bytes` on purpose (a Go
/// string that is not UTF-8 needs a bytes type to land in; see
/// `go_string_into_bytes_is_accepted_on_purpose`), the others are bugs (the ignored tests).
const ACCEPTED: &[&str] = &[
    "string_into_bytes",
    "array_into_slice",
    "slice_into_array",
    "binmarshal_into_gobdecoder",
    "gobenc_into_binunmarshaler",
];

/// Decodes a fixture Go refuses into the mirror of its Go target, catching panics: our error
/// (whose shape is checked), or `None` with the failure recorded (a panic, no mirror for the
/// target, or a value decoded where Go failed).
fn refused(meta: &common::Meta, bytes: &[u8], failures: &mut Vec<String>) -> Option<Error> {
    let (name, target) = (&meta.name, meta.target.as_deref().unwrap_or("nil"));
    let go = meta.go_error.as_deref().unwrap_or("");
    let failure = match std::panic::catch_unwind(|| decode_as(target, bytes)) {
        Err(_) => format!("{name}: PANICKED decoding into {target}"),
        Ok(None) => format!("{name}: no Rust mirror for Go target {target}"),
        Ok(Some(Ok(v))) => format!("{name}: decoded {v:.100} into {target}; Go: {go:.100}"),
        Ok(Some(Err(e))) => {
            check_error_shape(name, &e, bytes.len(), failures);
            return Some(e);
        }
    };
    failures.push(failure);
    None
}

#[test]
fn typed_negative_fixtures_are_errors_like_go() {
    let _g = serial();
    let mut failures = Vec::new();
    let mut seen = 0;
    for (meta, bytes) in common::load("gob-bad") {
        let target = meta.target.as_deref().unwrap_or("nil");
        if target == "nil" || ACCEPTED.contains(&meta.name.as_str()) {
            continue;
        }
        let Some((_, expect)) = TYPED.iter().find(|(n, _)| *n == meta.name) else {
            failures.push(format!("{}: new fixture, not in TYPED", meta.name));
            continue;
        };
        seen += 1;
        assert_eq!(meta.values_before_error, 0, "{}", meta.name);
        let go = meta.go_error.as_deref().unwrap_or("");
        let Some(e) = refused(&meta, &bytes, &mut failures) else {
            continue;
        };
        match expect {
            Go(parts) => {
                for p in *parts {
                    assert!(
                        go.contains(p),
                        "{}: {p:?} is not part of Go's {go:?}",
                        meta.name
                    );
                    if !e.message().contains(p) {
                        failures.push(format!(
                            "{}: {:?} lacks Go's {p:?} (Go: {go:.100})",
                            meta.name,
                            e.message()
                        ));
                    }
                }
            }
            Cat(c) => {
                if e.category() != *c {
                    failures.push(format!(
                        "{}: category {:?}, want {c:?}: {e:.150} (Go: {go:.100})",
                        meta.name,
                        e.category()
                    ));
                }
            }
        }
        // Go's io errors map to our categories.
        if go == "unexpected EOF" && e.category() != Category::UnexpectedEof {
            failures.push(format!("{}: {e} is not UnexpectedEof", meta.name));
        }
    }
    assert_eq!(seen, TYPED.len(), "some fixtures in TYPED are missing");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Runs the fixtures named, each of which Go refuses, and requires an error of `category`.
fn expect_errors(names: &[&str], category: Category) {
    let mut failures = Vec::new();
    for (meta, bytes) in common::load("gob-bad") {
        if !names.contains(&meta.name.as_str()) {
            continue;
        }
        match refused(&meta, &bytes, &mut failures) {
            Some(e) if e.category() != category => failures.push(format!(
                "{}: {:?} error {e}, want {category:?}",
                meta.name,
                e.category()
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Go: `gob: decoding into local type *[]int, received remote type [3]int` (and the reverse);
/// spec §1.9: `[]int`↔`[3]int` is an error.
#[test]
fn array_slice_cross_decoding_is_rejected() {
    let _g = serial();
    expect_errors(&["array_into_slice", "slice_into_array"], Category::Type);
}

/// Go: `gob: decoding into local type *main.Temp, received remote type Addr`: a
/// BinaryMarshaler payload is not a GobDecoder's, nor the reverse (spec §1.8).
#[test]
fn marshaler_kind_mismatch_is_rejected() {
    let _g = serial();
    expect_errors(
        &["binmarshal_into_gobdecoder", "gobenc_into_binunmarshaler"],
        Category::Type,
    );
}

/// Go refuses a `string` into `*[]byte`; we accept it deliberately (src/de/value.rs: "a Go
/// string into bytes: how to hold a string that is not UTF-8").
#[test]
fn go_string_into_bytes_is_accepted_on_purpose() {
    let _g = serial();
    let bytes =
        std::fs::read(common::fixtures_dir().join("gob-bad/string_into_bytes.gob")).unwrap();
    let mut dec = Decoder::new(&bytes[..]);
    assert_eq!(dec.decode::<ByteBuf>().unwrap().into_vec(), b"x");
    assert!(dec.decode::<ByteBuf>().unwrap_err().is_eof());
}

// ---- (b) truncations ----------------------------------------------------------------------

/// The interface values of the truncation streams.
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
enum Iface {
    Nil,
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "main.Small")]
    Small(Small),
    #[serde(rename = "main.IfaceHolder")]
    Holder(Box<IfaceHolder>),
}

/// `main.IfaceHolder`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct IfaceHolder {
    #[serde(rename = "I")]
    i: Iface,
}

/// `main.Two`
#[derive(Debug, Deserialize)]
#[allow(dead_code)]
#[serde(rename_all = "UPPERCASE")]
struct Two {
    i: Iface,
    n: i64,
}

#[derive(Clone, Copy, Debug)]
enum T {
    Point,
    AB,
    Two,
    Holder,
}

/// The Go types each truncation stream's values are decoded into, in order.
fn stream_types(name: &str) -> &'static [T] {
    match name {
        "two_types_one_stream" => &[T::Point, T::AB, T::Point],
        "iface_struct_twice" => &[T::Two, T::Two],
        "struct_point_twice" => &[T::Point, T::Point],
        "iface_nested" => &[T::Holder],
        _ => panic!("truncations.json has a new stream {name}"),
    }
}

/// One sans-IO step: `Some(used)` for a whole value, `None` for "need more".
fn step(st: &mut DecoderState, t: T, buf: &[u8]) -> gobrpc::Result<Option<usize>> {
    fn one<V: DeserializeOwned>(st: &mut DecoderState, b: &[u8]) -> gobrpc::Result<Option<usize>> {
        Ok(st.decode::<V>(b)?.map(|(_, n)| n))
    }
    match t {
        T::Point => one::<Point>(st, buf),
        T::AB => one::<AB>(st, buf),
        T::Two => one::<Two>(st, buf),
        T::Holder => one::<IfaceHolder>(st, buf),
    }
}

/// One `Decoder` (std::io) step.
fn io_step<R: Read>(dec: &mut Decoder<R>, t: T) -> gobrpc::Result<()> {
    match t {
        T::Point => dec.decode::<Point>().map(drop),
        T::AB => dec.decode::<AB>().map(drop),
        T::Two => dec.decode::<Two>().map(drop),
        T::Holder => dec.decode::<IfaceHolder>().map(drop),
    }
}

/// Decodes values of `types` in order with `step` until one fails: how many were decoded,
/// and how decoding ended (`step`'s words for it, or "all values decoded").
fn decode_until_end(types: &[T], mut step: impl FnMut(T) -> Result<(), String>) -> (usize, String) {
    for (ok, &t) in types.iter().enumerate() {
        if let Err(kind) = step(t) {
            return (ok, kind);
        }
    }
    (types.len(), "all values decoded".into())
}

#[derive(Deserialize)]
struct Trunc {
    len: usize,
    values_ok: usize,
    error: String,
}

#[test]
fn truncated_streams_fail_where_go_fails() {
    let _g = serial();
    let path = common::fixtures_dir().join("gob-bad/truncations.json");
    let all: HashMap<String, Vec<Trunc>> =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert!(all.len() >= 4);
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, prefixes) in &all {
        let full = common::fixture(name);
        let types = stream_types(name);
        assert_eq!(
            prefixes.len(),
            full.len(),
            "{name}: one entry per proper prefix"
        );
        for p in prefixes {
            let prefix = &full[..p.len];
            assert!(
                p.error == "EOF" || p.error == "unexpected EOF",
                "{name}[{}]: Go said {}",
                p.len,
                p.error
            );
            // Sans-IO: "need more" with nothing left over is Go's clean EOF.
            let mut st = DecoderState::new();
            let mut rest = prefix;
            let sans_io = decode_until_end(types, |t| match step(&mut st, t, rest) {
                Ok(Some(used)) => {
                    rest = &rest[used..];
                    Ok(())
                }
                Ok(None) if rest.is_empty() => Err("EOF".into()),
                Ok(None) => Err("unexpected EOF".into()),
                Err(e) => Err(format!("error {e}")),
            });
            // std::io.
            let mut dec = Decoder::new(prefix);
            let io = decode_until_end(types, |t| {
                io_step(&mut dec, t).map_err(|e| {
                    check_error_shape(name, &e, prefix.len(), &mut failures);
                    match e.category() {
                        Category::Eof if e.is_eof() => "EOF".into(),
                        Category::UnexpectedEof => "unexpected EOF".into(),
                        _ => format!("error {e}"),
                    }
                })
            });
            for (how, (ok, kind)) in [("sans-IO", sans_io), ("Decoder", io)] {
                if (ok, kind.as_str()) != (p.values_ok, p.error.as_str()) {
                    failures.push(format!(
                        "{name}[..{}] {how}: {ok} values then {kind}; Go: {} then {}",
                        p.len, p.values_ok, p.error
                    ));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 300, "only {checked} prefixes");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---- (c) limits ---------------------------------------------------------------------------

/// `type Node struct { Next *Node }`, for its type definition.
#[derive(Serialize, GobType)]
#[gob(name = "main.Node")]
struct NodeDef {
    #[serde(rename = "Next")]
    next: Option<Box<NodeDef>>,
}

/// `type S []S`, for its type definition and as a decode target.
#[derive(Debug, Serialize, Deserialize, GobType)]
#[gob(name = "main.S")]
struct S(Vec<S>);

/// `interface{}` with one concrete type, for `IfaceHolder`'s type definition.
#[derive(Serialize, GobType)]
#[gob(interface)]
enum NilIface {
    Nil,
    #[serde(rename = "int")]
    #[allow(dead_code)]
    Int(i64),
}

/// `type IfaceHolder struct { I interface{} }`, for its type definition.
#[derive(Serialize, GobType)]
#[gob(name = "main.IfaceHolder")]
struct IfaceHolderDef {
    #[serde(rename = "I")]
    i: NilIface,
}

/// Go's unsigned integer encoding.
fn put_uint(out: &mut Vec<u8>, n: u64) {
    if n < 0x80 {
        out.push(n as u8);
        return;
    }
    let b = n.to_be_bytes();
    let skip = b.iter().take_while(|&&x| x == 0).count();
    out.push((skip as u8).wrapping_sub(8)); // -(8 - skip) as a byte
    out.extend_from_slice(&b[skip..]);
}

/// Go's signed integer encoding.
fn put_int(out: &mut Vec<u8>, i: i64) {
    let u = if i < 0 {
        (!(i as u64) << 1) | 1
    } else {
        (i as u64) << 1
    };
    put_uint(out, u);
}

/// The type definitions of a stream whose first value is `v`, which must encode as
/// `value_msg` (checked): the stream minus that message.
fn typedefs_of<V: Serialize + GobType>(v: &V, value_msg: &[u8]) -> Vec<u8> {
    let mut b = gobrpc::to_vec(v).unwrap();
    assert!(b.ends_with(value_msg), "{b:02x?}");
    b.truncate(b.len() - value_msg.len());
    b
}

/// Appends one message holding `body_len` bytes that `fill` writes.
fn message(out: &mut Vec<u8>, body_len: usize, fill: impl FnOnce(&mut Vec<u8>)) {
    put_uint(out, body_len as u64);
    let start = out.len();
    fill(out);
    assert_eq!(out.len() - start, body_len);
}

/// `Node` typedef, then ONE value of `n` nested `Node`s (`Next` set n-1 times):
/// id `ff 80`, `01` per level, then the `00` terminators of all n structs.
fn deep_node_stream(n: usize) -> Vec<u8> {
    let mut out = typedefs_of(&NodeDef { next: None }, &[0x03, 0xff, 0x80, 0x00]);
    out.reserve(2 * n + 16);
    message(&mut out, 2 + (n - 1) + n, |o| {
        o.extend_from_slice(&[0xff, 0x80]);
        o.resize(o.len() + n - 1, 0x01);
        o.resize(o.len() + n, 0x00);
    });
    out
}

/// `S` typedef, then ONE value of `n` nested slices: id, singleton `00`, count `01` per
/// level, the innermost count `00`.
fn deep_slice_stream(n: usize) -> Vec<u8> {
    let mut out = typedefs_of(&S(vec![]), &[0x04, 0xff, 0x80, 0x00, 0x00]);
    out.reserve(n + 16);
    message(&mut out, 3 + (n - 1) + 1, |o| {
        o.extend_from_slice(&[0xff, 0x80, 0x00]);
        o.resize(o.len() + n - 1, 0x01);
        o.push(0x00);
    });
    out
}

/// A field of /proc/self/status, in bytes (None off Linux).
fn status_bytes(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Runs `f` and returns its result with the growth of the process's peak RSS (VmHWM) while
/// it ran. The peak is reset first (`/proc/self/clear_refs` = 5), so earlier peaks do not
/// hide this one.
fn peak_growth<R>(f: impl FnOnce() -> R) -> (R, Option<u64>) {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let before = status_bytes("VmHWM:");
    let r = f();
    let after = status_bytes("VmHWM:");
    (r, before.zip(after).map(|(b, a)| a.saturating_sub(b)))
}

const MIB: u64 = 1 << 20;

/// Runs `f` on a thread with a 2 MiB stack: a decoder that recursed per level of the
/// input would overflow it (and abort the test process).
fn on_small_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("2MiB-stack decoder".into())
            .stack_size(2 << 20)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .expect("the decoder panicked")
    })
}

/// The three ways of reading one value without I/O.
#[derive(Clone, Copy, Debug)]
enum Mode {
    Typed,
    Value,
    Skip,
}

/// Decodes the first value of `bytes` in `mode` (typed as `V`) with `st`.
fn sans_io<V: DeserializeOwned>(
    st: &mut DecoderState,
    mode: Mode,
    bytes: &[u8],
) -> gobrpc::Result<Option<usize>> {
    Ok(match mode {
        Mode::Typed => st.decode::<V>(bytes)?.map(|(_, n)| n),
        Mode::Value => st.decode_value(bytes)?.map(|(_, n): (TypedValue, usize)| n),
        Mode::Skip => st.skip(bytes)?,
    })
}

/// `bytes` must be a `Limit` error in every mode, on a 2 MiB stack, with the peak RSS
/// growing by less than `max_growth`.
fn assert_limit<V: DeserializeOwned>(what: &str, bytes: &[u8], needle: &str, max_growth: u64) {
    for mode in [Mode::Typed, Mode::Value, Mode::Skip] {
        let (r, growth) =
            peak_growth(|| on_small_stack(|| sans_io::<V>(&mut DecoderState::new(), mode, bytes)));
        let e = match r {
            Err(e) => e,
            Ok(v) => panic!("{what} ({mode:?}): no error but {v:?}"),
        };
        assert_eq!(e.category(), Category::Limit, "{what} ({mode:?}): {e}");
        assert!(e.message().contains(needle), "{what} ({mode:?}): {e}");
        let mut f = Vec::new();
        check_error_shape(what, &e, bytes.len(), &mut f);
        assert!(f.is_empty(), "{f:?}");
        if let Some(g) = growth {
            assert!(
                g < max_growth,
                "{what} ({mode:?}): peak RSS grew by {} MiB (input {} MiB)",
                g / MIB,
                bytes.len() as u64 / MIB
            );
        }
    }
}

#[test]
fn ten_million_nested_structs_hit_the_depth_limit() {
    let _g = serial();
    let bytes = deep_node_stream(10_000_000);
    assert!(bytes.len() > 20_000_000);
    assert_limit::<DeepNode>("Node x 10M", &bytes, "nesting", 64 * MIB);
    // Through std::io too (the decoder buffers the whole 20 MB message first).
    let (r, growth) =
        peak_growth(|| on_small_stack(|| Decoder::new(&bytes[..]).decode::<DeepNode>().map(drop)));
    let e = r.unwrap_err();
    assert_eq!(e.category(), Category::Limit, "{e}");
    if let Some(g) = growth {
        assert!(
            g < bytes.len() as u64 + 64 * MIB,
            "Decoder: peak RSS +{} MiB",
            g / MIB
        );
    }
}

#[test]
fn eight_million_nested_slices_hit_the_depth_limit() {
    let _g = serial();
    let bytes = deep_slice_stream(8_000_000);
    assert_limit::<S>("S x 8M", &bytes, "nesting", 64 * MIB);
}

/// The same streams, shallow, decode fine: the builders above are right.
#[test]
fn nested_stream_builders_are_valid_gob() {
    let _g = serial();
    let node: DeepNode = gobrpc::from_slice(&deep_node_stream(3)).unwrap();
    let depth = std::iter::successors(Some(&node), |n| n.next.as_deref()).count();
    assert_eq!(depth, 3);
    let s: S = gobrpc::from_slice(&deep_slice_stream(3)).unwrap();
    assert_eq!(s.0.len(), 1);
    assert_eq!(s.0[0].0.len(), 1);
    assert!(s.0[0].0[0].0.is_empty());
}

#[test]
fn configured_depth_limit_is_exact() {
    let _g = serial();
    let limits = Limits::default().max_depth(10);
    for mode in [Mode::Typed, Mode::Value, Mode::Skip] {
        for (what, ten, eleven) in [
            ("Node", deep_node_stream(10), deep_node_stream(11)),
            ("S", deep_slice_stream(10), deep_slice_stream(11)),
        ] {
            let run = |b: &[u8]| {
                let mut st = DecoderState::with_limits(limits);
                if what == "Node" {
                    sans_io::<DeepNode>(&mut st, mode, b)
                } else {
                    sans_io::<S>(&mut st, mode, b)
                }
            };
            assert_eq!(
                run(&ten).unwrap_or_else(|e| panic!("{what} 10 deep ({mode:?}): {e}")),
                Some(ten.len())
            );
            let e = run(&eleven).expect_err(&format!("{what} 11 deep ({mode:?})"));
            assert_eq!(e.category(), Category::Limit, "{what} ({mode:?}): {e}");
        }
    }
}

/// A reader that sends `head`, then zeros forever, `chunk` bytes per read; it fails the test
/// (with an I/O error) after 256 MiB instead of hanging it.
struct Endless {
    head: Vec<u8>,
    sent: u64,
    chunk: usize,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.sent > 256 * MIB {
            return Err(std::io::Error::other(
                "Endless: the decoder read 256 MiB without failing",
            ));
        }
        let n = buf.len().min(self.chunk);
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = self.head.get(self.sent as usize + i).copied().unwrap_or(0);
        }
        self.sent += n as u64;
        Ok(n)
    }
}

#[test]
fn message_length_2_pow_60_is_a_limit_error_without_allocating() {
    let _g = serial();
    let mut head = vec![0xf8, 0x10, 0, 0, 0, 0, 0, 0, 0];
    head.extend_from_slice(&[0x04, 0x00, 0x06]);
    let e = DecoderState::new().decode::<i64>(&head).unwrap_err();
    assert_eq!(e.category(), Category::Limit, "{e}");
    assert!(e.offset().unwrap_or(0) <= head.len() as u64);
    for chunk in [1, 7, 1 << 20] {
        let (r, growth) = peak_growth(|| {
            Decoder::new(Endless {
                head: head.clone(),
                sent: 0,
                chunk,
            })
            .decode::<i64>()
        });
        let e = r.unwrap_err();
        assert_eq!(e.category(), Category::Limit, "chunk {chunk}: {e}");
        assert!(!e.to_string().is_empty());
        if let Some(g) = growth {
            assert!(g < 8 * MIB, "chunk {chunk}: peak RSS +{} KiB", g >> 10);
        }
    }
}

#[test]
fn counts_of_2_pow_40_in_short_messages_are_errors_without_allocating() {
    let _g = serial();
    for name in ["slice_count_2pow40", "map_count_2pow40"] {
        let bytes =
            std::fs::read(common::fixtures_dir().join(format!("gob-bad/{name}.gob"))).unwrap();
        assert!(bytes.len() < 64);
        for mode in [Mode::Typed, Mode::Value, Mode::Skip] {
            let (r, growth) = peak_growth(|| {
                let mut st = DecoderState::new();
                if name.starts_with("slice") {
                    sans_io::<Vec<i64>>(&mut st, mode, &bytes)
                } else {
                    sans_io::<HashMap<i64, i64>>(&mut st, mode, &bytes)
                }
            });
            let e = r.expect_err(name);
            assert_ne!(
                e.category(),
                Category::UnexpectedEof,
                "{name} ({mode:?}): {e}"
            );
            let mut f = Vec::new();
            check_error_shape(name, &e, bytes.len(), &mut f);
            assert!(f.is_empty(), "{f:?}");
            if let Some(g) = growth {
                assert!(g < 8 * MIB, "{name} ({mode:?}): peak RSS +{} KiB", g >> 10);
            }
        }
    }
}

/// One type definition message: id `id` = `[]int`.
fn slice_of_int_def(out: &mut Vec<u8>, id: i64) {
    let mut body = Vec::new();
    put_int(&mut body, -id);
    body.extend_from_slice(&[0x02, 0x01, 0x02]); // wireType.SliceT, CommonType.Id
    put_int(&mut body, id);
    body.extend_from_slice(&[0x00, 0x01, 0x04, 0x00, 0x00]); // end, Elem = int, end, end
    put_uint(out, body.len() as u64);
    out.extend_from_slice(&body);
}

#[test]
fn a_flood_of_type_definitions_stops_at_max_type_defs() {
    let _g = serial();
    // A million definitions, then an int; message i starts at starts[i].
    let mut bytes = Vec::with_capacity(20 << 20);
    let mut starts = Vec::with_capacity(1_000_001);
    for i in 0..1_000_000 {
        starts.push(bytes.len());
        slice_of_int_def(&mut bytes, 64 + i);
    }
    starts.push(bytes.len());
    bytes.extend_from_slice(&[0x03, 0x04, 0x00, 0x06]);
    let max = Limits::default().max_type_defs;
    assert_eq!(max, 10_000);
    for mode in [Mode::Typed, Mode::Value, Mode::Skip] {
        let (r, growth) = peak_growth(|| sans_io::<i64>(&mut DecoderState::new(), mode, &bytes));
        let e = r.expect_err("a million typedefs");
        assert_eq!(e.category(), Category::Limit, "{mode:?}: {e}");
        assert!(e.message().contains("type definitions"), "{e}");
        // It stops in definition number max + 1.
        let off = e.offset().expect("an offset") as usize;
        assert!(
            (starts[max]..starts[max + 1]).contains(&off),
            "{mode:?}: failed at {off}, definition {max} spans {}..{}",
            starts[max],
            starts[max + 1]
        );
        if let Some(g) = growth {
            assert!(g < 64 * MIB, "{mode:?}: peak RSS +{} MiB", g / MIB);
        }
    }
    // The same through std::io, and the limit is configurable.
    let e = Decoder::new(&bytes[..]).decode::<i64>().unwrap_err();
    assert_eq!(e.category(), Category::Limit, "{e}");
    let mut st = DecoderState::with_limits(Limits::default().max_type_defs(5));
    let e = st.decode::<i64>(&bytes).unwrap_err();
    assert_eq!(e.category(), Category::Limit, "{e}");
    assert!(
        (starts[5]..starts[6]).contains(&(e.offset().unwrap() as usize)),
        "{e}"
    );
    // A stream with exactly the limit of definitions is fine.
    let mut ok = bytes[..starts[5]].to_vec();
    ok.extend_from_slice(&[0x03, 0x04, 0x00, 0x06]);
    let mut st = DecoderState::with_limits(Limits::default().max_type_defs(5));
    assert_eq!(st.decode::<i64>(&ok).unwrap(), Some((3, ok.len())));
}

#[test]
fn a_one_mib_interface_name_is_a_limit_error() {
    let _g = serial();
    // Top level (Go's fixture) ...
    let top = std::fs::read(common::fixtures_dir().join("gob-bad/iface_name_1mib.gob")).unwrap();
    assert_limit::<Any>("1 MiB name, top level", &top, "name too long", 8 * MIB);
    // ... and in a struct field.
    let mut nested = typedefs_of(
        &IfaceHolderDef { i: NilIface::Nil },
        &[0x03, 0xff, 0x80, 0x00],
    );
    let name_len = 1 << 20;
    let mut body = vec![0xff, 0x80, 0x01];
    put_uint(&mut body, name_len as u64);
    body.resize(body.len() + name_len, b'a');
    body.extend_from_slice(&[0x04, 0x00, 0x02, 0x00, 0x00]);
    message(&mut nested, body.len(), |o| o.extend_from_slice(&body));
    assert_limit::<IfaceHolder>("1 MiB name in a field", &nested, "name too long", 8 * MIB);
    let e = Decoder::new(&nested[..])
        .decode::<IfaceHolder>()
        .unwrap_err();
    assert_eq!(e.category(), Category::Limit, "{e}");
    // The limit is configurable.
    let mut st = DecoderState::with_limits(Limits::default().max_interface_name(2 << 20));
    let e = st.decode::<IfaceHolder>(&nested).unwrap_err();
    assert_ne!(e.category(), Category::Limit, "{e}");
}

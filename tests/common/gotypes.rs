//! Rust mirrors of the Go types in `go-interop/types.go` that several test files use, with
//! small value helpers.
//!
//! Only types that are the same in every test using them live here (same Go type, Go name
//! and Rust field types); a test that needs a variant (another Rust type for a field, an
//! interface enum with other concrete types) keeps its own.
//!
//! Rust type names equal the Go names, so the derive's default Go name `main.<Ident>` is
//! Go's: these types are also what the tests of that default rely on (`tests/derive.rs`).
//! Types of another package or with another name say so with `#[gob(name = …)]`.
#![allow(dead_code)]
#![allow(clippy::upper_case_acronyms)]

use gobrpc::types::{BigInt, Complex, GoTime};
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::BTreeMap;

// ---- structs --------------------------------------------------------------------------------

/// `type Point struct { X, Y int }`
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Point {
    pub x: i64,
    pub y: i64,
}

pub fn pt(x: i64, y: i64) -> Point {
    Point { x, y }
}

/// `type AB struct { A, B int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct AB {
    pub a: i64,
    pub b: i64,
}

/// `struct { A int; B int }` (anonymous)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "")]
#[serde(rename_all = "UPPERCASE")]
pub struct AnonAB {
    pub a: i64,
    pub b: i64,
}

/// `type Args struct { A, B int }` (the net/rpc server's `Arith` arguments)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Args {
    pub a: i64,
    pub b: i64,
}

pub fn args(a: i64, b: i64) -> Args {
    Args { a, b }
}

/// `type Reply struct { C int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Reply {
    pub c: i64,
}

/// `type Small struct { A int; B string }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Small {
    pub a: i64,
    pub b: String,
}

/// `type Z struct{}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Z;

/// `type Unexp struct { A int; b int; C string }`: Go's unexported `b` is a skipped field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Unexp {
    pub a: i64,
    #[serde(skip)]
    pub b: i64,
    pub c: String,
}

/// `type Uni struct { Ä int; ä int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Uni {
    #[serde(rename = "Ä")]
    pub upper: i64,
    #[serde(skip)]
    pub lower: i64,
}

/// `type Inner struct { X int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Inner {
    #[serde(rename = "X")]
    pub x: i64,
}

/// `type Outer struct { Inner; Y int }`: the embedded field is named `Inner`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct Outer {
    pub inner: Inner,
    pub y: i64,
}

/// `type WithNested struct { S Inner; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct WithNested {
    pub s: Inner,
    pub n: i64,
}

/// `type WithNestedPtr struct { S *Inner; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct WithNestedPtr {
    pub s: Option<Inner>,
    pub n: i64,
}

/// `type Ptrs struct { P *int; PP **int; S *string }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Ptrs {
    pub p: Option<i64>,
    pub pp: Option<Option<i64>>,
    pub s: Option<String>,
}

/// `type Float32Field struct { F float32 }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Float32Field {
    #[serde(rename = "F")]
    pub f: f32,
}

/// `type Int8Field struct { A int8 }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Int8Field {
    #[serde(rename = "A")]
    pub a: i8,
}

/// `type ArrHolder struct { Z [0]int; A [2]int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct ArrHolder {
    pub z: [i64; 0],
    pub a: [i64; 2],
}

/// `type L1 struct { A int; L2 L2 }` … `type L5 struct { E []int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct L1 {
    pub a: i64,
    #[serde(rename = "L2")]
    pub l2: L2,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct L2 {
    pub b: String,
    #[serde(rename = "L3")]
    pub l3: L3,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct L3 {
    pub c: bool,
    #[serde(rename = "L4")]
    pub l4: L4,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct L4 {
    pub d: f64,
    #[serde(rename = "L5")]
    pub l5: L5,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct L5 {
    #[serde(rename = "E")]
    pub e: Vec<i64>,
}

/// `type AllScalars struct { Bool bool; Int int; …; String string; Bytes []byte }`
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct AllScalars {
    pub bool: bool,
    pub int: i64,
    pub int8: i8,
    pub int16: i16,
    pub int32: i32,
    pub int64: i64,
    pub uint: u64,
    pub uint8: u8,
    pub uint16: u16,
    pub uint32: u32,
    pub uint64: u64,
    pub uintptr: u64,
    pub float32: f32,
    pub float64: f64,
    pub complex64: Complex,
    pub complex128: Complex,
    pub string: String,
    pub bytes: ByteBuf,
}

/// `type StructKeyVal struct { M map[Point]AB; L []AB; A [2]Small }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct StructKeyVal {
    pub m: BTreeMap<Point, AB>,
    pub l: Vec<AB>,
    pub a: [Small; 2],
}

// ---- named non-structs ----------------------------------------------------------------------

/// `type Celsius float64`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Celsius(pub f64);

/// `type Name string`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Name(pub String);

/// `type IDs []int`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct IDs(pub Vec<i64>);

/// `type BytesT []byte`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct BytesT(pub ByteBuf);

// ---- recursive types ------------------------------------------------------------------------

/// `type Node struct { Val int; Next *Node }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct Node {
    pub val: i64,
    pub next: Option<Box<Node>>,
}

/// `type RS []RS`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct RS(pub Vec<RS>);

/// `type RM map[string]RM`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct RM(pub BTreeMap<String, RM>);

/// `type MutA struct { N int; B *MutB }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct MutA {
    pub n: i64,
    pub b: Option<Box<MutB>>,
}

/// `type MutB struct { S string; A *MutA }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct MutB {
    pub s: String,
    pub a: Option<Box<MutA>>,
}

// ---- time, big, custom marshalers -----------------------------------------------------------

/// `type TimeHolder struct { T time.Time; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct TimeHolder {
    pub t: GoTime,
    pub n: i64,
}

/// `type TimeColl struct { S []time.Time; M map[string]time.Time; P *time.Time }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct TimeColl {
    pub s: Vec<GoTime>,
    pub m: BTreeMap<String, GoTime>,
    pub p: Option<GoTime>,
}

/// `type BigHolder struct { V big.Int; P *big.Int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct BigHolder {
    pub v: BigInt,
    pub p: Option<BigInt>,
}

gobrpc::go_marshaler! {
    /// `main.Temp` (GobEncoder, value receiver): payload `"T:<milli>"`.
    pub struct Temp = "main.Temp", gob;
}

gobrpc::go_marshaler! {
    /// `main.Version` (BinaryMarshaler): major and minor as big-endian uint16s.
    pub struct Version = "main.Version", binary;
}

gobrpc::go_marshaler! {
    /// `netip.Addr` (BinaryMarshaler: 4 or 16 address bytes, then the zone; empty when zero).
    pub struct Addr = "netip.Addr", binary;
}

/// `type CustomHolder struct { T Temp; V Version; P *Temp; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct CustomHolder {
    pub t: Temp,
    pub v: Version,
    pub p: Option<Temp>,
    pub n: i64,
}

// ---- net/rpc headers ------------------------------------------------------------------------

/// net/rpc's `Request { ServiceMethod string; Seq uint64; next *Request }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Request")]
#[serde(rename_all = "PascalCase")]
pub struct Request {
    pub service_method: String,
    pub seq: u64,
}

/// net/rpc's `Response { ServiceMethod string; Seq uint64; Error string; next *Response }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Response")]
#[serde(rename_all = "PascalCase")]
pub struct Response {
    pub service_method: String,
    pub seq: u64,
    pub error: String,
}

/// `type rpcRequest struct { ServiceMethod string; Seq uint64 }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "main.rpcRequest")]
#[serde(rename_all = "PascalCase")]
pub struct RpcRequest {
    pub service_method: String,
    pub seq: u64,
}

// ---- value helpers --------------------------------------------------------------------------

/// `String` from a literal.
pub fn s(v: &str) -> String {
    v.to_string()
}

/// `[]byte` from a literal.
pub fn bytes(b: &[u8]) -> ByteBuf {
    ByteBuf::from(b.to_vec())
}

/// The bits of Go's `math.NaN()` (`Float64frombits(0x7FF8000000000001)`), which gob sends.
pub const GO_NAN_BITS: u64 = 0x7FF8_0000_0000_0001;

/// Go's `math.NaN()`.
pub fn go_nan() -> f64 {
    f64::from_bits(GO_NAN_BITS)
}

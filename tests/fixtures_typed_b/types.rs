//! Rust mirrors of the Go types in `go-interop/types.go` used by `fixtures_typed_b`: the ones
//! only these tests use, and (re-exported) the shared ones of `common::gotypes`.
//!
//! Rust type names equal the Go names, so the derive's default Go name `main.<Ident>` is
//! Go's; Go field names come from serde renames. Go's unexported fields and chan/func fields
//! are `#[serde(skip)]` or absent.

pub use crate::common::gotypes::*;
use gobrpc::schema::{GoField, GoKind, TypeBuilder, TypeRef};
use gobrpc::types::{BigInt, Complex, GoTime};
use gobrpc::wire::MarshalerKind;
use gobrpc::GobType;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// `type UnexpEmb struct { inner; Y int }`: the unexported embedded struct is not sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct UnexpEmb {
    #[serde(rename = "Y")]
    pub y: i64,
}

/// `type OuterPtr struct { *Inner; Y int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct OuterPtr {
    pub inner: Option<Inner>,
    pub y: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Sizes {
    pub i8: i8,
    pub i16: i16,
    pub i32: i32,
    pub i64: i64,
    pub u8: u8,
    pub u16: u16,
    pub u32: u32,
    pub u64: u64,
    pub up: u64,
    pub f32: f32,
    pub c64: Complex,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct Floats {
    #[serde(rename = "F")]
    pub f: f64,
}

/// `type ChanFunc struct { A int; C chan int; F func(); P *chan int }`: only A is on the wire.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct ChanFunc {
    #[serde(rename = "A")]
    pub a: i64,
}

/// `type SliceHolder struct { S []int; B []byte; M map[string]int }`; a nil map is `None`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct SliceHolder {
    pub s: Vec<i64>,
    pub b: ByteBuf,
    pub m: Option<BTreeMap<String, i64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct ByteArr {
    #[serde(rename = "A")]
    pub a: [u8; 3],
}

/// `type PointYX struct { Y, X int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct PointYX {
    pub y: i64,
    pub x: i64,
}

/// `type PPHolder struct { P **Point; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct PPHolder {
    pub p: Option<Option<Point>>,
    pub n: i64,
}

/// `type NilEmpty struct { S []string; M map[string]int; P *int; I interface{}; B []byte;
/// SP []*Point }`
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct NilEmpty {
    pub s: Vec<String>,
    pub m: Option<BTreeMap<String, i64>>,
    pub p: Option<i64>,
    pub i: Any,
    pub b: ByteBuf,
    pub sp: Vec<Option<Point>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct BytesKinds {
    pub b: ByteBuf,
    pub u: Vec<u8>,
    pub a: [u8; 4],
    pub n: BytesT,
    pub i: Vec<i8>,
}

// ---- recursive ----

/// `type Tree struct { Val int; Kids []*Tree }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
pub struct Tree {
    pub val: i64,
    pub kids: Vec<Option<Tree>>,
}

/// `type Rec ***Rec`
#[derive(Debug, Serialize, GobType)]
pub struct Rec(pub Option<Option<Option<Box<Rec>>>>);

// ---- interfaces ----

/// Go's `interface{}` with every name the interface fixtures register (Go's pre-registered
/// builtins, the `gob.Register`ed main types, `time.Time`, `*big.Int`, `"celsius"`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, GobType)]
#[gob(interface)]
pub enum Any {
    #[default]
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "int8")]
    Int8(i8),
    #[serde(rename = "int16")]
    Int16(i16),
    #[serde(rename = "int32")]
    Int32(i32),
    #[serde(rename = "int64")]
    Int64(i64),
    #[serde(rename = "uint")]
    Uint(u64),
    #[serde(rename = "uint8")]
    Uint8(u8),
    #[serde(rename = "uint16")]
    Uint16(u16),
    #[serde(rename = "uint32")]
    Uint32(u32),
    #[serde(rename = "uint64")]
    Uint64(u64),
    #[serde(rename = "uintptr")]
    Uintptr(u64),
    #[serde(rename = "float32")]
    Float32(f32),
    #[serde(rename = "float64")]
    Float64(f64),
    #[serde(rename = "complex64")]
    Complex64(Complex),
    #[serde(rename = "complex128")]
    Complex128(Complex),
    #[serde(rename = "bool")]
    Bool(bool),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "[]uint8")]
    Bytes(ByteBuf),
    #[serde(rename = "[]int")]
    Ints(Vec<i64>),
    #[serde(rename = "[]int8")]
    Int8s(Vec<i8>),
    #[serde(rename = "[]int16")]
    Int16s(Vec<i16>),
    #[serde(rename = "[]int32")]
    Int32s(Vec<i32>),
    #[serde(rename = "[]int64")]
    Int64s(Vec<GoInt64>),
    #[serde(rename = "[]uint")]
    Uints(Vec<u64>),
    #[serde(rename = "[]uint16")]
    Uint16s(Vec<u16>),
    #[serde(rename = "[]uint32")]
    Uint32s(Vec<u32>),
    #[serde(rename = "[]uint64")]
    Uint64s(Vec<GoUint64>),
    #[serde(rename = "[]uintptr")]
    Uintptrs(Vec<GoUintptr>),
    #[serde(rename = "[]float32")]
    Float32s(Vec<f32>),
    #[serde(rename = "[]float64")]
    Float64s(Vec<f64>),
    #[serde(rename = "[]complex64")]
    Complex64s(Vec<GoComplex64>),
    #[serde(rename = "[]complex128")]
    Complex128s(Vec<Complex>),
    #[serde(rename = "[]bool")]
    Bools(Vec<bool>),
    #[serde(rename = "[]string")]
    Strings(Vec<String>),
    #[serde(rename = "[]interface {}")]
    Slice(Vec<Any>),
    #[serde(rename = "map[string]interface {}")]
    Map(BTreeMap<String, Any>),
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "*main.Point")]
    PointPtr(Option<Point>),
    #[serde(rename = "main.AB")]
    AB(AB),
    #[serde(rename = "main.Small")]
    Small(Small),
    #[serde(rename = "main.Z")]
    Z(Z),
    #[serde(rename = "main.IfaceHolder")]
    Holder(Box<IfaceHolder>),
    #[serde(rename = "main.WithNested")]
    WithNested(WithNested),
    #[serde(rename = "time.Time")]
    Time(GoTime),
    #[serde(rename = "*big.Int")]
    BigInt(Option<BigInt>),
    #[serde(rename = "celsius")]
    Celsius(Celsius),
}

/// `map[interface{}]int` keys: an interface holding a `main.Point`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, GobType)]
#[gob(interface)]
pub enum KeyAny {
    #[serde(rename = "main.Point")]
    Point(Point),
}

/// Go builtin scalar types whose *name* shows in a composite's type string (`[]int64`).
macro_rules! go_scalar {
    ($($name:ident($inner:ty) = $ctor:ident($go:literal);)*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);
        impl GobType for $name {
            fn build(b: &mut TypeBuilder) -> TypeRef {
                b.$ctor($go)
            }
        }
    )*};
}

go_scalar! {
    GoInt64(i64) = int("int64");
    GoUint64(u64) = uint("uint64");
    GoUintptr(u64) = uint("uintptr");
    GoComplex64(Complex) = complex("complex64");
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct IfaceHolder {
    #[serde(rename = "I")]
    pub i: Any,
}

/// `IfaceHolder` with the interface as `Option<enum>` (None = nil).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "main.IfaceHolder")]
pub struct IfaceHolderOpt {
    #[serde(rename = "I")]
    pub i: Option<Any>,
}

/// `type Two struct { I interface{}; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct Two {
    pub i: Any,
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct IfaceArr {
    #[serde(rename = "A")]
    pub a: [Any; 2],
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct IfaceMap {
    #[serde(rename = "M")]
    pub m: BTreeMap<String, Any>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
pub struct IfaceSlice {
    #[serde(rename = "L")]
    pub l: Vec<Any>,
}

// ---- time, big, custom marshalers ----

/// `math/big` types with a pointer-receiver `GobEncode`, as opaque payloads (like `BigInt`,
/// which is `ptr_receiver: true`; `go_marshaler!` only makes value-receiver types).
macro_rules! ptr_marshaler {
    ($($name:ident = $short:literal, $go:literal;)*) => {$(
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(#[serde(with = "serde_bytes")] pub Vec<u8>);
        impl GobType for $name {
            fn build(b: &mut TypeBuilder) -> TypeRef {
                b.named::<$name>($short, $go, |_| GoKind::Marshaler {
                    kind: MarshalerKind::Gob,
                    ptr_receiver: true,
                    zero_payload: None,
                })
            }
        }
    )*};
}

ptr_marshaler! {
    BigRat = "Rat", "big.Rat";
    BigFloat = "Float", "big.Float";
}

gobrpc::go_marshaler! {
    /// `Both` (GobEncoder wins over BinaryMarshaler): payload "gob<n>".
    pub struct Both = "main.Both", gob;
}

// ---- encode-error shapes ----

/// `type NoExported struct { a, b int }`
#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Serialize, GobType)]
pub struct NoExported {
    #[serde(skip)]
    pub a: i64,
    #[serde(skip)]
    pub b: i64,
}

/// `type TextOnly struct{ v int }` (only a TextMarshaler, which gob ignores).
#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Serialize, GobType)]
pub struct TextOnly {
    #[serde(skip)]
    pub v: i64,
}

#[derive(Debug, Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
pub struct TextHolder {
    pub t: TextOnly,
    pub n: i64,
}

// ---- decode-error shapes ----

#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Deserialize)]
pub struct NoMatch {
    #[serde(rename = "Q")]
    pub q: i64,
}

#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Deserialize)]
pub struct NarrowInt {
    #[serde(rename = "Int16")]
    pub int16: i8,
}

#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Deserialize)]
pub struct NarrowUint {
    #[serde(rename = "Uint32")]
    pub uint32: u16,
}

#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Deserialize)]
pub enum OnlyPoint {
    Nil,
    #[serde(rename = "main.Point")]
    Point(Point),
}

#[allow(dead_code)] // fields only exist to be (not) encoded or decoded
#[derive(Debug, Deserialize)]
pub struct OnlyPointHolder {
    #[serde(rename = "I")]
    pub i: OnlyPoint,
}

// ---- the anonymous 200-field struct ----

/// `struct { F0 int; …; F199 int }`, fields in a vector.
#[derive(Debug, Clone, PartialEq)]
pub struct S200(pub Vec<i64>);

fn s200_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        (0..200)
            .map(|i| &*Box::leak(format!("F{i}").into_boxed_str()))
            .collect()
    })
}

impl GobType for S200 {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<S200>(|b| {
            let int = b.int("int");
            GoKind::Struct(
                s200_names()
                    .iter()
                    .map(|n| GoField {
                        name: (*n).into(),
                        ty: int,
                    })
                    .collect(),
            )
        })
    }
}

impl Serialize for S200 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("S200", 200)?;
        for (name, v) in s200_names().iter().zip(&self.0) {
            st.serialize_field(name, v)?;
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for S200 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = S200;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct { F0 int; …; F199 int }")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<S200, A::Error> {
                let mut out = vec![0; 200];
                while let Some(k) = m.next_key::<String>()? {
                    let i = k
                        .strip_prefix('F')
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|&i| i < 200)
                        .ok_or_else(|| de::Error::unknown_field(&k, s200_names()))?;
                    out[i] = m.next_value()?;
                }
                Ok(S200(out))
            }
        }
        d.deserialize_struct("S200", s200_names(), V)
    }
}

//! Rust → Go, live: values encoded by this crate are decoded by a real Go process
//! (`go-interop`'s `gointerop decode`) into the declared Go types, and Go's report of what it
//! got is compared with the Go print written here by hand for each Rust value.
//!
//! Every expected string follows the printer rules of `go-interop/printer.go` (Go's `%#v`
//! made deterministic: pointers followed as `&T{…}`, scalars inside interfaces and pointees
//! typed as `int(7)`, nil slices and maps as `T(nil)`, maps sorted by key, `time.Time` by its
//! GoString). All shapes go through ONE Go process, one stdin line each.

mod common;

use common::gotypes::*;
use common::streams::clip;
use gobrpc::types::{BigInt, Complex, GoTime};
use gobrpc::{EncoderState, GobType};
use serde::Serialize;
use serde_bytes::ByteBuf;
use std::collections::{BTreeMap, HashMap};

// ---- Go types (go-interop/types.go), mirrored ----------------------------------------------
// (the ones other tests mirror the same way are in `common::gotypes`)

/// `interface{}` as the default registration group of `gointerop decode` knows it: Go's
/// builtins plus `main.Point`, `main.Small`, `main.Z`, `main.IfaceHolder`, `time.Time`,
/// `*big.Int`, `[]interface {}` and `map[string]interface {}`.
#[derive(Serialize, GobType)]
#[gob(interface)]
enum Any {
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "int8")]
    Int8(i8),
    #[serde(rename = "uint8")]
    Uint8(u8),
    #[serde(rename = "uint")]
    Uint(u64),
    #[serde(rename = "float32")]
    F32(f32),
    #[serde(rename = "float64")]
    F64(f64),
    #[serde(rename = "complex128")]
    C128(Complex),
    #[serde(rename = "bool")]
    Bool(bool),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "[]uint8")]
    Bytes(ByteBuf),
    #[serde(rename = "[]int")]
    Ints(Vec<i64>),
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "main.Small")]
    Small(Small),
    #[serde(rename = "main.Z")]
    Z(Z),
    #[serde(rename = "main.IfaceHolder")]
    Holder(Box<IfaceHolder>),
    #[serde(rename = "time.Time")]
    Time(GoTime),
    #[serde(rename = "*big.Int")]
    Big(BigInt),
    #[serde(rename = "[]interface {}")]
    List(Vec<Any>),
    #[serde(rename = "map[string]interface {}")]
    Map(BTreeMap<String, Any>),
}

/// `type IfaceHolder struct { I interface{} }`
#[derive(Serialize, GobType)]
struct IfaceHolder {
    #[serde(rename = "I")]
    i: Any,
}

fn holder(i: Any) -> IfaceHolder {
    IfaceHolder { i }
}

/// `type Two struct { I interface{}; N int }`
#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Two {
    i: Any,
    n: i64,
}

/// `type NilEmpty struct { S []string; M map[string]int; P *int; I interface{}; B []byte; SP []*Point }`
#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct NilEmpty {
    s: Vec<String>,
    m: HashMap<String, i64>,
    p: Option<i64>,
    i: Any,
    b: ByteBuf,
    sp: Vec<Option<Point>>,
}

/// `type Tree struct { Val int; Kids []*Tree }`
#[derive(Serialize, GobType)]
#[serde(rename_all = "PascalCase")]
struct Tree {
    val: i64,
    kids: Vec<Option<Box<Tree>>>,
}

fn tree(val: i64, kids: Vec<Tree>) -> Tree {
    Tree {
        val,
        kids: kids.into_iter().map(|k| Some(Box::new(k))).collect(),
    }
}

/// `type Kitchen struct { … }`: a field of every wire kind.
#[derive(Serialize, GobType)]
#[serde(rename_all = "PascalCase")]
struct Kitchen {
    int: i64,
    s: Vec<String>,
    m: BTreeMap<String, Vec<i64>>,
    a: [Point; 2],
    i: Any,
    t: GoTime,
    b: Vec<u8>,
    p: Option<Point>,
    n: Node,
    c: Complex,
    f: f64,
    str: String,
    nest: IfaceHolder,
    v: Version,
    big: Option<BigInt>,
}

/// `type Uint8Field struct { A uint8 }`
#[derive(Serialize, GobType)]
struct Uint8Field {
    #[serde(rename = "A")]
    a: u8,
}

/// `interface{}` in group `ptrpoint`, where `*Point` is registered as `"*main.Point"`.
#[derive(Serialize, GobType)]
#[gob(interface)]
enum PtrPointIface {
    Nil,
    #[serde(rename = "*main.Point")]
    Point(Point),
}

/// `main.IfaceHolder` holding a `*Point`.
#[derive(Serialize, GobType)]
#[gob(name = "main.IfaceHolder")]
struct PtrPointHolder {
    #[serde(rename = "I")]
    i: PtrPointIface,
}

/// `type Table map[string]int`
#[derive(Serialize, GobType)]
struct Table(BTreeMap<String, i64>);

/// `type SliceHolder struct { S []int; B []byte; M map[string]int }`
#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct SliceHolder {
    s: Vec<i64>,
    b: ByteBuf,
    m: HashMap<String, i64>,
}

/// `type IfaceSlice struct { L []interface{} }`
#[derive(Serialize, GobType)]
struct IfaceSlice {
    #[serde(rename = "L")]
    l: Vec<Any>,
}

/// `type IfaceArr struct { A [2]interface{} }`
#[derive(Serialize, GobType)]
struct IfaceArr {
    #[serde(rename = "A")]
    a: [Any; 2],
}

/// `type IfaceMap struct { M map[string]interface{} }`
#[derive(Serialize, GobType)]
struct IfaceMap {
    #[serde(rename = "M")]
    m: BTreeMap<String, Any>,
}

/// `type Sizes struct { …; I8 int8; U64 uint64; F32 float32; C64 complex64 }`, some fields:
/// Go leaves the others zero.
#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Sizes {
    i8: i8,
    u64: u64,
    f32: f32,
    c64: Complex,
}

/// A key of `map[interface{}]int`.
#[derive(Serialize, GobType, PartialEq, Eq, PartialOrd, Ord)]
#[gob(interface)]
enum KeyAny {
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "string")]
    Str(String),
}

macro_rules! struct200 {
    ($($f:ident)*) => {
        /// `struct { F0 int; …; F199 int }` (anonymous)
        #[derive(Serialize, GobType)]
        #[gob(name = "")]
        #[serde(rename_all = "UPPERCASE")]
        struct S200 { $($f: i64,)* }

        impl S200 {
            /// Field `Fi` holds `i - 100` (so `F100` is zero and omitted on the wire).
            fn new() -> S200 {
                let mut i = -101i64;
                let mut next = || { i += 1; i };
                S200 { $($f: next(),)* }
            }
        }
    };
}

struct200! {
    f0 f1 f2 f3 f4 f5 f6 f7 f8 f9 f10 f11 f12 f13 f14 f15 f16 f17 f18 f19 f20 f21 f22 f23 f24
    f25 f26 f27 f28 f29 f30 f31 f32 f33 f34 f35 f36 f37 f38 f39 f40 f41 f42 f43 f44 f45 f46 f47
    f48 f49 f50 f51 f52 f53 f54 f55 f56 f57 f58 f59 f60 f61 f62 f63 f64 f65 f66 f67 f68 f69 f70
    f71 f72 f73 f74 f75 f76 f77 f78 f79 f80 f81 f82 f83 f84 f85 f86 f87 f88 f89 f90 f91 f92 f93
    f94 f95 f96 f97 f98 f99 f100 f101 f102 f103 f104 f105 f106 f107 f108 f109 f110 f111 f112
    f113 f114 f115 f116 f117 f118 f119 f120 f121 f122 f123 f124 f125 f126 f127 f128 f129 f130
    f131 f132 f133 f134 f135 f136 f137 f138 f139 f140 f141 f142 f143 f144 f145 f146 f147 f148
    f149 f150 f151 f152 f153 f154 f155 f156 f157 f158 f159 f160 f161 f162 f163 f164 f165 f166
    f167 f168 f169 f170 f171 f172 f173 f174 f175 f176 f177 f178 f179 f180 f181 f182 f183 f184
    f185 f186 f187 f188 f189 f190 f191 f192 f193 f194 f195 f196 f197 f198 f199
}

// ---- the cases --------------------------------------------------------------------------

/// One line for the Go checker: a shape, the stream Rust wrote, Go's expected print of
/// every value in it.
struct Case {
    shape: &'static str,
    bytes: gobrpc::Result<Vec<u8>>,
    want: Vec<String>,
}

/// Encodes the values, in order, on ONE stream (types are defined once).
macro_rules! stream {
    ($($v:expr),+ $(,)?) => {{
        let mut enc = EncoderState::new();
        let mut out = Vec::new();
        let mut res: gobrpc::Result<()> = Ok(());
        $( if res.is_ok() { res = enc.encode(&$v, &mut out); } )+
        res.map(|()| out)
    }};
}

fn case(shape: &'static str, bytes: gobrpc::Result<Vec<u8>>, want: &[&str]) -> Case {
    Case {
        shape,
        bytes,
        want: want.iter().map(|s| s.to_string()).collect(),
    }
}

/// 2024-01-02 03:04:05.000000006 UTC
fn t_utc() -> GoTime {
    GoTime::from_unix(1_704_164_645, 6)
}
const T_UTC: &str = "time.Date(2024, time.January, 2, 3, 4, 5, 6, time.UTC)";

/// 2020-02-29 12:30:15.000000999 -08:00
fn t_neg8h() -> GoTime {
    GoTime::from_unix(1_583_008_215, 999)
        .with_offset(-8 * 3600)
        .unwrap()
}
const T_NEG8H: &str =
    r#"time.Date(2020, time.February, 29, 12, 30, 15, 999, time.FixedZone("", -28800))"#;

/// 2024-01-02 08:34:05 +05:30
fn t_ist() -> GoTime {
    GoTime::from_unix(1_704_164_645, 0)
        .with_offset(5 * 3600 + 1800)
        .unwrap()
}
const T_IST: &str = r#"time.Date(2024, time.January, 2, 8, 34, 5, 0, time.FixedZone("", 19800))"#;

/// 1969-07-20 20:17:40 UTC (before the Unix epoch)
fn t_moon() -> GoTime {
    GoTime::from_unix(-14_182_940, 0)
}
const T_MOON: &str = "time.Date(1969, time.July, 20, 20, 17, 40, 0, time.UTC)";

/// Go's zero time.
const T_ZERO: &str = "time.Date(1, time.January, 1, 0, 0, 0, 0, time.UTC)";

/// 2^100, big-endian.
fn two_pow_100() -> BigInt {
    let mut mag = vec![0u8; 13];
    mag[0] = 0x10;
    BigInt::from_be_bytes(false, &mag)
}
const TWO_POW_100: &str = "1267650600228229401496703205376";

fn kitchen() -> Kitchen {
    Kitchen {
        int: 1,
        s: vec![s("a"), s("b")],
        m: BTreeMap::from([(s("k"), vec![1, 2]), (s("z"), vec![])]),
        a: [pt(1, 2), pt(0, 0)],
        i: Any::Int(7),
        t: t_utc(),
        b: vec![1],
        p: Some(pt(3, 4)),
        n: Node { val: 5, next: None },
        c: Complex(1.0, 2.0),
        f: 2.5,
        str: s("s"),
        nest: holder(Any::Str(s("n"))),
        v: Version(vec![0, 1, 0, 2]),
        big: Some(BigInt::from(12_345_678_901_234_567_890u64)),
    }
}

fn cases() -> Vec<Case> {
    let mut v = vec![
        case("point", gobrpc::to_vec(&pt(1, -2)), &["main.Point{X:1, Y:-2}"]),
        case("ab", gobrpc::to_vec(&AB { a: -7, b: 0 }), &["main.AB{A:-7, B:0}"]),
        // Empty Vec / empty map / None / nil interface, then every field set: the second
        // value goes without type definitions.
        case(
            "nil_empty",
            stream!(
                NilEmpty {
                    s: vec![],
                    m: HashMap::new(),
                    p: None,
                    i: Any::Nil,
                    b: bytes(&[]),
                    sp: vec![],
                },
                NilEmpty {
                    s: vec![s("a"), s("")],
                    m: HashMap::from([(s("k"), 1)]),
                    p: Some(5),
                    i: Any::Point(pt(1, 2)),
                    b: bytes(&[0xff]),
                    sp: vec![Some(pt(3, 4))],
                },
            ),
            &[
                "main.NilEmpty{S:[]string(nil), M:map[string]int{}, P:(*int)(nil), I:interface {}(nil), B:[]uint8(nil), SP:[]*main.Point(nil)}",
                r#"main.NilEmpty{S:[]string{"a", ""}, M:map[string]int{"k":1}, P:&int(5), I:main.Point{X:1, Y:2}, B:[]uint8{0xff}, SP:[]*main.Point{&main.Point{X:3, Y:4}}}"#,
            ],
        ),
        case(
            "struct_slices_empty_vs_nil",
            gobrpc::to_vec(&SliceHolder {
                s: vec![],
                b: bytes(&[]),
                m: HashMap::new(),
            }),
            &["main.SliceHolder{S:[]int(nil), B:[]uint8(nil), M:map[string]int{}}"],
        ),
        case(
            "map_string_any",
            gobrpc::to_vec(&BTreeMap::from([
                (s("a"), Any::Int(1)),
                (s("b"), Any::Str(s("x"))),
                (s("c"), Any::F64(2.5)),
                (s("d"), Any::Nil),
                (s("e"), Any::List(vec![Any::Int(2), Any::Bool(true)])),
                (
                    s("f"),
                    Any::Map(BTreeMap::from([(
                        s("g"),
                        Any::Small(Small { a: 1, b: s("y") }),
                    )])),
                ),
            ])),
            &[
                r#"map[string]interface {}{"a":int(1), "b":string("x"), "c":float64(2.5), "d":interface {}(nil), "e":[]interface {}{int(2), bool(true)}, "f":map[string]interface {}{"g":main.Small{A:1, B:"y"}}}"#,
            ],
        ),
        // []interface{} with mixed builtins, registered structs, time, *big.Int and nil.
        case(
            "slice_any",
            gobrpc::to_vec(&vec![
                Any::Int(-1),
                Any::Int8(-2),
                Any::Uint8(3),
                Any::Uint(4),
                Any::F32(1.5),
                Any::F64(2.5),
                Any::C128(Complex(0.0, 1.0)),
                Any::Bool(true),
                Any::Str(s("s")),
                Any::Bytes(bytes(&[1])),
                Any::Ints(vec![1, 2]),
                Any::Nil,
                Any::Point(pt(1, 2)),
                Any::Z(Z),
                Any::Time(t_utc()),
                Any::Big(BigInt::from(-5i64)),
                Any::Point(pt(3, 4)),
            ]),
            &[&format!(
                "[]interface {{}}{{int(-1), int8(-2), uint8(0x3), uint(0x4), float32(1.5), float64(2.5), \
                 complex128((0+1i)), bool(true), string(\"s\"), []uint8{{0x1}}, []int{{1, 2}}, \
                 interface {{}}(nil), main.Point{{X:1, Y:2}}, main.Z{{}}, {T_UTC}, &big.Int(-5), \
                 main.Point{{X:3, Y:4}}}}"
            )],
        ),
        case(
            "iface_holder",
            stream!(
                holder(Any::Point(pt(1, 2))),
                holder(Any::Nil),
                holder(Any::Holder(Box::new(holder(Any::Small(Small {
                    a: 1,
                    b: s("x")
                }))))),
                holder(Any::Point(pt(3, 4))),
            ),
            &[
                "main.IfaceHolder{I:main.Point{X:1, Y:2}}",
                "main.IfaceHolder{I:interface {}(nil)}",
                r#"main.IfaceHolder{I:main.IfaceHolder{I:main.Small{A:1, B:"x"}}}"#,
                "main.IfaceHolder{I:main.Point{X:3, Y:4}}",
            ],
        ),
        case(
            "iface_holds_slice_any",
            gobrpc::to_vec(&holder(Any::List(vec![Any::Int(1), Any::Str(s("a"))]))),
            &[r#"main.IfaceHolder{I:[]interface {}{int(1), string("a")}}"#],
        ),
        case(
            "iface_time",
            gobrpc::to_vec(&holder(Any::Time(t_moon()))),
            &[&format!("main.IfaceHolder{{I:{T_MOON}}}")],
        ),
        case(
            "two",
            stream!(
                Two {
                    i: Any::Time(t_ist()),
                    n: 3
                },
                Two {
                    i: Any::Big(two_pow_100()),
                    n: 0
                },
                Two { i: Any::Nil, n: -1 },
            ),
            &[
                &format!("main.Two{{I:{T_IST}, N:3}}"),
                &format!("main.Two{{I:&big.Int({TWO_POW_100}), N:0}}"),
                "main.Two{I:interface {}(nil), N:-1}",
            ],
        ),
        case(
            "any",
            stream!(Any::Int(7), Any::Point(pt(1, 2)), Any::Str(s("s"))),
            &["int(7)", "main.Point{X:1, Y:2}", r#"string("s")"#],
        ),
        case(
            "iface_slice_field",
            stream!(
                IfaceSlice { l: vec![] },
                IfaceSlice {
                    l: vec![Any::Nil, Any::Int(1)]
                },
            ),
            &[
                "main.IfaceSlice{L:[]interface {}(nil)}",
                "main.IfaceSlice{L:[]interface {}{interface {}(nil), int(1)}}",
            ],
        ),
        case(
            "iface_array_elem",
            gobrpc::to_vec(&IfaceArr {
                a: [Any::Int(1), Any::Nil],
            }),
            &["main.IfaceArr{A:[2]interface {}{int(1), interface {}(nil)}}"],
        ),
        case(
            "iface_map_value",
            gobrpc::to_vec(&IfaceMap {
                m: BTreeMap::from([(s("k"), Any::Point(pt(1, 2)))]),
            }),
            &[r#"main.IfaceMap{M:map[string]interface {}{"k":main.Point{X:1, Y:2}}}"#],
        ),
        // Registered under "*main.Point" (checked by a `-group ptrpoint` child process).
        case(
            "iface_ptr_point",
            stream!(
                PtrPointHolder {
                    i: PtrPointIface::Point(pt(1, 2)),
                },
                PtrPointHolder {
                    i: PtrPointIface::Nil,
                },
            ),
            &[
                "main.IfaceHolder{I:&main.Point{X:1, Y:2}}",
                "main.IfaceHolder{I:interface {}(nil)}",
            ],
        ),
        case(
            "map_any_int",
            gobrpc::to_vec(&BTreeMap::from([
                (KeyAny::Str(s("s")), 30i64),
                (KeyAny::Int(1), 10),
                (KeyAny::Point(pt(1, 2)), 20),
            ])),
            &[r#"map[interface {}]int{int(1):10, main.Point{X:1, Y:2}:20, string("s"):30}"#],
        ),
        // time.Time: UTC with nanoseconds, a negative offset, before 1970, the zero time.
        case(
            "time",
            stream!(t_utc(), t_neg8h(), t_moon(), GoTime::default()),
            &[T_UTC, T_NEG8H, T_MOON, T_ZERO],
        ),
        case(
            "time_holder",
            stream!(
                TimeHolder {
                    t: GoTime::default(),
                    n: 1
                },
                TimeHolder { t: t_ist(), n: 0 },
            ),
            &[
                &format!("main.TimeHolder{{T:{T_ZERO}, N:1}}"),
                &format!("main.TimeHolder{{T:{T_IST}, N:0}}"),
            ],
        ),
        case(
            "time_slice",
            gobrpc::to_vec(&vec![t_utc(), t_moon()]),
            &[&format!("[]time.Time{{{T_UTC}, {T_MOON}}}")],
        ),
        case(
            "time_map",
            gobrpc::to_vec(&BTreeMap::from([(s("a"), t_neg8h())])),
            &[&format!("map[string]time.Time{{\"a\":{T_NEG8H}}}")],
        ),
        case(
            "time_collections_in_struct",
            stream!(
                // P stays set: go-interop's printer panics on a nil *time.Time; and it prints a
                // non-nil one through GoString, without `&` (as in the fixture of this shape).
                TimeColl {
                    s: vec![],
                    m: BTreeMap::new(),
                    p: Some(t_moon()),
                },
                TimeColl {
                    s: vec![t_moon()],
                    m: BTreeMap::from([(s("z"), GoTime::default())]),
                    p: Some(t_utc()),
                },
            ),
            &[
                &format!("main.TimeColl{{S:[]time.Time(nil), M:map[string]time.Time{{}}, P:{T_MOON}}}"),
                &format!(
                    "main.TimeColl{{S:[]time.Time{{{T_MOON}}}, M:map[string]time.Time{{\"z\":{T_ZERO}}}, P:{T_UTC}}}"
                ),
            ],
        ),
        // Recursive types.
        case(
            "node",
            stream!(
                Node {
                    val: 1,
                    next: Some(Box::new(Node {
                        val: 2,
                        next: Some(Box::new(Node { val: 3, next: None })),
                    })),
                },
                Node { val: 0, next: None },
            ),
            &[
                "main.Node{Val:1, Next:&main.Node{Val:2, Next:&main.Node{Val:3, Next:(*main.Node)(nil)}}}",
                "main.Node{Val:0, Next:(*main.Node)(nil)}",
            ],
        ),
        case(
            "rs",
            stream!(RS(vec![RS(vec![]), RS(vec![RS(vec![])])]), RS(vec![])),
            &["main.RS{main.RS(nil), main.RS{main.RS(nil)}}", "main.RS(nil)"],
        ),
        case(
            "rm",
            gobrpc::to_vec(&RM(BTreeMap::from([
                (s("a"), RM(BTreeMap::from([(s("b"), RM(BTreeMap::new()))]))),
                (s("c"), RM(BTreeMap::new())),
            ]))),
            &[r#"main.RM{"a":main.RM{"b":main.RM{}}, "c":main.RM{}}"#],
        ),
        case(
            "tree",
            gobrpc::to_vec(&tree(1, vec![tree(2, vec![]), tree(3, vec![tree(4, vec![])])])),
            &["main.Tree{Val:1, Kids:[]*main.Tree{&main.Tree{Val:2, Kids:[]*main.Tree(nil)}, \
               &main.Tree{Val:3, Kids:[]*main.Tree{&main.Tree{Val:4, Kids:[]*main.Tree(nil)}}}}}"],
        ),
        case(
            "recursive_mutual",
            gobrpc::to_vec(&MutA {
                n: 1,
                b: Some(Box::new(MutB {
                    s: s("b"),
                    a: Some(Box::new(MutA { n: 2, b: None })),
                })),
            }),
            &[r#"main.MutA{N:1, B:&main.MutB{S:"b", A:&main.MutA{N:2, B:(*main.MutB)(nil)}}}"#],
        ),
        case("struct_200", gobrpc::to_vec(&S200::new()), &[&struct200_gov()]),
        case(
            "kitchen",
            stream!(
                kitchen(),
                Kitchen {
                    int: 0,
                    s: vec![],
                    m: BTreeMap::new(),
                    a: [pt(0, 0), pt(0, 0)],
                    i: Any::Nil,
                    t: GoTime::default(),
                    b: vec![],
                    p: None,
                    n: Node { val: 0, next: None },
                    c: Complex(0.0, 0.0),
                    f: 0.0,
                    str: s(""),
                    nest: holder(Any::Nil),
                    v: Version(vec![]),
                    big: None,
                },
            ),
            &[
                &format!(
                    "main.Kitchen{{Int:1, S:[]string{{\"a\", \"b\"}}, M:map[string][]int{{\"k\":[]int{{1, 2}}, \"z\":[]int(nil)}}, \
                     A:[2]main.Point{{main.Point{{X:1, Y:2}}, main.Point{{X:0, Y:0}}}}, I:int(7), T:{T_UTC}, B:[]uint8{{0x1}}, \
                     P:&main.Point{{X:3, Y:4}}, N:main.Node{{Val:5, Next:(*main.Node)(nil)}}, C:(1+2i), F:2.5, Str:\"s\", \
                     Nest:main.IfaceHolder{{I:string(\"n\")}}, V:main.Version{{major:0x1, minor:0x2}}, \
                     Big:&big.Int(12345678901234567890)}}"
                ),
                &format!(
                    "main.Kitchen{{Int:0, S:[]string(nil), M:map[string][]int{{}}, \
                     A:[2]main.Point{{main.Point{{X:0, Y:0}}, main.Point{{X:0, Y:0}}}}, I:interface {{}}(nil), T:{T_ZERO}, \
                     B:[]uint8(nil), P:(*main.Point)(nil), N:main.Node{{Val:0, Next:(*main.Node)(nil)}}, C:(0+0i), F:0, \
                     Str:\"\", Nest:main.IfaceHolder{{I:interface {{}}(nil)}}, V:main.Version{{major:0x0, minor:0x0}}, \
                     Big:(*big.Int)(nil)}}"
                ),
            ],
        ),
        // A whole Kitchen into `struct { Int int }`: Go skips every other field of our bytes.
        case("only_int", gobrpc::to_vec(&kitchen()), &["main.OnlyInt{Int:1}"]),
        case(
            "all_scalars",
            stream!(
                AllScalars {
                    bool: true,
                    int: i64::MIN,
                    int8: i8::MIN,
                    int16: i16::MIN,
                    int32: i32::MIN,
                    int64: i64::MIN,
                    uint: u64::MAX,
                    uint8: u8::MAX,
                    uint16: u16::MAX,
                    uint32: u32::MAX,
                    uint64: u64::MAX,
                    uintptr: 0x1234,
                    float32: f32::MAX,
                    float64: f64::MIN_POSITIVE,
                    complex64: Complex(1.0, -2.0),
                    complex128: Complex(f64::NEG_INFINITY, 0.5),
                    string: s("s\0\""),
                    bytes: bytes(&[0, 1]),
                },
                AllScalars {
                    bool: false,
                    int: i64::MAX,
                    int8: i8::MAX,
                    int16: i16::MAX,
                    int32: i32::MAX,
                    int64: 1,
                    uint: 1,
                    uint8: 0,
                    uint16: 0,
                    uint32: 0,
                    uint64: 0,
                    uintptr: 0,
                    float32: f32::from_bits(1),
                    float64: f64::NAN,
                    complex64: Complex(0.0, 0.0),
                    complex128: Complex(0.0, 0.0),
                    string: s(""),
                    bytes: bytes(&[]),
                },
            ),
            &[
                r#"main.AllScalars{Bool:true, Int:-9223372036854775808, Int8:-128, Int16:-32768, Int32:-2147483648, Int64:-9223372036854775808, Uint:0xffffffffffffffff, Uint8:0xff, Uint16:0xffff, Uint32:0xffffffff, Uint64:0xffffffffffffffff, Uintptr:0x1234, Float32:3.4028235e+38, Float64:2.2250738585072014e-308, Complex64:(1-2i), Complex128:(-Inf+0.5i), String:"s\x00\"", Bytes:[]uint8{0x0, 0x1}}"#,
                r#"main.AllScalars{Bool:false, Int:9223372036854775807, Int8:127, Int16:32767, Int32:2147483647, Int64:1, Uint:0x1, Uint8:0x0, Uint16:0x0, Uint32:0x0, Uint64:0x0, Uintptr:0x0, Float32:1e-45, Float64:NaN, Complex64:(0+0i), Complex128:(0+0i), String:"", Bytes:[]uint8(nil)}"#,
            ],
        ),
        // Scalars at the top level, several values per stream (builtin types: no typedefs).
        case(
            "int8",
            stream!(i8::MIN, i8::MAX, 0i8, -1i8),
            &["-128", "127", "0", "-1"],
        ),
        case("int16", stream!(i16::MIN, i16::MAX), &["-32768", "32767"]),
        case(
            "int32",
            stream!(i32::MIN, i32::MAX),
            &["-2147483648", "2147483647"],
        ),
        case(
            "int64",
            stream!(i64::MIN, i64::MAX),
            &["-9223372036854775808", "9223372036854775807"],
        ),
        case("int", stream!(-1i64, 256i64), &["-1", "256"]),
        case("uint8", stream!(0u8, 255u8), &["0x0", "0xff"]),
        case("uint16", stream!(u16::MAX), &["0xffff"]),
        case("uint32", stream!(u32::MAX), &["0xffffffff"]),
        case("uint64", stream!(u64::MAX), &["0xffffffffffffffff"]),
        case("uint", stream!(127u64, 128u64), &["0x7f", "0x80"]),
        case("bool", stream!(true, false), &["true", "false"]),
        case(
            "float64",
            stream!(f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -0.0f64, std::f64::consts::PI),
            &["NaN", "+Inf", "-Inf", "-0", "3.141592653589793"],
        ),
        case(
            "float32",
            stream!(f32::NAN, 0.1f32, f32::from_bits(1), f32::MAX),
            &["NaN", "0.1", "1e-45", "3.4028235e+38"],
        ),
        case(
            "complex128",
            stream!(Complex(f64::NAN, f64::INFINITY), Complex(-1.5, 2.0)),
            &["(NaN+Infi)", "(-1.5+2i)"],
        ),
        case("complex64", stream!(Complex(1.0, -2.0)), &["(1-2i)"]),
        case(
            "struct_sizes",
            gobrpc::to_vec(&Sizes {
                i8: -1,
                u64: 4,
                f32: 1.5,
                c64: Complex(0.0, 2.0),
            }),
            &["main.Sizes{I8:-1, I16:0, I32:0, I64:0, U8:0x0, U16:0x0, U32:0x0, U64:0x4, UP:0x0, F32:1.5, C64:(0+2i)}"],
        ),
        case(
            "string",
            stream!(s("héllo, 世界"), s(""), s("a\0b\"\n")),
            &[r#""héllo, 世界""#, r#""""#, r#""a\x00b\"\n""#],
        ),
        case(
            "array_byte4",
            gobrpc::to_vec(&[1u8, 2, 3, 0xff]),
            &["[4]uint8{0x1, 0x2, 0x3, 0xff}"],
        ),
        case(
            "slice_point",
            stream!(vec![pt(1, 2), pt(0, 0)], Vec::<Point>::new()),
            &[
                "[]main.Point{main.Point{X:1, Y:2}, main.Point{X:0, Y:0}}",
                "[]main.Point(nil)",
            ],
        ),
        case(
            "slice_ptr_point",
            gobrpc::to_vec(&vec![Some(pt(1, 2)), Some(pt(0, 0))]),
            &["[]*main.Point{&main.Point{X:1, Y:2}, &main.Point{X:0, Y:0}}"],
        ),
        case(
            "slice_slice_int",
            gobrpc::to_vec(&vec![vec![1i64], vec![]]),
            &["[][]int{[]int{1}, []int(nil)}"],
        ),
        case(
            "map_point_string",
            gobrpc::to_vec(&HashMap::from([(pt(2, 1), s("b")), (pt(1, 9), s("a"))])),
            &[r#"map[main.Point]string{main.Point{X:1, Y:9}:"a", main.Point{X:2, Y:1}:"b"}"#],
        ),
        case(
            "map_string_ptr",
            gobrpc::to_vec(&BTreeMap::from([(s("a"), Some(1i64))])),
            &[r#"map[string]*int{"a":&int(1)}"#],
        ),
        case(
            "struct_in_collections",
            gobrpc::to_vec(&StructKeyVal {
                m: BTreeMap::from([(pt(1, 2), AB { a: 3, b: 4 })]),
                l: vec![AB { a: 5, b: 6 }],
                a: [
                    Small { a: 1, b: s("a") },
                    Small { a: 0, b: s("") },
                ],
            }),
            &[r#"main.StructKeyVal{M:map[main.Point]main.AB{main.Point{X:1, Y:2}:main.AB{A:3, B:4}}, L:[]main.AB{main.AB{A:5, B:6}}, A:[2]main.Small{main.Small{A:1, B:"a"}, main.Small{A:0, B:""}}}"#],
        ),
        case(
            "struct_uint8_field",
            stream!(Uint8Field { a: 255 }, Uint8Field { a: 0 }),
            &["main.Uint8Field{A:0xff}", "main.Uint8Field{A:0x0}"],
        ),
        case(
            "struct_int8_field",
            stream!(Int8Field { a: -128 }, Int8Field { a: 127 }),
            &["main.Int8Field{A:-128}", "main.Int8Field{A:127}"],
        ),
        case(
            "struct_embedded",
            gobrpc::to_vec(&Outer {
                inner: Inner { x: -5 },
                y: 0,
            }),
            &["main.Outer{Inner:main.Inner{X:-5}, Y:0}"],
        ),
        case(
            "struct_ptrs",
            gobrpc::to_vec(&Ptrs {
                p: Some(3),
                pp: Some(Some(4)),
                s: None,
            }),
            &["main.Ptrs{P:&int(3), PP:&&int(4), S:(*string)(nil)}"],
        ),
        case(
            "struct_nested_5",
            gobrpc::to_vec(&L1 {
                a: 1,
                l2: L2 {
                    b: s("b"),
                    l3: L3 {
                        c: true,
                        l4: L4 {
                            d: 0.5,
                            l5: L5 { e: vec![1, 2] },
                        },
                    },
                },
            }),
            &[r#"main.L1{A:1, L2:main.L2{B:"b", L3:main.L3{C:true, L4:main.L4{D:0.5, L5:main.L5{E:[]int{1, 2}}}}}}"#],
        ),
        case("struct_empty", gobrpc::to_vec(&()), &["struct {}{}"]),
        case(
            "named_float_celsius",
            gobrpc::to_vec(&Celsius(-40.25)),
            &["-40.25"],
        ),
        case(
            "named_slice_ids",
            gobrpc::to_vec(&IDs(vec![3, 1])),
            &["main.IDs{3, 1}"],
        ),
        case(
            "named_map_table",
            gobrpc::to_vec(&Table(BTreeMap::from([(s("x"), 1), (s("a"), 2)]))),
            &[r#"main.Table{"a":2, "x":1}"#],
        ),
        case("named_string", gobrpc::to_vec(&Name(s("gopher"))), &[r#""gopher""#]),
        case(
            "custom_holder",
            gobrpc::to_vec(&CustomHolder {
                t: Temp(b"T:5".to_vec()),
                v: Version(vec![0, 1, 0, 2]),
                p: Some(Temp(b"T:-3".to_vec())),
                n: 4,
            }),
            &["main.CustomHolder{T:main.Temp{milli:5}, V:main.Version{major:0x1, minor:0x2}, P:&main.Temp{milli:-3}, N:4}"],
        ),
        case(
            "netip_addr",
            stream!(Addr(vec![1, 2, 3, 4]), {
                let mut v6 = vec![0u8; 16];
                v6[15] = 1;
                Addr(v6)
            }),
            &[
                r#"netip.MustParseAddr("1.2.3.4")"#,
                r#"netip.MustParseAddr("::1")"#,
            ],
        ),
        case(
            "bigint",
            stream!(BigInt::from(-1000i64), two_pow_100(), BigInt::default()),
            &["big.Int(-1000)", &format!("big.Int({TWO_POW_100})"), "big.Int(0)"],
        ),
        case(
            "big_holder",
            stream!(
                BigHolder {
                    v: BigInt::default(),
                    p: None
                },
                BigHolder {
                    v: BigInt::from(5i64),
                    p: Some(BigInt::from(-7i64))
                },
            ),
            &[
                "main.BigHolder{V:big.Int(0), P:(*big.Int)(nil)}",
                "main.BigHolder{V:big.Int(5), P:&big.Int(-7)}",
            ],
        ),
        // net/rpc: two calls on one stream, a reply, an error reply with its empty body.
        case(
            "rpc_two_calls",
            stream!(
                Request {
                    service_method: s("Arith.Add"),
                    seq: 5
                },
                Args { a: 7, b: 8 },
                Request {
                    service_method: s("Arith.Mul"),
                    seq: 6
                },
                Args { a: -1, b: 0 },
            ),
            &[
                r#"rpc.Request{ServiceMethod:"Arith.Add", Seq:0x5, next:(*rpc.Request)(nil)}"#,
                "main.Args{A:7, B:8}",
                r#"rpc.Request{ServiceMethod:"Arith.Mul", Seq:0x6, next:(*rpc.Request)(nil)}"#,
                "main.Args{A:-1, B:0}",
            ],
        ),
        case(
            "rpc_request",
            gobrpc::to_vec(&Request {
                service_method: s("Svc.M"),
                seq: 0,
            }),
            &[r#"rpc.Request{ServiceMethod:"Svc.M", Seq:0x0, next:(*rpc.Request)(nil)}"#],
        ),
        case(
            "rpc_response_reply",
            stream!(
                Response {
                    service_method: s("Arith.Add"),
                    seq: 5,
                    error: s("")
                },
                Reply { c: 15 },
            ),
            &[
                r#"rpc.Response{ServiceMethod:"Arith.Add", Seq:0x5, Error:"", next:(*rpc.Response)(nil)}"#,
                "main.Reply{C:15}",
            ],
        ),
        case(
            "rpc_error_reply",
            stream!(
                Response {
                    service_method: s("Arith.Div"),
                    seq: 2,
                    error: s("divide by zero")
                },
                (),
            ),
            &[
                r#"rpc.Response{ServiceMethod:"Arith.Div", Seq:0x2, Error:"divide by zero", next:(*rpc.Response)(nil)}"#,
                "struct {}{}",
            ],
        ),
        // Several types on one stream.
        case(
            "two_types_one_stream",
            stream!(pt(1, 2), AB { a: 3, b: 4 }, pt(5, 6)),
            &[
                "main.Point{X:1, Y:2}",
                "main.AB{A:3, B:4}",
                "main.Point{X:5, Y:6}",
            ],
        ),
        case(
            "multi_values_mixed",
            stream!(1i64, s("s"), pt(1, 2), vec![1i64, 2, 3], pt(3, 4), 2i64),
            &[
                "1",
                r#""s""#,
                "main.Point{X:1, Y:2}",
                "[]int{1, 2, 3}",
                "main.Point{X:3, Y:4}",
                "2",
            ],
        ),
    ];
    // 1 MiB []byte.
    let big: Vec<u8> = (0..1u32 << 20).map(|i| (i * 7 % 251) as u8).collect();
    let want = byte_slice_gov(&big);
    v.push(Case {
        shape: "bytes",
        bytes: gobrpc::to_vec(&ByteBuf::from(big)),
        want: vec![want],
    });
    v
}

/// Go's print of a `[]uint8`: `[]uint8{0x0, 0x7, …}`.
fn byte_slice_gov(b: &[u8]) -> String {
    let items: Vec<String> = b.iter().map(|x| format!("{x:#x}")).collect();
    format!("[]uint8{{{}}}", items.join(", "))
}

/// Go's print of `S200::new()`: `struct { F0 int; …; F199 int }{F0:-100, …, F199:99}`.
fn struct200_gov() -> String {
    let decl: Vec<String> = (0..200).map(|i| format!("F{i} int")).collect();
    let vals: Vec<String> = (0..200).map(|i| format!("F{i}:{}", i - 100)).collect();
    format!("struct {{ {} }}{{{}}}", decl.join("; "), vals.join(", "))
}

fn short(s: &str) -> String {
    clip(s, 400)
}

/// First differing position, for readable failures on long prints.
fn diff_at(a: &str, b: &str) -> String {
    let i = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = i.saturating_sub(40);
    let clip = |s: &str| {
        let mut lo = from.min(s.len());
        while !s.is_char_boundary(lo) {
            lo -= 1;
        }
        let mut hi = (i + 60).min(s.len());
        while !s.is_char_boundary(hi) {
            hi += 1;
        }
        s[lo..hi].to_string()
    };
    format!(
        "first difference at byte {i}:\n      want …{}…\n      go   …{}…",
        clip(a),
        clip(b)
    )
}

/// Sends every case through one Go process and compares Go's prints with the expected
/// ones; the failure lists every differing shape by name.
fn check_in_go(cases: &[Case]) {
    let mut failures = Vec::new();
    let mut inputs = Vec::new();
    let mut sent = Vec::new();
    for c in cases {
        match &c.bytes {
            Ok(b) => {
                inputs.push((c.shape.to_string(), b.clone()));
                sent.push(c);
            }
            Err(e) => failures.push(format!("{}: Rust cannot encode it: {e}", c.shape)),
        }
    }
    let reports = common::go_decode(&inputs);
    for (c, r) in sent.iter().zip(&reports) {
        assert_eq!(r.shape, c.shape, "Go's answers are out of order");
        if let Some(e) = &r.error {
            failures.push(format!(
                "{}: Go failed after {} value(s): {e}\n    stream: {}",
                c.shape,
                r.values.len(),
                short(&hex::encode(c.bytes.as_ref().unwrap()))
            ));
            continue;
        }
        if r.values.len() != c.want.len() {
            failures.push(format!(
                "{}: Go decoded {} value(s), we sent {}",
                c.shape,
                r.values.len(),
                c.want.len()
            ));
            continue;
        }
        for (i, (want, got)) in c.want.iter().zip(&r.values).enumerate() {
            if *want != got.gov {
                failures.push(format!(
                    "{} value {i}:\n    want {}\n    go   {}\n    {}",
                    c.shape,
                    short(want),
                    short(&got.gov),
                    diff_at(want, &got.gov)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} shapes failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn rust_values_decode_in_go_as_declared() {
    let cases = cases();
    let shapes: std::collections::HashSet<&str> = cases.iter().map(|c| c.shape).collect();
    assert_eq!(shapes.len(), cases.len(), "a shape is listed twice");
    assert!(shapes.len() >= 45, "only {} shapes", shapes.len());
    check_in_go(&cases);
}

/// The second value of a type already sent carries no type definition: its stream is one
/// value message whose type id is positive.
#[test]
fn second_value_of_a_type_is_sent_without_typedef() {
    let mut enc = EncoderState::new();
    let mut first = Vec::new();
    enc.encode(&holder(Any::Point(pt(1, 2))), &mut first)
        .unwrap();
    let mut second = Vec::new();
    enc.encode(&holder(Any::Point(pt(3, 4))), &mut second)
        .unwrap();
    // One message: length byte, then the value's id 64 (`ff 80`), positive.
    assert_eq!(second[0] as usize, second.len() - 1, "{second:02x?}");
    assert_eq!(&second[1..3], &[0xff, 0x80], "{second:02x?}");
    assert!(first.len() > second.len() * 2);
}

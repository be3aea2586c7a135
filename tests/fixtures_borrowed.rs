//! Go fixtures into borrowed Rust types: every positive fixture whose Go type holds strings or
//! byte slices decodes, with one `DecoderState`, into a Rust type whose strings and byte
//! slices are `&str` and `&[u8]` borrowed from Go's bytes, and gives the values written here
//! from the Go case sources (`go-interop/cases_*.go`). Each decoded value is then encoded
//! again and decodes back to the same values (the borrowed types round-trip).

mod common;

use common::gotypes::{pt, Point, AB, L3};
use common::typed_fixtures::meta;
use gobrpc::schema::TypeRef;
use gobrpc::types::GoTime;
use gobrpc::{DecoderState, EncoderState, GobType, TypeBuilder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Debug;

// ---- checking machinery ------------------------------------------------------------------

/// Decodes the next value of `T` from `rest` (borrowing from it) and compares it with `want`.
fn expect<'de, T>(st: &mut DecoderState, rest: &mut &'de [u8], want: T, what: &str)
where
    T: Deserialize<'de> + PartialEq + Debug,
{
    match st.decode::<T>(rest) {
        Ok(Some((got, used))) => {
            assert!(
                got == want,
                "{what}:\n  got  {got:.300?}\n  want {want:.300?}"
            );
            *rest = &rest[used..];
        }
        Ok(None) => panic!("{what}: stream ended early"),
        Err(e) => panic!("{what}: {e}"),
    }
}

/// One `#[test]` per fixture: `test_fn [= "fixture.name"]: [Type => value, …];`
macro_rules! cases {
    ($($test:ident $(= $fx:literal)? : [$($ty:ty => $val:expr),+ $(,)?];)*) => {
        /// Fixture names covered by this table.
        const COVERED: &[&str] = &[$(cases!(@name $test $(= $fx)?)),*];
        $(
            #[test]
            fn $test() {
                let name: &str = cases!(@name $test $(= $fx)?);
                let go = common::fixture(name);
                assert_eq!(meta(name).values, [$(stringify!($ty)),+].len(), "{name}: values");
                // (1) Go's bytes decode into the borrowed types.
                let mut st = DecoderState::new();
                let mut rest: &[u8] = &go;
                $(expect::<$ty>(&mut st, &mut rest, $val, name);)+
                assert!(rest.is_empty(), "{name}: {} trailing bytes", rest.len());
                // (2) The borrowed values encode, and decode back to themselves.
                let mut enc = EncoderState::new();
                let mut out = Vec::new();
                $({
                    let v: $ty = $val;
                    enc.encode(&v, &mut out).unwrap_or_else(|e| panic!("{name}: {e}"));
                })+
                let mut st = DecoderState::new();
                let mut rest: &[u8] = &out;
                $(expect::<$ty>(&mut st, &mut rest, $val, name);)+
                assert!(rest.is_empty(), "{name}: re-encoded: trailing bytes");
            }
        )*
    };
    (@name $test:ident) => { stringify!($test) };
    (@name $test:ident = $fx:literal) => { $fx };
}

// ---- borrowed mirrors of the Go types (go-interop/types.go) --------------------------------

/// Go's `interface{}` with the concrete types these fixtures hold; its string borrows too.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, GobType)]
#[gob(interface)]
enum Any<'a> {
    #[default]
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(&'a str),
    #[serde(rename = "main.Point")]
    Point(Point),
}

/// `type IfaceMap struct { M map[string]interface{} }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
struct IfaceMap<'a> {
    #[serde(rename = "M", borrow)]
    m: HashMap<&'a str, Any<'a>>,
}

/// A Go `float64` map key (bit-wise equality).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(transparent)]
struct Fk(f64);

impl PartialEq for Fk {
    fn eq(&self, o: &Self) -> bool {
        self.0.to_bits() == o.0.to_bits()
    }
}
impl Eq for Fk {}
impl std::hash::Hash for Fk {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.0.to_bits().hash(h)
    }
}
impl GobType for Fk {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        f64::build(b)
    }
}

/// `type RM map[string]RM`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
struct RM<'a>(#[serde(borrow)] HashMap<&'a str, RM<'a>>);

/// `type MutA struct { N int; B *MutB }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct MutA<'a> {
    n: i64,
    #[serde(borrow)]
    b: Option<Box<MutB<'a>>>,
}

/// `type MutB struct { S string; A *MutA }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct MutB<'a> {
    s: &'a str,
    #[serde(borrow)]
    a: Option<Box<MutA<'a>>>,
}

/// `rpc.Request` / `type rpcRequest struct { ServiceMethod string; Seq uint64 }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Request")]
#[serde(rename_all = "PascalCase")]
struct Request<'a> {
    service_method: &'a str,
    seq: u64,
}

/// The string and bytes fields of `type AllScalars struct { …; String string; Bytes []byte }`
/// (the scalar fields are skipped, as Go skips fields the receiver lacks).
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "PascalCase")]
struct AllScalarsText<'a> {
    string: &'a str,
    bytes: &'a [u8],
}

/// `type BytesKinds struct { B []byte; U []uint8; A [4]byte; N BytesT; I []int8 }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct BytesKinds<'a> {
    b: &'a [u8],
    u: &'a [u8],
    a: [u8; 4],
    n: &'a [u8],
    i: Vec<i8>,
}

/// `type Small struct { A int; B string }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Small<'a> {
    a: i64,
    b: &'a str,
}

/// `type StructKeyVal struct { M map[Point]AB; L []AB; A [2]Small }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct StructKeyVal<'a> {
    m: HashMap<Point, AB>,
    l: Vec<AB>,
    #[serde(borrow)]
    a: [Small<'a>; 2],
}

/// `type L1 struct { A int; L2 L2 }`, `type L2 struct { B string; L3 L3 }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
struct L1<'a> {
    #[serde(rename = "A")]
    a: i64,
    #[serde(rename = "L2", borrow)]
    l2: L2<'a>,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
struct L2<'a> {
    #[serde(rename = "B")]
    b: &'a str,
    #[serde(rename = "L3")]
    l3: L3,
}

/// `type NilEmpty struct { S []string; M map[string]int; P *int; I interface{}; B []byte;
/// SP []*Point }`
#[derive(Debug, PartialEq, Default, Serialize, Deserialize, GobType)]
struct NilEmpty<'a> {
    #[serde(rename = "S")]
    s: Vec<&'a str>,
    #[serde(rename = "M")]
    m: Option<HashMap<&'a str, i64>>,
    #[serde(rename = "P")]
    p: Option<i64>,
    #[serde(rename = "I", borrow)]
    i: Any<'a>,
    #[serde(rename = "B")]
    b: &'a [u8],
    #[serde(rename = "SP")]
    sp: Vec<Option<Point>>,
}

/// `type Ptrs struct { P *int; PP **int; S *string }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Ptrs<'a> {
    p: Option<i64>,
    pp: Option<Option<i64>>,
    s: Option<&'a str>,
}

/// `type SliceHolder struct { S []int; B []byte; M map[string]int }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct SliceHolder<'a> {
    s: Vec<i64>,
    b: &'a [u8],
    m: Option<HashMap<&'a str, i64>>,
}

/// `type Unexp struct { A int; b int; C string }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Unexp<'a> {
    a: i64,
    c: &'a str,
}

/// `type TimeColl struct { S []time.Time; M map[string]time.Time; P *time.Time }`
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct TimeColl<'a> {
    s: Vec<GoTime>,
    #[serde(borrow)] // serde borrows implicitly only for `&str` and `&[u8]` fields
    m: HashMap<&'a str, GoTime>,
    p: Option<GoTime>,
}

// ---- value helpers --------------------------------------------------------------------------

fn map<K: Eq + std::hash::Hash, V, const N: usize>(entries: [(K, V); N]) -> HashMap<K, V> {
    entries.into_iter().collect()
}

/// `b[i] = byte(i % m)` for `n` bytes, as the Go cases build them.
fn ramp(n: usize, m: usize) -> Vec<u8> {
    (0..n).map(|i| (i % m) as u8).collect()
}

/// 2001-02-03 04:05:06.000000007 UTC (981173106 s after the epoch, by Python's datetime).
fn t2001() -> GoTime {
    GoTime::from_unix(981_173_106, 7)
}

// ---- the cases (values from go-interop/cases_*.go) ------------------------------------------

cases! {
    // strings
    string_empty: [&str => ""];
    string_hello: [&str => "hello"];
    string_utf8: [&str => "héllo, 世界"];
    string_nul: [&str => "a\0b\0"];
    // Not UTF-8 (Go does not validate): `&str` refuses it (tests/borrowed.rs), `&[u8]` takes it.
    string_invalid_utf8: [&[u8] => b"\xff\xfe\xc3("];
    string_128: [&str => &*"ab".repeat(64)];
    string_70000: [&str => &*"x".repeat(70_000)];
    named_string: [&str => "gopher"];
    array_strings: [[&str; 2] => ["a", ""]];
    slice_string: [Vec<&str> => vec!["a", "", "b"]];
    slice_slice_string: [Vec<Vec<&str>> => vec![vec!["a"], vec![], vec!["b", "c"]]];

    // bytes
    bytes_nil: [&[u8] => b""];
    bytes_empty: [&[u8] => b""];
    bytes_123: [&[u8] => &[1, 2, 3]];
    slice_uint8: [&[u8] => &[1, 2, 3]];
    bytes_named: [&[u8] => &[0xff]];
    bytes_all_values: [&[u8] => &*ramp(256, 256)];
    bytes_1mib: [&[u8] => &*ramp(1 << 20, 251)];
    slice_bytes: [Vec<&[u8]> => vec![&[1][..], b"", b""]];

    // maps
    map_string_int: [HashMap<&str, i64> => map([("a", 1)])];
    map_string_int_5: [HashMap<&str, i64> => map([("a", 1), ("b", 2), ("c", 3), ("d", 4), ("e", 5)])];
    map_empty: [HashMap<&str, i64> => HashMap::new()];
    map_nil: [HashMap<&str, i64> => HashMap::new()];
    map_zero_val: [HashMap<&str, i64> => map([("z", 0)])];
    named_map_table: [HashMap<&str, i64> => map([("a", 1)])];
    named_map_table_3: [HashMap<&str, i64> => map([("a", 1), ("b", 2), ("c", 3)])];
    map_int_string: [HashMap<i64, &str> => map([(-7, "minus seven")])];
    map_float_key: [HashMap<Fk, &str> => map([(Fk(1.5), "x")])];
    map_array_key: [HashMap<[i64; 2], &str> => map([([1, 2], "a")])];
    map_point_key: [HashMap<Point, &str> => map([(pt(1, 2), "p")])];
    map_nested: [HashMap<i64, HashMap<&str, bool>> => map([(1, map([("t", true)]))])];
    map_string_point: [HashMap<&str, Point> => map([("p", pt(1, 2))])];
    map_string_ptr: [HashMap<&str, Option<i64>> => map([("a", Some(7))])];
    map_string_bytes: [HashMap<&str, &[u8]> => map([("b", &[1, 2][..])])];
    map_string_empty_map: [HashMap<&str, HashMap<&str, i64>> => map([("x", HashMap::new())])];
    map_string_slice: [HashMap<&str, Vec<i64>> => map([("a", vec![1, 2]), ("e", vec![])])];
    map_string_iface: [HashMap<&str, Any> => map([("k", Any::Int(1))])];
    map_string_iface_str: [HashMap<&str, Any> => map([("s", Any::Str("v"))])];
    iface_map_value: [IfaceMap => IfaceMap { m: map([("p", Any::Point(pt(1, 2)))]) }];
    recursive_map: [RM => RM(map([("a", RM(map([("b", RM(HashMap::new()))])))]))];
    time_map: [HashMap<&str, GoTime> => map([("t", GoTime::from_unix(1_704_153_600, 0))])];

    // streams of several values
    multi_values_mixed: [
        i64 => 1, &str => "s", Point => pt(1, 2), Vec<i64> => vec![1], Point => pt(3, 4),
        i64 => 2,
    ];
    rpc_request_hdr: [Request => Request { service_method: "Arith.Add", seq: 0 }];
    rpc_string_args: [
        Request => Request { service_method: "Arith.Scan", seq: 0 },
        &str => "12345",
    ];

    // structs
    struct_all_scalars: [AllScalarsText => AllScalarsText { string: "s", bytes: &[0, 1] }];
    struct_all_scalars_zero: [AllScalarsText => AllScalarsText { string: "", bytes: b"" }];
    struct_bytes_kinds: [BytesKinds => BytesKinds {
        b: &[1], u: &[2], a: [3, 0, 0, 4], n: &[5], i: vec![-6],
    }];
    struct_in_collections: [StructKeyVal => StructKeyVal {
        m: map([(pt(1, 2), AB { a: 3, b: 4 })]),
        l: vec![AB { a: 5, b: 6 }, AB { a: 0, b: 0 }],
        a: [Small { a: 1, b: "a" }, Small { a: 0, b: "" }],
    }];
    struct_nested_5: [L1 => L1 {
        a: 1,
        l2: L2 { b: "two", l3: serde_json::from_str(
            r#"{"C": true, "L4": {"D": 4.5, "L5": {"E": [5]}}}"#).unwrap() },
    }];
    struct_nested_5_zero: [L1 => L1 {
        a: 0,
        l2: L2 { b: "", l3: serde_json::from_str(
            r#"{"C": false, "L4": {"D": 0.0, "L5": {"E": []}}}"#).unwrap() },
    }];
    struct_nilempty_nil: [NilEmpty => NilEmpty::default()];
    // Go's input had S:[]string{}, P:&0, B:[]byte{}, SP:[]*Point{}: all omitted; M sent.
    struct_nilempty_empty: [NilEmpty => NilEmpty { m: Some(HashMap::new()), ..NilEmpty::default() }];
    struct_nilempty_set: [NilEmpty => NilEmpty {
        s: vec![""],
        m: Some(map([("", 0)])),
        p: Some(3),
        i: Any::Str("i"),
        b: &[0],
        sp: vec![Some(pt(0, 0))],
    }];
    // Go's input was P:&0 (omitted), PP:&&5, S:nil.
    struct_ptrs: [Ptrs => Ptrs { p: None, pp: Some(Some(5)), s: None }];
    struct_slices_empty_vs_nil: [SliceHolder => SliceHolder {
        s: vec![], b: b"", m: Some(HashMap::new()),
    }];
    struct_slices_nil: [SliceHolder => SliceHolder { s: vec![], b: b"", m: None }];
    struct_unexported: [Unexp => Unexp { a: 1, c: "c" }];
    recursive_mutual: [MutA => MutA {
        n: 1,
        b: Some(Box::new(MutB { s: "b", a: Some(Box::new(MutA { n: 2, b: None })) })),
    }];
    time_collections_in_struct: [TimeColl => TimeColl {
        s: vec![t2001(), GoTime::default()],
        m: map([("z", GoTime::default())]),
        p: Some(t2001()),
    }];
}

/// True if a fixture's Go type, as the generator printed it, holds a string or a byte slice.
fn holds_text(go_type: &str) -> bool {
    go_type.contains("string") || go_type.contains("[]uint8")
}

/// Every positive fixture whose Go type holds strings or byte slices has a case here, and
/// every case names such a fixture.
#[test]
fn every_fixture_with_strings_or_bytes_is_covered() {
    #[derive(Deserialize)]
    struct Meta {
        name: String,
        kind: String,
        #[serde(default)]
        go_type: String,
    }
    let dir = common::fixtures_dir().join("gob");
    let mut want = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "json") || p.ends_with("INDEX.json") {
            continue;
        }
        let m: Meta = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        if m.kind == "positive" && holds_text(&m.go_type) {
            want.push(m.name);
        }
    }
    want.sort();
    let mut have: Vec<String> = COVERED.iter().map(|s| s.to_string()).collect();
    have.sort();
    assert_eq!(have, want);
    assert!(want.len() >= 59, "only {} fixtures found", want.len());
}

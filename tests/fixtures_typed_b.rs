//! Typed half of the fixture acceptance (part B): structs, interfaces, time, big, recursive
//! and custom-marshaler fixtures.
//!
//! For every positive fixture in this set: (1) decoding Go's stream with one `DecoderState`
//! yields exactly the expected typed values, in order; (2) encoding those values with one
//! `EncoderState` yields Go's exact bytes. Every Rust type mirrors the fixture's `go_type`;
//! every expected value is written by hand from the Go case source (`go-interop/cases_*.go`)
//! and the `go_value` Go decoded back, never from our decoder's output. `encode_error`
//! fixtures are tested where Rust can express the failing value, and explained where not.
#![allow(non_snake_case)]

mod common;
#[path = "fixtures_typed_b/types.rs"]
mod types;

use common::streams::{assert_same_bytes, decode_stream, encode_stream, spaced};
use common::typed_fixtures::{assert_half_covered, encode_error_prefix, meta, Half};
use gobrpc::types::{BigInt, Complex, GoTime};
use gobrpc::GobType;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Debug;
use types::*;

// ---- harness ------------------------------------------------------------------------------

/// Values compare through `{:#?}`: exact for every type here (floats print their shortest
/// round-trip form, so NaN == NaN, and -0.0 != 0.0), readable in a failure.
fn dbg<T: Debug>(v: &T) -> String {
    format!("{v:#?}")
}

fn check_decode<T: DeserializeOwned + Debug>(name: &str, expected: &[T]) {
    let bytes = common::fixture(name);
    let got: Vec<T> = decode_stream(&bytes).unwrap_or_else(|e| panic!("{name}: decode: {e}"));
    assert_eq!(dbg(&got), dbg(&expected), "{name}: decoded values");
}

fn check_encode<T: Serialize + GobType>(name: &str, values: &[T]) {
    let out = encode_stream(values).unwrap_or_else(|e| panic!("{name}: encode: {e}"));
    assert_same_bytes(name, &common::fixture(name), &out);
}

/// A positive fixture: metadata, typed decode, byte-identical re-encode. With `encode_bug`
/// set, the re-encode check is left to the case's ignored `encode` test.
fn positive<T>(name: &str, expected: Vec<T>, encode_bug: Option<&str>)
where
    T: Serialize + GobType + DeserializeOwned + Debug,
{
    let m = meta(name);
    assert_eq!(m.kind, "positive", "{name}");
    assert_eq!(m.values, expected.len(), "{name}: number of values");
    check_decode(name, &expected);
    if encode_bug.is_some() {
        return;
    }
    if m.deterministic {
        check_encode(name, &expected);
    } else {
        // Compare semantically: our bytes decode to the same values.
        let out = encode_stream(&expected).unwrap();
        let back: Vec<T> = decode_stream(&out).unwrap();
        assert_eq!(dbg(&back), dbg(&expected), "{name}");
    }
}

/// One `#[test]` per positive fixture: `name: RustType => [values…];`, and the list of them.
/// `` splits off the re-encode check as an ignored `name::encode`
/// test (the decode check still runs).
macro_rules! positive_cases {
    ($($(#[encode_bug = $bug:literal])? $name:ident : $ty:ty => [$($v:expr),+ $(,)?];)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                pub(super) fn values() -> Vec<$ty> {
                    vec![$($v),+]
                }
                $(
                    #[test]
                    #[ignore = $bug]
                    fn encode() {
                        check_encode(stringify!($name), &values());
                    }
                )?
            }
            #[test]
            fn $name() {
                positive(stringify!($name), $name::values(), None $(.or(Some($bug)))?);
            }
        )*
        const POSITIVE_COVERED: &[&str] = &[$(stringify!($name)),*];
    };
}

// ---- value helpers --------------------------------------------------------------------------

fn map<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    entries.into_iter().collect()
}

/// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Go's `time.Date(y, mo, d, h, mi, s, ns, zone)`: `off` is `None` for `time.UTC`, else the
/// `time.FixedZone` offset in seconds (the zone's name is not sent by gob).
#[allow(clippy::too_many_arguments)]
fn date(y: i64, mo: i64, d: i64, h: i64, mi: i64, sec: i64, ns: u32, off: Option<i32>) -> GoTime {
    let local = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec;
    let t = GoTime::from_unix(local - off.unwrap_or(0) as i64, ns);
    match off {
        None => t,
        Some(o) => t.with_offset(o).expect("valid offset"),
    }
}

fn utc(y: i64, mo: i64, d: i64, h: i64, mi: i64, sec: i64, ns: u32) -> GoTime {
    date(y, mo, d, h, mi, sec, ns, None)
}

/// 2^200 as a big-endian magnitude (26 bytes), plus `low` in the last byte.
fn pow2_200_plus(low: u8) -> Vec<u8> {
    let mut m = vec![0u8; 26];
    m[0] = 1;
    m[25] = low;
    m
}

fn holder(i: Any) -> IfaceHolder {
    IfaceHolder { i }
}

fn nested(i: Any) -> Any {
    Any::Holder(Box::new(holder(i)))
}

fn small(a: i64, b: &str) -> Small {
    Small { a, b: s(b) }
}

fn node(val: i64, next: Option<Node>) -> Node {
    Node {
        val,
        next: next.map(Box::new),
    }
}

fn tree(val: i64, kids: Vec<Tree>) -> Tree {
    Tree {
        val,
        kids: kids.into_iter().map(Some).collect(),
    }
}

fn l1(a: i64, b: &str, c: bool, d: f64, e: Vec<i64>) -> L1 {
    L1 {
        a,
        l2: L2 {
            b: s(b),
            l3: L3 {
                c,
                l4: L4 { d, l5: L5 { e } },
            },
        },
    }
}

fn big_holder(p: Option<i64>) -> BigHolder {
    BigHolder {
        v: BigInt::default(),
        p: p.map(BigInt::from),
    }
}

fn uni(upper: i64) -> Uni {
    Uni { upper, lower: 0 }
}

fn all_scalars_set() -> AllScalars {
    AllScalars {
        bool: true,
        int: -1,
        int8: i8::MIN,
        int16: i16::MIN,
        int32: i32::MIN,
        int64: i64::MIN,
        uint: 1,
        uint8: u8::MAX,
        uint16: u16::MAX,
        uint32: u32::MAX,
        uint64: u64::MAX,
        uintptr: 0x1234,
        float32: -1.5,
        float64: std::f64::consts::PI,
        complex64: Complex(1.0, -2.0),
        complex128: Complex(f64::NEG_INFINITY, 0.5),
        string: s("s"),
        bytes: bytes(&[0, 1]),
    }
}

// ---- positive fixtures ----------------------------------------------------------------------

positive_cases! {
    // structs
    struct_AB_7_8: AB => [AB { a: 7, b: 8 }];
    struct_anon_AB: AnonAB => [AnonAB { a: 7, b: 8 }];
    struct_point_doc: Point => [pt(22, 33)];
    struct_point_twice: Point => [pt(22, 33), pt(1, 2)];
    // Go encoded &Point{22,33}: pointers are flattened, the stream is a Point's.
    struct_ptr_toplevel: Point => [pt(22, 33)];
    struct_zero_field: AB => [AB { a: 0, b: 8 }];
    struct_all_zero: AB => [AB { a: 0, b: 0 }];
    struct_empty: () => [()];
    struct_unexported: Unexp => [Unexp { a: 1, b: 0, c: s("c") }];
    struct_unexported_embedded: UnexpEmb => [UnexpEmb { y: 6 }];
    struct_embedded: Outer => [Outer { inner: Inner { x: 5 }, y: 6 }];
    struct_embedded_ptr_nil: OuterPtr => [OuterPtr { inner: None, y: 6 }];
    struct_embedded_ptr_set: OuterPtr => [OuterPtr { inner: Some(Inner { x: 5 }), y: 6 }];
    struct_nested_zero: WithNested => [WithNested { s: Inner { x: 0 }, n: 1 }];
    struct_nested_ptr_nil: WithNestedPtr => [WithNestedPtr { s: None, n: 1 }];
    struct_nested_ptr_zero: WithNestedPtr => [WithNestedPtr { s: Some(Inner { x: 0 }), n: 1 }];
    // Go's input was Ptrs{P:&0, PP:&&5}: &0 is omitted, so Go decodes P as nil.
    struct_ptrs: Ptrs => [Ptrs { p: None, pp: Some(Some(5)), s: None }];
    struct_sizes: Sizes => [Sizes {
        i8: -1, i16: -2, i32: -3, i64: -4, u8: 1, u16: 2, u32: 3, u64: 4, up: 5,
        f32: 1.5, c64: Complex(0.0, 2.0),
    }];
    // Go's input was -0.0: equal to 0, so omitted, and decoded as +0.
    struct_floats_negzero: Floats => [Floats { f: 0.0 }];
    struct_floats_nan: Floats => [Floats { f: go_nan() }];
    struct_float32_field: Float32Field => [Float32Field { f: 0.1 }];
    struct_int8_field: Int8Field => [Int8Field { a: -128 }];
    struct_chan_func: ChanFunc => [ChanFunc { a: 1 }];
    // Empty slices and []byte are omitted (decoded as nil = empty); the empty map is sent.
    struct_slices_empty_vs_nil: SliceHolder => [SliceHolder {
        s: vec![], b: bytes(&[]), m: Some(BTreeMap::new()),
    }];
    struct_slices_nil: SliceHolder => [SliceHolder { s: vec![], b: bytes(&[]), m: None }];
    struct_arrays: ArrHolder => [ArrHolder { z: [], a: [0, 0] }];
    struct_bytearray: ByteArr => [ByteArr { a: [1, 2, 3] }];
    struct_unicode_field: Uni => [uni(1)];
    struct_200_fields_last_set: S200 => [S200((0..200).map(|i| i64::from(i == 199)).collect())];
    struct_200_fields_all_set: S200 => [S200((1..=200).collect())];
    struct_nested_5: L1 => [l1(1, "two", true, 4.5, vec![5])];
    struct_nested_5_zero: L1 => [l1(0, "", false, 0.0, vec![])];
    struct_all_scalars: AllScalars => [all_scalars_set()];
    struct_all_scalars_zero: AllScalars => [AllScalars::default()];
    struct_reordered_yx: PointYX => [PointYX { y: 2, x: 1 }];
    struct_ptr_ptr_field: PPHolder => [PPHolder { p: Some(Some(pt(1, 2))), n: 3 }];
    struct_nilempty_nil: NilEmpty => [NilEmpty::default()];
    // Go's input had S:[]string{}, P:&0, B:[]byte{}, SP:[]*Point{}: all omitted.
    struct_nilempty_empty: NilEmpty => [NilEmpty {
        m: Some(BTreeMap::new()),
        ..NilEmpty::default()
    }];
    struct_nilempty_set: NilEmpty => [NilEmpty {
        s: vec![s("")],
        m: Some(map([(s(""), 0)])),
        p: Some(3),
        i: Any::Str(s("i")),
        b: bytes(&[0]),
        sp: vec![Some(pt(0, 0))],
    }];
    struct_bytes_kinds: BytesKinds => [BytesKinds {
        b: bytes(&[1]), u: vec![2], a: [3, 0, 0, 4], n: BytesT(bytes(&[5])), i: vec![-6],
    }];
    struct_in_collections: StructKeyVal => [StructKeyVal {
        m: map([(pt(1, 2), AB { a: 3, b: 4 })]),
        l: vec![AB { a: 5, b: 6 }, AB { a: 0, b: 0 }],
        a: [small(1, "a"), small(0, "")],
    }];

    // recursive types
    recursive_struct: Node => [node(1, Some(node(2, None)))];
    recursive_list_3: Node => [node(1, Some(node(2, Some(node(3, None)))))];
    // Go's RS{RS{}, nil}: both elements are sent as empty slices and decode as nil.
    recursive_slice: RS => [RS(vec![RS(vec![]), RS(vec![])])];
    recursive_slice_deep: RS => [RS(vec![RS(vec![RS(vec![RS(vec![RS(vec![])])])])])];
    // Go's RM{"a": RM{"b": nil}}: the nil map value is sent as an empty map.
    recursive_map: RM => [RM(map([(s("a"), RM(map([(s("b"), RM(BTreeMap::new()))])))]))];
    recursive_tree: Tree => [tree(1, vec![tree(2, vec![]), tree(3, vec![tree(4, vec![])])])];
    recursive_mutual: MutA => [MutA {
        n: 1,
        b: Some(Box::new(MutB { s: s("b"), a: Some(Box::new(MutA { n: 2, b: None })) })),
    }];

    // interfaces
    iface_int: IfaceHolder => [holder(Any::Int(7))];
    iface_nil: IfaceHolder => [holder(Any::Nil)];
    iface_struct: Two => [Two { i: Any::Point(pt(1, 2)), n: 9 }];
    iface_struct_twice: Two => [
        Two { i: Any::Point(pt(1, 2)), n: 9 },
        Two { i: Any::Point(pt(3, 4)), n: 0 },
    ];
    // "*main.Point" / "*big.Int": Go's dynamic type is a pointer, `Option<T>` in Rust.
    iface_ptr_struct: IfaceHolder => [holder(Any::PointPtr(Some(pt(1, 2))))];
    // Go's input was IfaceHolder{&7}: sent under the name "int", like int(7).
    iface_ptr_int: IfaceHolder => [holder(Any::Int(7))];
    iface_slice_any: Vec<Any> => [vec![Any::Str(s("hi")), Any::Nil, Any::Float64(1.5)]];
    // Found by fuzzing: the count (34) exceeds what is left of the first message.
    iface_slice_count_spans_messages: Vec<Any> => [{
        let mut v = vec![Any::Int8s(vec![0])];
        v.resize(34, Any::Nil);
        v
    }];
    iface_toplevel: Any => [Any::Str(s("s"))];
    iface_toplevel_int: Any => [Any::Int(0)];
    iface_toplevel_struct: Any => [Any::Point(pt(1, 2))];
    iface_nested: IfaceHolder => [holder(nested(Any::Small(small(1, "x"))))];
    iface_nested_3: IfaceHolder => [holder(nested(nested(Any::Point(pt(1, 2)))))];
    iface_nested_twice: IfaceHolder => [
        holder(nested(Any::Small(small(1, "x")))),
        holder(nested(Any::Small(small(2, "y")))),
    ];
    iface_struct_two_typedefs: IfaceHolder => [holder(Any::WithNested(WithNested {
        s: Inner { x: 5 },
        n: 1,
    }))];
    iface_empty_struct: IfaceHolder => [holder(Any::Z(Z))];
    iface_array_elem: IfaceArr => [IfaceArr { a: [Any::Point(pt(1, 2)), Any::Str(s("x"))] }];
    iface_map_value: IfaceMap => [IfaceMap { m: map([(s("p"), Any::Point(pt(1, 2)))]) }];
    iface_map_key: BTreeMap<KeyAny, i64> => [map([(KeyAny::Point(pt(1, 2)), 1)])];
    iface_slice_field: IfaceSlice => [IfaceSlice {
        l: vec![Any::Int(1), Any::Str(s("a")), Any::Nil, Any::Point(pt(0, 0))],
    }];
    iface_holds_slice_int: IfaceHolder => [holder(Any::Ints(vec![1, 2]))];
    iface_holds_bytes: IfaceHolder => [holder(Any::Bytes(bytes(&[1, 2])))];
    iface_holds_map_string_any: IfaceHolder => [
        holder(Any::Map(map([(s("k"), Any::Str(s("v")))]))),
    ];
    iface_holds_slice_any: IfaceHolder => [holder(Any::Slice(vec![Any::Int(1), Any::Str(s("a"))]))];
    iface_two_types: Vec<Any> => [vec![
        Any::Point(pt(1, 2)), Any::AB(AB { a: 3, b: 4 }), Any::Point(pt(5, 6)),
    ]];
    iface_builtins: Vec<Any> => [builtins()];
    iface_named_type: Vec<Any> => [vec![Any::Celsius(Celsius(21.5))]];
    iface_time: IfaceHolder => [holder(Any::Time(utc(2024, 1, 2, 3, 4, 5, 6)))];
    iface_bigint: IfaceHolder => [holder(Any::BigInt(Some(BigInt::from(-5i64))))];

    // time.Time
    time_utc: GoTime => [utc(2024, 1, 2, 3, 4, 5, 6)];
    // Go encoded &t: the user type *time.Time is a pointer, so Go defines it unnamed, under a
    // second id (as for *big.Int); `Option<GoTime>` is Rust's `*time.Time`.

    time_ptr_top: Option<GoTime> => [Some(utc(2024, 1, 2, 3, 4, 5, 6))];
    time_zero_top: GoTime => [GoTime::default()];
    time_unix_epoch: GoTime => [GoTime::from_unix(0, 0)];
    time_before_year1: GoTime => [utc(-500, 3, 1, 12, 0, 0, 0)];
    time_far_future: GoTime => [utc(9999, 12, 31, 23, 59, 59, 999_999_999)];
    time_year_300000: GoTime => [utc(300_000, 1, 1, 0, 0, 0, 0)];
    time_offset_neg8h: GoTime => [date(2020, 2, 29, 12, 30, 15, 999, Some(-8 * 3600))];
    time_lmt_seconds_offset: GoTime => [date(1850, 1, 1, 0, 0, 0, 0, Some(1172))];
    time_lmt_negative_seconds_offset: GoTime => [date(1880, 8, 2, 0, 0, 0, 0, Some(-1521))];
    time_in_struct: TimeHolder => [TimeHolder {
        t: date(2009, 11, 10, 23, 0, 0, 0, Some(3600)),
        n: 1,
    }];
    time_zero_in_struct: TimeHolder => [TimeHolder { t: GoTime::default(), n: 1 }];
    time_slice: Vec<GoTime> => [vec![
        utc(1970, 1, 1, 0, 0, 0, 0),
        date(2024, 6, 1, 0, 0, 0, 0, Some(3600)),
    ]];
    time_map: BTreeMap<String, GoTime> => [map([(s("t"), utc(2024, 1, 2, 0, 0, 0, 0))])];
    time_collections_in_struct: TimeColl => [TimeColl {
        s: vec![utc(2001, 2, 3, 4, 5, 6, 7), GoTime::default()],
        m: map([(s("z"), GoTime::default())]),
        p: Some(utc(2001, 2, 3, 4, 5, 6, 7)),
    }];

    // math/big
    bigint_top: BigInt => [BigInt::from(-1000i64)];
    bigint_zero_top: BigInt => [BigInt::default()];
    bigint_2pow200: BigInt => [BigInt::from_be_bytes(false, &pow2_200_plus(0))];
    bigint_neg_2pow200: BigInt => [BigInt::from_be_bytes(true, &pow2_200_plus(1))];
    bigint_in_struct: BigHolder => [big_holder(Some(255))];
    bigint_nil_field: BigHolder => [big_holder(None)];
    bigint_in_struct_twice: BigHolder => [big_holder(Some(1)), big_holder(Some(2))];
    // big.Rat.GobEncode: [version 1 << 1 | sign] [numerator length, 4 bytes BE] num denom.
    bigrat_top: BigRat => [BigRat(vec![0x02, 0, 0, 0, 1, 1, 3])];
    bigrat_neg: BigRat => [BigRat(vec![0x03, 0, 0, 0, 1, 22, 7])];
    bigrat_int: BigRat => [BigRat(vec![0x02, 0, 0, 0, 1, 5, 1])];
    // big.Float.GobEncode: [version 1] [mode<<5 | (acc+1)<<3 | form<<1 | neg] [prec u32 BE]
    // and, for finite values, [exp i32 BE] [mantissa words BE].
    bigfloat_top: BigFloat => [BigFloat(float_payload(0x0a, 53, Some((1, &ONE_AND_HALF))))];
    bigfloat_neg_inf: BigFloat => [BigFloat(float_payload(0x0d, 0, None))];
    bigfloat_prec200: BigFloat => [BigFloat(float_payload(0x12, 200, Some((-1, &third_200()))))];

    // custom GobEncoder / BinaryMarshaler types: payloads as Go's methods write them.
    gobenc_custom_top: Temp => [Temp(b"T:-1500".to_vec())];
    binmarshal_custom_top: Version => [Version(vec![0, 1, 0, 2])];
    gobenc_and_binmarshal: Both => [Both(b"gob7".to_vec())];
    custom_in_struct: CustomHolder => [CustomHolder {
        t: Temp(b"T:2500".to_vec()),
        v: Version(vec![0, 3, 0, 4]),
        p: Some(Temp(b"T:1".to_vec())),
        n: 5,
    }];
    // Go omits zero Temp{0} / Version{0,0} fields (IsZero) without calling their marshalers:
    // no payload is sent, so the Rust value is the empty payload (the opaque newtype cannot
    // know that Go's zero Temp would marshal to "T:0").
    custom_zero_in_struct: CustomHolder => [CustomHolder {
        t: Temp(vec![]), v: Version(vec![]), p: None, n: 1,
    }];
    custom_slice: Vec<Version> => [vec![Version(vec![0, 1, 0, 0]), Version(vec![0, 0, 0, 0])]];
}

/// 1.5 = 0.11₂ × 2¹: one 64-bit mantissa word.
const ONE_AND_HALF: [u8; 8] = [0xc0, 0, 0, 0, 0, 0, 0, 0];

fn float_payload(flags: u8, prec: u32, finite: Option<(i32, &[u8])>) -> Vec<u8> {
    let mut p = vec![1, flags];
    p.extend_from_slice(&prec.to_be_bytes());
    if let Some((exp, mant)) = finite {
        p.extend_from_slice(&exp.to_be_bytes());
        p.extend_from_slice(mant);
    }
    p
}

/// 1/3 = 0.1010…₂ × 2⁻¹ rounded up to 200 bits (acc=Above): 0xaa×24, 0xab, then the unused
/// 56 bits of the fourth 64-bit word.
fn third_200() -> Vec<u8> {
    let mut m = vec![0xaa; 24];
    m.push(0xab);
    m.extend_from_slice(&[0; 7]);
    m
}

/// `[]any` of every name Go pre-registers (fixture iface_builtins).
fn builtins() -> Vec<Any> {
    use Any::*;
    vec![
        Int(-1),
        Int8(-2),
        Int16(-3),
        Int32(-4),
        Int64(-5),
        Uint(1),
        Uint8(2),
        Uint16(3),
        Uint32(4),
        Uint64(5),
        Uintptr(6),
        Float32(1.5),
        Float64(2.5),
        Complex64(Complex(0.0, 1.0)),
        Complex128(Complex(2.0, 3.0)),
        Bool(true),
        Str(s("s")),
        Bytes(bytes(&[1])),
        Ints(vec![1]),
        Int8s(vec![-1]),
        Int16s(vec![2]),
        Int32s(vec![3]),
        Int64s(vec![GoInt64(4)]),
        Uints(vec![5]),
        Uint16s(vec![6]),
        Uint32s(vec![7]),
        Uint64s(vec![GoUint64(8)]),
        Uintptrs(vec![GoUintptr(9)]),
        Float32s(vec![1.5]),
        Float64s(vec![2.5]),
        Complex64s(vec![GoComplex64(Complex(0.0, 1.0))]),
        Complex128s(vec![Complex(0.0, 2.0)]),
        Bools(vec![true]),
        Strings(vec![s("a")]),
    ]
}

// ---- more on single positive cases ----------------------------------------------------------

#[test]
fn go_inputs_that_decode_differently_encode_the_same() {
    // The values Go was asked to encode, where they differ from what Go decodes back.
    let neg_zero = Floats { f: -0.0 };
    check_encode("struct_floats_negzero", &[neg_zero]);
    check_encode(
        "struct_ptrs",
        &[Ptrs {
            p: Some(0),
            pp: Some(Some(5)),
            s: None,
        }],
    );
    check_encode("struct_unicode_field", &[Uni { upper: 1, lower: 2 }]);
    check_encode(
        "struct_unexported",
        &[Unexp {
            a: 1,
            b: 2,
            c: s("c"),
        }],
    );
    let nilempty = NilEmpty {
        m: Some(BTreeMap::new()),
        p: Some(0),
        ..NilEmpty::default()
    };
    check_encode("struct_nilempty_empty", &[nilempty]);
    check_encode("iface_nil", &[IfaceHolderOpt { i: None }]);
    check_encode("struct_ptr_toplevel", &[Some(pt(22, 33))]);
    // IfaceHolder{&7}: Go's *int in an interface, sent under the name "int".
    #[derive(Serialize, GobType)]
    #[gob(interface)]
    enum IntPtr {
        #[serde(rename = "int")]
        P(Option<i64>),
    }
    #[derive(Serialize, GobType)]
    #[gob(name = "main.IfaceHolder")]
    struct IntPtrHolder {
        #[serde(rename = "I")]
        i: IntPtr,
    }
    let v = IntPtrHolder {
        i: IntPtr::P(Some(7)),
    };
    check_encode("iface_ptr_int", &[v]);
    // the NaN's payload bits survive decoding
    let got: Vec<Floats> = decode_stream(&common::fixture("struct_floats_nan")).unwrap();
    assert_eq!(got[0].f.to_bits(), go_nan().to_bits());
}

// ---- encode_error fixtures ------------------------------------------------------------------
//
// `encode_error_prefix` checks what Go wrote before its error (type definitions, possibly);
// our `EncoderState` instead leaves its output untouched on error.

#[track_caller]
fn assert_encode_err<T: Serialize + GobType>(v: &T, want: &str) {
    match gobrpc::to_vec(v) {
        Ok(b) => panic!("encoded ({}), want error containing {want:?}", spaced(&b)),
        Err(e) => assert!(e.to_string().contains(want), "error {e:?}, want {want:?}"),
    }
}

#[test]
fn good_then_bad() {
    // Point{1,2} then a `chan int`: Rust has no chan type (nothing encodes as one), so only
    // the stream Go kept is checked: it is exactly Point{1,2}.
    let b = encode_error_prefix("good_then_bad", 1);
    assert_eq!(
        dbg(&decode_stream::<Point>(&b).unwrap()),
        dbg(&vec![pt(1, 2)])
    );
    check_encode("good_then_bad", &[pt(1, 2)]);
}

#[test]
fn bigint_in_struct_byvalue() {
    // Go fails because a big.Int value field (pointer-receiver GobEncode) is unaddressable when
    // the struct is passed by value. Rust has no addressability: the same value always
    // encodes, exactly as Go encodes it by pointer (fixture bigint_in_struct).
    encode_error_prefix("bigint_in_struct_byvalue", 0);
    check_encode("bigint_in_struct", &[big_holder(Some(255))]);
}

#[test]
fn iface_unregistered() {
    // iface_unregistered_struct / iface_unregistered_map / time_in_iface_unregistered: Go's
    // interface{} held a value whose type was never gob.Register-ed. A Rust interface enum
    // registers every variant under its serde name, so an unregistered concrete type cannot
    // be built; only Go's (empty) output is checked.
    for name in [
        "iface_unregistered_struct",
        "iface_unregistered_map",
        "time_in_iface_unregistered",
    ] {
        encode_error_prefix(name, 0);
    }
}

#[test]
fn struct_no_exported_fields() {
    // Go: "gob: type main.NoExported has no exported fields". All-skipped serde fields are the
    // derive's unexported fields.
    encode_error_prefix("struct_no_exported_fields", 0);
    assert_encode_err(&NoExported { a: 1, b: 2 }, "has no exported fields");
}

#[test]
fn textmarshaler_only() {
    // Go ignores TextMarshaler: TextOnly{v} is a struct without exported fields.
    encode_error_prefix("textmarshaler_only", 0);
    let v = TextHolder {
        t: TextOnly { v: 3 },
        n: 1,
    };
    assert_encode_err(&v, "type main.TextOnly has no exported fields");
}

#[test]

fn time_offset_minus_75s() {
    // Go's MarshalBinary rejects every offset whose offset/60 (truncated) is -1, i.e.
    // -119..=-60 s, as that collides with the UTC marker.
    encode_error_prefix("time_offset_minus_75s", 0);
    let t = GoTime::from_unix(0, 0).with_offset(-75);
    let r = t.and_then(|t| gobrpc::to_vec(&t));
    let e = r.expect_err("offset -75s must not encode");
    assert!(e.to_string().contains("unexpected zone offset"), "{e}");
}

#[test]

fn recursive_ptr_type() {
    // type Rec ***Rec: Go refuses "can't represent recursive pointer type **main.Rec".
    // Run on a thread so that a hang fails the test instead of stalling the suite.
    encode_error_prefix("recursive_ptr_type", 0);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let r = std::panic::catch_unwind(|| gobrpc::to_vec(&Rec(None)).map_err(|e| e.to_string()));
        let _ = tx.send(r);
    });
    let r = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("encoding type Rec ***Rec did not finish within 10 s")
        .expect("encoding type Rec ***Rec panicked");
    let e = r.expect_err("type Rec ***Rec must not encode");
    assert!(e.contains("recursive pointer type"), "{e}");
}

const OTHER_COVERED: &[&str] = &[
    "good_then_bad",
    "bigint_in_struct_byvalue",
    "iface_unregistered_struct",
    "iface_unregistered_map",
    "time_in_iface_unregistered",
    "struct_no_exported_fields",
    "textmarshaler_only",
    "time_offset_minus_75s",
    "recursive_ptr_type",
];

// ---- decode type errors (Go's messages) -----------------------------------------------------

/// Decoding fixture `name` into a `T` must fail with an error containing `want`.
#[track_caller]
fn assert_decode_err<T: DeserializeOwned + Debug>(name: &str, want: &str) {
    match gobrpc::from_slice::<T>(&common::fixture(name)) {
        Ok(v) => panic!("{name}: decoded {v:?}, want error containing {want:?}"),
        Err(e) => assert!(
            e.to_string().contains(want),
            "{name}: error {e}, want {want:?}"
        ),
    }
}

#[test]
fn point_into_struct_without_matching_fields() {
    assert_decode_err::<NoMatch>("struct_point_doc", "no fields matched");
}

#[test]
fn integer_out_of_range() {
    // AllScalars{Int16: -32768, Uint32: 0xffffffff} into narrower Rust fields.
    assert_decode_err::<NarrowInt>("struct_all_scalars", r#"value for "Int16" out of range"#);
    assert_decode_err::<NarrowUint>("struct_all_scalars", r#"value for "Uint32" out of range"#);
    // The boundary itself is in range: Int8Field{A:-128} into i8.
    assert_eq!(
        gobrpc::from_slice::<Int8Field>(&common::fixture("struct_int8_field"))
            .unwrap()
            .a,
        -128
    );
}

#[test]
fn interface_name_not_in_enum() {
    // iface_int sends "int"; an enum without that name refuses it (Go: "name not registered
    // for interface").
    assert_decode_err::<OnlyPointHolder>("iface_int", "unknown variant `int`");
}

// ---- coverage -------------------------------------------------------------------------------

/// Every fixture of this set (`common::typed_fixtures::Half::B`) has a test here, and no test
/// names a fixture that does not exist.
#[test]
fn every_fixture_of_this_set_is_covered() {
    assert_half_covered(Half::B, &[POSITIVE_COVERED, OTHER_COVERED], 115);
}

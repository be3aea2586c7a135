//! `#[derive(GobType)]` against Go's bytes.
//!
//! Every expected byte string is copied from Appendix A of the wire spec
//! (shared/reference/gob-netrpc-spec.md), captured from real Go; each test is named after its
//! fixture. The schema tests at the end check the described Go types directly, and
//! cross-check field and variant names against what serde writes (via `serde_json`).
//!
//! The Go types several test files mirror the same way are in `common::gotypes` (derived like
//! the ones here; most with the derive's default Go name `main.<Ident>`).
#![allow(dead_code)]

mod common;

use common::gotypes::{
    pt, AnonAB, ArrHolder, Inner, Node, Outer, Point, Ptrs, RpcRequest, Small, Unexp, Uni,
    WithNested, WithNestedPtr, AB, RS, Z,
};
use common::streams::spaced;
use gobrpc::schema::{GoKind, TypeBuilder, TypeRef};
use gobrpc::GobType;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The spec's messages (one per line), joined: a complete stream.
fn go_bytes(messages: &str) -> Vec<u8> {
    hex::decode(messages.split_whitespace().collect::<String>()).expect("valid hex")
}

#[track_caller]
fn check<T: Serialize + GobType + ?Sized>(value: &T, go: &str) {
    let got = gobrpc::to_vec(value).expect("encodes");
    assert_eq!(spaced(&got), spaced(&go_bytes(go)));
}

/// `Point` defined as id 64 at top level.
const POINT_DEF: &str =
    "1e 7f 03 01 01 05 50 6f 69 6e 74 01 ff 80 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00";
/// `Point` defined as id 64 without a name (reached through a slice of pointers, an array, a map).
const POINT_ANON_DEF: &str =
    "17 7f 03 01 02 ff 80 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00";

// `AB` (Go: `type AB struct { A, B int }`) has the default name `main.AB`.
const AB_DEF: &str =
    "1b 7f 03 01 01 02 41 42 01 ff 80 00 01 02 01 01 41 01 04 00 01 01 42 01 04 00 00 00";

#[test]
fn struct_point_doc() {
    check(&pt(22, 33), &format!("{POINT_DEF} 07 ff 80 01 2c 01 42 00"));
}

#[test]
fn struct_ab_7_8() {
    check(
        &AB { a: 7, b: 8 },
        &format!("{AB_DEF} 07 ff 80 01 0e 01 10 00"),
    );
}

#[test]
fn struct_zero_field() {
    check(&AB { a: 0, b: 8 }, &format!("{AB_DEF} 05 ff 80 02 10 00"));
}

#[test]
fn struct_all_zero() {
    check(&AB { a: 0, b: 0 }, &format!("{AB_DEF} 03 ff 80 00"));
}

#[test]
fn struct_anon_ab() {
    // `AnonAB` is `#[gob(name = "")]`.
    check(
        &AnonAB { a: 7, b: 8 },
        "17 7f 03 01 02 ff 80 00 01 02 01 01 41 01 04 00 01 01 42 01 04 00 00 00
         07 ff 80 01 0e 01 10 00",
    );
}

#[test]
fn struct_empty() {
    #[derive(Serialize, GobType)]
    #[gob(name = "")]
    struct Empty;
    check(&Empty, "09 7f 03 01 02 ff 80 00 00 00 03 ff 80 00");
}

#[test]
fn struct_unexported() {
    // Go's unexported field `b` is a skipped Rust field (`#[serde(skip)]` in `Unexp`).
    let v = Unexp {
        a: 1,
        b: 2,
        c: "c".into(),
    };
    check(
        &v,
        "1e 7f 03 01 01 05 55 6e 65 78 70 01 ff 80 00 01 02 01 01 41 01 04 00 01 01 43 01 0c 00 00 00
         08 ff 80 01 02 01 01 63 00",
    );
}

#[test]
fn struct_chan_func() {
    // chan/func fields are not part of Go's wire type; skip_serializing fields are not either.
    #[derive(Serialize, GobType)]
    struct ChanFunc {
        #[serde(rename = "A")]
        a: i64,
        #[serde(skip_serializing)]
        c: Vec<i64>,
        #[serde(skip)]
        f: Option<fn()>,
    }
    let v = ChanFunc {
        a: 1,
        c: vec![1],
        f: None,
    };
    check(
        &v,
        "1b 7f 03 01 01 08 43 68 61 6e 46 75 6e 63 01 ff 80 00 01 01 01 01 41 01 04 00 00 00
         05 ff 80 01 02 00",
    );
}

const INNER_DEF: &str =
    "19 ff 81 03 01 01 05 49 6e 6e 65 72 01 ff 82 00 01 01 01 01 58 01 04 00 00 00";

#[test]
fn struct_embedded() {
    check(
        &Outer { inner: Inner { x: 5 }, y: 6 },
        &format!(
            "23 7f 03 01 01 05 4f 75 74 65 72 01 ff 80 00 01 02 01 05 49 6e 6e 65 72 01 ff 82 00 01 01 59 01 04 00 00 00
             {INNER_DEF} 09 ff 80 01 01 0a 00 01 0c 00"
        ),
    );
}

#[test]
fn struct_embedded_ptr_nil() {
    #[derive(Serialize, GobType)]
    #[serde(rename_all = "PascalCase")]
    struct OuterPtr {
        inner: Option<Box<Inner>>,
        y: i64,
    }
    check(
        &OuterPtr { inner: None, y: 6 },
        &format!(
            "26 7f 03 01 01 08 4f 75 74 65 72 50 74 72 01 ff 80 00 01 02 01 05 49 6e 6e 65 72 01 ff 82 00 01 01 59 01 04 00 00 00
             {INNER_DEF} 05 ff 80 02 0c 00"
        ),
    );
}

#[test]
fn struct_nested_zero() {
    check(
        &WithNested { s: Inner { x: 0 }, n: 1 },
        &format!(
            "24 7f 03 01 01 0a 57 69 74 68 4e 65 73 74 65 64 01 ff 80 00 01 02 01 01 53 01 ff 82 00 01 01 4e 01 04 00 00 00
             {INNER_DEF} 07 ff 80 01 00 01 02 00"
        ),
    );
}

const WITH_NESTED_PTR_DEF: &str = "27 7f 03 01 01 0d 57 69 74 68 4e 65 73 74 65 64 50 74 72 01 ff 80 00 01 02 01 01 53 01 ff 82 00 01 01 4e 01 04 00 00 00";

#[test]
fn struct_nested_ptr_nil() {
    check(
        &WithNestedPtr { s: None, n: 1 },
        &format!("{WITH_NESTED_PTR_DEF} {INNER_DEF} 05 ff 80 02 02 00"),
    );
}

#[test]
fn struct_nested_ptr_zero() {
    check(
        &WithNestedPtr {
            s: Some(Inner { x: 0 }),
            n: 1,
        },
        &format!("{WITH_NESTED_PTR_DEF} {INNER_DEF} 07 ff 80 01 00 01 02 00"),
    );
}

#[test]
fn struct_ptrs() {
    // Ptrs{P:&0, PP:&&5, S:nil}: a pointer to zero is omitted like the zero.
    check(
        &Ptrs { p: Some(0), pp: Some(Some(5)), s: None },
        "24 7f 03 01 01 04 50 74 72 73 01 ff 80 00 01 03 01 01 50 01 04 00 01 02 50 50 01 04 00 01 01 53 01 0c 00 00 00
         05 ff 80 02 0a 00",
    );
}

/// Go's `SliceHolder{S []int; B []byte; M map[string]int}` with a choice of Rust types.
#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct SliceHolder<B, M> {
    s: Vec<i64>,
    b: B,
    m: M,
}

const SLICE_HOLDER_DEFS: &str = "
    2c 7f 03 01 01 0b 53 6c 69 63 65 48 6f 6c 64 65 72 01 ff 80 00 01 03 01 01 53 01 ff 82 00 01 01 42 01 0a 00 01 01 4d 01 ff 84 00 00 00
    13 ff 81 02 01 01 05 5b 5d 69 6e 74 01 ff 82 00 01 04 00 00
    1e ff 83 04 01 01 0e 6d 61 70 5b 73 74 72 69 6e 67 5d 69 6e 74 01 ff 84 00 01 0c 01 04 00 00";

#[test]
fn struct_slices_empty_vs_nil() {
    // Empty slices are omitted; an empty (non-nil) map is sent.
    let (s, b, m) = (
        vec![],
        serde_bytes::ByteBuf::new(),
        HashMap::<String, i64>::new(),
    );
    check(
        &SliceHolder { s, b, m },
        &format!("{SLICE_HOLDER_DEFS} 05 ff 80 03 00 00"),
    );
    // The same with `Vec<u8>` for `[]byte` and a BTreeMap.
    let (s, b, m) = (vec![], Vec::<u8>::new(), BTreeMap::<String, i64>::new());
    check(
        &SliceHolder { s, b, m },
        &format!("{SLICE_HOLDER_DEFS} 05 ff 80 03 00 00"),
    );
}

#[test]
fn struct_slices_nil() {
    // Go's nil map is `Option<map>` = None.
    let (s, b, m) = (vec![], Vec::<u8>::new(), None::<HashMap<String, i64>>);
    check(
        &SliceHolder { s, b, m },
        &format!("{SLICE_HOLDER_DEFS} 03 ff 80 00"),
    );
}

#[test]
fn struct_arrays() {
    check(
        &ArrHolder { z: [], a: [0, 0] },
        "24 7f 03 01 01 09 41 72 72 48 6f 6c 64 65 72 01 ff 80 00 01 02 01 01 5a 01 ff 82 00 01 01 41 01 ff 84 00 00 00
         14 ff 81 01 01 01 06 5b 30 5d 69 6e 74 01 ff 82 00 01 04 00 00
         16 ff 83 01 01 01 06 5b 32 5d 69 6e 74 01 ff 84 00 01 04 01 04 00 00
         09 ff 80 01 00 01 02 00 00 00",
    );
}

#[test]
fn struct_unicode_field() {
    // `Uni`'s lower-case Go field `ä` is a skipped Rust field.
    check(
        &Uni { upper: 1, lower: 2 },
        "17 7f 03 01 01 03 55 6e 69 01 ff 80 00 01 01 01 02 c3 84 01 04 00 00 00
         05 ff 80 01 02 00",
    );
}

#[test]
fn rpc_request_hdr() {
    // `RpcRequest` is `#[gob(name = "main.rpcRequest")]`.
    check(
        &RpcRequest { service_method: "Arith.Add".into(), seq: 0 },
        "31 7f 03 01 01 0a 72 70 63 52 65 71 75 65 73 74 01 ff 80 00 01 02 01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 00 00
         0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00",
    );
}

#[test]
fn recursive_struct() {
    let two = Node { val: 2, next: None };
    check(
        &Node { val: 1, next: Some(Box::new(two)) },
        "23 7f 03 01 01 04 4e 6f 64 65 01 ff 80 00 01 02 01 03 56 61 6c 01 04 00 01 04 4e 65 78 74 01 ff 80 00 00 00
         09 ff 80 01 02 01 01 04 00 00",
    );
}

#[test]
fn recursive_slice() {
    // type RS []RS; RS{RS{}, nil}
    check(
        &RS(vec![RS(vec![]), RS(vec![])]),
        "10 7f 02 01 01 02 52 53 01 ff 80 00 01 ff 80 00 00 06 ff 80 00 02 00 00",
    );
}

#[test]
fn recursive_map() {
    // type RM map[string]RM; RM{"a": RM{"b": nil}}
    #[derive(Serialize, GobType)]
    struct RM(HashMap<String, RM>);
    let b = RM(HashMap::from([("b".to_string(), RM(HashMap::new()))]));
    check(
        &RM(HashMap::from([("a".to_string(), b)])),
        "12 7f 04 01 01 02 52 4d 01 ff 80 00 01 0c 01 ff 80 00 00
         0a ff 80 00 01 01 61 01 01 62 00",
    );
}

#[test]
fn slice_ptr_struct() {
    // []*Point: the element's Go name is the pointer's, "".
    check(
        &vec![Some(pt(1, 2))],
        &format!("0d ff 81 02 01 02 ff 82 00 01 ff 80 00 00 {POINT_ANON_DEF} 09 ff 82 00 01 01 02 01 04 00"),
    );
}

// ---- interfaces -------------------------------------------------------------------------

/// Go's `interface{}` as the fixtures fill it.
#[derive(Serialize, GobType)]
#[gob(interface)]
enum Any {
    #[serde(rename = "*main.Point")]
    PointPtr(Box<Point>),
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "float64")]
    Float(f64),
    #[serde(rename = "main.IfaceHolder")]
    Holder(Box<IfaceHolder>),
    #[serde(rename = "main.Small")]
    Small(Small),
    #[serde(rename = "main.Z")]
    Z(Z),
    Nil,
}

#[derive(Serialize, GobType)]
struct IfaceHolder {
    #[serde(rename = "I")]
    i: Any,
}

const IFACE_HOLDER_DEF: &str =
    "1e 7f 03 01 01 0b 49 66 61 63 65 48 6f 6c 64 65 72 01 ff 80 00 01 01 01 01 49 01 10 00 00 00";

/// Go's `Two{I interface{}; N int}`, with an interface enum of one concrete type.
#[derive(Serialize, GobType)]
#[gob(interface)]
enum Shape {
    #[serde(rename = "main.Point")]
    Point(Point),
}

#[derive(Serialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
struct Two {
    i: Shape,
    n: i64,
}

const TWO_VALUE: &str = "
    1c 7f 03 01 01 03 54 77 6f 01 ff 80 00 01 02 01 01 49 01 10 00 01 01 4e 01 04 00 00 00
    2d ff 80 01 0a 6d 61 69 6e 2e 50 6f 69 6e 74 ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00
    0b ff 82 05 01 02 01 04 00 01 12 00";

#[test]
fn iface_int() {
    let go = format!("{IFACE_HOLDER_DEF} 0c ff 80 01 03 69 6e 74 04 02 00 0e 00");
    check(&IfaceHolder { i: Any::Int(7) }, &go);
}

#[test]
fn iface_nil() {
    check(
        &IfaceHolder { i: Any::Nil },
        &format!("{IFACE_HOLDER_DEF} 03 ff 80 00"),
    );
    // `Option<interface enum>`: None is the nil interface too.
    #[derive(Serialize, GobType)]
    #[gob(name = "main.IfaceHolder")]
    struct IfaceHolderOpt {
        #[serde(rename = "I")]
        i: Option<Any>,
    }
    check(
        &IfaceHolderOpt { i: None },
        &format!("{IFACE_HOLDER_DEF} 03 ff 80 00"),
    );
}

#[test]
fn iface_struct() {
    check(
        &Two {
            i: Shape::Point(pt(1, 2)),
            n: 9,
        },
        TWO_VALUE,
    );
    // The interface field as `Option<Shape>`.
    #[derive(Serialize, GobType)]
    #[gob(name = "main.Two")]
    #[serde(rename_all = "UPPERCASE")]
    struct TwoOpt {
        i: Option<Shape>,
        n: i64,
    }
    check(
        &TwoOpt {
            i: Some(Shape::Point(pt(1, 2))),
            n: 9,
        },
        TWO_VALUE,
    );
}

#[test]
fn iface_ptr_struct() {
    // Registered in Go via Register(&Point{}): name "*main.Point".
    check(
        &IfaceHolder { i: Any::PointPtr(Box::new(pt(1, 2))) },
        &format!(
            "{IFACE_HOLDER_DEF}
             2e ff 80 01 0b 2a 6d 61 69 6e 2e 50 6f 69 6e 74 ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00
             09 ff 82 05 01 02 01 04 00 00"
        ),
    );
}

#[test]
fn iface_slice_any() {
    check(
        &vec![Any::Str("hi".into()), Any::Nil, Any::Float(1.5)],
        "0b 7f 02 01 02 ff 80 00 01 10 00 00
         20 ff 80 00 03 06 73 74 72 69 6e 67 0c 04 00 02 68 69 00 07 66 6c 6f 61 74 36 34 08 04 00 fe f8 3f",
    );
}

#[test]
fn iface_toplevel() {
    check(
        &Any::Str("s".into()),
        "0e 10 00 06 73 74 72 69 6e 67 0c 03 00 01 73",
    );
}

#[test]
fn slice_iface_100_z() {
    check(
        &vec![Any::Z(Z), Any::Z(Z), Any::Z(Z)],
        "0b 7f 02 01 02 ff 80 00 01 10 00 00
         18 ff 80 00 03 06 6d 61 69 6e 2e 5a ff 81 03 01 01 01 5a 01 ff 82 00 00 00
         1a ff 82 01 00 06 6d 61 69 6e 2e 5a ff 82 01 00 06 6d 61 69 6e 2e 5a ff 82 01 00",
    );
}

#[test]
fn iface_nested() {
    // IfaceHolder{IfaceHolder{Small{1,"x"}}}: the interface enum holds a type holding itself.
    // The spec shows this fixture's first message whole and the second one's first 50 bytes.
    let small = Any::Small(Small {
        a: 1,
        b: "x".into(),
    });
    let got = gobrpc::to_vec(&IfaceHolder {
        i: Any::Holder(Box::new(IfaceHolder { i: small })),
    })
    .unwrap();
    let prefix = go_bytes(&format!(
        "{IFACE_HOLDER_DEF}
         4e ff 80 01 10 6d 61 69 6e 2e 49 66 61 63 65 48 6f 6c 64 65 72 ff 80 2b 01 0a 6d 61 69 6e 2e 53 6d 61 6c 6c ff 81 03 01 01 05 53 6d 61 6c 6c 01"
    ));
    assert_eq!(spaced(&got[..prefix.len()]), spaced(&prefix));
}

#[test]
fn unit_enum_is_go_int() {
    #[derive(Serialize, GobType)]
    enum Color {
        Red,
        Green,
        Blue,
        Alpha = 100,
    }
    // The variant index (3, not the discriminant) as a top-level int: fixture int_3.
    check(&Color::Alpha, "03 04 00 06");
}

// ---- schema: what the derive describes --------------------------------------------------

/// A builder holding `T`'s described Go type, and its handle.
fn describe<T: GobType + ?Sized>() -> (TypeBuilder, TypeRef) {
    let mut b = TypeBuilder::new();
    let t = b.build::<T>();
    (b, t)
}

/// Go's `Name() | String()` for `T`.
fn go_name<T: GobType + ?Sized>() -> String {
    let (b, t) = describe::<T>();
    format!("{} | {}", b.get(t).name, b.get(t).string)
}

/// Go's `Name() | String() | kind` for `T`.
fn go_type<T: GobType + ?Sized>() -> String {
    let (b, t) = describe::<T>();
    format!("{} | {:?}", go_name::<T>(), b.get(t).kind)
}

fn field_names<T: GobType + ?Sized>() -> Vec<String> {
    let (b, t) = describe::<T>();
    match b.get(t).kind.clone() {
        GoKind::Struct(fields) => fields.iter().map(|f| f.name.to_string()).collect(),
        k => panic!("not a struct: {k:?}"),
    }
}

/// serde's names for a value's fields, or an enum value's variant (sorted: serde_json's
/// map is ordered by key).
fn serde_names<T: Serialize>(v: &T) -> Vec<String> {
    match serde_json::to_value(v).unwrap() {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        other => panic!("not an object: {other}"),
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

macro_rules! rename_all_case {
    ($test:ident, $rule:literal, [$($want:literal),*]) => {
        #[test]
        fn $test() {
            #[derive(Serialize, GobType, Default)]
            #[serde(rename_all = $rule)]
            #[allow(non_snake_case)]
            struct S {
                field: i64,
                two_words: i64,
                three_word_name: i64,
                r#type: i64,
                x1_y2: i64,
                already_Mixed: i64,
                #[serde(rename = "Kept")]
                renamed: i64,
            }
            let go = field_names::<S>();
            assert_eq!(go, [$($want),*]);
            assert_eq!(sorted(go), sorted(serde_names(&S::default())));

            #[derive(Serialize, GobType)]
            #[serde(rename_all = $rule)]
            #[gob(interface)]
            #[allow(clippy::enum_variant_names)]
            enum E {
                Variant(i64),
                TwoWords(i64),
                HTTPServer(i64),
                #[serde(rename = "Kept")]
                Renamed(i64),
            }
            let (b, _) = describe::<E>();
            for v in [E::Variant(0), E::TwoWords(0), E::HTTPServer(0), E::Renamed(0)] {
                let name = &serde_names(&v)[0];
                assert!(b.concrete(name).is_some(), "serde name {name} not registered");
            }
        }
    };
}

rename_all_case! { rename_all_lowercase, "lowercase",
["field", "two_words", "three_word_name", "type", "x1_y2", "already_Mixed", "Kept"] }
rename_all_case! { rename_all_uppercase, "UPPERCASE",
["FIELD", "TWO_WORDS", "THREE_WORD_NAME", "TYPE", "X1_Y2", "ALREADY_MIXED", "Kept"] }
rename_all_case! { rename_all_pascal, "PascalCase",
["Field", "TwoWords", "ThreeWordName", "Type", "X1Y2", "AlreadyMixed", "Kept"] }
rename_all_case! { rename_all_camel, "camelCase",
["field", "twoWords", "threeWordName", "type", "x1Y2", "alreadyMixed", "Kept"] }
rename_all_case! { rename_all_snake, "snake_case",
["field", "two_words", "three_word_name", "type", "x1_y2", "already_Mixed", "Kept"] }
rename_all_case! { rename_all_screaming_snake, "SCREAMING_SNAKE_CASE",
["FIELD", "TWO_WORDS", "THREE_WORD_NAME", "TYPE", "X1_Y2", "ALREADY_MIXED", "Kept"] }
rename_all_case! { rename_all_kebab, "kebab-case",
["field", "two-words", "three-word-name", "type", "x1-y2", "already-Mixed", "Kept"] }
rename_all_case! { rename_all_screaming_kebab, "SCREAMING-KEBAB-CASE",
["FIELD", "TWO-WORDS", "THREE-WORD-NAME", "TYPE", "X1-Y2", "ALREADY-MIXED", "Kept"] }

#[test]
fn serde_field_attributes() {
    #[derive(Serialize, GobType, Default)]
    #[serde(rename_all(serialize = "PascalCase", deserialize = "camelCase"))]
    struct S {
        #[serde(rename(serialize = "Ser", deserialize = "de"))]
        a: i64,
        #[serde(rename(deserialize = "only_de"))]
        b_b: i64,
        #[serde(skip_serializing_if = "Option::is_none", default)]
        c: Option<i64>,
        #[serde(skip)]
        d: i64,
        #[serde(skip_serializing)]
        e: i64,
        #[serde(skip_deserializing)]
        f: i64,
        #[serde(serialize_with = "as_i64")]
        g: i32,
    }
    fn as_i64<S: serde::Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(*v as i64)
    }
    // `c` stays in the Go type although serde leaves a None out.
    assert_eq!(field_names::<S>(), ["Ser", "BB", "C", "F", "G"]);
    let v = S {
        c: Some(1),
        ..S::default()
    };
    assert_eq!(sorted(field_names::<S>()), sorted(serde_names(&v)));
}

#[test]
fn names_and_kinds() {
    #[derive(Serialize, GobType)]
    struct Celsius(f64);
    assert_eq!(go_type::<Celsius>(), "Celsius | main.Celsius | Float");
    assert_eq!(go_name::<Point>(), "Point | main.Point");
    #[derive(Serialize, GobType)]
    #[gob(name = "example.com/geo.Pair[main.A]")]
    struct Pair {}
    assert_eq!(
        go_type::<Pair>(),
        "Pair[main.A] | example.com/geo.Pair[main.A] | Struct([])"
    );
    #[derive(Serialize, GobType)]
    #[gob(name = "")]
    #[serde(rename_all = "UPPERCASE")]
    struct Anon {
        a: i64,
        b: String,
    }
    assert_eq!(go_name::<Anon>(), " | struct { A int; B string }");
    #[derive(Serialize, GobType)]
    enum Color {
        Red,
        Green,
    }
    assert_eq!(go_type::<Color>(), "Color | main.Color | Int");
    assert_eq!(go_type::<Shape>(), " | interface {} | Interface");
    assert!(describe::<Shape>().0.concrete("main.Point").is_some());
}

#[test]
fn newtype_transparent_into_tag() {
    #[derive(Serialize, GobType)]
    #[serde(transparent)]
    struct Meters {
        v: f64,
        #[serde(skip)]
        unit: (),
    }
    assert_eq!(go_type::<Meters>(), "Meters | main.Meters | Float");
    #[derive(Serialize, GobType, Clone)]
    #[serde(into = "Point")]
    struct Polar(i64);
    impl From<Polar> for Point {
        fn from(p: Polar) -> Point {
            pt(p.0, 0)
        }
    }
    assert_eq!(go_name::<Polar>(), "Point | main.Point");
    #[derive(Serialize, GobType)]
    #[serde(tag = "Kind", rename_all = "PascalCase")]
    struct Tagged {
        value: i64,
    }
    let go = field_names::<Tagged>();
    assert_eq!(go, ["Kind", "Value"]);
    assert_eq!(sorted(go), sorted(serde_names(&Tagged { value: 1 })));
}

#[test]
fn generics_and_lifetimes() {
    // Go's `type Page struct { Title string; Items []int; Next *Page }`.
    #[derive(Serialize, GobType)]
    #[serde(rename_all = "PascalCase")]
    struct Page<'a, T: Clone> {
        title: &'a str,
        items: std::borrow::Cow<'a, [T]>,
        next: Option<Box<Page<'a, T>>>,
    }
    let title = String::from("t");
    let items = std::borrow::Cow::Borrowed(&[1i64][..]);
    let (title, next) = (&title, None);
    gobrpc::to_vec(&Page { title, items, next }).unwrap();
    assert_eq!(field_names::<Page<'_, i64>>(), ["Title", "Items", "Next"]);
    let (b, t) = describe::<Page<'static, i64>>();
    let GoKind::Struct(f) = &b.get(t).kind else {
        panic!()
    };
    assert_eq!(b.base(f[2].ty), t, "recursion through the 'static instance");

    #[derive(GobType)]
    struct Arr<const N: usize> {
        a: [i64; N],
    }
    let (b, t) = describe::<Arr<3>>();
    let GoKind::Struct(f) = &b.get(t).kind else {
        panic!()
    };
    assert!(matches!(b.get(f[0].ty).kind, GoKind::Array { len: 3, .. }));

    #[derive(Serialize, GobType)]
    #[gob(bound = "")]
    struct Marker<T> {
        #[serde(rename = "N")]
        n: i64,
        #[serde(skip)]
        p: std::marker::PhantomData<T>,
    }
    struct NotGob;
    assert_eq!(field_names::<Marker<NotGob>>(), ["N"]);
}

#[test]
fn recursive_interface_is_described_once() {
    #[derive(Serialize, GobType)]
    #[gob(interface)]
    enum Tree {
        #[serde(rename = "main.Node")]
        Node(Box<Node>),
        Leaf,
    }
    #[derive(Serialize, GobType)]
    #[serde(rename_all = "PascalCase")]
    struct Node {
        children: Vec<Tree>,
        parent: Option<Tree>,
    }
    let (b, t) = describe::<Tree>();
    let node = b.concrete("main.Node").expect("registered");
    let GoKind::Struct(f) = &b.get(node).kind else {
        panic!()
    };
    assert_eq!(b.get(f[0].ty).kind, GoKind::Slice(t));
    let (children, parent) = (vec![], None);
    let child = Tree::Node(Box::new(Node { children, parent }));
    let (children, parent) = (vec![Tree::Leaf, child], Some(Tree::Leaf));
    gobrpc::to_vec(&Node { children, parent }).unwrap();
}

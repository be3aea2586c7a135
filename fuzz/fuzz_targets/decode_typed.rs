//! Any bytes, decoded into a few typed shapes, owned and borrowed: an error or a value,
//! never a panic.
#![no_main]

use gobrpc::types::{BigInt, GoTime};
use gobrpc::{DecoderState, Limits};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Point {
    #[serde(rename = "X")]
    x: i64,
    #[serde(rename = "Y")]
    y: i64,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Node {
    #[serde(rename = "Val")]
    val: i8,
    #[serde(rename = "Next")]
    next: Option<Box<Node>>,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
enum Any {
    Nil,
    #[serde(rename = "main.Point")]
    Point(Point),
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(String),
    #[serde(rename = "[]interface {}")]
    List(Vec<Any>),
    #[serde(rename = "map[string]interface {}")]
    Map(HashMap<String, Any>),
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Kitchen {
    #[serde(rename = "S")]
    s: Vec<String>,
    #[serde(rename = "M")]
    m: HashMap<String, u16>,
    #[serde(rename = "A")]
    a: [u8; 3],
    #[serde(rename = "B")]
    b: serde_bytes::ByteBuf,
    #[serde(rename = "I")]
    i: Option<Any>,
    #[serde(rename = "T")]
    t: GoTime,
    #[serde(rename = "N")]
    n: Option<BigInt>,
    #[serde(rename = "F")]
    f: f32,
}

/// Dynamic values inside a typed struct, a type that denies unknown fields.
#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Embedded {
    #[serde(rename = "I")]
    i: gobrpc::Value,
    #[serde(rename = "T")]
    t: Option<gobrpc::TypedValue>,
    #[serde(rename = "V")]
    v: Vec<gobrpc::Value>,
}

/// Go's `interface{}` with borrowed strings.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
enum AnyRef<'a> {
    Nil,
    #[serde(rename = "string")]
    Str(&'a str),
    #[serde(rename = "[]uint8")]
    Bytes(&'a [u8]),
    #[serde(rename = "[]string", borrow)]
    Strs(Vec<&'a str>),
}

/// Strings and bytes borrowed from the input, in every position borrowing reaches.
#[derive(Deserialize, Debug)]
#[allow(dead_code)]
struct Borrowed<'a> {
    #[serde(rename = "S")]
    s: &'a str,
    #[serde(rename = "B")]
    b: &'a [u8],
    #[serde(rename = "C", borrow)]
    c: Cow<'a, str>,
    #[serde(rename = "L", borrow)]
    l: Vec<&'a str>,
    #[serde(rename = "M", borrow)]
    m: HashMap<&'a str, Vec<&'a [u8]>>,
    #[serde(rename = "P", borrow)]
    p: Option<&'a str>,
    #[serde(rename = "N", borrow)]
    n: Option<Box<Borrowed<'a>>>,
    #[serde(rename = "I", borrow)]
    i: Option<AnyRef<'a>>,
}

/// Decodes values one after another with `decode` (the bytes each took, `None` to stop).
fn stream(data: &[u8], strict: bool, decode: impl Fn(&mut DecoderState, &[u8]) -> Option<usize>) {
    let limits = Limits::default().max_message(1 << 20).max_depth(200);
    let mut st = DecoderState::with_limits(limits);
    st.set_strict(strict);
    let mut rest = data;
    while let Some(used) = decode(&mut st, rest) {
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
    }
}

fn each<T: serde::de::DeserializeOwned>(data: &[u8]) {
    each_in::<T>(data, false);
}

fn each_in<T: serde::de::DeserializeOwned>(data: &[u8], strict: bool) {
    stream(data, strict, |st, rest| Some(st.decode::<T>(rest).ok()??.1));
}

/// The borrowed shapes: a value borrows from the bytes it was decoded from.
fn each_borrowed(data: &[u8]) {
    stream(data, false, |st, rest| {
        let (v, used) = st.decode::<Borrowed>(rest).ok()??;
        assert!(rest[..used].as_ptr_range().contains(&v.s.as_ptr()) || v.s.is_empty());
        Some(used)
    });
    stream(data, false, |st, rest| Some(st.decode::<Vec<&str>>(rest).ok()??.1));
    // Struct field names are not in the value's bytes: an error, never a panic.
    stream(data, false, |st, rest| {
        Some(st.decode::<HashMap<&str, Option<AnyRef>>>(rest).ok()??.1)
    });
}

fuzz_target!(|data: &[u8]| {
    each::<Point>(data);
    each::<Node>(data);
    each::<Option<Any>>(data);
    each::<Kitchen>(data);
    each::<Vec<HashMap<i32, Vec<String>>>>(data);
    each::<(f64, f64)>(data);
    each::<Embedded>(data);
    each::<gobrpc::Value>(data);
    each_in::<Kitchen>(data, true);
    each_borrowed(data);
});

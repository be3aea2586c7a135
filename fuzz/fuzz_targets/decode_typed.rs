//! Any bytes, decoded into a few typed shapes: an error or a value, never a panic.
#![no_main]

use gobrpc::types::{BigInt, GoTime};
use gobrpc::{DecoderState, Limits};
use libfuzzer_sys::fuzz_target;
use serde::Deserialize;
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

fn each<T: serde::de::DeserializeOwned>(data: &[u8]) {
    each_in::<T>(data, false);
}

fn each_in<T: serde::de::DeserializeOwned>(data: &[u8], strict: bool) {
    let limits = Limits::default().max_message(1 << 20).max_depth(200);
    let mut st = DecoderState::with_limits(limits);
    st.set_strict(strict);
    let mut rest = data;
    while let Ok(Some((_v, used))) = st.decode::<T>(rest) {
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
    }
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
});

//! Borrowed decoding: `&str`, `&[u8]`, `Cow` (with `#[serde(borrow)]`), `Vec<&str>` and maps
//! with borrowed keys point into the input; the checks of owned decoding still run; values
//! that are not in the input give a clear error for `&str` and work for `Cow` and `String`;
//! borrowed structs encode to the bytes their owned twins encode to.

mod common;

use gobrpc::{Category, DecoderState, GobType, Limits};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// True if `part` lies inside `whole`.
fn inside(whole: &[u8], part: &[u8]) -> bool {
    let w = whole.as_ptr_range();
    let p = part.as_ptr_range();
    w.start <= p.start && p.end <= w.end
}

#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Listing")]
struct Listing<'a> {
    #[serde(rename = "Name")]
    name: &'a str,
    #[serde(rename = "Data")]
    data: &'a [u8],
    #[serde(rename = "Note", borrow)]
    note: Cow<'a, str>,
    #[serde(rename = "Blob", borrow, with = "serde_bytes")]
    blob: Cow<'a, [u8]>,
    #[serde(rename = "Items")]
    items: Vec<&'a str>,
    #[serde(rename = "Index")]
    index: BTreeMap<&'a str, Inner<'a>>,
}

#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Inner")]
struct Inner<'a> {
    #[serde(rename = "Label")]
    label: &'a str,
    #[serde(rename = "N")]
    n: i64,
}

/// The owned twin of `Listing`: the same Go type.
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Listing")]
struct OwnedListing {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Data", with = "serde_bytes")]
    data: Vec<u8>,
    #[serde(rename = "Note")]
    note: String,
    #[serde(rename = "Blob", with = "serde_bytes")]
    blob: Vec<u8>,
    #[serde(rename = "Items")]
    items: Vec<String>,
    #[serde(rename = "Index")]
    index: BTreeMap<String, OwnedInner>,
}

#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Inner")]
struct OwnedInner {
    #[serde(rename = "Label")]
    label: String,
    #[serde(rename = "N")]
    n: i64,
}

fn owned() -> OwnedListing {
    OwnedListing {
        name: "logs".into(),
        data: vec![0, 1, 255],
        note: "héllo".into(),
        blob: vec![9; 5],
        items: vec!["a".into(), "".into(), "ccc".into()],
        index: BTreeMap::from([(
            "k1".into(),
            OwnedInner {
                label: "one".into(),
                n: 1,
            },
        )]),
    }
}

#[test]
fn borrowed_fields_point_into_the_input() {
    let bytes = gobrpc::to_vec(&owned()).unwrap();
    let got: Listing = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(got.name, "logs");
    assert_eq!(got.data, [0, 1, 255]);
    assert_eq!(got.note, "héllo");
    assert_eq!(&*got.blob, [9; 5]);
    assert_eq!(got.items, ["a", "", "ccc"]);
    assert_eq!(got.index["k1"], Inner { label: "one", n: 1 });
    assert!(inside(&bytes, got.name.as_bytes()));
    assert!(inside(&bytes, got.data));
    assert!(matches!(got.note, Cow::Borrowed(s) if inside(&bytes, s.as_bytes())));
    assert!(matches!(got.blob, Cow::Borrowed(b) if inside(&bytes, b)));
    assert!(got.items.iter().all(|s| inside(&bytes, s.as_bytes())));
    let (key, inner) = got.index.iter().next().unwrap();
    assert!(inside(&bytes, key.as_bytes()) && inside(&bytes, inner.label.as_bytes()));
}

/// The same borrowed struct encodes to what its owned twin encodes to, and decodes back.
#[test]
fn borrowed_structs_round_trip() {
    let want = gobrpc::to_vec(&owned()).unwrap();
    let bytes = want.clone();
    let borrowed: Listing = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(gobrpc::to_vec(&borrowed).unwrap(), want);
    // Composites of borrowed values with a lifetime shorter than 'static have Go types too.
    let text = String::from("x y");
    let words: Vec<&str> = text.split(' ').collect();
    let map: HashMap<&str, Option<&str>> = HashMap::from([(words[0], Some(words[1]))]);
    assert_eq!(
        gobrpc::to_vec(&words).unwrap(),
        gobrpc::to_vec(&vec!["x".to_string(), "y".to_string()]).unwrap()
    );
    let map_bytes = gobrpc::to_vec(&map).unwrap();
    let back: HashMap<&str, Option<&str>> = gobrpc::from_slice(&map_bytes).unwrap();
    assert_eq!(back, map);
}

/// Without `#[serde(borrow)]` serde makes every `Cow` owned; a top-level `Cow<str>` is one.
#[test]
fn cow_borrows_only_with_serde_borrow() {
    #[derive(Deserialize)]
    struct Plain<'a> {
        #[serde(rename = "Name")]
        name: Cow<'a, str>,
    }
    let bytes = gobrpc::to_vec(&owned()).unwrap();
    let plain: Plain = gobrpc::from_slice(&bytes).unwrap();
    assert!(matches!(plain.name, Cow::Owned(ref s) if s == "logs"));
    let top: Cow<str> = gobrpc::from_slice(&gobrpc::to_vec("hi").unwrap()).unwrap();
    assert!(matches!(top, Cow::Owned(ref s) if s == "hi"));
}

/// Struct field names come from the type definition (which may have arrived in an earlier
/// message), not from the value's bytes: a `&str` key cannot borrow them. The error says so;
/// `Cow<str>` and `String` keys work.
#[test]
fn field_names_cannot_be_borrowed() {
    let bytes = gobrpc::to_vec(&owned()).unwrap();
    let err = gobrpc::from_slice::<BTreeMap<&str, IgnoredAny>>(&bytes).unwrap_err();
    assert_eq!(err.category(), Category::Type);
    assert_eq!(
        err.message(),
        "gob: cannot borrow string \"Name\": it is not in the input bytes \
         (decode into String or Cow<str> instead of &str)"
    );
    let names: Vec<&str> = ["Name", "Data", "Note", "Blob", "Items", "Index"].into();
    let cow: BTreeMap<Cow<str>, IgnoredAny> = gobrpc::from_slice(&bytes).unwrap();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(cow.keys().collect::<Vec<_>>(), sorted);
    let string: BTreeMap<String, IgnoredAny> = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(string.len(), names.len());
}

/// A stream of values, one after another, each borrowed from the same buffer; the second
/// value's type definition came in the first one's bytes (it still borrows).
#[test]
fn a_stream_of_borrowed_values() {
    let mut enc = gobrpc::EncoderState::new();
    let mut bytes = Vec::new();
    enc.encode(&vec!["a", "b"], &mut bytes).unwrap();
    enc.encode(&vec!["c"], &mut bytes).unwrap();
    let mut st = DecoderState::new();
    let (first, n) = st.decode::<Vec<&str>>(&bytes).unwrap().unwrap();
    let (second, m) = st.decode::<Vec<&str>>(&bytes[n..]).unwrap().unwrap();
    assert_eq!(
        (first, second, n + m),
        (vec!["a", "b"], vec!["c"], bytes.len())
    );
    // An incomplete value asks for more, as for owned values.
    assert!(DecoderState::new()
        .decode::<Vec<&str>>(&bytes[..n - 1])
        .unwrap()
        .is_none());
}

/// UTF-8 is checked for `&str` as for `String` (Go's case: `"\xff\xfe\xc3("`, which Go does
/// not validate); `&[u8]` takes the same string.
#[test]
fn utf8_is_still_checked() {
    let go = common::fixture("string_invalid_utf8");
    let err = gobrpc::from_slice::<&str>(&go).unwrap_err();
    assert_eq!(err.category(), Category::Type);
    assert!(err.message().contains("not valid UTF-8"), "{err}");
    let raw: &[u8] = gobrpc::from_slice(&go).unwrap();
    assert_eq!(raw, b"\xff\xfe\xc3(");
}

/// Limits and depth bound borrowed decoding as they bound owned decoding.
#[test]
fn limits_still_apply() {
    let nested = vec![vec![vec!["deep"]]];
    let bytes = gobrpc::to_vec(&nested).unwrap();
    let mut st = DecoderState::with_limits(Limits::default().max_depth(2));
    let err = st.decode::<Vec<Vec<Vec<&str>>>>(&bytes).unwrap_err();
    assert_eq!(err.category(), Category::Limit);
    let mut st = DecoderState::with_limits(Limits::default().max_message(8));
    let err = st.decode::<Vec<Vec<Vec<&str>>>>(&bytes).unwrap_err();
    assert_eq!(err.category(), Category::Limit);
    let ok: Vec<Vec<Vec<&str>>> = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(ok, nested);
}

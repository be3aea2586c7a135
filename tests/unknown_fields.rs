//! Wire fields the Rust type lacks, on Go's `KVEntry` (`fixtures/time/kv_entry.gob`:
//! `Key`, `TTL`, `UserID`, `URL`, `HTTPServer`, `Created`, `Extra`): skipped by default with
//! a `tracing` debug event each, an error naming the field for a
//! `#[serde(deny_unknown_fields)]` type, and an error for every type in strict mode
//! (`DecoderState::set_strict`, `Decoder::set_strict`).

mod common;

use gobrpc::types::GoTime;
use gobrpc::{Category, Decoder, DecoderState, EncoderState};
use serde::Deserialize;
use std::sync::{Arc, Mutex};

fn kv_entry() -> Vec<u8> {
    common::kv::kv_entry().0
}

/// `main.Label`, the concrete type in `KVEntry.Extra`.
#[derive(Debug, Deserialize, PartialEq)]
struct Label {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Weight")]
    weight: i64,
}

#[derive(Debug, Deserialize, PartialEq)]
enum Extra {
    Nil,
    #[serde(rename = "main.Label")]
    Label(Label),
}

/// `KVEntry` with `rename_all = "PascalCase"`: `Ttl`, `UserId`, `Url`, `HttpServer` match
/// nothing Go sends.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Pascal {
    key: String,
    ttl: i64,
    user_id: i64,
    created: GoTime,
    extra: Extra,
}

/// The same, denying unknown fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
#[allow(dead_code)]
struct PascalDeny {
    key: String,
    ttl: i64,
}

fn type_error(e: gobrpc::Error) -> String {
    assert_eq!(e.category(), Category::Type, "{e}");
    e.to_string()
}

#[test]
fn deny_unknown_fields_names_the_field() {
    let bytes = kv_entry();
    let err = gobrpc::from_slice::<PascalDeny>(&bytes).unwrap_err();
    let msg = type_error(err);
    assert!(
        msg.starts_with("gob: wire field TTL of KVEntry has no field in the Rust type PascalDeny"),
        "{msg}"
    );
    // A value of the same stream after one that decoded into a type ignoring unknown
    // fields: the plan for `PascalDeny` is its own, and it denies.
    let two = twice(&bytes);
    let mut dec = Decoder::new(&two[..]);
    let _: Pascal = dec.decode().unwrap();
    let msg = type_error(dec.decode::<PascalDeny>().unwrap_err());
    assert!(msg.contains("wire field TTL of KVEntry"), "{msg}");
}

/// `kv_entry.gob`'s value twice on one stream (type definitions once), as Go's encoder
/// would send it: re-encoded from its dynamic value (whose first encoding is Go's bytes).
fn twice(stream: &[u8]) -> Vec<u8> {
    let (tv, _) = DecoderState::new().decode_value(stream).unwrap().unwrap();
    let mut enc = EncoderState::new();
    let mut out = Vec::new();
    enc.encode_value(&tv, &mut out).unwrap();
    assert_eq!(out, stream);
    enc.encode_value(&tv, &mut out).unwrap();
    out
}

#[test]
fn skipped_by_default_as_go_does() {
    let e: Pascal = gobrpc::from_slice(&kv_entry()).unwrap();
    assert_eq!(e.key, "session/42");
    // Go's TTL and UserID went nowhere: the Rust fields keep their zero values.
    assert_eq!((e.ttl, e.user_id), (0, 0));
    assert_eq!(e.created.to_string(), "2026-12-06T17:57:30.5Z");
    assert_eq!(
        e.extra,
        Extra::Label(Label {
            name: "blue".into(),
            weight: 3
        })
    );
}

#[test]
fn strict_mode_for_every_type() {
    let bytes = kv_entry();
    let mut st = DecoderState::new();
    assert!(!st.is_strict());
    st.set_strict(true);
    assert!(st.is_strict());
    let msg = type_error(st.decode::<Pascal>(&bytes).unwrap_err());
    assert!(
        msg.starts_with("gob: wire field TTL of KVEntry has no field in the Rust type Pascal"),
        "{msg}"
    );

    let mut dec = Decoder::new(&bytes[..]);
    dec.set_strict(true);
    let msg = type_error(dec.decode::<Pascal>().unwrap_err());
    assert!(msg.contains("wire field TTL of KVEntry"), "{msg}");

    // Nested structs too: `Label` without `Weight`, inside the interface.
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct NameOnly {
        #[serde(rename = "Name")]
        name: String,
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    enum Extra2 {
        Nil,
        #[serde(rename = "main.Label")]
        Label(NameOnly),
    }
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Full {
        #[serde(rename = "Key")]
        key: String,
        #[serde(rename = "TTL")]
        ttl: i64,
        #[serde(rename = "UserID")]
        user_id: i64,
        #[serde(rename = "URL")]
        url: String,
        #[serde(rename = "HTTPServer")]
        http_server: String,
        #[serde(rename = "Created")]
        created: GoTime,
        #[serde(rename = "Extra")]
        extra: Extra2,
    }
    let mut st = DecoderState::new();
    st.set_strict(true);
    let msg = type_error(st.decode::<Full>(&bytes).unwrap_err());
    assert!(
        msg.starts_with("gob: wire field Weight of Label has no field in the Rust type NameOnly"),
        "{msg}"
    );
    // Not strict: fine.
    assert!(gobrpc::from_slice::<Full>(&bytes).is_ok());
}

/// Captures the debug events gobrpc emits.
#[derive(Default, Clone)]
struct Events(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, "{}={:?} ", field.name(), value);
    }
}

impl tracing::Subscriber for Events {
    fn enabled(&self, m: &tracing::Metadata<'_>) -> bool {
        m.target() == "gobrpc" && *m.level() <= tracing::Level::DEBUG
    }
    fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, e: &tracing::Event<'_>) {
        let mut s = String::new();
        e.record(&mut Fields(&mut s));
        self.0.lock().unwrap().push(s.trim_end().to_string());
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn skipped_fields_are_debug_events() {
    let bytes = kv_entry();
    let events = Events::default();
    tracing::subscriber::with_default(events.clone(), || {
        // Twice on one stream: the first value asks the type, the second uses the plan.
        let two = twice(&bytes);
        let mut dec = Decoder::new(&two[..]);
        let _: Pascal = dec.decode().unwrap();
        let _: Pascal = dec.decode().unwrap();
    });
    let got = events.0.lock().unwrap().clone();
    let one: Vec<String> = ["TTL", "UserID", "URL", "HTTPServer"]
        .iter()
        .map(|f| {
            format!(
                "message=gob: skipped a wire field the Rust type lacks field=\"{f}\" wire_type=KVEntry rust_type=\"Pascal\""
            )
        })
        .collect();
    assert_eq!(got, [one.clone(), one].concat());
}

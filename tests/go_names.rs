//! `#[gobrpc::go_names]` against Go: `fixtures/time/kv_entry.gob` is Go's `KVEntry` (fields
//! `Key`, `TTL`, `UserID`, `URL`, `HTTPServer`, `Created`, `Extra`), written by `gointerop
//! time-corpus` with Go's `encoding/json` text of the value Go decodes back. Rust structs
//! with plain snake_case fields and `#[go_names]` decode every field and re-encode Go's
//! bytes exactly (the Go type's field names come from the same rule).

mod common;

use gobrpc::GobType;
use serde::{Deserialize, Serialize};

type KvEntry = common::kv::KvEntry<Extra>;

#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(interface)]
enum Extra {
    Nil,
    #[serde(rename = "main.Label")]
    Label(Label),
}

#[gobrpc::go_names]
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Label")]
struct Label {
    name: String,
    weight: i64,
    zero: i64,
}

#[test]
fn go_names_decode_every_go_field() {
    let (bytes, go) = common::kv::kv_entry();
    let mut st = gobrpc::DecoderState::new();
    // Strict: a single name that does not match would be an error.
    st.set_strict(true);
    let (e, _) = st.decode::<KvEntry>(&bytes).unwrap().unwrap();
    assert_eq!(e.key, go["Key"]);
    assert_eq!(e.ttl, go["TTL"]);
    assert_eq!(e.user_id, go["UserID"]);
    assert_eq!(e.url, go["URL"]);
    assert_eq!(e.http_server, go["HTTPServer"]);
    assert_eq!(e.created.to_string(), go["Created"]);
    let Extra::Label(l) = &e.extra else {
        panic!("{:?}", e.extra)
    };
    assert_eq!(
        (&l.name[..], l.weight),
        (go["Extra"]["Name"].as_str().unwrap(), 3)
    );
}

#[test]
fn go_names_encode_go_bytes() {
    let (bytes, _) = common::kv::kv_entry();
    let e: KvEntry = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(
        hex::encode(gobrpc::to_vec(&e).unwrap()),
        hex::encode(&bytes)
    );
}

#[test]
fn go_names_are_serde_names() {
    // The same names reach every serde format.
    let l = Label {
        name: "n".into(),
        weight: 1,
        zero: 0,
    };
    assert_eq!(
        serde_json::to_string(&l).unwrap(),
        r#"{"Name":"n","Weight":1,"Zero":0}"#
    );
    #[gobrpc::go_names]
    #[derive(Serialize)]
    struct Names {
        ttl: u8,
        user_id: u8,
        url: u8,
        http_server: u8,
        #[serde(rename = "Own")]
        mine: u8,
        r#type: u8,
    }
    let n = Names {
        ttl: 1,
        user_id: 2,
        url: 3,
        http_server: 4,
        mine: 5,
        r#type: 6,
    };
    assert_eq!(
        serde_json::to_string(&n).unwrap(),
        r#"{"TTL":1,"UserID":2,"URL":3,"HTTPServer":4,"Own":5,"Type":6}"#
    );
}

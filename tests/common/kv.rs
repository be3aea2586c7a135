//! Go's `KVEntry` (`go-interop/timecorpus.go`, `fixtures/time/kv_entry.gob`), mirrored with
//! `#[gobrpc::go_names]`; its `interface{}` field is `V`.
#![allow(dead_code)]

use gobrpc::types::GoTime;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};

/// `type KVEntry struct { Key string; TTL int64; UserID int; URL, HTTPServer string;
/// Created time.Time; Extra interface{} }`
#[gobrpc::go_names]
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.KVEntry")]
pub struct KvEntry<V> {
    pub key: String,
    pub ttl: i64,
    pub user_id: i64,
    pub url: String,
    pub http_server: String,
    pub created: GoTime,
    pub extra: V,
}

/// The bytes Go wrote and Go's `encoding/json` text of the value it decoded from them.
pub fn kv_entry() -> (Vec<u8>, serde_json::Value) {
    let dir = super::fixtures_dir().join("time");
    let bytes = std::fs::read(dir.join("kv_entry.gob")).expect("kv_entry.gob");
    let go: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("kv_entry.json")).unwrap()).unwrap();
    (bytes, go["json"].clone())
}

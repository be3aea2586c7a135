//! `GoTime`'s text against Go's: every time in the positive fixtures and a seeded random
//! corpus (`fixtures/time/corpus.json`, written by `gointerop time-corpus`: each entry a gob
//! stream of one `time.Time` and the texts a Go process gave the value it decoded from it),
//! through `Display` / `to_json_text` (Go's `encoding/json`) and `to_go_string` (Go's
//! `Time.String()`). Also `Debug`, `now` and the `SystemTime` conversions, and the CLI's
//! `dump --json`, which prints times through `Display`.

mod common;

use gobrpc::types::GoTime;
use gobrpc::value::{TypeTable, Value};
use gobrpc::wire::{TypeId, WireType};
use gobrpc::Decoder;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// One corpus entry, as Go wrote it.
#[derive(Debug, Deserialize)]
struct Entry {
    source: String,
    gob: String,
    #[serde(default)]
    json: Option<String>,
    #[serde(default)]
    json_error: Option<String>,
    string: String,
}

fn corpus() -> Vec<Entry> {
    let path = common::fixtures_dir().join("time/corpus.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).expect("corpus.json")
}

#[test]
fn corpus_renders_as_go_does() {
    let corpus = corpus();
    assert!(corpus.len() > 400, "{} entries", corpus.len());
    let mut failures = Vec::new();
    for e in &corpus {
        let t: GoTime = gobrpc::from_slice(&hex::decode(&e.gob).unwrap())
            .unwrap_or_else(|err| panic!("{}: {err}", e.gob));
        let json = t.to_json_text().map_err(|err| err.to_string());
        let want_json = match (&e.json, &e.json_error) {
            (Some(j), None) => Ok(j.clone()),
            (None, Some(err)) => Err(err.clone()),
            _ => panic!("entry {} has neither json nor json_error", e.gob),
        };
        if json != want_json {
            failures.push(format!("{}: json {json:?}, Go {want_json:?}", e.gob));
        }
        if let Ok(j) = &want_json {
            if &t.to_string() != j {
                failures.push(format!("{}: Display {t}, Go {j}", e.gob));
            }
        }
        if t.to_go_string() != e.string {
            failures.push(format!(
                "{}: String {}, Go {}",
                e.gob,
                t.to_go_string(),
                e.string
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The corpus covers what the issue lists: UTC, zero offset not flagged UTC, odd-minute
/// and seconds offsets, the zero time, and the cases Go's JSON refuses.
#[test]
fn corpus_covers_the_zone_kinds() {
    let mut kinds = BTreeSet::new();
    for e in corpus() {
        let t: GoTime = gobrpc::from_slice(&hex::decode(&e.gob).unwrap()).unwrap();
        kinds.insert(match t.offset_seconds() {
            None if t.is_zero() => "zero",
            None => "utc",
            Some(0) => "zero offset",
            Some(o) if o % 60 != 0 => "seconds offset",
            Some(o) if o % 3600 != 0 => "odd minutes",
            Some(_) => "whole hours",
        });
        if e.json_error.is_some() {
            kinds.insert("json error");
        }
    }
    let want = [
        "json error",
        "odd minutes",
        "seconds offset",
        "utc",
        "whole hours",
        "zero",
        "zero offset",
    ];
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), want);
}

/// Every `time.Time` in every positive fixture of `fixtures/gob` has its Go texts in the
/// corpus (so `corpus_renders_as_go_does` covers all of them).
#[test]
fn corpus_covers_every_fixture_time() {
    let mut by_case: BTreeMap<String, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for e in corpus() {
        if let Some(case) = e.source.strip_prefix("case:") {
            let t: GoTime = gobrpc::from_slice(&hex::decode(&e.gob).unwrap()).unwrap();
            by_case
                .entry(case.to_string())
                .or_default()
                .insert(t.to_binary());
        }
    }
    let mut seen = 0;
    for (meta, bytes) in common::load("gob") {
        if meta.kind != "positive" {
            continue;
        }
        let mut dec = Decoder::new(&bytes[..]);
        let mut payloads = Vec::new();
        loop {
            match dec.decode_value() {
                Ok(tv) => times_in(&tv.value, tv.ty, &tv.types, &mut payloads),
                Err(e) if e.is_eof() => break,
                Err(e) => panic!("{}: {e}", meta.name),
            }
        }
        for p in payloads {
            seen += 1;
            let known = by_case.get(&meta.name);
            assert!(
                known.is_some_and(|k| k.contains(&p)),
                "{}: time payload {} not in the corpus",
                meta.name,
                hex::encode(&p)
            );
        }
    }
    assert!(seen >= 15, "only {seen} fixture times found");
}

/// The payloads of every `time.Time` (a marshaler type named `Time`) inside `v`.
fn times_in(v: &Value, ty: TypeId, table: &TypeTable, out: &mut Vec<Vec<u8>>) {
    if let Value::Interface(Some(i)) = v {
        return times_in(&i.value, i.ty.expect("decoded interface"), table, out);
    }
    match (table.get(ty), v) {
        (Some(WireType::Marshaler { common, .. }), Value::Opaque(p)) if common.name == "Time" => {
            out.push(p.clone())
        }
        (Some(WireType::Struct { fields, .. }), Value::Struct(vals)) => {
            for (name, fv) in vals {
                let f = fields.iter().find(|f| &f.name == name).expect("field");
                times_in(fv, f.id, table, out);
            }
        }
        (Some(WireType::Slice { elem, .. } | WireType::Array { elem, .. }), _) => {
            if let Value::Slice(vs) | Value::Array(vs) = v {
                vs.iter().for_each(|x| times_in(x, *elem, table, out));
            }
        }
        (Some(WireType::Map { key, elem, .. }), Value::Map(pairs)) => {
            for (k, x) in pairs {
                times_in(k, *key, table, out);
                times_in(x, *elem, table, out);
            }
        }
        _ => {}
    }
}

#[test]
fn debug_is_readable() {
    let t = GoTime::from_unix(1_796_579_850, 500_000_000);
    assert_eq!(format!("{t:?}"), "GoTime(2026-12-06T17:57:30.5Z)");
    let local = t.with_offset(0).unwrap();
    assert_eq!(
        format!("{local:?}"),
        "GoTime(2026-12-06T17:57:30.5Z, offset 0s)"
    );
    assert_eq!(
        format!("{:?}", t.with_offset(-9000).unwrap()),
        "GoTime(2026-12-06T15:27:30.5-02:30, offset -9000s)"
    );
}

#[test]
fn system_time_conversions() {
    let t = GoTime::try_from(UNIX_EPOCH + Duration::new(1, 500_000_000)).unwrap();
    assert_eq!(t, GoTime::from_unix(1, 500_000_000));
    // Before 1970: a quarter second before the epoch is second -1 plus 0.75 s.
    let before = GoTime::try_from(UNIX_EPOCH - Duration::from_millis(250)).unwrap();
    assert_eq!((before.unix_seconds(), before.nanos()), (-1, 750_000_000));
    assert_eq!(before.to_string(), "1969-12-31T23:59:59.75Z");
    for g in [t, before, GoTime::from_unix(-62_135_596_800, 1)] {
        let s = SystemTime::try_from(g).unwrap();
        assert_eq!(GoTime::try_from(s).unwrap(), g);
    }
    // The zone is dropped: the same instant.
    let zoned = t.with_offset(3600).unwrap();
    assert_eq!(
        SystemTime::try_from(zoned).unwrap(),
        SystemTime::try_from(t).unwrap()
    );

    let lo = SystemTime::now();
    let now = GoTime::now();
    let hi = SystemTime::now();
    let now = SystemTime::try_from(now).unwrap();
    assert!(lo <= now && now <= hi);
    assert_eq!(GoTime::now().offset_seconds(), None);
}

/// `gobrpc dump --json` prints a Go time (zero offset, not flagged UTC: what `time.Now()`
/// gives on a UTC host) exactly as Go's `encoding/json` does, which the Go generator
/// recorded next to the stream.
#[cfg(feature = "cli")]
#[test]
fn cli_dump_json_prints_go_time_text() {
    let dir = common::fixtures_dir().join("time");
    let go: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("kv_entry.json")).unwrap()).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gobrpc"))
        .args(["dump", "--json"])
        .arg(dir.join("kv_entry.gob"))
        .output()
        .expect("run gobrpc");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, go["json"]);
    assert_eq!(printed["Created"], "2026-12-06T17:57:30.5Z");
}

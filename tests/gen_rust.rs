//! `gobrpc gen-rust` against the fixture generator's own Go declarations.
//!
//! `tests/gen_rust/types.rs` is the tool's output for `go-interop/types.go` (every fixture
//! type) with `go-interop/cases_iface.go` (the `gob.Register` calls of the interface
//! fixtures). This test checks that (1) the tool still writes exactly that file, (2) the file
//! compiles (it is a module of this test), and (3) every positive fixture holding a value of
//! a type declared there decodes into the generated types and re-encodes to Go's bytes
//! (byte for byte; for Go's randomly ordered multi-entry maps, to bytes that decode to the
//! same values). Fixtures that cannot are listed in `NOT_ROUND_TRIPPED` with the reason.
//!
//! Regenerate the file after changing the tool or the Go declarations with:
//!
//! ```text
//! cargo run --features cli --bin gobrpc -- gen-rust --types go-interop/types.go \
//!     --types go-interop/cases_iface.go -o tests/gen_rust/types.rs
//! ```
#![cfg(feature = "cli")]

mod common;

#[allow(dead_code)]
#[path = "gen_rust/types.rs"]
mod types;

use gobrpc::{DecoderState, EncoderState, GobType};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt::Debug;
use types::*;

/// The arguments that produce `tests/gen_rust/types.rs`.
const GEN_ARGS: &[&str] = &[
    "gen-rust",
    "--types",
    "go-interop/types.go",
    "--types",
    "go-interop/cases_iface.go",
];

/// Fixtures with values of the declared types that do not round-trip, and why.
const NOT_ROUND_TRIPPED: &[(&str, &str)] = &[
    (
        "netip_in_struct",
        "netip.Addr is a package type gen-rust does not know (only time.Time, time.Duration \
         and big.Int are), so NetipHolder is not generated (the file's header notes it)",
    ),
    (
        "netip_zero_in_struct",
        "netip.Addr is a package type gen-rust does not know, so NetipHolder is not generated",
    ),
];

/// net/rpc's headers (`rpc.Request`, `rpc.Response`), which three fixture streams interleave
/// with the declared types: Go's own declarations, not the file's.
#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Request")]
struct NetRpcRequest {
    #[serde(rename = "ServiceMethod")]
    service_method: String,
    #[serde(rename = "Seq")]
    seq: u64,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "rpc.Response")]
struct NetRpcResponse {
    #[serde(rename = "ServiceMethod")]
    service_method: String,
    #[serde(rename = "Seq")]
    seq: u64,
    #[serde(rename = "Error")]
    error: String,
}

/// A decoded value of any type in the table.
trait Val: Debug {
    fn encode(&self, st: &mut EncoderState, out: &mut Vec<u8>) -> gobrpc::Result<()>;
    fn same(&self, other: &dyn Val) -> bool;
    fn any(&self) -> &dyn std::any::Any;
}

impl<T: Serialize + GobType + PartialEq + Debug + 'static> Val for T {
    fn encode(&self, st: &mut EncoderState, out: &mut Vec<u8>) -> gobrpc::Result<()> {
        st.encode(self, out)
    }
    fn same(&self, other: &dyn Val) -> bool {
        other.any().downcast_ref::<T>() == Some(self)
    }
    fn any(&self) -> &dyn std::any::Any {
        self
    }
}

type Decoded = Result<(Box<dyn Val>, usize), String>;

fn decode<T: DeserializeOwned + Val + 'static>(st: &mut DecoderState, input: &[u8]) -> Decoded {
    match st.decode::<T>(input) {
        Ok(Some((v, n))) => Ok((Box::new(v), n)),
        Ok(None) => Err("the stream ends before the value".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// The Rust type for each Go type (`types` in a fixture's metadata): every generated type,
/// and the composites and builtins the fixture streams put beside them.
macro_rules! dispatch {
    ($($go:literal => $ty:ty,)*) => {
        const DISPATCHED: &[&str] = &[$($go),*];
        fn decode_as(go: &str, st: &mut DecoderState, input: &[u8]) -> Option<Decoded> {
            match go {
                $($go => Some(decode::<$ty>(st, input)),)*
                _ => None,
            }
        }
    };
}

dispatch! {
    "main.Point" => Point,
    "main.AB" => AB,
    "main.Unexp" => Unexp,
    "main.Inner" => Inner,
    "main.Outer" => Outer,
    "main.OuterPtr" => OuterPtr,
    "main.inner" => Inner2,
    "main.UnexpEmb" => UnexpEmb,
    "main.WithNested" => WithNested,
    "main.WithNestedPtr" => WithNestedPtr,
    "main.Ptrs" => Ptrs,
    "main.Sizes" => Sizes,
    "main.Floats" => Floats,
    "main.ChanFunc" => ChanFunc,
    "main.SliceHolder" => SliceHolder,
    "main.ArrHolder" => ArrHolder,
    "main.ByteArr" => ByteArr,
    "main.Uni" => Uni,
    "main.Node" => Node,
    "main.RS" => RS,
    "main.RM" => RM,
    "main.IfaceHolder" => IfaceHolder,
    "main.Two" => Two,
    "main.Small" => Small,
    "main.Z" => Z,
    "main.TimeHolder" => TimeHolder,
    "main.BigHolder" => BigHolder,
    "main.TextOnly" => TextOnly,
    "main.TextHolder" => TextHolder,
    "main.rpcRequest" => RpcRequest,
    "main.BytesT" => BytesT,
    "main.Celsius" => Celsius,
    "main.Name" => Name,
    "main.IDs" => IDs,
    "main.Table" => Table,
    "main.L1" => L1,
    "main.L2" => L2,
    "main.L3" => L3,
    "main.L4" => L4,
    "main.L5" => L5,
    "main.AllScalars" => AllScalars,
    "main.PointYX" => PointYX,
    "main.PPHolder" => PPHolder,
    "main.Tree" => Tree,
    "main.MutA" => MutA,
    "main.MutB" => MutB,
    "main.NilEmpty" => NilEmpty,
    "main.BytesKinds" => BytesKinds,
    "main.IfaceSlice" => IfaceSlice,
    "main.IfaceArr" => IfaceArr,
    "main.IfaceMap" => IfaceMap,
    "main.TimeColl" => TimeColl,
    "main.Args" => Args,
    "main.Reply" => Reply,
    "main.ET2" => ET2,
    "main.DeepNode" => DeepNode,
    "main.Int8Field" => Int8Field,
    "main.Uint8Field" => Uint8Field,
    "main.Float32Field" => Float32Field,
    "main.StructKeyVal" => StructKeyVal,
    "main.Temp" => Temp,
    "main.Version" => Version,
    "main.Both" => Both,
    "main.CustomHolder" => CustomHolder,
    "main.Rec" => Rec,
    "main.NoExported" => NoExported,
    "main.Kitchen" => Kitchen,
    "main.OnlyInt" => OnlyInt,
    // Composites of declared types, and builtins, in the same streams.
    "[2]main.Point" => [Point; 2],
    "[]main.Point" => Vec<Point>,
    "[]*main.Point" => Vec<Option<Point>>,
    "map[string]main.Point" => HashMap<String, Point>,
    "map[main.Point]string" => HashMap<Point, String>,
    "[]main.Version" => Vec<Version>,
    "int" => i64,
    "string" => String,
    "[]int" => Vec<i64>,
    "rpc.Request" => NetRpcRequest,
    "rpc.Response" => NetRpcResponse,
}

fn gobrpc_bin(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gobrpc"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run gobrpc")
}

fn committed() -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gen_rust/types.rs");
    std::fs::read_to_string(p).expect("tests/gen_rust/types.rs")
}

#[test]
fn the_committed_file_is_what_the_tool_writes() {
    let out = gobrpc_bin(GEN_ARGS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout) == committed(),
        "tests/gen_rust/types.rs is stale: regenerate it (see this file's doc)"
    );
}

#[test]
fn every_generated_type_is_in_the_dispatch_table() {
    let file = committed();
    let mut names: Vec<&str> = Vec::new();
    for line in file.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("#[gob(name = \"") {
            names.push(rest.split('"').next().unwrap());
        } else if let Some((_, rest)) = line
            .strip_prefix("pub struct ")
            .and_then(|l| l.split_once(" = \""))
        {
            names.push(rest.split('"').next().unwrap());
        }
    }
    assert!(names.len() > 60, "{names:?}");
    for n in names {
        assert!(
            DISPATCHED.contains(&n),
            "{n} is generated but not dispatched"
        );
    }
}

/// One fixture through the generated types: `Err` says what went wrong.
fn round_trip(name: &str, types: &[String], deterministic: bool) -> Result<(), String> {
    let go = common::fixture(name);
    let mut st = DecoderState::new();
    let mut rest = &go[..];
    let mut values = Vec::new();
    for (i, t) in types.iter().enumerate() {
        let (v, used) = decode_as(t, &mut st, rest)
            .ok_or_else(|| format!("no Rust type for {t}"))?
            .map_err(|e| format!("decoding value #{i} ({t}): {e}"))?;
        rest = &rest[used..];
        values.push(v);
    }
    if !rest.is_empty() {
        return Err(format!("{} bytes left after the values", rest.len()));
    }
    let mut enc = EncoderState::new();
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        v.encode(&mut enc, &mut out)
            .map_err(|e| format!("encoding value #{i}: {e}"))?;
    }
    if deterministic {
        if out != go {
            return Err(format!(
                "re-encoded bytes differ from Go's\n  go   {}\n  rust {}",
                hex::encode(&go),
                hex::encode(&out)
            ));
        }
        return Ok(());
    }
    // Go's map order is random: the bytes must decode to the same values.
    let mut st = DecoderState::new();
    let mut rest = &out[..];
    for (i, (t, v)) in types.iter().zip(&values).enumerate() {
        let (w, used) = decode_as(t, &mut st, rest)
            .unwrap()
            .map_err(|e| format!("decoding the re-encoded value #{i}: {e}"))?;
        if !v.same(w.as_ref()) {
            return Err(format!("value #{i} changed: {v:?} became {w:?}"));
        }
        rest = &rest[used..];
    }
    Ok(())
}

#[test]
fn every_fixture_of_the_declared_types_round_trips() {
    let dir = common::fixtures_dir().join("gob");
    let mut applicable = 0;
    let mut failures = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .filter(|p| p.file_name().unwrap() != "INDEX.json")
        .collect();
    names.sort();
    let mut listed_seen = Vec::new();
    for p in names {
        let m: serde_json::Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
        let name = m["name"].as_str().unwrap();
        let types: Vec<String> = m["types"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        // Values of the declared types (all in package main): encode errors are Go's.
        if m["kind"] != "positive" || !types.iter().any(|t| t.contains("main.")) {
            continue;
        }
        applicable += 1;
        let result = round_trip(name, &types, m["deterministic"] == true);
        match (NOT_ROUND_TRIPPED.iter().find(|(n, _)| *n == name), result) {
            (Some(_), Ok(())) => failures.push(format!("{name}: listed as failing but passes")),
            (Some(_), Err(_)) => listed_seen.push(name.to_string()),
            (None, Ok(())) => {}
            (None, Err(e)) => failures.push(format!("{name}: {e}")),
        }
    }
    for (n, _) in NOT_ROUND_TRIPPED {
        assert!(
            listed_seen.iter().any(|s| s == n),
            "{n}: listed but not a fixture of the declared types"
        );
    }
    assert!(
        applicable >= 80,
        "only {applicable} fixtures of the declared types"
    );
    assert!(
        failures.is_empty(),
        "{} of {applicable} fixtures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A realistic service file: server state beside the wire types, Go's initialisms, a
/// registered interface value.
const KV_SERVICE: &str = r#"package kv

import (
	"encoding/gob"
	"sync"
	"time"
)

type Server struct {
	mu    sync.Mutex
	items map[string]Entry
}

type Entry struct {
	Key     string
	Value   []byte
	TTL     time.Duration
	UserID  int64
	Created time.Time
	Next    *Entry
	Meta    map[string]string
	Extra   interface{}
}

type Unused struct{ C chan int }

type Tag string

func init() { gob.Register(Tag("")) }
"#;

fn scratch(name: &str, content: &str) -> String {
    let dir = std::env::temp_dir().join(format!("gobrpc-genrust-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn only_the_requested_types_and_what_they_need() {
    let file = scratch("kv.go", KV_SERVICE);
    let out = gobrpc_bin(&["gen-rust", "--types", &file, "--type", "Entry"]);
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for want in [
        "#[gob(name = \"kv.Entry\")]\npub struct Entry {",
        "    #[serde(rename = \"TTL\")]\n    pub ttl: i64,",
        "    #[serde(rename = \"UserID\")]\n    pub user_id: i64,",
        "    #[serde(rename = \"Value\")]\n    pub value: gobrpc::types::Bytes,",
        "    #[serde(rename = \"Created\")]\n    pub created: gobrpc::types::GoTime,",
        "    #[serde(rename = \"Next\")]\n    pub next: Option<Box<Entry>>,",
        "    #[serde(rename = \"Meta\")]\n    pub meta: Option<HashMap<String, String>>,",
        "    #[serde(rename = \"Extra\")]\n    pub extra: Any,",
        // The registered type is a variant (Register names it by its package path).
        "    #[serde(rename = \"kv.Tag\")]\n    Tag(Tag),",
        "#[gob(name = \"kv.Tag\")]\npub struct Tag(pub String);",
    ] {
        assert!(code.contains(want), "missing {want:?} in\n{code}");
    }
    // Server (with its sync.Mutex) and Unused are not needed.
    assert!(
        !code.contains("Server") && !code.contains("Unused"),
        "{code}"
    );
}

#[test]
fn without_registrations_the_header_says_so() {
    let file = scratch("noreg.go", "package main\ntype H struct{ I any }\n");
    let out = gobrpc_bin(&["gen-rust", "--types", &file]);
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        code.contains("no gob.Register or gob.RegisterName call"),
        "{code}"
    );
    assert!(
        code.contains("    #[serde(rename = \"int\")]\n    Int(i64),"),
        "{code}"
    );
}

#[test]
fn an_unresolvable_type_is_an_error_only_when_needed() {
    let file = scratch("kv2.go", KV_SERVICE);
    let out = gobrpc_bin(&["gen-rust", "--types", &file, "--type", "Server"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sync.Mutex") && err.contains("Server") && err.contains("line 10"),
        "{err}"
    );
    // Every declaration: Server is left out, with the reason in the header.
    let out = gobrpc_bin(&["gen-rust", "--types", &file]);
    let code = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(code.contains("// Note: not generated: Server:"), "{code}");
    assert!(code.contains("pub struct Entry"), "{code}");
    let out = gobrpc_bin(&["gen-rust", "--types", &file, "--type", "Nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nope"));
}

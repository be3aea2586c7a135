//! `gobrpc dump`: `--json` against Go's `json.Marshal` for every positive fixture, the
//! annotated dump, and bad streams (corrupt, truncated) with exit code 2 and one line.

use crate::common;
use crate::{gobrpc, json};
use std::collections::BTreeMap;

/// Fixtures whose `dump --json` cannot equal Go's `json.Marshal`, with what it prints
/// instead (one JSON document per value), following the tool's documented conventions:
///
/// * Go's JSON refuses the value (`json_error`: NaN and infinities, complex numbers, maps
///   with non-string keys, chan fields, years outside 0–9999): NaN/±Inf are strings,
///   complex numbers `[re, im]`, such maps arrays of `[key, value]` pairs (floats included,
///   although newer Go prints `map[float64]T` as an object), time in RFC 3339 regardless.
/// * The wire cannot tell: a nil pointer field is absent exactly like a zero field, so it
///   prints as the zero value (`0`, `""`, a zero-filled struct); an embedded struct is an
///   ordinary field named after its type (Go's JSON promotes its fields); `net.IP` is plain
///   `[]byte` (Go's JSON uses its `MarshalText`); a custom marshaler's payload has no
///   fields, so it prints as `{"$type", "$base64"}`, and `null` when absent.
const CONVENTIONS: &[(&str, &[&str])] = &[
    (
        "binmarshal_custom_top",
        &[r#"{"$type":"Version","$base64":"AAEAAg=="}"#],
    ),
    ("complex128_nan_inf", &[r#"["NaN","+Inf"]"#]),
    ("complex128_neg", &["[-1.5,-0.25]"]),
    ("complex64_1i", &["[0,1]"]),
    ("complex64_max", &["[3.4028235e+38,-1]"]),
    ("complex_17_19i", &["[17,19]"]),
    (
        "custom_in_struct",
        &[
            r#"{"T":{"$type":"Temp","$base64":"VDoyNTAw"},"V":{"$type":"Version","$base64":"AAMABA=="},"P":{"$type":"Temp","$base64":"VDox"},"N":5}"#,
        ],
    ),
    (
        "custom_slice",
        &[r#"[{"$type":"Version","$base64":"AAEAAA=="},{"$type":"Version","$base64":"AAAAAA=="}]"#],
    ),
    (
        "custom_zero_in_struct",
        &[r#"{"T":null,"V":null,"P":null,"N":1}"#],
    ),
    ("float32_inf", &[r#""+Inf""#]),
    ("float32_nan", &[r#""NaN""#]),
    ("float_inf", &[r#""+Inf""#]),
    ("float_nan", &[r#""NaN""#]),
    ("float_neginf", &[r#""-Inf""#]),
    (
        "gobenc_and_binmarshal",
        &[r#"{"$type":"Both","$base64":"Z29iNw=="}"#],
    ),
    (
        "gobenc_custom_top",
        &[r#"{"$type":"Temp","$base64":"VDotMTUwMA=="}"#],
    ),
    (
        "iface_builtins",
        &[
            r#"[-1,-2,-3,-4,-5,1,2,3,4,5,6,1.5,2.5,[0,1],[2,3],true,"s","AQ==",[1],[-1],[2],[3],[4],[5],[6],[7],[8],[9],[1.5],[2.5],[[0,1]],[[0,2]],[true],["a"]]"#,
        ],
    ),
    ("iface_map_key", &[r#"[[{"X":1,"Y":2},1]]"#]),
    ("map_array_key", &[r#"[[[1,2],"a"]]"#]),
    ("map_bool_key", &["[[false,0]]"]),
    ("map_complex_key", &["[[[1,2],3]]"]),
    ("map_float_key", &[r#"[[1.5,"x"]]"#]),
    ("map_nan_keys", &[r#"[["NaN",1],["NaN",2]]"#]),
    ("map_point_key", &[r#"[[{"X":1,"Y":2},"p"]]"#]),
    ("netip_as_bytes", &[r#""AQIDBA==""#]),
    ("slice_complex128", &["[[1,2],[0,0]]"]),
    ("slice_float64_special", &[r#"[-0,"NaN","+Inf","-Inf"]"#]),
    (
        "struct_all_scalars",
        &[
            r#"{"Bool":true,"Int":-1,"Int8":-128,"Int16":-32768,"Int32":-2147483648,"Int64":-9223372036854775808,"Uint":1,"Uint8":255,"Uint16":65535,"Uint32":4294967295,"Uint64":18446744073709551615,"Uintptr":4660,"Float32":-1.5,"Float64":3.141592653589793,"Complex64":[1,-2],"Complex128":["-Inf",0.5],"String":"s","Bytes":"AAE="}"#,
        ],
    ),
    (
        "struct_all_scalars_zero",
        &[
            r#"{"Bool":false,"Int":0,"Int8":0,"Int16":0,"Int32":0,"Int64":0,"Uint":0,"Uint8":0,"Uint16":0,"Uint32":0,"Uint64":0,"Uintptr":0,"Float32":0,"Float64":0,"Complex64":[0,0],"Complex128":[0,0],"String":"","Bytes":null}"#,
        ],
    ),
    ("struct_chan_func", &[r#"{"A":1}"#]),
    ("struct_embedded", &[r#"{"Inner":{"X":5},"Y":6}"#]),
    ("struct_embedded_ptr_nil", &[r#"{"Inner":{"X":0},"Y":6}"#]),
    ("struct_embedded_ptr_set", &[r#"{"Inner":{"X":5},"Y":6}"#]),
    ("struct_floats_nan", &[r#"{"F":"NaN"}"#]),
    (
        "struct_in_collections",
        &[
            r#"{"M":[[{"X":1,"Y":2},{"A":3,"B":4}]],"L":[{"A":5,"B":6},{"A":0,"B":0}],"A":[{"A":1,"B":"a"},{"A":0,"B":""}]}"#,
        ],
    ),
    ("struct_nested_ptr_nil", &[r#"{"S":{"X":0},"N":1}"#]),
    (
        "struct_nilempty_empty",
        &[r#"{"S":null,"M":{},"P":0,"I":null,"B":null,"SP":null}"#],
    ),
    (
        "struct_nilempty_nil",
        &[r#"{"S":null,"M":null,"P":0,"I":null,"B":null,"SP":null}"#],
    ),
    ("struct_ptrs", &[r#"{"P":0,"PP":5,"S":""}"#]),
    (
        "struct_sizes",
        &[
            r#"{"I8":-1,"I16":-2,"I32":-3,"I64":-4,"U8":1,"U16":2,"U32":3,"U64":4,"UP":5,"F32":1.5,"C64":[0,2]}"#,
        ],
    ),
    ("struct_unexported_embedded", &[r#"{"Y":6}"#]),
    ("time_before_year1", &[r#""-0500-03-01T12:00:00Z""#]),
    ("time_year_300000", &[r#""300000-01-01T00:00:00Z""#]),
];

fn fixture_json(name: &str) -> serde_json::Value {
    let p = common::fixtures_dir()
        .join("gob")
        .join(format!("{name}.json"));
    serde_json::from_slice(&std::fs::read(p).expect("fixture json")).expect("fixture json")
}

fn fixture_path(dir: &str, name: &str) -> String {
    let p = common::fixtures_dir().join(dir).join(format!("{name}.gob"));
    p.to_string_lossy().into_owned()
}

#[test]
fn dump_json_equals_go_json_marshal_for_every_positive_fixture() {
    let conventions: BTreeMap<&str, &[&str]> = CONVENTIONS.iter().copied().collect();
    let mut checked = 0;
    let mut by_convention = 0;
    for (meta, _) in common::load("gob") {
        if meta.kind != "positive" {
            continue;
        }
        let name = meta.name.as_str();
        let run = gobrpc(&["dump", "--json", &fixture_path("gob", name)], b"");
        let out = run.ok();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), meta.values, "{name}: one line per value");
        let got: Vec<serde_json::Value> = lines.iter().map(|l| json(l)).collect();
        let m = fixture_json(name);
        if let Some(expected) = conventions.get(name) {
            let want: Vec<serde_json::Value> = expected.iter().map(|l| json(l)).collect();
            assert_eq!(got, want, "{name}: the documented convention");
            by_convention += 1;
        } else if m["truncated"] == true {
            check_big_fixture(name, &got);
        } else {
            assert!(m.get("json_error").is_none(), "{name}: Go had a JSON error");
            let want = m["json"].as_array().expect("json array").clone();
            assert_eq!(got, want, "{name}: dump --json vs Go's json.Marshal");
        }
        checked += 1;
    }
    assert!(checked >= 240, "only {checked} positive fixtures");
    assert_eq!(
        by_convention,
        CONVENTIONS.len(),
        "a convention names no fixture"
    );
}

/// The fixtures too big for their recorded JSON: checked against the values the Go case
/// encodes (go-interop/cases_scalars.go), rendered as Go's json.Marshal would.
fn check_big_fixture(name: &str, got: &[serde_json::Value]) {
    match name {
        "string_70000" => {
            // strings.Repeat("x", 70000)
            assert_eq!(got, [serde_json::Value::String("x".repeat(70000))]);
        }
        "bytes_1mib" => {
            // 1 MiB []byte with b[i] = byte(i % 251); Go's JSON: standard padded base64.
            let b: Vec<u8> = (0..1usize << 20).map(|i| (i % 251) as u8).collect();
            assert_eq!(got, [serde_json::Value::String(base64(&b))]);
        }
        other => panic!("{other}: truncated fixture without a check"),
    }
}

fn base64(b: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in b.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                s.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[test]
fn integers_beyond_2_pow_53_are_exact() {
    let run = gobrpc(
        &["dump", "--json", &fixture_path("gob", "bigint_2pow200")],
        b"",
    );
    assert_eq!(
        run.ok().trim(),
        "1606938044258990275541962092341162602522202993782792835301376"
    );
    let run = gobrpc(&["dump", "--json", &fixture_path("gob", "uint64_max")], b"");
    assert_eq!(run.ok().trim(), "18446744073709551615");
    let run = gobrpc(&["dump", "--json", &fixture_path("gob", "int64_min")], b"");
    assert_eq!(run.ok().trim(), "-9223372036854775808");
}

#[test]
fn dump_reads_stdin_and_prints_go_text() {
    let bytes = common::fixture("two_types_one_stream");
    for args in [&["dump", "--json"][..], &["dump", "--json", "-"]] {
        let out = gobrpc(args, &bytes).ok();
        assert_eq!(
            out,
            "{\"X\":1,\"Y\":2}\n{\"A\":3,\"B\":4}\n{\"X\":5,\"Y\":6}\n"
        );
    }
    // Go's HTML-safe escaping, and the empty stream.
    let run = gobrpc(
        &["dump", "--json"],
        &gobrpc::to_vec("<a&b>\u{2028}\n").unwrap(),
    );
    assert_eq!(run.ok(), "\"\\u003ca\\u0026b\\u003e\\u2028\\n\"\n");
    assert_eq!(gobrpc(&["dump", "--json"], b"").ok(), "");
}

#[test]
fn annotated_dump_shows_messages_types_fields_and_offsets() {
    let out = gobrpc(&["dump", &fixture_path("gob", "struct_AB_7_8")], b"").ok();
    for want in [
        "       0  message: 27 bytes",
        "       2  type 64 = \"AB\" struct { A int; B int }",
        "      28  message: 7 bytes",
        "value #0: AB (#64) {",
        "      31      A (field 0, delta 1): int = 7",
        "      33      B (field 1, delta 1): int = 8",
        "      35    }",
        "end of stream: 1 value",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // An interface whose concrete type is defined inside the value, across messages.
    let out = gobrpc(&["dump", &fixture_path("gob", "iface_struct")], b"").ok();
    for want in [
        "interface holding \"main.Point\"",
        "type 65 = \"Point\" struct { X int; Y int }",
        "concrete type: Point (#65)",
        "X (field 0, delta 1): int = 1",
        "N (field 1, delta 1): int = 9",
    ] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    // Marshalers and maps.
    let out = gobrpc(&["dump", &fixture_path("gob", "time_in_struct")], b"").ok();
    assert!(
        out.contains("GobEncoder (15 bytes) = \"2009-11-10T23:00:00+01:00\""),
        "{out}"
    );
    let out = gobrpc(&["dump", &fixture_path("gob", "map_string_int")], b"").ok();
    assert!(out.contains("key 0: string (1 bytes) = \"a\""), "{out}");
}

#[test]
fn annotated_dump_walks_every_positive_fixture() {
    for (meta, _) in common::load("gob") {
        if meta.kind != "positive" {
            continue;
        }
        let out = gobrpc(&["dump", &fixture_path("gob", &meta.name)], b"").ok();
        let plural = if meta.values == 1 { "" } else { "s" };
        let tail = format!("end of stream: {} value{plural}\n", meta.values);
        assert!(out.ends_with(&tail), "{}: {out:.2000}", meta.name);
    }
}

/// What the library's decoder makes of a stream: the values it decodes, and whether it
/// fails.
fn library_verdict(bytes: &[u8]) -> (usize, bool) {
    let mut st = gobrpc::DecoderState::new();
    let (mut pos, mut n) = (0, 0);
    while pos < bytes.len() {
        match st.decode_value(&bytes[pos..]) {
            Ok(Some((_, used))) => {
                pos += used;
                n += 1;
            }
            Ok(None) | Err(_) => return (n, true),
        }
    }
    (n, false)
}

#[test]
fn corrupt_streams_exit_2_with_one_line_naming_the_byte_offset() {
    let mut failures = 0;
    for dir in ["gob-bad", "gob-lenient"] {
        for (meta, bytes) in common::load(dir) {
            let (values, fails) = library_verdict(&bytes);
            let path = fixture_path(dir, &meta.name);
            for args in [&["dump", "--json", &path][..], &["dump", &path]] {
                let run = gobrpc(args, b"");
                if fails {
                    run.fails(2, &["byte offset", &format!("value #{values}")]);
                } else {
                    run.ok();
                }
            }
            if fails {
                let run = gobrpc(&["dump", "--json", &path], b"");
                assert_eq!(run.out().lines().count(), values, "{}", meta.name);
                failures += 1;
            }
        }
    }
    assert!(failures >= 40, "only {failures} corrupt fixtures");
}

#[test]
fn every_truncation_is_an_error_after_the_values_before_it() {
    let path = common::fixtures_dir()
        .join("gob-bad")
        .join("truncations.json");
    let table: BTreeMap<String, Vec<serde_json::Value>> =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    for (name, prefixes) in table {
        let bytes = common::fixture(&name);
        for p in prefixes {
            let len = p["len"].as_u64().unwrap() as usize;
            let ok = p["values_ok"].as_u64().unwrap() as usize;
            let clean = p["error"] == "EOF";
            let run = gobrpc(&["dump", "--json"], &bytes[..len]);
            assert_eq!(run.out().lines().count(), ok, "{name}[..{len}]");
            if clean {
                run.ok();
            } else {
                run.fails(2, &["truncated gob stream", "byte offset"]);
            }
        }
    }
}

#[test]
fn unreadable_input_exits_2() {
    let run = gobrpc(&["dump", "/nonexistent/x.gob"], b"");
    run.fails(2, &["/nonexistent/x.gob"]);
    let run = gobrpc(&["dump", "--bogus"], b"");
    assert_eq!(run.code, 2, "{run:?}");
}

#[test]
fn a_huge_absent_array_is_an_error_not_gigabytes() {
    use gobrpc::value::TypeTable;
    use gobrpc::wire::{CommonType, FieldType, TypeId, WireType};
    let mut types = TypeTable::default();
    let common = |id| CommonType {
        name: String::new(),
        id,
    };
    types.insert(
        TypeId(65),
        WireType::Array {
            common: common(65),
            elem: TypeId::INT,
            len: 1 << 40,
        },
    );
    types.insert(
        TypeId(64),
        WireType::Struct {
            common: common(64),
            fields: vec![FieldType {
                name: "Huge".into(),
                id: TypeId(65),
            }],
        },
    );
    let tv = gobrpc::TypedValue {
        value: gobrpc::Value::Struct(vec![]),
        ty: TypeId(64),
        types,
    };
    let mut bytes = Vec::new();
    gobrpc::EncoderState::new()
        .encode_value(&tv, &mut bytes)
        .unwrap();
    gobrpc(&["dump", "--json"], &bytes).fails(2, &["too large", "value #0"]);
    // The annotated dump has nothing to expand.
    assert!(gobrpc(&["dump"], &bytes).ok().contains("Huge #65"));
}

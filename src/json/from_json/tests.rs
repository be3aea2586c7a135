use super::*;
use crate::{DecoderState, EncoderState};
use serde_json::json;

/// A gob stream of `root` values, one per JSON text.
fn encode(src: &str, root: &str, values: &[Json]) -> Result<Vec<u8>, String> {
    let d = Decls::parse(src).map_err(|e| e.to_string())?;
    let mut enc = JsonEncoder::new(d, root).map_err(|e| e.to_string())?;
    let mut st = EncoderState::new();
    let mut out = Vec::new();
    for v in values {
        let tv = enc.value(v).map_err(|e| e.to_string())?;
        st.encode_value(&tv, &mut out).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

fn value(src: &str, root: &str, j: Json) -> Value {
    let d = Decls::parse(src).unwrap();
    d.typed_value(root, &j)
        .unwrap_or_else(|e| panic!("{e}"))
        .value
}

fn error(src: &str, root: &str, j: Json) -> String {
    let d = Decls::parse(src).unwrap();
    d.typed_value(root, &j).unwrap_err().to_string()
}

fn fixture_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/gob")
}

fn fixture(name: &str) -> (Json, Vec<u8>) {
    let dir = fixture_dir();
    let meta = std::fs::read_to_string(dir.join(format!("{name}.json"))).unwrap();
    let bytes = std::fs::read(dir.join(format!("{name}.gob"))).unwrap();
    (serde_json::from_str(&meta).unwrap(), bytes)
}

/// A fixture's `go_type` as declarations and a root: lines starting `type ` are declarations,
/// another line is the root type expression, else the root is the first declared type.
fn split_go_type(go_type: &str) -> (String, String) {
    let lines: Vec<&str> = go_type.lines().filter(|l| !l.trim().is_empty()).collect();
    let decls: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("type "))
        .collect();
    let root = match lines.iter().find(|l| !l.starts_with("type ")) {
        Some(r) => r.to_string(),
        None => decls[0].split_whitespace().nth(1).unwrap().to_string(),
    };
    (decls.join("\n"), root)
}

/// Fixtures whose `go_type` and `json` (Go's own `json.Marshal` of the value) reproduce Go's
/// gob bytes exactly.
const FROM_FIXTURE_JSON: &[&str] = &[
    "array_float32",
    "array_int0",
    "array_int3",
    "array_nested",
    "array_of_bytearrays",
    "array_points",
    "array_strings",
    "bigint_in_struct",
    "bigint_in_struct_twice",
    "bigint_nil_field",
    "bigint_top",
    "bigint_zero_top",
    "bool_false",
    "bool_true",
    "bytearray_3",
    "bytes_123",
    "bytes_all_values",
    "bytes_empty",
    "bytes_named",
    "bytes_nil",
    "float32_0.1",
    "float32_max",
    "float32_neg",
    "float32_smallest",
    "float64_max",
    "float_0",
    "float_17",
    "float_neg",
    "float_pi",
    "float_smallest_denorm",
    "iface_holds_map_string_any",
    "iface_holds_slice_any",
    "iface_int",
    "iface_nil",
    "iface_ptr_int",
    "iface_slice_any",
    "iface_toplevel",
    "iface_toplevel_int",
    "int16_max",
    "int16_min",
    "int32_max",
    "int32_min",
    "int64_max",
    "int64_min",
    "int8_max",
    "int8_min",
    "int_0",
    "int_256",
    "int_3",
    "int_neg1",
    "int_neg129",
    "map_empty",
    "map_float_key",
    "map_int_string",
    "map_nested",
    "map_nil",
    "map_string_bytes",
    "map_string_empty_map",
    "map_string_iface",
    "map_string_iface_str",
    "map_string_int",
    "map_string_point",
    "map_string_ptr",
    "map_uint_bool",
    "map_zero_val",
    "multi_same_slice_type",
    "multi_time_twice",
    "named_float_celsius",
    "named_map_table",
    "named_slice_ids",
    "named_string",
    "recursive_list_3",
    "recursive_map",
    "recursive_mutual",
    "recursive_slice",
    "recursive_slice_deep",
    "recursive_struct",
    "recursive_tree",
    "rpc_request_hdr",
    "slice_300_ints",
    "slice_bool",
    "slice_bytes",
    "slice_float32",
    "slice_int",
    "slice_int8",
    "slice_int_empty",
    "slice_int_nil",
    "slice_int_zeros",
    "slice_points",
    "slice_ptr_ptr_int",
    "slice_ptr_struct",
    "slice_slice_int",
    "slice_slice_string",
    "slice_string",
    "slice_uint16",
    "slice_uint64",
    "slice_uint8",
    "string_128",
    "string_empty",
    "string_hello",
    "string_nul",
    "string_utf8",
    "struct_200_fields_all_set",
    "struct_200_fields_last_set",
    "struct_AB_7_8",
    "struct_all_scalars_zero",
    "struct_all_zero",
    "struct_anon_AB",
    "struct_arrays",
    "struct_bytearray",
    "struct_bytes_kinds",
    "struct_embedded",
    "struct_embedded_ptr_nil",
    "struct_embedded_ptr_set",
    "struct_empty",
    "struct_float32_field",
    "struct_floats_negzero",
    "struct_int8_field",
    "struct_nested_5",
    "struct_nested_5_zero",
    "struct_nested_ptr_nil",
    "struct_nested_ptr_zero",
    "struct_nested_zero",
    "struct_nilempty_empty",
    "struct_nilempty_nil",
    "struct_nilempty_set",
    "struct_point_doc",
    "struct_point_twice",
    "struct_ptr_ptr_field",
    "struct_ptr_toplevel",
    "struct_ptrs",
    "struct_reordered_yx",
    "struct_slices_empty_vs_nil",
    "struct_slices_nil",
    "struct_unexported",
    "struct_unexported_embedded",
    "struct_unicode_field",
    "struct_zero_field",
    "time_collections_in_struct",
    "time_far_future",
    "time_in_struct",
    "time_map",
    "time_offset_neg8h",
    "time_slice",
    "time_unix_epoch",
    "time_utc",
    "time_zero_in_struct",
    "time_zero_top",
    "uint16_max",
    "uint32_max",
    "uint64_max",
    "uint8_0",
    "uint8_255",
    "uint_127",
    "uint_128",
    "uint_256",
    "uintptr_val",
];

#[test]
fn fixtures_from_go_json_are_byte_exact() {
    let mut failed = Vec::new();
    for name in FROM_FIXTURE_JSON {
        let (meta, want) = fixture(name);
        let (src, root) = split_go_type(meta["go_type"].as_str().unwrap());
        let values = meta["json"].as_array().unwrap();
        match encode(&src, &root, values) {
            Ok(got) if got == want => {}
            Ok(got) => failed.push(format!(
                "{name}: bytes differ\n got {got:02x?}\nwant {want:02x?}"
            )),
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

/// Fixtures whose Go value JSON cannot express as Go prints it (NaN, complex numbers, maps
/// with non-string keys, registered interface types, *time.Time at top level): the same
/// value in this module's JSON conventions gives Go's bytes.
#[test]
fn fixtures_with_explicit_json_are_byte_exact() {
    let point = "type Point struct { X int; Y int }";
    let holder = "type IfaceHolder struct { I interface {} }\ntype Point struct { X, Y int }\ntype Small struct { A int; B string }";
    let p = |x: i64, y: i64| json!({"$type": "main.Point", "$value": {"X": x, "Y": y}});
    let request = "type Request struct { ServiceMethod string; Seq uint64; next *Request }";
    let response =
        "type Response struct { ServiceMethod string; Seq uint64; Error string; next *Response }";
    let cases: Vec<(&str, String, &str, Vec<Json>)> = vec![
        ("time_ptr_top", String::new(), "*time.Time", vec![json!("2024-01-02T03:04:05.000000006Z")]),
        ("bigint_2pow200", String::new(), "big.Int", vec![json!("1606938044258990275541962092341162602522202993782792835301376")]),
        ("bigint_neg_2pow200", String::new(), "big.Int", vec![json!("-1606938044258990275541962092341162602522202993782792835301377")]),
        ("complex_17_19i", String::new(), "complex128", vec![json!([17, 19])]),
        ("complex128_neg", String::new(), "complex128", vec![json!([-1.5, -0.25])]),
        ("complex128_nan_inf", String::new(), "complex128", vec![json!(["NaN", "+Inf"])]),
        ("complex64_1i", String::new(), "complex64", vec![json!([0, 1])]),
        ("complex64_max", String::new(), "complex64", vec![json!([3.4028235e38, -1])]),
        ("float_nan", String::new(), "float64", vec![json!("NaN")]),
        ("float_inf", String::new(), "float64", vec![json!("+Inf")]),
        ("float_neginf", String::new(), "float64", vec![json!("-Inf")]),
        ("float_negzero", String::new(), "float64", vec![json!(-0.0)]),
        ("float32_nan", String::new(), "float32", vec![json!("NaN")]),
        ("float32_inf", String::new(), "float32", vec![json!("+Inf")]),
        ("slice_float64_special", String::new(), "[]float64", vec![json!([-0.0, "NaN", "+Inf", "-Inf"])]),
        ("slice_complex128", String::new(), "[]complex128", vec![json!([[1, 2], [0, 0]])]),
        ("struct_chan_func", "type ChanFunc struct { A int; C chan int; F func(); P *chan int }".into(), "ChanFunc", vec![json!({"A": 1, "C": null})]),
        ("struct_floats_nan", "type Floats struct { F float64 }".into(), "Floats", vec![json!({"F": "NaN"})]),
        ("struct_all_scalars", "type AllScalars struct { Bool bool; Int int; Int8 int8; Int16 int16; Int32 int32; Int64 int64; Uint uint; Uint8 uint8; Uint16 uint16; Uint32 uint32; Uint64 uint64; Uintptr uintptr; Float32 float32; Float64 float64; Complex64 complex64; Complex128 complex128; String string; Bytes []uint8 }".into(), "AllScalars",
            vec![json!({"Bool": true, "Int": -1, "Int8": -128, "Int16": -32768, "Int32": -2147483648i64, "Int64": i64::MIN, "Uint": 1, "Uint8": 255, "Uint16": 65535, "Uint32": 4294967295u64, "Uint64": u64::MAX, "Uintptr": 0x1234, "Float32": -1.5, "Float64": std::f64::consts::PI, "Complex64": [1, -2], "Complex128": ["-Inf", 0.5], "String": "s", "Bytes": "AAE="})]),
        ("struct_sizes", "type Sizes struct { I8 int8; I16 int16; I32 int32; I64 int64; U8 uint8; U16 uint16; U32 uint32; U64 uint64; UP uintptr; F32 float32; C64 complex64 }".into(), "Sizes",
            vec![json!({"I8": -1, "I16": -2, "I32": -3, "I64": -4, "U8": 1, "U16": 2, "U32": 3, "U64": 4, "UP": 5, "F32": 1.5, "C64": [0, 2]})]),
        ("map_bool_key", String::new(), "map[bool]int", vec![json!({"false": 0})]),
        ("map_complex_key", String::new(), "map[complex128]int", vec![json!([[[1, 2], 3]])]),
        ("map_array_key", String::new(), "map[[2]int]string", vec![json!([[[1, 2], "a"]])]),
        ("map_point_key", point.into(), "map[Point]string", vec![json!([[{"X": 1, "Y": 2}, "p"]])]),
        ("struct_in_collections", format!("type StructKeyVal struct {{ M map[Point]AB; L []AB; A [2]Small }}\n{point}\ntype AB struct {{ A int; B int }}\ntype Small struct {{ A int; B string }}"), "StructKeyVal",
            vec![json!({"M": [[{"X": 1, "Y": 2}, {"A": 3, "B": 4}]], "L": [{"A": 5, "B": 6}, {}], "A": [{"A": 1, "B": "a"}, null]})]),
        ("iface_struct", format!("type Two struct {{ I interface {{}}; N int }}\n{point}"), "Two", vec![json!({"I": p(1, 2), "N": 9})]),
        ("iface_struct_twice", format!("type Two struct {{ I interface {{}}; N int }}\n{point}"), "Two", vec![json!({"I": p(1, 2), "N": 9}), json!({"I": p(3, 4)})]),
        ("iface_ptr_struct", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "*main.Point", "$value": {"X": 1, "Y": 2}}})]),
        ("iface_bigint", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "*big.Int", "$value": -5}})]),
        ("iface_holds_bytes", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "[]uint8", "$value": "AQI="}})]),
        ("iface_holds_slice_int", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "[]int", "$value": [1, 2]}})]),
        ("iface_time", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "time.Time", "$value": "2024-01-02T03:04:05.000000006Z"}})]),
        ("iface_empty_struct", format!("{holder}\ntype Z struct{{}}"), "IfaceHolder", vec![json!({"I": {"$type": "main.Z", "$value": {}}})]),
        ("iface_nested", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "main.IfaceHolder", "$value": {"I": {"$type": "main.Small", "$value": {"A": 1, "B": "x"}}}}})]),
        ("iface_nested_twice", holder.into(), "IfaceHolder", vec![
            json!({"I": {"$type": "main.IfaceHolder", "$value": {"I": {"$type": "main.Small", "$value": {"A": 1, "B": "x"}}}}}),
            json!({"I": {"$type": "main.IfaceHolder", "$value": {"I": {"$type": "main.Small", "$value": {"A": 2, "B": "y"}}}}})]),
        ("iface_nested_3", holder.into(), "IfaceHolder", vec![json!({"I": {"$type": "main.IfaceHolder", "$value": {"I": {"$type": "main.IfaceHolder", "$value": {"I": p(1, 2)}}}}})]),
        ("iface_struct_two_typedefs", format!("{holder}\ntype WithNested struct {{ S Inner; N int }}\ntype Inner struct {{ X int }}"), "IfaceHolder",
            vec![json!({"I": {"$type": "main.WithNested", "$value": {"S": {"X": 5}, "N": 1}}})]),
        ("iface_map_key", point.into(), "map[interface {}]int", vec![json!([[p(1, 2), 1]])]),
        ("iface_map_value", format!("type IfaceMap struct {{ M map[string]interface {{}} }}\n{point}"), "IfaceMap", vec![json!({"M": {"p": p(1, 2)}})]),
        ("iface_slice_field", format!("type IfaceSlice struct {{ L []interface {{}} }}\n{point}"), "IfaceSlice", vec![json!({"L": [1, "a", null, p(0, 0)]})]),
        ("iface_array_elem", format!("type IfaceArr struct {{ A [2]interface {{}} }}\n{point}"), "IfaceArr", vec![json!({"A": [p(1, 2), "x"]})]),
        ("iface_toplevel_struct", point.into(), "interface{}", vec![p(1, 2)]),
        ("iface_two_types", format!("{point}\ntype AB struct {{ A, B int }}"), "[]interface {}",
            vec![json!([p(1, 2), {"$type": "main.AB", "$value": {"A": 3, "B": 4}}, p(5, 6)])]),
        ("slice_iface_100_Z", "type Z struct{}".into(), "[]any", vec![json!([{"$type": "main.Z"}, {"$type": "main.Z"}, {"$type": "main.Z", "$value": null}])]),
        ("iface_builtins", String::new(), "[]interface{}", vec![json!([
            {"$type": "int", "$value": -1}, {"$type": "int8", "$value": -2}, {"$type": "int16", "$value": -3},
            {"$type": "int32", "$value": -4}, {"$type": "int64", "$value": -5}, {"$type": "uint", "$value": 1},
            {"$type": "uint8", "$value": 2}, {"$type": "uint16", "$value": 3}, {"$type": "uint32", "$value": 4},
            {"$type": "uint64", "$value": 5}, {"$type": "uintptr", "$value": 6}, {"$type": "float32", "$value": 1.5},
            {"$type": "float64", "$value": 2.5}, {"$type": "complex64", "$value": [0, 1]}, {"$type": "complex128", "$value": [2, 3]},
            {"$type": "bool", "$value": true}, {"$type": "string", "$value": "s"}, {"$type": "[]uint8", "$value": "AQ=="},
            {"$type": "[]int", "$value": [1]}, {"$type": "[]int8", "$value": [-1]}, {"$type": "[]int16", "$value": [2]},
            {"$type": "[]int32", "$value": [3]}, {"$type": "[]int64", "$value": [4]}, {"$type": "[]uint", "$value": [5]},
            {"$type": "[]uint16", "$value": [6]}, {"$type": "[]uint32", "$value": [7]}, {"$type": "[]uint64", "$value": [8]},
            {"$type": "[]uintptr", "$value": [9]}, {"$type": "[]float32", "$value": [1.5]}, {"$type": "[]float64", "$value": [2.5]},
            {"$type": "[]complex64", "$value": [[0, 1]]}, {"$type": "[]complex128", "$value": [[0, 2]]},
            {"$type": "[]bool", "$value": [true]}, {"$type": "[]string", "$value": ["a"]}])]),
        ("rpc_request_seq1", request.into(), "Request", vec![json!({"ServiceMethod": "Arith.Add", "Seq": 1})]),
        ("rpc_response_ok", response.into(), "Response", vec![json!({"ServiceMethod": "Arith.Add", "Seq": 1, "Error": ""})]),
        ("rpc_response_error", response.into(), "Response", vec![json!({"ServiceMethod": "Arith.Div", "Seq": 2, "Error": "divide by zero"})]),
    ];
    let mut failed = Vec::new();
    for (name, src, root, values) in &cases {
        let (_, want) = fixture(name);
        match encode(src, root, values) {
            Ok(got) if got == want => {}
            Ok(got) => failed.push(format!(
                "{name}: bytes differ\n got {got:02x?}\nwant {want:02x?}"
            )),
            Err(e) => failed.push(format!("{name}: {e}")),
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn decoded_back_by_the_library() {
    let src = "type H struct { I any; M map[int8]string; T []time.Time; B *big.Int }";
    let vals = [
        json!({"I": {"a": [1, 2.5, true, null]}, "M": {"-3": "x"}, "T": ["2020-02-29T12:30:15.5-08:00"], "B": "-12345678901234567890123"}),
        json!({"I": [{"b": 1}], "M": null}),
        json!({"I": {"c": "d"}}),
    ];
    let bytes = encode(src, "H", &vals).unwrap();
    let mut st = DecoderState::new();
    let mut at = 0;
    let mut got = Vec::new();
    while at < bytes.len() {
        let (tv, n) = st.decode_value(&bytes[at..]).unwrap().unwrap();
        at += n;
        got.push(tv.value);
    }
    let d = Decls::parse(src).unwrap();
    let mut enc = JsonEncoder::new(d, "H").unwrap();
    let want: Vec<Value> = vals.iter().map(|v| enc.value(v).unwrap().value).collect();
    assert_eq!(got.len(), 3);
    for (g, w) in got.iter().zip(&want) {
        let Value::Struct(gf) = g else { panic!() };
        let Value::Struct(wf) = w else { panic!() };
        assert_eq!(gf.len(), wf.len());
        for ((gn, gv), (wn, wv)) in gf.iter().zip(wf) {
            assert_eq!(gn, wn);
            // Interface ids are the stream's; compare names and values.
            assert_eq!(strip_ids(gv), strip_ids(wv));
        }
    }
}

fn strip_ids(v: &Value) -> Value {
    match v {
        Value::Interface(Some(i)) => Value::Interface(Some(Box::new(Interface {
            name: i.name.clone(),
            ty: None,
            value: strip_ids(&i.value),
        }))),
        Value::Slice(vs) => Value::Slice(vs.iter().map(strip_ids).collect()),
        Value::Array(vs) => Value::Array(vs.iter().map(strip_ids).collect()),
        Value::Map(ps) => Value::Map(
            ps.iter()
                .map(|(k, v)| (strip_ids(k), strip_ids(v)))
                .collect(),
        ),
        Value::Struct(fs) => {
            Value::Struct(fs.iter().map(|(n, v)| (n.clone(), strip_ids(v))).collect())
        }
        v => v.clone(),
    }
}

#[test]
fn interface_types_keep_their_ids_across_values() {
    let src = "type H struct { I any }";
    let d = Decls::parse(src).unwrap();
    let mut enc = JsonEncoder::new(d, "H").unwrap();
    let ids = |tv: &TypedValue| {
        let Value::Struct(f) = &tv.value else {
            panic!()
        };
        let Value::Interface(Some(i)) = &f[0].1 else {
            panic!()
        };
        (i.name.clone(), i.ty.unwrap().0)
    };
    let a = enc.value(&json!({"I": {"k": 1}})).unwrap();
    let b = enc.value(&json!({"I": [1]})).unwrap();
    let c = enc.value(&json!({"I": {"k": 2}})).unwrap();
    assert_eq!(ids(&a), ("map[string]interface {}".into(), 65));
    assert_eq!(ids(&b), ("[]interface {}".into(), 66));
    assert_eq!(ids(&c), ("map[string]interface {}".into(), 65));
    assert_eq!(c.types.ids(), [TypeId(64), TypeId(65), TypeId(66)]);
}

#[test]
fn zero_values_are_omitted_like_go() {
    let src = "type H struct { P *int; Q *int; S *[]int; M *map[string]int; N map[string]int; T time.Time; U time.Time; V *time.Time; B big.Int; Z Inner; A [2]int; I interface{}; F float64; C complex64; E []byte }\ntype Inner struct { X int }";
    let v = value(
        src,
        "H",
        json!({"P": 0, "Q": 5, "S": [], "M": {}, "T": "0001-01-01T00:00:00Z", "U": "0001-01-01T00:00:00+00:00", "V": "0001-01-01T00:00:00Z", "I": 0, "F": -0.0, "C": [0, 0], "E": ""}),
    );
    let zero_time = GoTime::default().to_binary();
    let mut utc0 = zero_time.clone();
    utc0[13..15].copy_from_slice(&[0, 0]);
    assert_eq!(
        v,
        Value::Struct(vec![
            ("Q".into(), Value::Int(5)),
            ("M".into(), Value::Map(vec![])),
            ("U".into(), Value::Opaque(utc0)),
            ("V".into(), Value::Opaque(zero_time)),
            ("B".into(), Value::Opaque(vec![2])),
            ("Z".into(), Value::Struct(vec![])),
            ("A".into(), Value::Array(vec![Value::Int(0), Value::Int(0)])),
            (
                "I".into(),
                Value::Interface(Some(Box::new(Interface {
                    name: "int".into(),
                    ty: Some(TypeId::INT),
                    value: Value::Int(0)
                })))
            ),
        ])
    );
}

#[test]
fn struct_keys_and_promoted_fields() {
    let src = "type O struct { Inner; *Ptr; Y int `json:\"why,omitempty\"`; Skip int `json:\"-\"`; inner2 }\ntype Inner struct { X int }\ntype Ptr struct { P string }\ntype inner2 struct { Q int }";
    let v = value(src, "O", json!({"x": 1, "why": 2, "P": "", "Q": 9}));
    assert_eq!(
        v,
        Value::Struct(vec![
            (
                "Inner".into(),
                Value::Struct(vec![("X".into(), Value::Int(1))])
            ),
            ("Ptr".into(), Value::Struct(vec![])),
            ("Y".into(), Value::Int(2)),
        ])
    );
    // The embedded struct by its Go name, and a Go field name despite a tag.
    let v = value(src, "O", json!({"Inner": {"X": 3}, "Y": 4}));
    assert_eq!(
        v,
        Value::Struct(vec![
            (
                "Inner".into(),
                Value::Struct(vec![("X".into(), Value::Int(3))])
            ),
            ("Y".into(), Value::Int(4)),
        ])
    );
    assert_eq!(
        error(src, "O", json!({"Inner": {"X": 3}, "X": 4})),
        "top-level value: Inner is given both as a whole and through its promoted field X"
    );
}

#[test]
fn map_keys_from_object_keys_or_pairs() {
    let v = value("", "map[int8]bool", json!({"-7": true, "+3": false}));
    assert_eq!(
        v,
        Value::Map(vec![
            (Value::Int(-7), Value::Bool(true)),
            (Value::Int(3), Value::Bool(false))
        ])
    );
    let v = value("", "map[uint]string", json!([[1, "a"], [1, "b"]]));
    assert_eq!(
        v,
        Value::Map(vec![(Value::Uint(1), Value::String("b".into()))])
    );
    let v = value("", "map[float32]int", json!({"0.1": 1, "NaN": 2}));
    let Value::Map(p) = v else { panic!() };
    assert_eq!(p[0].0, Value::Float(0.1f32 as f64));
    let v = value("", "map[time.Time]int", json!({"1970-01-01T00:00:01Z": 1}));
    let Value::Map(p) = v else { panic!() };
    assert_eq!(p[0].0, Value::Opaque(GoTime::from_unix(1, 0).to_binary()));
}

#[test]
fn value_errors_say_where_and_what() {
    let cases: &[(&str, &str, Json, &str)] = &[
        ("type T struct { A uint8 }", "T", json!({"A": 300}), "at `A`: 300 out of range for uint8"),
        ("type T struct { A Level }\ntype Level uint8", "T", json!({"A": -1}), "at `A`: -1 out of range for main.Level (uint8)"),
        ("type T struct { Foo F }\ntype F struct { Bar B }\ntype B struct { X int }", "T", json!({"Foo": {"Bar": {"Baz": 1}}}), "at `Foo.Bar`: type main.B has no field Baz"),
        ("type U struct { A int; b int }", "U", json!({"b": 1}), "top-level value: type main.U has no exported field b"),
        ("type T struct { Items []I }\ntype I struct { Name string }", "T", json!({"Items": [{"Name": "a"}, {}, {}, {"Name": 5}]}), "at `Items[3].Name`: expected a string for string, found number 5"),
        ("", "[3]int", json!([1, 2]), "top-level value: expected 3 elements for [3]int, found 2"),
        ("", "[]byte", json!("@@"), "top-level value: invalid base64 \"@@\": length is not a multiple of 4"),
        ("", "[]byte", json!([1, 256]), "at `[1]`: 256 out of range for uint8"),
        ("", "int", json!(1.5), "top-level value: expected an integer for int, found number 1.5"),
        ("", "int8", json!("1"), "top-level value: expected an integer for int8, found string \"1\""),
        ("", "uint64", json!(-1), "top-level value: -1 out of range for uint64"),
        ("", "float32", json!(1e39), "top-level value: 1e+39 out of range for float32"),
        ("", "bool", json!(1), "top-level value: expected true or false for bool, found number 1"),
        ("", "complex128", json!([1]), "top-level value: expected [real, imaginary] for complex128, found an array of 1 elements"),
        ("type P struct { X int }", "[]*P", json!([null]), "at `[0]`: a nil *main.P in a slice or array (gob: encodeArray: nil element)"),
        ("", "map[string]*int", json!({"a": null}), "at `[\"a\"]`: a nil *int in a map (gob: encodeReflectValue: nil element)"),
        ("type P struct { X int }", "*P", json!(null), "top-level value: gob: cannot encode nil pointer of type *main.P"),
        ("", "time.Time", json!("2024-02-30T00:00:00Z"), "top-level value: invalid RFC 3339 time \"2024-02-30T00:00:00Z\": day out of range"),
        ("", "time.Time", json!("2024-01-01 00:00:00"), "top-level value: invalid RFC 3339 time \"2024-01-01 00:00:00\": malformed"),
        ("", "time.Time", json!(5), "top-level value: expected an RFC 3339 time string for time.Time, found number 5"),
        ("", "big.Int", json!("12a"), "top-level value: invalid integer \"12a\""),
        ("", "big.Int", json!(1e30), "top-level value: 1e+30 is not an integer JSON can carry exactly; write big integers as decimal strings (\"123…\")"),
        ("", "map[int8]string", json!({"300": "x"}), "at `[\"300\"]`: 300 out of range for int8"),
        ("", "map[int]string", json!({"x": "y"}), "at `[\"x\"]`: expected an integer key for int, found \"x\""),
        ("type P struct { X int }", "map[P]int", json!({"a": 1}), "at `[\"a\"]`: map keys of type main.P cannot be JSON object keys; write the map as an array of [key, value] pairs"),
        ("type P struct { X int }", "map[P]int", json!([[1]]), "at `[0]`: expected a [key, value] pair for map[main.P]int, found an array of 1 elements"),
        ("type P struct { X int }", "map[P]int", json!([[{"X": 1}, 1.5]]), "at `[0][1]`: expected an integer for int, found number 1.5"),
        ("type T struct { E error }", "T", json!({"E": "boom"}), "at `E`: interface type error has methods, which a JSON string \"boom\" does not have; write {\"$type\": \"main.T\", \"$value\": …}"),
        ("type T struct { I any }", "T", json!({"I": {"$type": "main.Nope"}}), "at `I`: \"$type\": undefined: Nope (declared: T)"),
        ("type T struct { I any }", "T", json!({"I": {"$type": "int", "$value": 1, "x": 2}}), "at `I`: unexpected key \"x\" beside \"$type\" (only \"$type\" and \"$value\" are allowed)"),
        ("type T struct { I any }", "T", json!({"I": {"$type": "int8", "$value": 200}}), "at `I.$value`: 200 out of range for int8"),
        ("type T struct { I any }", "T", json!({"I": {"$type": "*int", "$value": null}}), "at `I.$value`: gob: cannot encode nil pointer of type *int inside interface"),
        ("type T struct { I any }", "T", json!({"I": {"$type": "any", "$value": 1}}), "at `I`: \"$type\" any is an interface type; an interface holds a concrete type"),
        ("type T struct { I any }\ntype N struct { a int }", "T", json!({"I": {"$type": "main.N", "$value": {}}}), "at `I`: gob: type main.N has no exported fields"),
        ("type T struct { A int; C chan int }", "T", json!({"C": 1}), "at `C`: field C of main.T has type chan int, which gob does not send; only null is accepted"),
    ];
    for (src, root, j, want) in cases {
        assert_eq!(&error(src, root, j.clone()), want, "{src} / {root} / {j}");
    }
}

#[test]
fn scalars() {
    use scalars::*;
    let t = parse_rfc3339("2009-11-10T23:00:00.123+01:00").unwrap();
    assert_eq!(t.unix_seconds(), 1_257_890_400);
    assert_eq!(t.nanos(), 123_000_000);
    assert_eq!(t.offset_seconds(), Some(3600));
    assert_eq!(
        parse_rfc3339("0001-01-01T00:00:00Z").unwrap(),
        GoTime::default()
    );
    assert_eq!(
        parse_rfc3339("1969-12-31T23:59:59.999999999Z").unwrap(),
        GoTime::from_unix(-1, 999_999_999)
    );
    assert!(parse_rfc3339("2023-02-29T00:00:00Z").is_err());
    assert!(parse_rfc3339("2024-02-29T24:00:00Z").is_err());
    assert!(parse_rfc3339("2024-02-29T00:00:00.1234567890Z").is_err());
    assert_eq!(parse_big_int("-1000").unwrap().to_gob_bytes(), [3, 3, 0xe8]);
    assert_eq!(parse_big_int("0x1_00").unwrap().to_gob_bytes(), [2, 1, 0]);
    assert_eq!(parse_big_int("0").unwrap().to_gob_bytes(), [2]);
    assert!(parse_big_int("-").is_err());
    assert_eq!(decode_base64("AAECAw==").unwrap(), [0, 1, 2, 3]);
    assert_eq!(decode_base64("AAEC\r\nAw==").unwrap(), [0, 1, 2, 3]);
    assert_eq!(decode_base64("").unwrap(), Vec::<u8>::new());
    assert!(decode_base64("AA=A").is_err());
    assert!(decode_base64("AAE").is_err());
}

#[test]
fn deep_types_convert_without_exhausting_the_stack() {
    let chain = |n: usize| {
        (0..n)
            .map(|i| format!("type S{i} struct {{ X S{}; P *S{} }}\n", i + 1, i + 1))
            .collect::<String>()
            + &format!("type S{n} struct{{ Y int }}")
    };
    let src = chain(120);
    let bytes = encode(&src, "S0", &[json!({"P": {"P": {}}})]).unwrap();
    let (tv, _) = DecoderState::new().decode_value(&bytes).unwrap().unwrap();
    assert!(matches!(tv.value, Value::Struct(_)));
    let src = chain(crate::decl::MAX_DEPTH - 10);
    let e = error(&src, "S0", json!({}));
    assert!(e.ends_with(": value nested too deeply"), "{e}");
}

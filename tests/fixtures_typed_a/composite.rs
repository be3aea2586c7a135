//! Arrays, slices and maps (`go-interop/cases_composite.go`).

use super::{Entries, C128, F64};
use crate::common::gotypes::{self, pt, s, Point};
use gobrpc::types::Complex;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;

/// Go's `math.NaN()`, compared bit for bit.
fn go_nan() -> F64 {
    F64(gotypes::go_nan())
}

/// Go `interface{}` as these maps fill it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(interface)]
enum Any {
    Nil,
    #[serde(rename = "int")]
    Int(i64),
    #[serde(rename = "string")]
    Str(String),
}

fn map<K: Eq + std::hash::Hash, V, const N: usize>(kv: [(K, V); N]) -> HashMap<K, V> {
    HashMap::from(kv)
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| s(x)).collect()
}

cases! {
    // arrays / slices
    bytearray_3: det [[u8; 3] => [1, 2, 200]];
    slice_int: det [Vec<i64> => vec![1, 2, 3]];
    slice_int_nil: det [Vec<i64> => vec![]];
    slice_int_zeros: det [Vec<i64> => vec![0, 0, 0]];
    slice_string: det [Vec<String> => strs(&["a", "", "b"])];
    slice_slice_int: det [Vec<Vec<i64>> => vec![vec![1], vec![], vec![]]];
    array_int3: det [[i64; 3] => [11, 22, 33]];
    array_int0: det [[i64; 0] => []];
    array_points: det [[Point; 2] => [pt(1, 2), pt(0, 0)]];
    slice_ptr_struct: det [Vec<Option<Point>> => vec![Some(pt(1, 2))]];
    slice_int_empty: det [Vec<i64> => vec![]];
    slice_float32: det [Vec<f32> => vec![1.5, -0.25, f32::MAX, f32::from_bits(1)]];
    slice_float64_special: det [Vec<F64> => vec![F64(-0.0), go_nan(), F64(f64::INFINITY), F64(f64::NEG_INFINITY)]];
    slice_bool: det [Vec<bool> => vec![true, false, true]];

    slice_complex128: det [Vec<Complex> => vec![Complex(1.0, 2.0), Complex(0.0, 0.0)]];
    slice_uint64: det [Vec<u64> => vec![0, 1 << 63, u64::MAX]];
    slice_slice_string: det [Vec<Vec<String>> => vec![strs(&["a"]), vec![], strs(&["b", "c"])]];
    slice_bytes: det [Vec<ByteBuf> => vec![ByteBuf::from(vec![1]), ByteBuf::new(), ByteBuf::new()]];
    slice_points: det [Vec<Point> => vec![pt(1, 2), pt(0, 0), pt(3, 4)]];
    slice_ptr_ptr_int: det [Vec<Option<Option<i64>>> => vec![Some(Some(1)), Some(Some(0))]];
    array_strings: det [[String; 2] => [s("a"), s("")]];
    array_nested: det [[[i64; 3]; 2] => [[1, 2, 3], [4, 5, 6]]];
    array_of_bytearrays: det [[[u8; 4]; 2] => [[1, 2, 3, 4], [0; 4]]];
    array_float32: det [[f32; 2] => [1.5, -1.0]];
    slice_300_ints: det [Vec<i64> => (0..300).collect()];

    // maps
    map_string_int: det [HashMap<String, i64> => map([(s("a"), 1)])];
    map_empty: det [HashMap<String, i64> => HashMap::new()];
    map_nil: det [HashMap<String, i64> => HashMap::new()];
    map_nested: det [HashMap<i64, HashMap<String, bool>> => map([(1, map([(s("t"), true)]))])];
    map_string_iface: det [HashMap<String, Any> => map([(s("k"), Any::Int(1))])];
    map_string_iface_str: det [HashMap<String, Any> => map([(s("s"), Any::Str(s("v")))])];
    map_point_key: det [HashMap<Point, String> => map([(pt(1, 2), s("p"))])];
    map_zero_val: det [HashMap<String, i64> => map([(s("z"), 0)])];
    map_3_entries: nondet [HashMap<i64, i64> => map([(1, 1), (2, 2), (3, 3)])];
    map_int_string: det [HashMap<i64, String> => map([(-7, s("minus seven"))])];
    map_uint_bool: det [HashMap<u8, bool> => map([(255, true)])];
    map_float_key: det [HashMap<F64, String> => map([(F64(1.5), s("x"))])];

    map_complex_key: det [HashMap<C128, i64> => map([(C128(Complex(1.0, 2.0)), 3)])];
    map_array_key: det [HashMap<[i64; 2], String> => map([([1, 2], s("a"))])];
    map_bool_key: det [HashMap<bool, i64> => map([(false, 0)])];
    map_string_point: det [HashMap<String, Point> => map([(s("p"), pt(1, 2))])];
    map_string_slice: nondet [HashMap<String, Vec<i64>> => map([(s("a"), vec![1, 2]), (s("e"), vec![])])];
    map_string_ptr: det [HashMap<String, Option<i64>> => map([(s("a"), Some(7))])];
    map_string_bytes: det [HashMap<String, ByteBuf> => map([(s("b"), ByteBuf::from(vec![1, 2]))])];
    map_string_empty_map: det [HashMap<String, HashMap<String, i64>> => map([(s("x"), HashMap::new())])];
    // Two distinct entries whose keys are both NaN: kept as a list of entries.
    map_nan_keys: nondet [Entries<F64, i64> => Entries(vec![(go_nan(), 1), (go_nan(), 2)])];
    map_string_int_5: nondet [HashMap<String, i64> => map([(s("a"), 1), (s("b"), 2), (s("c"), 3), (s("d"), 4), (s("e"), 5)])];
}

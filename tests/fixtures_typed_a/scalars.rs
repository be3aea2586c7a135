//! Top-level scalars, floats, complex numbers, strings, byte slices and named types
//! (`go-interop/cases_scalars.go`).

use super::{GoStr, C128, F32, F64};
use crate::common::gotypes::{bytes, go_nan, s, BytesT, Celsius, IDs, Name};
use gobrpc::types::Complex;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;
use std::collections::HashMap;

/// `type Table map[string]int`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "main.Table")]
struct Table(HashMap<String, i64>);

/// `net.IP` (`type IP []byte` in package net)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(name = "net.IP")]
struct IP(ByteBuf);

fn table(kv: &[(&str, i64)]) -> Table {
    Table(kv.iter().map(|&(k, v)| (s(k), v)).collect())
}

cases! {
    // ints
    int_3: det [i64 => 3];
    int_0: det [i64 => 0];
    int_neg1: det [i64 => -1];
    int_neg129: det [i64 => -129];
    int_256: det [i64 => 256];
    int64_max: det [i64 => i64::MAX];
    int64_min: det [i64 => i64::MIN];
    uint_127: det [u64 => 127];
    uint_128: det [u64 => 128];
    uint_256: det [u64 => 256];
    uint64_max: det [u64 => u64::MAX];
    uint8_255: det [u8 => 255];
    int8_min: det [i8 => i8::MIN];
    int8_max: det [i8 => i8::MAX];
    int16_min: det [i16 => i16::MIN];
    int16_max: det [i16 => i16::MAX];
    int32_min: det [i32 => i32::MIN];
    int32_max: det [i32 => i32::MAX];
    uint16_max: det [u16 => u16::MAX];
    uint32_max: det [u32 => u32::MAX];
    // Go uintptr: an unsigned integer, wire uint.
    uintptr_val: det [u64 => 0xdead_beef];
    uint8_0: det [u8 => 0];

    // bools
    bool_true: det [bool => true];
    bool_false: det [bool => false];

    // floats / complex
    float_17: det [f64 => 17.0];
    float_0: det [F64 => F64(0.0)];
    float_negzero: det [F64 => F64(-0.0)];
    float_nan: det [F64 => F64(go_nan())];
    float_inf: det [f64 => f64::INFINITY];
    float_neginf: det [f64 => f64::NEG_INFINITY];
    float_pi: det [f64 => std::f64::consts::PI];
    float32_0_1 = "float32_0.1": det [f32 => 0.1];
    float_smallest_denorm: det [F64 => F64(f64::from_bits(1))];

    complex_17_19i: det [Complex => Complex(17.0, 19.0)];
    // Go complex64: the wire has one complex kind (float64 halves); Complex holds it exactly.

    complex64_1i: det [Complex => Complex(0.0, 1.0)];
    float64_max: det [f64 => f64::MAX];
    float_neg: det [f64 => -2.5];
    float32_max: det [f32 => f32::MAX];
    float32_smallest: det [F32 => F32(f32::from_bits(1))];
    float32_neg: det [f32 => -1.25];
    // float32(math.NaN()) keeps the quiet bit and drops the low payload bit.
    float32_nan: det [F32 => F32(f32::from_bits(0x7FC0_0000))];
    float32_inf: det [f32 => f32::INFINITY];

    complex128_nan_inf: det [C128 => C128(Complex(go_nan(), f64::INFINITY))];

    complex128_neg: det [Complex => Complex(-1.5, -0.25)];

    complex64_max: det [Complex => Complex(f32::MAX as f64, -1.0)];

    // strings
    string_empty: det [String => s("")];
    string_hello: det [String => s("hello")];
    string_utf8: det [String => s("héllo, 世界")];
    string_70000: det [String => "x".repeat(70000)];
    string_nul: det [String => s("a\0b\0")];

    string_invalid_utf8: det [GoStr => GoStr(bytes(b"\xff\xfe\xc3("))];
    string_128: det [String => "ab".repeat(64)];

    // byte slices
    bytes_nil: det [ByteBuf => ByteBuf::new()];
    bytes_empty: det [ByteBuf => ByteBuf::new()];
    bytes_123: det [ByteBuf => bytes(&[1, 2, 3])];
    slice_uint8: det [Vec<u8> => vec![1, 2, 3]];
    slice_int8: det [Vec<i8> => vec![1, -1]];
    slice_uint16: det [Vec<u16> => vec![1, 300]];
    bytes_named: det [BytesT => BytesT(bytes(&[0xff]))];
    netip_as_bytes: det [IP => IP(bytes(&[1, 2, 3, 4]))];
    bytes_1mib: det [ByteBuf => ByteBuf::from((0..1usize << 20).map(|i| (i % 251) as u8).collect::<Vec<u8>>())];
    bytes_all_values: det [Vec<u8> => (0..=255).collect()];

    // named types
    named_float_celsius: det [Celsius => Celsius(21.5)];
    named_string: det [Name => Name(s("gopher"))];
    named_slice_ids: det [IDs => IDs(vec![1, 2, 3])];
    named_map_table: det [Table => table(&[("a", 1)])];
    named_map_table_3: nondet [Table => table(&[("a", 1), ("b", 2), ("c", 3)])];
}

/// A Go string that is not UTF-8 cannot become a Rust `String`: a clean error, not garbage.
#[test]
fn string_invalid_utf8_is_not_a_rust_string() {
    let go = crate::common::fixture("string_invalid_utf8");
    assert!(gobrpc::from_slice::<String>(&go).is_err());
}

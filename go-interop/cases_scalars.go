package main

// Positive cases: top-level scalars, strings and byte slices.

import (
	"math"
	"net"
	"strings"
)

func init() {
	// ints (spec Appendix A)
	one("int_3", "top-level int 3 (doc example)", val(3))
	one("int_0", "top-level int 0 (singleton zero IS sent)", val(0))
	one("int_neg1", "int -1", val(-1))
	one("int_neg129", "int -129 (doc: FE 01 01)", val(-129))
	one("int_256", "int 256", val(256))
	one("int64_max", "math.MaxInt64", val(int64(math.MaxInt64)))
	one("int64_min", "math.MinInt64", val(int64(math.MinInt64)))
	one("uint_127", "uint 127 (largest 1-byte)", val(uint(127)))
	one("uint_128", "uint 128 (first 2-byte)", val(uint(128)))
	one("uint_256", "uint 256 (doc: FE 01 00)", val(uint(256)))
	one("uint64_max", "math.MaxUint64", val(uint64(math.MaxUint64)))
	one("uint8_255", "uint8 255 -> same wire type as uint", val(uint8(255)))

	// int/uint kind extremes
	one("int8_min", "int8 -128", val(int8(math.MinInt8)))
	one("int8_max", "int8 127", val(int8(math.MaxInt8)))
	one("int16_min", "int16 -32768", val(int16(math.MinInt16)))
	one("int16_max", "int16 32767", val(int16(math.MaxInt16)))
	one("int32_min", "int32 -2147483648", val(int32(math.MinInt32)))
	one("int32_max", "int32 2147483647", val(int32(math.MaxInt32)))
	one("uint16_max", "uint16 65535 (fe ff ff)", val(uint16(math.MaxUint16)))
	one("uint32_max", "uint32 4294967295", val(uint32(math.MaxUint32)))
	one("uintptr_val", "uintptr 0xdeadbeef (wire uint)", val(uintptr(0xdeadbeef)))
	one("uint8_0", "uint8 0 at top level", val(uint8(0)))

	// bools
	one("bool_true", "bool true", val(true))
	one("bool_false", "bool false (singleton zero sent)", val(false))

	// floats / complex (spec Appendix A)
	one("float_17", "float64 17.0 (doc: FE 31 40)", val(17.0))
	one("float_0", "float64 +0", val(0.0))
	one("float_negzero", "float64 -0 at top level (sent, bits 0x8000..)", val(math.Copysign(0, -1)))
	one("float_nan", "float64 NaN (Go's canonical NaN 0x7FF8000000000001)", val(math.NaN()))
	one("float_inf", "+Inf", val(math.Inf(1)))
	one("float_neginf", "-Inf", val(math.Inf(-1)))
	one("float_pi", "3.141592653589793 (full 8 bytes)", val(math.Pi))
	one("float32_0.1", "float32(0.1) is widened to float64 bits", val(float32(0.1)))
	one("float_smallest_denorm", "math.SmallestNonzeroFloat64 (reversed bytes -> big uint)", val(math.SmallestNonzeroFloat64))
	one("complex_17_19i", "complex128 17+19i", val(complex(17, 19)))
	one("complex64_1i", "complex64 1i", val(complex64(1i)))

	// more floats
	one("float64_max", "math.MaxFloat64", val(math.MaxFloat64))
	one("float_neg", "float64 -2.5", val(-2.5))
	one("float32_max", "float32 math.MaxFloat32 (widened exactly)", val(float32(math.MaxFloat32)))
	one("float32_smallest", "float32 math.SmallestNonzeroFloat32", val(float32(math.SmallestNonzeroFloat32)))
	one("float32_neg", "float32 -1.25", val(float32(-1.25)))
	one("float32_nan", "float32 NaN (float32(math.NaN()) widened: different bits than float64 NaN)", val(float32(math.NaN())))
	one("float32_inf", "float32 +Inf", val(float32(math.Inf(1))))
	one("complex128_nan_inf", "complex128(NaN, +Inf)", val(complex(math.NaN(), math.Inf(1))))
	one("complex128_neg", "complex128 -1.5-0.25i", val(complex(-1.5, -0.25)))
	one("complex64_max", "complex64(MaxFloat32 - 1i)", val(complex64(complex(math.MaxFloat32, -1))))

	// strings / bytes (spec Appendix A)
	one("string_empty", `"" at top level`, val(""))
	one("string_hello", `"hello"`, val("hello"))
	one("string_utf8", `"héllo, 世界" (bytes, not runes)`, val("héllo, 世界"))
	one("string_70000", "70000-byte string (length FD 01 11 70)", func() any { return strings.Repeat("x", 70000) })
	one("bytes_nil", "[]byte(nil) at top level -> count 0", val([]byte(nil)))
	one("bytes_empty", "[]byte{} at top level -> count 0 (same as nil)", val([]byte{}))
	one("bytes_123", "[]byte{1,2,3}", val([]byte{1, 2, 3}))
	one("slice_uint8", "[]uint8{1,2,3}: identical type to []byte in Go -> same bytes as bytes_123", val([]uint8{1, 2, 3}))
	one("slice_int8", "[]int8{1,-1}: NOT bytes -> SliceT of int", val([]int8{1, -1}))
	one("slice_uint16", "[]uint16{1,300}: SliceT of uint", val([]uint16{1, 300}))
	one("bytes_named", "named type BytesT []byte -> still builtin id 5", val(BytesT{0xff}))
	one("netip_as_bytes", "net.IP{1,2,3,4} (TextMarshaler only -> plain []byte; TestNetIP)", val(net.IP{1, 2, 3, 4}))

	// more strings / bytes
	one("string_nul", `string with NUL bytes "a\x00b\x00"`, val("a\x00b\x00"))
	one("string_invalid_utf8", `invalid UTF-8 "\xff\xfe\xc3(" (Go does not validate)`, val("\xff\xfe\xc3("))
	one("string_128", "128-byte string (length ff 80)", func() any { return strings.Repeat("ab", 64) })
	one("bytes_1mib", "1 MiB []byte (byte i = i%251)", func() any {
		b := make([]byte, 1<<20)
		for i := range b {
			b[i] = byte(i % 251)
		}
		return b
	})
	one("bytes_all_values", "[]byte{0..255}", func() any {
		b := make([]byte, 256)
		for i := range b {
			b[i] = byte(i)
		}
		return b
	})

	// named scalar / composite types
	one("named_float_celsius", "type Celsius float64: named types carry no name on the wire (id 4)", val(Celsius(21.5)))
	one("named_string", "type Name string (id 6)", val(Name("gopher")))
	one("named_slice_ids", "type IDs []int: SliceT named \"IDs\"", val(IDs{1, 2, 3}))
	one("named_map_table", "type Table map[string]int, one entry", val(Table{"a": 1}))
	one("named_map_table_3", "type Table map[string]int, 3 entries (nondeterministic order)",
		val(Table{"a": 1, "b": 2, "c": 3}), nondet())
}

package main

// Positive cases: arrays, slices, maps.

import (
	"math"
)

func init() {
	// arrays / slices (spec Appendix A)
	one("bytearray_3", "[3]byte{1,2,200}: ARRAY of uint, not bytes", val([3]byte{1, 2, 200}))
	one("slice_int", "[]int{1,2,3}", val([]int{1, 2, 3}))
	one("slice_int_nil", "[]int(nil) top level -> sent as empty", val([]int(nil)))
	one("slice_int_zeros", "[]int{0,0,0}: zero elements are sent", val([]int{0, 0, 0}))
	one("slice_string", `[]string{"a","","b"}`, val([]string{"a", "", "b"}))
	one("slice_slice_int", "[][]int{{1},{},nil}", val([][]int{{1}, {}, nil}))
	one("array_int3", "[3]int{11,22,33}", val([3]int{11, 22, 33}))
	one("array_int0", "[0]int{} (zero-length array)", val([0]int{}))
	one("array_points", "[2]Point{{1,2},{0,0}}", val([2]Point{{1, 2}, {0, 0}}))
	one("slice_ptr_struct", "[]*Point{{1,2}}", val([]*Point{{1, 2}}))

	// more arrays / slices
	one("slice_int_empty", "[]int{} top level: identical bytes to nil", val([]int{}))
	one("slice_float32", "[]float32{1.5, -0.25, MaxFloat32, SmallestNonzeroFloat32}",
		val([]float32{1.5, -0.25, math.MaxFloat32, math.SmallestNonzeroFloat32}))
	one("slice_float64_special", "[]float64{-0, NaN, +Inf, -Inf}: elements always sent, -0 keeps its sign",
		val([]float64{math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1)}))
	one("slice_bool", "[]bool{true,false,true}", val([]bool{true, false, true}))
	one("slice_complex128", "[]complex128{1+2i, 0}", val([]complex128{1 + 2i, 0}))
	one("slice_uint64", "[]uint64{0, 1<<63, MaxUint64}", val([]uint64{0, 1 << 63, math.MaxUint64}))
	one("slice_slice_string", `[][]string{{"a"},{},{"b","c"}}`, val([][]string{{"a"}, {}, {"b", "c"}}))
	one("slice_bytes", "[][]byte{{1},{},nil}: SliceT of bytes (id 5)", val([][]byte{{1}, {}, nil}))
	one("slice_points", "[]Point{{1,2},{0,0},{3,4}}", val([]Point{{1, 2}, {0, 0}, {3, 4}}))
	one("slice_ptr_ptr_int", "[]**int{&&1, &&0}", func() any {
		a, b := 1, 0
		pa, pb := &a, &b
		return []**int{&pa, &pb}
	})
	one("array_strings", `[2]string{"a",""}`, val([2]string{"a", ""}))
	one("array_nested", "[2][3]int{{1,2,3},{4,5,6}}", val([2][3]int{{1, 2, 3}, {4, 5, 6}}))
	one("array_of_bytearrays", "[2][4]byte: arrays of arrays of uint", val([2][4]byte{{1, 2, 3, 4}, {}}))
	one("array_float32", "[2]float32{1.5, -1}", val([2]float32{1.5, -1}))
	one("slice_300_ints", "[]int 0..299: slice count 300 = fe 01 2c", func() any {
		s := make([]int, 300)
		for i := range s {
			s[i] = i
		}
		return s
	})

	// maps (spec Appendix A)
	one("map_string_int", `map[string]int{"a":1} (1 entry: deterministic)`, val(map[string]int{"a": 1}))
	one("map_empty", "map[string]int{} top level", val(map[string]int{}))
	one("map_nil", "map[string]int(nil) top level -> count 0", val(map[string]int(nil)))
	one("map_nested", `map[int]map[string]bool{1:{"t":true}}`, val(map[int]map[string]bool{1: {"t": true}}))
	one("map_string_iface", `map[string]interface{}{"k":int(1)}`, val(map[string]interface{}{"k": 1}))
	one("map_string_iface_str", `map[string]interface{}{"s":"v"}`, val(map[string]interface{}{"s": "v"}))
	one("map_point_key", `map[Point]string{{1,2}:"p"} struct keys`, val(map[Point]string{{1, 2}: "p"}))
	one("map_zero_val", `map[string]int{"z":0}: zero values inside maps are sent`, val(map[string]int{"z": 0}))
	one("map_3_entries", "map[int]int{1:1,2:2,3:3}: Go map iteration order is RANDOM -> nondeterministic bytes",
		val(map[int]int{1: 1, 2: 2, 3: 3}), nondet())

	// more maps
	one("map_int_string", `map[int]string{-7:"minus seven"}`, val(map[int]string{-7: "minus seven"}))
	one("map_uint_bool", "map[uint8]bool{255:true}", val(map[uint8]bool{255: true}))
	one("map_float_key", `map[float64]string{1.5:"x"}`, val(map[float64]string{1.5: "x"}))
	one("map_complex_key", "map[complex128]int{1+2i:3} (TestEndToEnd complex keys)", val(map[complex128]int{1 + 2i: 3}))
	one("map_array_key", `map[[2]int]string{{1,2}:"a"} (TestEndToEnd array keys)`, val(map[[2]int]string{{1, 2}: "a"}))
	one("map_bool_key", "map[bool]int{false:0}: zero key and value sent", val(map[bool]int{false: 0}))
	one("map_string_point", `map[string]Point{"p":{1,2}}: struct values`, val(map[string]Point{"p": {1, 2}}))
	one("map_string_slice", `map[string][]int{"a":{1,2},"e":nil} 2 entries`, val(map[string][]int{"a": {1, 2}, "e": nil}), nondet())
	one("map_string_ptr", `map[string]*int{"a":&7} (maps of pointers)`, func() any {
		x := 7
		return map[string]*int{"a": &x}
	})
	one("map_string_bytes", `map[string][]byte{"b":{1,2}}`, val(map[string][]byte{"b": {1, 2}}))
	one("map_string_empty_map", `map[string]map[string]int{"x":{}}: empty inner map`, val(map[string]map[string]int{"x": {}}))
	one("map_nan_keys", "map[float64]int{NaN:1, NaN:2}: two NaN keys, both sent (TestMarshalFloatMap)", func() any {
		m := map[float64]int{}
		m[math.NaN()] = 1
		m[math.NaN()] = 2
		return m
	}, nondet())
	one("map_string_int_5", "map[string]int with 5 entries (nondeterministic order)",
		val(map[string]int{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5}), nondet())
}

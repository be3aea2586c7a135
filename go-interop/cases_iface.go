package main

// Positive cases: interface values in every position.

import (
	"encoding/gob"
	"math/big"
	"time"
)

func regPoint()      { gob.Register(Point{}) }
func regPointAB()    { gob.Register(Point{}); gob.Register(AB{}) }
func regNested()     { gob.Register(IfaceHolder{}); gob.Register(Small{}); gob.Register(Point{}) }
func regMapAny()     { gob.Register(map[string]interface{}{}) }
func regSliceAny()   { gob.Register([]interface{}{}) }
func regTime()       { gob.Register(time.Time{}) }
func regBigInt()     { gob.Register(new(big.Int)) }
func regCelsius()    { gob.RegisterName("celsius", Celsius(0)) }
func regZ()          { gob.Register(Z{}) }
func regWithNested() { gob.Register(WithNested{}) }

func init() {
	// spec Appendix A
	one("iface_int", `IfaceHolder{I: int(7)} (builtin registered name "int")`, val(IfaceHolder{7}))
	one("iface_nil", "IfaceHolder{nil}: nil interface field omitted", val(IfaceHolder{}))
	one("iface_struct", "Two{I: Point{1,2}, N: 9}: type def of Point emitted mid-value",
		val(Two{Point{1, 2}, 9}), setup(regPoint))
	pos("iface_struct_twice", "same again on same encoder: no type def 2nd time",
		vals(Two{Point{1, 2}, 9}, Two{Point{3, 4}, 0}), setup(regPoint))
	one("iface_ptr_struct", `IfaceHolder{&Point{1,2}} registered via Register(&Point{}) -> name "*main.Point"`,
		val(IfaceHolder{&Point{1, 2}}), setup(func() { gob.Register(&Point{}) }), group("ptrpoint"))
	one("iface_slice_any", `[]any{"hi", nil, 1.5}`, val([]interface{}{"hi", nil, 1.5}))
	one("iface_slice_count_spans_messages", `[]any of 34: a new concrete type first, then 33 nils: the slice's count (34) exceeds the bytes left in its first message, because the inline typedef ends that message (found by fuzzing)`,
		func() any {
			v := make([]interface{}, 34)
			v[0] = []int8{0}
			return v
		})
	one("iface_toplevel", `Encode(&x) where x any = "s" -> top-level type is interface id 8`, func() any {
		var x interface{} = "s"
		return &x
	})
	one("iface_nested", `IfaceHolder{IfaceHolder{Small{1,"x"}}} nested interfaces with inline type defs`,
		val(IfaceHolder{IfaceHolder{Small{1, "x"}}}), setup(regNested))
	one("slice_iface_100_Z", "[]any of 3 empty structs Z{} (Test29ElementSlice shape; shows 1 typedef mid-value; the spec's name says 100 but its bytes hold 3)",
		val([]interface{}{Z{}, Z{}, Z{}}), setup(regZ))

	// more interfaces
	one("iface_array_elem", `IfaceArr{[2]any{Point{1,2}, "x"}}: interfaces as array elements`,
		val(IfaceArr{[2]interface{}{Point{1, 2}, "x"}}), setup(regPoint))
	one("iface_map_value", `IfaceMap{M: {"p": Point{1,2}}}: interface as map value`,
		val(IfaceMap{M: map[string]interface{}{"p": Point{1, 2}}}), setup(regPoint))
	one("iface_map_key", "map[interface{}]int{Point{1,2}: 1}: interface as map key",
		val(map[interface{}]int{Point{1, 2}: 1}), setup(regPoint))
	one("iface_slice_field", `IfaceSlice{L: []any{1, "a", nil, Point{}}}`,
		val(IfaceSlice{L: []interface{}{1, "a", nil, Point{}}}), setup(regPoint))
	one("iface_holds_slice_int", `IfaceHolder{[]int{1,2}}: builtin registered name "[]int"`,
		val(IfaceHolder{[]int{1, 2}}))
	one("iface_holds_bytes", `IfaceHolder{[]byte{1,2}}: registered name "[]uint8"`,
		val(IfaceHolder{[]byte{1, 2}}))
	one("iface_holds_map_string_any", `IfaceHolder{map[string]any{"k":"v"}} (Register(map[string]interface{}{}))`,
		val(IfaceHolder{map[string]interface{}{"k": "v"}}), setup(regMapAny))
	one("iface_holds_slice_any", `IfaceHolder{[]any{1,"a"}} (Register([]interface{}{}))`,
		val(IfaceHolder{[]interface{}{1, "a"}}), setup(regSliceAny))
	one("iface_two_types", "[]any{Point{1,2}, AB{3,4}, Point{5,6}}: two concrete types, second Point without typedef",
		val([]interface{}{Point{1, 2}, AB{3, 4}, Point{5, 6}}), setup(regPointAB))
	one("iface_builtins", "[]any holding every pre-registered builtin name", val([]interface{}{
		int(-1), int8(-2), int16(-3), int32(-4), int64(-5),
		uint(1), uint8(2), uint16(3), uint32(4), uint64(5), uintptr(6),
		float32(1.5), float64(2.5), complex64(1i), complex128(2 + 3i), true, "s",
		[]byte{1}, []int{1}, []int8{-1}, []int16{2}, []int32{3}, []int64{4},
		[]uint{5}, []uint16{6}, []uint32{7}, []uint64{8}, []uintptr{9},
		[]float32{1.5}, []float64{2.5}, []complex64{1i}, []complex128{2i}, []bool{true}, []string{"a"},
	}))
	one("iface_named_type", `[]any{Celsius(21.5)} with gob.RegisterName("celsius", Celsius(0))`,
		val([]interface{}{Celsius(21.5)}), setup(regCelsius))
	one("iface_time", `IfaceHolder{time.Date(2024,1,2,3,4,5,6,UTC)} with gob.Register(time.Time{}) -> name "time.Time"`,
		val(IfaceHolder{time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)}), setup(regTime))
	one("iface_bigint", `IfaceHolder{big.NewInt(-5)} with gob.Register(new(big.Int)) -> name "*big.Int"`,
		val(IfaceHolder{big.NewInt(-5)}), setup(regBigInt))
	one("iface_toplevel_struct", "Encode(&x) where x any = Point{1,2}", func() any {
		var x interface{} = Point{1, 2}
		return &x
	}, setup(regPoint))
	one("iface_toplevel_int", "Encode(&x) where x any = 0: zero concrete value still sent", func() any {
		var x interface{} = 0
		return &x
	})
	one("iface_nested_3", "IfaceHolder{IfaceHolder{IfaceHolder{Point{1,2}}}}: three levels of inline typedef segments",
		val(IfaceHolder{IfaceHolder{IfaceHolder{Point{1, 2}}}}), setup(regNested))
	pos("iface_nested_twice", "iface_nested value twice on one encoder: typedefs only the first time",
		vals(IfaceHolder{IfaceHolder{Small{1, "x"}}}, IfaceHolder{IfaceHolder{Small{2, "y"}}}), setup(regNested))
	one("iface_struct_two_typedefs", "IfaceHolder{WithNested{Inner{5},1}}: two new types inside one interface value",
		val(IfaceHolder{WithNested{Inner{5}, 1}}), setup(regWithNested))
	one("iface_ptr_int", "IfaceHolder{&7}: pointer to int in interface, sent under name \"int\", decoded as int",
		func() any {
			n := 7
			return IfaceHolder{&n}
		})
	one("iface_empty_struct", "IfaceHolder{Z{}}: empty struct concrete value",
		val(IfaceHolder{Z{}}), setup(regZ))

	// encode errors
	encErr("time_in_iface_unregistered", "IfaceHolder{time.Time}: time.Time is NOT pre-registered -> encode error",
		vals(IfaceHolder{time.Unix(0, 0).UTC()}))
	encErr("iface_unregistered_struct", "IfaceHolder{Point{1,2}} without gob.Register -> encode error",
		vals(IfaceHolder{Point{1, 2}}))
	encErr("nil_ptr_in_iface", "IfaceHolder{(*int)(nil)}: nil pointer inside interface -> encode error",
		vals(IfaceHolder{(*int)(nil)}))
	encErr("iface_unregistered_map", "IfaceHolder{map[string]any{}} without registering the map type",
		vals(IfaceHolder{map[string]interface{}{"a": 1}}))
}

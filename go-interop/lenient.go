package main

// Lenient cases (fixtures/gob-lenient): inputs Go's decoder ACCEPTS although
// Go's encoder never produces them, plus decodes into a different local type
// (compatibility rules of spec §1.9). A Rust decoder may copy or reject the
// leniencies (document the choice); a Rust encoder must never rely on them.

import (
	"encoding/gob"
	"math/big"
	"time"
)

func lenientCases() {
	lenient("nonminimal_uint_value", "top-level int 3 encoded as ff 06 (non-minimal uint)", func() []byte {
		return msg(hb("04 00 ff 06"))
	}, tgt[int](), "*int")
	lenient("nonminimal_uint_leading_zeros", "top-level uint 5 encoded as f8 00 00 00 00 00 00 00 05", func() []byte {
		return msg(hb("06 00 f8 00 00 00 00 00 00 00 05"))
	}, tgt[uint](), "*uint")
	lenient("nonminimal_msglen", "message length 3 encoded as fe 00 03", func() []byte {
		return hb("fe 00 03 04 00 06")
	}, tgt[int](), "*int")
	lenient("missing_struct_terminator", "Point{1,2} value message without the final 00", func() []byte {
		return cat(pointTypedef(), hb("06 ff 80 01 02 01 04"))
	}, newPoint, "*main.Point")
	lenient("trailing_bytes_after_value", "int 3 message with 3 junk bytes after the value, then int 4", func() []byte {
		return hb("06 04 00 06 aa bb cc 03 04 00 08")
	}, tgt[int](), "*int")
	lenient("trailing_bytes_after_struct", "Point{1,2} message with junk after the terminator", func() []byte {
		return cat(pointTypedef(), hb("09 ff 80 01 02 01 04 00 ee ff"))
	}, newPoint, "*main.Point")
	lenient("bool_2", "top-level bool encoded as 2 -> true", func() []byte { return hb("03 02 00 02") }, tgt[bool](), "*bool")
	lenient("typedef_renamed", `Point typedef renamed "Zzz" with bogus CommonType.Id 99`, func() []byte {
		p := cat(encInt(-64), hb("03 01"), wtCommon("Zzz", 99), hb("01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00"))
		return cat(msg(p), pointValue())
	}, newPoint, "*main.Point")
	lenient("typeid_1000", "Point typedef and value using type id 1000", func() []byte {
		return cat(typedefStruct(1000, "Point", wField{"X", tInt}, wField{"Y", tInt}), msg(encInt(1000), hb("01 02 01 04 00")))
	}, newPoint, "*main.Point")
	lenient("typedefs_inner_first", "[][]int with the inner []int typedef (64) sent BEFORE the outer (65)", func() []byte {
		return cat(typedefSlice(64, "", tInt), typedefSlice(65, "", 64), msg(encInt(65), hb("00 02 01 02 00")))
	}, tgt[[][]int](), "*[][]int")
	lenient("forward_ref_unused_typedef", "a typedef for id 66 referencing undefined id 70, never used; then int 3", func() []byte {
		return cat(typedefSlice(66, "", 70), hb("03 04 00 06"))
	}, tgt[int](), "*int")
	lenient("promoted_field", "wire Point{X,Y} into *Outer{Inner{X}; Y}: X lands in the promoted field Inner.X", func() []byte {
		return cat(pointTypedef(), pointValue())
	}, tgt[Outer](), "*main.Outer")
	lenient("promoted_unexported_embedded", "wire Point{X,Y} into *UnexpEmb{inner; Y}: X lands in inner.X", func() []byte {
		return cat(pointTypedef(), pointValue())
	}, tgt[UnexpEmb](), "*main.UnexpEmb")
	lenient("int_into_int8_in_range", "int -100 into *int8", func() []byte { return gobBytes(-100) }, tgt[int8](), "*int8")
	lenient("uint_into_uintptr", "uint 7 into *uintptr", func() []byte { return gobBytes(uint(7)) }, tgt[uintptr](), "*uintptr")
	lenient("float_into_float32_inf", "float64 +Inf into *float32 (Inf/NaN are not range errors)", func() []byte {
		return hb("05 08 00 fe f0 7f")
	}, tgt[float32](), "*float32")
	lenient("map_elem_widening", `map[string]int{"a":1} into *map[string]int64`, func() []byte {
		return gobBytes(map[string]int{"a": 1})
	}, tgt[map[string]int64](), "*map[string]int64")
	lenient("empty_struct_into_point", "struct{}{} into *Point", func() []byte { return gobBytes(struct{}{}) }, newPoint, "*main.Point")
	lenient("point_into_empty_struct", "Point{1,2} into *struct{}", func() []byte {
		return cat(pointTypedef(), pointValue())
	}, tgt[struct{}](), "*struct {}")
	lenient("reordered_fields", "PointYX{Y:2,X:1} into *Point: fields matched by name", func() []byte {
		return gobBytes(PointYX{Y: 2, X: 1})
	}, newPoint, "*main.Point")
	lenient("into_ptr_ptr", "Point{1,2} into **Point", func() []byte {
		return cat(pointTypedef(), pointValue())
	}, tgt[*Point](), "**main.Point")
	lenient("struct_field_into_ptr_field", "WithNested{S:Inner{5},N:1} into *WithNestedPtr: value <-> pointer is transparent", func() []byte {
		return gobBytes(WithNested{Inner{5}, 1})
	}, tgt[WithNestedPtr](), "*main.WithNestedPtr")
	lenient("ignore_all_kinds", "Kitchen (a field of every kind) into *OnlyInt: all other fields go through the ignore engines", func() []byte {
		gob.Register(Point{})
		gob.Register(IfaceHolder{})
		n := Node{1, &Node{2, nil}}
		return gobBytes(&Kitchen{
			Int: 42, S: []string{"a"}, M: map[string][]int{"k": {1}}, A: [2]Point{{1, 2}},
			I: Point{3, 4}, T: time.Unix(5, 6).UTC(), B: []byte{7}, P: &Point{8, 9}, N: n,
			C: 1 + 2i, F: 2.5, Str: "s", Nest: IfaceHolder{IfaceHolder{Point{1, 1}}}, V: Version{1, 2}, Big: big.NewInt(-3),
		}, &Kitchen{Int: 43})
	}, tgt[OnlyInt](), "*main.OnlyInt")
	lenient("discard_values", "Point, AB, []any{Point} each discarded with Decode(nil)", func() []byte {
		gob.Register(Point{})
		return gobBytes(Point{1, 2}, AB{3, 4}, []interface{}{Point{5, 6}})
	}, nil, "nil")
	lenient("ignore_recursive_type", "TestIgnoreRecursiveType data (recursive slice id 106), Decode(nil)", func() []byte {
		return hb("1d ff d3 02 01 01 0e 72 65 63 75 72 73 69 76 65 53 6c 69 63 65 01 ff d4 00 01 ff d4 00 00 07 ff d4 00 02 01 00 00")
	}, nil, "nil")
	lenient("iface_value_len_exceeds", `interface "int" with count 50 but 2 bytes present: Go ignores the count when decoding an interface`, func() []byte {
		return msg(hb("10 00"), encString("int"), hb("04 32 00 02"))
	}, tgt[interface{}](), "*interface {}")
	lenient("typedef_two_kinds", "wireType with both ArrayT and SliceT set: Go accepts it", func() []byte {
		return cat(msg(encInt(-64), hb("01 01 02 ff 80 00 01 04 01 02 00"), hb("01 01 02 ff 80 00 01 04 00 00")),
			msg(encInt(64), hb("00 01 02")))
	}, tgt[[]int](), "*[]int")
	lenient("rpc_error_body_discard", "server error reply: Response{Error} + struct{}{} body, both Decode'd as rpc.Response then discarded", func() []byte {
		return hb("0a ff 83 03 01 02 ff 84 00 00 00 03 ff 84 00 03 ff 84 00")
	}, nil, "nil")
}

package main

// Positive cases: structs and recursive types.

import (
	"fmt"
	"math"
	"reflect"
)

// struct200 is the anonymous 200-field struct{ F0, ..., F199 int }.
func struct200() reflect.Type {
	fields := make([]reflect.StructField, 200)
	for i := range fields {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: reflect.TypeFor[int]()}
	}
	return reflect.StructOf(fields)
}

func init() {
	// spec Appendix A
	one("struct_AB_7_8", "struct{A,B int}{7,8} (named AB)", val(AB{7, 8}))
	one("struct_anon_AB", `anonymous struct{A,B int}{7,8} (type name is "")`, val(struct{ A, B int }{7, 8}))
	one("struct_point_doc", "Point{22,33} (doc example)", val(Point{22, 33}))
	pos("struct_point_twice", "Point twice on one Encoder: 2nd has no type def", vals(Point{22, 33}, Point{1, 2}))
	one("struct_ptr_toplevel", "&Point{22,33} - pointers are flattened (identical bytes)", val(&Point{22, 33}))
	one("struct_zero_field", "AB{0,8}: zero field omitted, delta=2", val(AB{0, 8}))
	one("struct_all_zero", "AB{}: only terminator", val(AB{}))
	one("struct_empty", "struct{}{} (net/rpc invalidRequest)", val(struct{}{}))
	one("struct_unexported", `Unexp{A:1,b:2,C:"c"}: b not in type or value`, val(Unexp{A: 1, b: 2, C: "c"}))
	one("struct_embedded", `Outer{Inner{5},6}: embedded struct is a field named "Inner"`, val(Outer{Inner{5}, 6}))
	one("struct_embedded_ptr_nil", "OuterPtr{nil,6}", val(OuterPtr{nil, 6}))
	one("struct_nested_zero", "WithNested{S:Inner{},N:1}: zero nested struct IS sent (01 00)", val(WithNested{Inner{}, 1}))
	one("struct_nested_ptr_nil", "WithNestedPtr{nil,1}: nil pointer omitted", val(WithNestedPtr{nil, 1}))
	one("struct_nested_ptr_zero", "WithNestedPtr{&Inner{},1}: pointer to zero struct sent", val(WithNestedPtr{&Inner{}, 1}))
	one("struct_ptrs", "Ptrs{P:&0, PP:&&5, S:nil}: ptr to zero omitted", func() any {
		zero, five := 0, 5
		p5 := &five
		return Ptrs{P: &zero, PP: &p5}
	})
	one("struct_sizes", "all int/uint/float sizes collapse to int/uint/float ids",
		val(Sizes{I8: -1, I16: -2, I32: -3, I64: -4, U8: 1, U16: 2, U32: 3, U64: 4, UP: 5, F32: 1.5, C64: 2i}))
	one("struct_floats_negzero", "Floats{-0.0}: -0 == 0 so the field is OMITTED (sign lost)", val(Floats{math.Copysign(0, -1)}))
	one("struct_floats_nan", "Floats{NaN}: NaN != 0 so sent", val(Floats{math.NaN()}))
	one("struct_chan_func", "chan/func fields are not part of the wire type", func() any {
		return ChanFunc{A: 1, C: make(chan int)}
	})
	one("struct_slices_empty_vs_nil", "SliceHolder{S:[]int{}, B:[]byte{}, M:map{}}: empty slices omitted, empty non-nil map SENT",
		val(SliceHolder{S: []int{}, B: []byte{}, M: map[string]int{}}))
	one("struct_slices_nil", "SliceHolder{} nil slices/map omitted", val(SliceHolder{}))
	one("struct_arrays", "ArrHolder{}: arrays always sent even if zero / zero-length", val(ArrHolder{}))
	one("struct_bytearray", "ByteArr{[3]byte{1,2,3}}", val(ByteArr{[3]byte{1, 2, 3}}))
	one("struct_unicode_field", "field Ä (unicode upper) exported, ä not", val(Uni{Ä: 1, ä: 2}))
	one("struct_200_fields_last_set", "200-field struct, only F199 set: field delta 200 encodes as ff c8", func() any {
		v := reflect.New(struct200()).Elem()
		v.Field(199).SetInt(1)
		return v.Interface()
	})
	pos("two_types_one_stream", "Point then AB then Point on one encoder", vals(Point{1, 2}, AB{3, 4}, Point{5, 6}))
	one("struct_unexported_embedded", "struct{inner; Y int}: unexported embedded struct is not sent at all",
		val(UnexpEmb{inner{5}, 6}))

	// more structs
	one("struct_200_fields_all_set", "200-field struct, F_i = i+1 for all i", func() any {
		v := reflect.New(struct200()).Elem()
		for i := 0; i < 200; i++ {
			v.Field(i).SetInt(int64(i + 1))
		}
		return v.Interface()
	})
	one("struct_embedded_ptr_set", "OuterPtr{&Inner{5},6}: embedded pointer set", val(OuterPtr{&Inner{5}, 6}))
	one("struct_nested_5", "5 levels of named structs L1{L2{L3{L4{L5}}}}",
		val(L1{A: 1, L2: L2{B: "two", L3: L3{C: true, L4: L4{D: 4.5, L5: L5{E: []int{5}}}}}}))
	one("struct_nested_5_zero", "L1{}: zero nested structs are all sent (01 01 01 01 01 00 00 00 00 00 00)", val(L1{}))
	one("struct_all_scalars", "AllScalars: every scalar kind set to a non-zero value", val(AllScalars{
		Bool: true, Int: -1, Int8: math.MinInt8, Int16: math.MinInt16, Int32: math.MinInt32, Int64: math.MinInt64,
		Uint: 1, Uint8: math.MaxUint8, Uint16: math.MaxUint16, Uint32: math.MaxUint32, Uint64: math.MaxUint64,
		Uintptr: 0x1234, Float32: -1.5, Float64: math.Pi, Complex64: 1 - 2i, Complex128: complex(math.Inf(-1), 0.5),
		String: "s", Bytes: []byte{0, 1},
	}))
	one("struct_all_scalars_zero", "AllScalars{}: every field omitted", val(AllScalars{}))
	one("struct_reordered_yx", "PointYX{Y:2,X:1}: same field names as Point, declaration order Y,X",
		val(PointYX{Y: 2, X: 1}))
	one("struct_ptr_ptr_field", "PPHolder{P:&&Point{1,2},N:3}: pointer-to-pointer field", func() any {
		p := &Point{1, 2}
		return PPHolder{P: &p, N: 3}
	})
	one("struct_nilempty_nil", "NilEmpty{}: nil slice/map/ptr/iface/bytes all omitted", val(NilEmpty{}))
	one("struct_nilempty_empty", "NilEmpty with empty slices/bytes (omitted), empty map (sent), &0 (omitted)", func() any {
		zero := 0
		return NilEmpty{S: []string{}, M: map[string]int{}, P: &zero, B: []byte{}, SP: []*Point{}}
	})
	one("struct_nilempty_set", `NilEmpty fully set (I holds string)`, func() any {
		n := 3
		return NilEmpty{S: []string{""}, M: map[string]int{"": 0}, P: &n, I: "i", B: []byte{0}, SP: []*Point{{}}}
	})
	one("struct_bytes_kinds", "BytesKinds: []byte, []uint8, named BytesT are bytes (id 5); [4]byte is an array; []int8 a slice",
		val(BytesKinds{B: []byte{1}, U: []uint8{2}, A: [4]byte{3, 0, 0, 4}, N: BytesT{5}, I: []int8{-6}}))
	one("struct_in_collections", "StructKeyVal: structs as map keys/values, slice and array elements",
		val(StructKeyVal{M: map[Point]AB{{1, 2}: {3, 4}}, L: []AB{{5, 6}, {}}, A: [2]Small{{1, "a"}, {}}}))
	one("struct_int8_field", "Int8Field{A:-128}", val(Int8Field{A: -128}))
	one("struct_float32_field", "Float32Field{F:0.1}", val(Float32Field{F: 0.1}))

	// recursive types
	one("recursive_struct", "Node{1,&Node{2,nil}} (recursive type)", val(Node{1, &Node{2, nil}}))
	one("recursive_slice", "type RS []RS; RS{RS{},nil}", val(RS{RS{}, nil}))
	one("recursive_map", `type RM map[string]RM; RM{"a":RM{"b":nil}}`, val(RM{"a": RM{"b": nil}}))
	one("recursive_list_3", "Node{1,&Node{2,&Node{3,nil}}}: linked list 3 deep", val(Node{1, &Node{2, &Node{3, nil}}}))
	one("recursive_tree", "Tree{1,[&Tree{2,nil}, &Tree{3,[&Tree{4}]}]}: []*Tree children", val(Tree{Val: 1, Kids: []*Tree{
		{Val: 2}, {Val: 3, Kids: []*Tree{{Val: 4}}},
	}}))
	one("recursive_mutual", `MutA{1,&MutB{"b",&MutA{2,nil}}}: mutually recursive types`,
		val(MutA{N: 1, B: &MutB{S: "b", A: &MutA{N: 2}}}))
	one("recursive_slice_deep", "RS nested 5 deep: RS{RS{RS{RS{RS{}}}}}", val(RS{RS{RS{RS{RS{}}}}}))
}

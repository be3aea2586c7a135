package main

// Negative cases (fixtures/gob-bad) and lenient cases (fixtures/gob-lenient).

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"math/big"
	"net/netip"
	"net/rpc"
	"strings"
	"time"
)

const notRunCrash = "not run: crashes Go (spec §4)"

// pointTypedef is the typedef message of type Point{X,Y int} as id 64.
func pointTypedef() []byte { return typedefStruct(64, "Point", wField{"X", tInt}, wField{"Y", tInt}) }

// pointValue is the value message Point{1,2} for id 64.
func pointValue() []byte { return hb("07 ff 80 01 02 01 04 00") }

func newPoint() any { return new(Point) }

func tgt[T any]() func() any { return func() any { return new(T) } }

// deepNodeStream: typedef Node{Next *Node} (id 64) and one value nested n levels.
func deepNodeStream(n int) []byte {
	def := typedefStruct(64, "Node", wField{"Next", 64})
	payload := make([]byte, 0, 2*n+3)
	payload = append(payload, 0xff, 0x80)
	payload = append(payload, bytes.Repeat([]byte{0x01}, n)...)
	payload = append(payload, bytes.Repeat([]byte{0x00}, n+1)...)
	return cat(def, msg(payload))
}

// deepRSStream: typedef RS = []RS (id 64) and one singleton value nested n levels.
func deepRSStream(n int) []byte {
	def := typedefSlice(64, "RS", 64)
	payload := make([]byte, 0, n+4)
	payload = append(payload, 0xff, 0x80, 0x00)
	payload = append(payload, bytes.Repeat([]byte{0x01}, n)...)
	payload = append(payload, 0x00)
	return cat(def, msg(payload))
}

// observeDecode runs Go's decoder on b (for cases Go survives at this depth).
func observeDecode(b []byte, target func() any) string {
	decoded, err, _ := runDecoder(b, target)
	return fmt.Sprintf("Go 1.27 run on this exact input: %d value(s) decoded, then %q", len(decoded), err.Error())
}

// ignoreDepthStream: struct{F [1][1]...[1]int} with depth array levels,
// hand-built (typedef ids 64 = struct, 65.. = arrays).
func ignoreDepthStream(depth int) []byte {
	var b bytes.Buffer
	b.Write(typedefStruct(64, "Deep", wField{"F", 65}))
	for i := 0; i < depth; i++ {
		elem := int64(66 + i)
		if i == depth-1 {
			elem = tInt
		}
		b.Write(typedefArray(int64(65+i), "", elem, 1))
	}
	// value: Deep{F: [1][1]...{0}}: field delta 1, then depth x count 1, then int 0, end.
	p := cat(encInt(64), []byte{0x01}, bytes.Repeat([]byte{0x01}, depth), []byte{0x00, 0x00})
	b.Write(msg(p))
	return b.Bytes()
}

func init() {
	// --- TestBadData (encoding/gob encoder_test.go), expected substrings in desc.
	bad := []struct {
		hex, want string
		et2       bool
	}{
		{"", "EOF", false},
		{"7F6869", "unexpected EOF", false},
		{"036e6f77206973207468652074696d6520666f7220616c6c20676f6f64206d656e", "unknown type id", true},
		{"0424666f6f", "field numbers out of bounds", true},
		{"05100028557b02027f8302", "interface encoding", false},
		{"130a00fb5dad0bf8ff020263e70002fa28020202a89859", "slice length too large", false},
		{"0f1000fb285d003316020735ff023a65c5", "interface encoding", false},
		{"03fffb0616fffc00f902ff02ff03bf005d02885802a311a8120228022c028ee7", "GobDecoder", false},
		{"10fe010f020102fe01100001fe010e000016fe010d030102fe010e00010101015801fe01100000000bfe011000f85555555555555555", "exceeds input size", false},
	}
	for i, t := range bad {
		h := t.hex
		desc := fmt.Sprintf("TestBadData #%d (test expects error containing %q)", i, t.want)
		if t.et2 {
			neg(fmt.Sprintf("baddata_%d", i), desc, func() []byte { return hb(h) }, tgt[ET2](), "*main.ET2")
		} else {
			neg(fmt.Sprintf("baddata_%d", i), desc, func() []byte { return hb(h) }, nil, "nil")
		}
	}
	neg("bad_count", "TestBadCount: fb a5 82 2f ca 01 (message length 0xa5822fca01 >= tooBig)",
		func() []byte { return hb("fb a5 82 2f ca 01") }, nil, "nil")
	neg("invalid_type_id", "TestErrorInvalidTypeId: 01 00 01 00 (type id 0), decoded twice: both fail",
		func() []byte { return hb("01 00 01 00") }, tgt[struct{}](), "*struct {}")
	neg("decoder_overflow", "TestDecoderOverflow (issue 55337)", func() []byte {
		return hb("12 ff ff 02 02 20 00 f8 7f ff ff ff ff ff ff ff ff ff ff 20 20 20 20 20")
	}, nil, "nil")
	neg("local_remote_mismatch", "TestLocalRemoteTypesMismatch (issue 62117): struct{} wire into []*struct{}",
		func() []byte { return []byte{9, 127, 3, 1, 2, 255, 128, 0, 0, 0, 3, 255, 128, 0} },
		tgt[[]*struct{}](), "*[]*struct {}")

	// --- hand-made malformed streams (spec §1.2 / §3.2)
	neg("duplicate_typedef", "Point typedef (id 64) sent twice", func() []byte {
		return cat(pointTypedef(), pointTypedef(), pointValue())
	}, newPoint, "*main.Point")
	neg("typedef_id_63", "typedef with id 63 (< firstUserId 64)", func() []byte {
		return cat(typedefStruct(63, "Point", wField{"X", tInt}, wField{"Y", tInt}), hb("07 7e 01 02 01 04 00"))
	}, newPoint, "*main.Point")
	neg("typedef_id_builtin_6", "typedef redefining builtin id 6 (string)", func() []byte {
		return cat(typedefStruct(6, "Point", wField{"X", tInt}, wField{"Y", tInt}), hb("07 0c 01 02 01 04 00"))
	}, newPoint, "*main.Point")
	neg("typedef_value_merged", "typedef and value in ONE message", func() []byte {
		td := pointTypedef()[1:] // strip length
		return msg(td, pointValue()[1:])
	}, newPoint, "*main.Point")
	neg("delta_past_last_field", "Point value with field delta 3 (only 2 wire fields)", func() []byte {
		return cat(pointTypedef(), hb("05 ff 80 03 02 00"))
	}, newPoint, "*main.Point")
	neg("delta_past_after_valid", "Point value X=1 then delta 2 -> field 2 out of bounds", func() []byte {
		return cat(pointTypedef(), hb("07 ff 80 01 02 02 04 00"))
	}, newPoint, "*main.Point")
	neg("undefined_value_id", "value message for id 64 without any typedef", func() []byte {
		return pointValue()
	}, newPoint, "*main.Point")
	neg("undefined_value_id_discard", "value message for undefined id 65 decoded with Decode(nil)", func() []byte {
		return hb("03 ff 82 00")
	}, nil, "nil")
	neg("typedefs_then_eof", "Point typedef, then EOF (no value)", pointTypedef, newPoint, "*main.Point")
	neg("uint_9_bytes_msglen", "message length encoded with first byte f7 (9-byte uint)", func() []byte {
		return hb("f7 01 02 03 04 05 06 07 08 09 00")
	}, nil, "nil")
	neg("uint_9_bytes_in_value", "top-level int whose value has first byte f7 (9-byte uint)", func() []byte {
		return msg(hb("04 00 f7 01 02 03 04 05 06 07 08 09"))
	}, tgt[int](), "*int")
	neg("uint_first_byte_0x80", "top-level uint whose value starts with 0x80 (n=128 > 8)", func() []byte {
		return msg(hb("06 00 80 00"))
	}, tgt[uint](), "*uint")
	neg("uint_truncated_in_value", "top-level int: fe prefix but only 1 byte left in message", func() []byte {
		return msg(hb("04 00 fe 01"))
	}, tgt[int](), "*int")
	neg("msg_len_huge", "message length 2^60", func() []byte {
		return cat(encUint(1<<60), hb("04 00 06"))
	}, nil, "nil")
	neg("msg_len_toobig", "message length exactly tooBig = 2^33 (8 GiB on 64-bit)", func() []byte {
		return cat(encUint(1<<33), hb("04 00 06"))
	}, nil, "nil")
	neg("msg_len_below_toobig", "message length 2^33-1 with only 3 bytes present (must not pre-allocate)", func() []byte {
		return cat(encUint(1<<33-1), hb("04 00 06"))
	}, nil, "nil")
	neg("empty_message", "a zero-length message", func() []byte { return hb("00") }, tgt[int](), "*int")
	neg("empty_message_then_value", "a zero-length message followed by int 3: Go returns io.EOF first (see after_error)",
		func() []byte { return hb("00 03 04 00 06") }, tgt[int](), "*int")
	neg("slice_count_2pow40", "[]int value claiming 2^40 elements in a short message", func() []byte {
		return cat(typedefSlice(64, "", tInt), msg(encInt(64), hb("00"), encUint(1<<40), hb("02 04")))
	}, tgt[[]int](), "*[]int")
	neg("slice_count_exceeds_input", "[]int value claiming 1000 elements, 2 present", func() []byte {
		return cat(typedefSlice(64, "", tInt), msg(encInt(64), hb("00"), encUint(1000), hb("02 04")))
	}, tgt[[]int](), "*[]int")
	neg("slice_struct_count_exceeds_input", "[]Point value claiming 2^20 elements, 1 present", func() []byte {
		return cat(typedefSlice(65, "", 64), pointTypedef(), msg(encInt(65), hb("00"), encUint(1<<20), hb("01 02 00")))
	}, tgt[[]Point](), "*[]main.Point")
	neg("map_count_2pow40", "map[int]int value claiming 2^40 entries in a short message", func() []byte {
		return cat(typedefMap(64, "", tInt, tInt), msg(encInt(64), hb("00"), encUint(1<<40), hb("02 04")))
	}, tgt[map[int]int](), "*map[int]int")
	neg("bytes_len_exceeds_message", "top-level []byte with length 256, 1 byte present", func() []byte {
		return msg(hb("0a 00 fe 01 00 41"))
	}, tgt[[]byte](), "*[]uint8")
	neg("string_len_exceeds_message", "top-level string with length 1000, 3 bytes present", func() []byte {
		return msg(hb("0c 00"), encUint(1000), []byte("abc"))
	}, tgt[string](), "*string")
	neg("string_len_huge", "top-level string with length 2^62", func() []byte {
		return msg(hb("0c 00"), encUint(1<<62), []byte("abc"))
	}, tgt[string](), "*string")
	neg("iface_name_1mib", "top-level interface whose type name is 1 MiB long", func() []byte {
		return msg(hb("10 00"), encString(strings.Repeat("a", 1<<20)), hb("04 02 00 02"))
	}, tgt[interface{}](), "*interface {}")
	neg("iface_name_1025", "top-level interface whose type name is 1025 bytes (limit 1024)", func() []byte {
		return msg(hb("10 00"), encString(strings.Repeat("a", 1025)), hb("04 02 00 02"))
	}, tgt[interface{}](), "*interface {}")
	neg("iface_name_1024_unregistered", "1024-byte interface name (allowed length, not registered)", func() []byte {
		return msg(hb("10 00"), encString(strings.Repeat("a", 1024)), hb("04 02 00 02"))
	}, tgt[interface{}](), "*interface {}")
	neg("iface_name_unregistered", `interface name "main.Nope" not registered`, func() []byte {
		return msg(hb("10 00"), encString("main.Nope"), hb("04 02 00 02"))
	}, tgt[interface{}](), "*interface {}")
	neg("iface_name_len_exceeds", "interface name length 100 with 3 bytes present", func() []byte {
		return msg(hb("10 00"), encUint(100), []byte("int"))
	}, tgt[interface{}](), "*interface {}")
	neg("iface_type_mismatch", `interface named "int" but concrete id 6 (string)`, func() []byte {
		return msg(hb("10 00"), encString("int"), hb("0c 03 00 01 73"))
	}, tgt[interface{}](), "*interface {}")
	neg("array_wrong_length", "[3]int typedef, value with 2 elements", func() []byte {
		return cat(typedefArray(64, "", tInt, 3), msg(encInt(64), hb("00 02 02 04")))
	}, tgt[[3]int](), "*[3]int")
	neg("array_wrong_length_ignored", "[3]int array with 2 elements in an ignored struct field", func() []byte {
		return cat(typedefStruct(64, "S", wField{"Q", 65}, wField{"Int", tInt}), typedefArray(65, "", tInt, 3),
			msg(encInt(64), hb("01 02 02 04 01 06 00")))
	}, tgt[OnlyInt](), "*main.OnlyInt")
	neg("singleton_nonzero_delta", "top-level int with delta 01 instead of 00", func() []byte {
		return hb("03 04 01 06")
	}, tgt[int](), "*int")
	neg("truncated_typedef_message", "Point typedef message cut short (length says 30, 20 bytes present)", func() []byte {
		return pointTypedef()[:21]
	}, newPoint, "*main.Point")
	neg("truncated_typedef_payload", "complete message whose wireType payload stops inside the field list", func() []byte {
		td := pointTypedef()[1:]
		return msg(td[:17])
	}, newPoint, "*main.Point")
	neg("typedef_empty_wiretype", "typedef message with an empty wireType (no kind set), then a value", func() []byte {
		return cat(msg(encInt(-64), hb("00")), hb("03 ff 80 00"))
	}, newPoint, "*main.Point")
	neg("typedef_unknown_elem", "[]T typedef whose element id 99 is never defined", func() []byte {
		return cat(typedefSlice(64, "", 99), msg(encInt(64), hb("00 01 00")))
	}, tgt[[]int](), "*[]int")
	neg("wiretype_field_delta_8", "wireType with delta 8 (no such wireType field)", func() []byte {
		return cat(msg(encInt(-64), hb("08 01 02 ff 80 00 00 00")), hb("03 ff 80 00"))
	}, newPoint, "*main.Point")

	// --- deep nesting (spec §4): Go has no value-depth limit.
	addCase(&Case{Name: "deep_nested_node_100k", Kind: KindNegative, TargetS: "*main.DeepNode",
		Desc:   "Node{Next *Node} nested 100,000 levels (hand-built, 200 KB); a robust decoder must fail with a depth error",
		Bytes:  func() []byte { return deepNodeStream(100000) },
		Target: tgt[DeepNode](), NotRun: notRunCrash,
		Observed: func() string { return observeDecode(deepNodeStream(100000), tgt[DeepNode]()) }})
	addCase(&Case{Name: "deep_nested_rs_100k", Kind: KindNegative, TargetS: "nil",
		Desc:     "type 64 = []64 nested 100,000 levels, Decode(nil) (ignore path); a robust decoder must fail with a depth error",
		Bytes:    func() []byte { return deepRSStream(100000) },
		NotRun:   notRunCrash,
		Observed: func() string { return observeDecode(deepRSStream(100000), nil) }})
	neg("ignore_depth_limit", "struct{F [1][1]...int} with 10001 array levels decoded into OnlyInt: ignored-type nesting limit (maxIgnoreNestingDepth 10000)",
		func() []byte { return ignoreDepthStream(10001) }, tgt[OnlyInt](), "*main.OnlyInt")

	// --- issue #34879: discarding nested interfaces desynchronises the stream.
	neg("issue34879_discard", "IfaceHolder{IfaceHolder{Small{1,\"x\"}}} then AB{1,2}, Decode(nil): Go skips by the interface count and loses sync (open Go issue #34879)",
		func() []byte {
			gob.Register(IfaceHolder{})
			gob.Register(Small{})
			return gobBytes(IfaceHolder{IfaceHolder{Small{1, "x"}}}, AB{1, 2})
		}, nil, "nil")

	// --- type mismatches (bytes from Go's encoder, decoded into another type)
	mis := func(name, desc string, v any, target func() any, ts string, reg ...func()) {
		neg(name, desc, func() []byte {
			for _, r := range reg {
				r()
			}
			return gobBytes(v)
		}, target, ts)
	}
	mis("int_into_int8_out_of_range", "int 300 into *int8", 300, tgt[int8](), "*int8")
	mis("field_int8_out_of_range", "AB{300,1} into *Int8Field{A int8}", AB{300, 1}, tgt[Int8Field](), "*main.Int8Field")
	mis("slice_elem_int8_out_of_range", "[]int{1,300} into *[]int8", []int{1, 300}, tgt[[]int8](), "*[]int8")
	mis("map_elem_int8_out_of_range", `map[string]int{"a":300} into *map[string]int8`, map[string]int{"a": 300}, tgt[map[string]int8](), "*map[string]int8")
	mis("uint_into_uint8_out_of_range", "uint 256 into *uint8", uint(256), tgt[uint8](), "*uint8")
	mis("float_into_float32_out_of_range", "float64 1e300 into *float32", 1e300, tgt[float32](), "*float32")
	mis("field_float32_out_of_range", "Floats{1e300} into *Float32Field", Floats{1e300}, tgt[Float32Field](), "*main.Float32Field")
	mis("uint_into_int", "uint 1 into *int", uint(1), tgt[int](), "*int")
	mis("int_into_uint", "int 1 into *uint", 1, tgt[uint](), "*uint")
	mis("int_into_string", "int 1 into *string", 1, tgt[string](), "*string")
	mis("int_into_float", "int 1 into *float64", 1, tgt[float64](), "*float64")
	mis("bool_into_int", "bool true into *int", true, tgt[int](), "*int")
	mis("bytes_into_string", "[]byte into *string", []byte("x"), tgt[string](), "*string")
	mis("string_into_bytes", "string into *[]byte", "x", tgt[[]byte](), "*[]uint8")
	mis("struct_into_int", "Point into *int", Point{1, 2}, tgt[int](), "*int")
	mis("int_into_struct", "int 1 into *Point", 1, newPoint, "*main.Point")
	mis("no_fields_matched", "AB{1,2} into *Point: no fields matched", AB{1, 2}, newPoint, "*main.Point")
	mis("no_fields_matched_zero", "AB{} into *Point: error even for an all-zero value", AB{}, newPoint, "*main.Point")
	mis("wrong_field_type", `ET2{"x"} into *Point: field X string vs int`, ET2{"x"}, newPoint, "*main.Point")
	mis("concrete_into_iface", "int 1 into *interface{}", 1, tgt[interface{}](), "*interface {}")
	mis("iface_into_concrete", `any(1) (top-level interface) into *int`, func() any { var x interface{} = 1; return &x }(), tgt[int](), "*int")
	mis("array_len_mismatch_type", "[3]int into *[2]int", [3]int{1, 2, 3}, tgt[[2]int](), "*[2]int")
	mis("slice_into_array", "[]int into *[3]int", []int{1, 2, 3}, tgt[[3]int](), "*[3]int")
	mis("array_into_slice", "[3]int into *[]int", [3]int{1, 2, 3}, tgt[[]int](), "*[]int")
	mis("map_into_slice", "map[string]int into *[]int", map[string]int{"a": 1}, tgt[[]int](), "*[]int")
	mis("map_key_mismatch", "map[string]int into *map[int]int", map[string]int{"a": 1}, tgt[map[int]int](), "*map[int]int")
	mis("time_into_struct", "time.Time (GobEncoderT) into *Point", time.Unix(0, 0).UTC(), newPoint, "*main.Point")
	mis("struct_into_time", "Point into *time.Time (GobDecoder)", Point{1, 2}, tgt[time.Time](), "*time.Time")
	mis("binmarshal_into_gobdecoder", "netip.Addr (BinaryMarshalerT) into *Temp (GobDecoder)", netip.MustParseAddr("1.2.3.4"), tgt[Temp](), "*main.Temp")
	mis("gobenc_into_binunmarshaler", "Temp (GobEncoderT) into *Version (BinaryUnmarshaler)", Temp{1}, tgt[Version](), "*main.Version")
	mis("iface_not_assignable", "IfaceHolder{Point{1,2}} into *StringerHolder{I fmt.Stringer}", IfaceHolder{Point{1, 2}},
		tgt[StringerHolder](), "*main.StringerHolder", regPoint)
	mis("time_bad_payload", `Temp{5} (GobEncoderT, payload "T:5") into *time.Time: kinds match, time's GobDecode rejects the payload`,
		Temp{5}, tgt[time.Time](), "*time.Time")
	mis("bigint_into_int", "*big.Int into *int", big.NewInt(5), tgt[int](), "*int")
	neg("rpc_seq_as_int", `net/rpc header with Seq sent as gob int (must be uint) into *rpc.Request`, func() []byte {
		return cat(typedefStruct(64, "Request", wField{"ServiceMethod", tString}, wField{"Seq", tInt}),
			msg(encInt(64), hb("01"), encString("Arith.Add"), hb("01 02 00")))
	}, tgt[rpc.Request](), "*rpc.Request")
	neg("rpc_header_not_struct", `net/rpc: a string where the Request header is expected`, func() []byte {
		return gobBytes("Arith.Add")
	}, tgt[rpc.Request](), "*rpc.Request")
	neg("time_payload_invalid", "GobEncoderT \"Time\" with a 3-byte payload into *time.Time", func() []byte {
		return cat(msg(encInt(-64), hb("05 01"), wtCommon("Time", 64), hb("00")), msg(encInt(64), hb("00 03 01 02 03")))
	}, tgt[time.Time](), "*time.Time")
	neg("bigint_payload_invalid", "GobEncoderT \"Int\" with version byte 0x07 into *big.Int", func() []byte {
		return cat(msg(encInt(-64), hb("05 01"), wtCommon("Int", 64), hb("00")), msg(encInt(64), hb("00 02 07 01")))
	}, tgt[big.Int](), "*big.Int")

	lenientCases()
}

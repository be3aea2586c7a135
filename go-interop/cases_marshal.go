package main

// Positive cases: GobEncoder / BinaryMarshaler types (time, big, netip,
// custom), net/rpc headers, multi-value streams; and encode errors.

import (
	"math/big"
	"net/netip"
	"net/rpc"
	"time"
)

func bigPow2(n uint) *big.Int { return new(big.Int).Lsh(big.NewInt(1), n) }

func init() {
	// time (spec Appendix A)
	one("time_utc", "time.Date(2024,1,2,3,4,5,6,UTC) top-level GobEncoder",
		val(time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)))
	one("time_in_struct", "TimeHolder{T: 2009-11-10 23:00:00 +01:00, N:1}",
		val(TimeHolder{T: time.Date(2009, 11, 10, 23, 0, 0, 0, time.FixedZone("X", 3600)), N: 1}))
	one("time_zero_in_struct", "TimeHolder{N:1}: zero time.Time omitted (IsZero)", val(TimeHolder{N: 1}))

	// more time
	one("time_zero_top", "time.Time{} top level: singleton always sent (offset -1 = UTC)", val(time.Time{}))
	one("time_offset_neg8h", "time with -08:00 zone (offset 0xfe20 minutes)",
		val(time.Date(2020, 2, 29, 12, 30, 15, 999, time.FixedZone("PST", -8*3600))))
	one("time_lmt_seconds_offset", "LMT +00:19:32 zone (Amsterdam LMT): offset has seconds -> version-2 16-byte encoding",
		val(time.Date(1850, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", 1172))))
	one("time_lmt_negative_seconds_offset", "LMT -00:25:21 zone (Dublin LMT): negative offset with seconds -> version 2",
		val(time.Date(1880, 8, 2, 0, 0, 0, 0, time.FixedZone("LMT", -1521))))
	encErr("time_offset_minus_75s", "zone offset -00:01:15: offset/60 == -1 collides with the UTC marker -> MarshalBinary error",
		vals(time.Date(1850, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", -75))))
	one("time_before_year1", "time.Date(-500,3,1,12,0,0,0,UTC): negative seconds since year 1",
		val(time.Date(-500, 3, 1, 12, 0, 0, 0, time.UTC)))
	one("time_far_future", "time.Date(9999,12,31,23,59,59,999999999,UTC)",
		val(time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)))
	one("time_year_300000", "time.Date(300000,1,1,0,0,0,0,UTC)", val(time.Date(300000, 1, 1, 0, 0, 0, 0, time.UTC)))
	one("time_unix_epoch", "time.Unix(0,0).UTC()", val(time.Unix(0, 0).UTC()))
	one("time_slice", "[]time.Time{epoch UTC, 2024 +01:00}: SliceT of a GobEncoder type", val([]time.Time{
		time.Unix(0, 0).UTC(), time.Date(2024, 6, 1, 0, 0, 0, 0, time.FixedZone("", 3600)),
	}))
	one("time_map", `map[string]time.Time{"t": 2024-01-02 UTC}`, val(map[string]time.Time{
		"t": time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC),
	}))
	one("time_collections_in_struct", "TimeColl{S, M, P}: time.Time in slice, map and pointer fields", func() any {
		t := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
		return TimeColl{S: []time.Time{t, {}}, M: map[string]time.Time{"z": {}}, P: &t}
	})
	one("time_ptr_top", "&time.Date(...) top level: pointer flattened", func() any {
		t := time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC)
		return &t
	})

	// big (spec Appendix A)
	one("bigint_top", "big.NewInt(-1000) top-level (*big.Int)", val(big.NewInt(-1000)))
	encErr("bigint_in_struct_byvalue", "BigHolder{...} passed BY VALUE: big.Int value field needs addressability -> encode error",
		vals(BigHolder{P: big.NewInt(255)}))
	one("bigint_in_struct", "&BigHolder{V: 0 (value field, pointer receiver: always sent), P: 255}",
		val(&BigHolder{P: big.NewInt(255)}))
	one("bigint_zero_top", "new(big.Int) top-level -> GobEncode gives [02]", val(new(big.Int)))
	pos("bigint_in_struct_twice", "&BigHolder twice: id bookkeeping for *big.Int vs big.Int",
		vals(&BigHolder{P: big.NewInt(1)}, &BigHolder{P: big.NewInt(2)}))
	one("bigfloat_top", "big.NewFloat(1.5) top-level", val(big.NewFloat(1.5)))
	one("bigrat_top", "big.NewRat(1,3) top-level", val(big.NewRat(1, 3)))

	// more big
	one("bigint_2pow200", "*big.Int 2^200 (26 magnitude bytes)", func() any { return bigPow2(200) })
	one("bigint_neg_2pow200", "*big.Int -(2^200+1)", func() any {
		x := bigPow2(200)
		return x.Neg(x.Add(x, big.NewInt(1)))
	})
	one("bigint_nil_field", "&BigHolder{}: V (value, zero) sent, nil P omitted", val(&BigHolder{}))
	one("bigrat_neg", "big.NewRat(-22,7)", val(big.NewRat(-22, 7)))
	one("bigrat_int", "big.NewRat(5,1)", val(big.NewRat(5, 1)))
	one("bigfloat_prec200", "1/3 as big.Float with 200-bit precision", func() any {
		x := new(big.Float).SetPrec(200)
		return x.Quo(big.NewFloat(1).SetPrec(200), big.NewFloat(3).SetPrec(200))
	})
	one("bigfloat_neg_inf", "big.Float -Inf", func() any { return new(big.Float).SetInf(true) })

	// netip (spec Appendix A)
	one("netip_addr", "netip.Addr 1.2.3.4: BinaryMarshaler only -> BinaryMarshalerT", val(netip.MustParseAddr("1.2.3.4")))
	// more netip
	one("netip_addr_v6_zone", "netip.Addr fe80::1%eth0: 16 bytes + zone", val(netip.MustParseAddr("fe80::1%eth0")))
	one("netip_addr_zero", "netip.Addr{} top level: empty payload", val(netip.Addr{}))
	one("netip_in_struct", "NetipHolder{A: 10.0.0.1, N: 2}", val(NetipHolder{A: netip.MustParseAddr("10.0.0.1"), N: 2}))
	one("netip_zero_in_struct", "NetipHolder{N:1}: zero netip.Addr omitted (IsZero)", val(NetipHolder{N: 1}))

	// custom marshalers
	one("gobenc_custom_top", `Temp{-1500}: custom GobEncoder, payload "T:-1500"`, val(Temp{-1500}))
	one("binmarshal_custom_top", "Version{1,2}: custom BinaryMarshaler, payload 00 01 00 02", val(Version{1, 2}))
	one("gobenc_and_binmarshal", `Both{7}: GobEncoder wins over BinaryMarshaler, payload "gob7"`, val(Both{7}))
	one("custom_in_struct", "CustomHolder{T, V, P, N} all set", val(CustomHolder{T: Temp{2500}, V: Version{3, 4}, P: &Temp{1}, N: 5}))
	one("custom_zero_in_struct", "CustomHolder{N:1}: zero marshaler fields omitted (IsZero), nil P omitted", val(CustomHolder{N: 1}))
	one("custom_slice", "[]Version{{1,0},{0,0}}: zero elements still sent", val([]Version{{1, 0}, {0, 0}}))

	// net/rpc
	one("rpc_request_hdr", `net/rpc Request{ServiceMethod:"Arith.Add", Seq:0} as sent by a fresh client`,
		val(&rpcRequest{ServiceMethod: "Arith.Add"}))
	one("rpc_request_seq1", `rpc.Request{ServiceMethod:"Arith.Add", Seq:1} (type name "Request")`,
		val(&rpc.Request{ServiceMethod: "Arith.Add", Seq: 1}))
	one("rpc_response_ok", `rpc.Response{ServiceMethod:"Arith.Add", Seq:1}`,
		val(&rpc.Response{ServiceMethod: "Arith.Add", Seq: 1}))
	one("rpc_response_error", `rpc.Response{ServiceMethod:"Arith.Div", Seq:2, Error:"divide by zero"}`,
		val(&rpc.Response{ServiceMethod: "Arith.Div", Seq: 2, Error: "divide by zero"}))
	pos("rpc_call_add", "client call 1 of spec §2.1: Request{Arith.Add,0} + Args{7,8} (101 bytes)",
		vals(&rpc.Request{ServiceMethod: "Arith.Add"}, &Args{7, 8}))
	pos("rpc_reply_add", "server reply 1 of spec §2.1: Response{Arith.Add,0,\"\"} + Reply{15} (105 bytes)",
		vals(&rpc.Response{ServiceMethod: "Arith.Add"}, &Reply{15}))
	pos("rpc_error_reply", `error reply: Response{Arith.Div,2,"divide by zero"} + struct{}{} body`,
		vals(&rpc.Response{ServiceMethod: "Arith.Div", Seq: 2, Error: "divide by zero"}, struct{}{}))
	pos("rpc_two_calls", "two calls on one client encoder: second call has no typedefs",
		vals(&rpc.Request{ServiceMethod: "Arith.Add"}, &Args{7, 8}, &rpc.Request{ServiceMethod: "Arith.Add", Seq: 1}, &Args{1, 2}))
	pos("rpc_string_args", `Request{Arith.Scan,0} + "12345" (singleton body)`,
		vals(&rpc.Request{ServiceMethod: "Arith.Scan"}, "12345"))

	// multi-value streams
	pos("multi_values_mixed", `int 1, "s", Point{1,2}, []int{1}, Point{3,4}, int 2 on one encoder`,
		vals(1, "s", Point{1, 2}, []int{1}, Point{3, 4}, 2))
	pos("multi_same_slice_type", "[]int{1} then []int{} then []int{2,3}: one typedef", vals([]int{1}, []int{}, []int{2, 3}))
	pos("multi_time_twice", "time.Time twice: GobEncoderT typedef once", vals(time.Unix(1, 0).UTC(), time.Unix(2, 0).UTC()))

	// encode errors
	encErr("textmarshaler_only", "TextOnly has only MarshalText: encoder IGNORES it -> struct with no exported fields (error)",
		vals(TextHolder{T: TextOnly{3}, N: 1}))
	encErr("encode_nil_untyped", "Encode(nil) -> error", vals(nil))
	encErr("nil_elem_in_slice", "[]*Point{nil}: nil pointer element -> error", vals([]*Point{nil}))
	encErr("nil_elem_in_map", `map[string]*int{"a":nil}: nil pointer map value -> error`, vals(map[string]*int{"a": nil}))
	encErr("chan_top", "Encode(make(chan int)) -> unsupported type", func() []any { return []any{make(chan int)} })
	encErr("func_top", "Encode(func(){}) -> unsupported type", func() []any { return []any{func() {}} })
	encErr("struct_no_exported_fields", "NoExported{1,2}: no exported fields -> error", vals(NoExported{1, 2}))
	encErr("recursive_ptr_type", "type Rec ***Rec; Encode(&rec) -> error (TestBadRecursiveType)", func() []any {
		var r Rec
		return []any{&r}
	})
	encErr("good_then_bad", "Point{1,2} encodes, then an unsupported chan value fails: bytes of the first value kept",
		func() []any { return []any{Point{1, 2}, make(chan int)} })
}

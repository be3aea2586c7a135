package main

// `gointerop bench-codec`: Go's side of benches/codec.rs. The same scenarios, the
// same values and the same steady-state vs fresh-decoder semantics, timed with
// testing.Benchmark; one JSON line per scenario.

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/rpc"
	"os"
	"runtime"
	"sort"
	"testing"
)

// Bench is encoding/gob's benchmark struct (timing_test.go).
type Bench struct {
	A int
	B float64
	C string
	D []byte
}

// Spec §2.1 captures (see benches/codec.rs for the same constants).
const (
	benchGoCall1 = `
	2e 7f 03 01 01 07 52 65 71 75 65 73 74 01 ff 80 00 01 02
	01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00 00 00
	0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
	1e ff 81 03 01 01 04 41 72 67 73 01 ff 82 00 01 02 01 01 41 01 04 00 01 01 42 01 04 00 00 00
	07 ff 82 01 0e 01 10 00`
	benchGoCallSeq1 = `
	10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
	07 ff 82 01 0e 01 10 00`
	benchGoReply1 = `
	39 7f 03 01 01 08 52 65 73 70 6f 6e 73 65 01 ff 80 00 01 03
	01 0d 53 65 72 76 69 63 65 4d 65 74 68 6f 64 01 0c 00 01 03 53 65 71 01 06 00
	01 05 45 72 72 6f 72 01 0c 00 00 00
	0e ff 80 01 09 41 72 69 74 68 2e 41 64 64 00
	19 ff 81 03 01 01 05 52 65 70 6c 79 01 ff 82 00 01 01 01 01 43 01 04 00 00 00
	05 ff 82 01 1e 00`
	benchGoReplySeq1 = `
	10 ff 80 01 09 41 72 69 74 68 2e 41 64 64 01 01 00
	05 ff 82 01 1e 00`
)

// replayBuf is encoding/gob's benchmarkBuf: an io.Reader + io.ByteReader (so the
// Decoder does not wrap it in a bufio.Reader) whose bytes can be swapped.
type replayBuf struct {
	off  int
	data []byte
}

func (r *replayBuf) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	return n, nil
}

func (r *replayBuf) ReadByte() (byte, error) {
	if r.off >= len(r.data) {
		return 0, io.EOF
	}
	c := r.data[r.off]
	r.off++
	return c, nil
}

func (r *replayBuf) set(data []byte) { r.data, r.off = data, 0 }

type benchCase struct {
	name string
	fn   func(b *testing.B)
}

func benchCases() []benchCase {
	return []benchCase{
		{"encode_request_args", benchEncodeRequestArgs},
		{"decode_response_reply", benchDecodeResponseReply},
		{"decode_string_slice_1000", benchDecodeStringSlice},
		{"decode_map_int_int_1000", benchDecodeMap},
		{"encode_bench_struct", benchEncodeBenchStruct},
		{"decode_bench_struct", benchDecodeBenchStruct},
		{"decode_reply_10_strings", benchDecodeTenStrings},
	}
}

// TenStrings is a reply of ten string fields (issue 16's borrowed-decoding row).
type TenStrings struct {
	F0, F1, F2, F3, F4, F5, F6, F7, F8, F9 string
}

func newTenStrings() *TenStrings {
	var f [10]string
	for i := range f {
		f[i] = fmt.Sprintf("value %d: now is the time", i)
	}
	return &TenStrings{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]}
}

// Steady state Decode(&TenStrings) (typedef already seen) into a fresh value each op, as
// a client decodes each reply into a new value.
func benchDecodeTenStrings(b *testing.B) {
	v := newTenStrings()
	if got := benchSteadyDecode(b, v, true); *got != *v {
		b.Fatalf("decoded %+v", got)
	}
}

// Steady state: Encode(&Request) + Encode(&Args), typedefs already sent.
func benchEncodeRequestArgs(b *testing.B) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	req := rpc.Request{ServiceMethod: "Arith.Add"}
	args := Args{A: 7, B: 8}
	benchMust(b, enc.Encode(&req), enc.Encode(&args))
	benchSame(b, buf.Bytes(), benchGoCall1)
	buf.Reset()
	req.Seq = 1
	benchMust(b, enc.Encode(&req), enc.Encode(&args))
	benchSame(b, buf.Bytes(), benchGoCallSeq1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		req.Seq = uint64(i) + 2
		if err := enc.Encode(&req); err != nil {
			b.Fatal(err)
		}
		if err := enc.Encode(&args); err != nil {
			b.Fatal(err)
		}
	}
}

// Steady state: Decode(&Response) + Decode(&Reply), typedefs already seen. Like
// net/rpc's client, the header is zeroed before each decode.
func benchDecodeResponseReply(b *testing.B) {
	r := &replayBuf{data: mustHex(benchGoReply1)}
	dec := gob.NewDecoder(r)
	var resp rpc.Response
	var reply Reply
	benchMust(b, dec.Decode(&resp), dec.Decode(&reply))
	if resp.ServiceMethod != "Arith.Add" || resp.Seq != 0 || reply.C != 15 {
		b.Fatalf("decoded %+v %+v", resp, reply)
	}
	values := mustHex(benchGoReplySeq1)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.set(values)
		resp = rpc.Response{}
		reply = Reply{}
		if err := dec.Decode(&resp); err != nil {
			b.Fatal(err)
		}
		if err := dec.Decode(&reply); err != nil {
			b.Fatal(err)
		}
	}
	if resp.Seq != 1 || reply.C != 15 {
		b.Fatalf("decoded %+v %+v", resp, reply)
	}
}

// encoding/gob's BenchmarkDecodeStringSlice, one goroutine: a fresh Decoder per op
// (typedef + compile), decoding into a slice that is reused across ops.
func benchDecodeStringSlice(b *testing.B) {
	a := make([]string, 1000)
	for i := range a {
		a[i] = "now is the time"
	}
	var buf bytes.Buffer
	benchMust(b, gob.NewEncoder(&buf).Encode(a))
	ra := make([]string, len(a))
	bbuf := &replayBuf{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bbuf.set(buf.Bytes())
		if err := gob.NewDecoder(bbuf).Decode(&ra); err != nil {
			b.Fatal(err)
		}
	}
	if len(ra) != 1000 || ra[999] != a[999] {
		b.Fatal("decoded wrong slice")
	}
}

// encoding/gob's BenchmarkDecodeMap: a fresh Decoder and a fresh map per op.
func benchDecodeMap(b *testing.B) {
	m := make(map[int]int, 1000)
	for i := 0; i < 1000; i++ {
		m[i] = i
	}
	var buf bytes.Buffer
	benchMust(b, gob.NewEncoder(&buf).Encode(m))
	bbuf := &replayBuf{}
	var rm map[int]int
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rm = nil
		bbuf.set(buf.Bytes())
		if err := gob.NewDecoder(bbuf).Decode(&rm); err != nil {
			b.Fatal(err)
		}
	}
	if len(rm) != 1000 || rm[999] != 999 {
		b.Fatal("decoded wrong map")
	}
}

func newBench() *Bench {
	return &Bench{7, 3.14, "now is the time", bytes.Repeat([]byte("for all good men"), 100)}
}

// Steady state Encode(&Bench) (the encode half of BenchmarkEndToEndByteBuffer).
func benchEncodeBenchStruct(b *testing.B) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	v := newBench()
	benchMust(b, enc.Encode(v))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			b.Fatal(err)
		}
	}
}

// Steady state Decode(&Bench) into the same value each time (the decode half of
// BenchmarkEndToEndByteBuffer).
func benchDecodeBenchStruct(b *testing.B) {
	v := newBench()
	got := benchSteadyDecode(b, v, false)
	if got.A != v.A || got.C != v.C || !bytes.Equal(got.D, v.D) {
		b.Fatalf("decoded %+v", got)
	}
}

// benchSteadyDecode times Decode of v's steady-state stream (its typedef already seen):
// into a new value each op when fresh, else into the same one. It returns the last value.
func benchSteadyDecode[T any](b *testing.B, v *T, fresh bool) *T {
	first, values := steadyStream(b, v)
	r := &replayBuf{data: first}
	dec := gob.NewDecoder(r)
	got := new(T)
	benchMust(b, dec.Decode(got))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r.set(values)
		if fresh {
			got = new(T)
		}
		if err := dec.Decode(got); err != nil {
			b.Fatal(err)
		}
	}
	return got
}

// steadyStream returns v's first encoding (type definition and value) and the bytes a
// later Encode(v) on the same encoder writes (the value alone).
func steadyStream(b *testing.B, v any) (first, values []byte) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	benchMust(b, enc.Encode(v))
	first = bytes.Clone(buf.Bytes())
	buf.Reset()
	benchMust(b, enc.Encode(v))
	return first, buf.Bytes()
}

func benchMust(b *testing.B, errs ...error) {
	if err := errors.Join(errs...); err != nil {
		b.Fatal(err)
	}
}

func benchSame(b *testing.B, got []byte, want string) {
	if w := mustHex(want); !bytes.Equal(got, w) {
		b.Fatalf("bytes differ from Go's capture:\n got % x\nwant % x", got, w)
	}
}

type benchLine struct {
	Name        string  `json:"name"`
	NsPerOp     float64 `json:"ns_per_op"`
	AllocsPerOp int64   `json:"allocs_per_op"`
	BytesPerOp  int64   `json:"bytes_per_op"`
}

func cmdBenchCodec(args []string) error {
	fs := flag.NewFlagSet("bench-codec", flag.ContinueOnError)
	cpu := fs.Int("cpu", 1, "GOMAXPROCS while benchmarking (spec §5 codec numbers are -cpu 1)")
	count := fs.Int("count", 1, "runs per scenario; the median ns/op is reported")
	filter := fs.String("run", "", "only scenarios whose name contains this")
	if err := fs.Parse(args); err != nil {
		return err
	}
	runtime.GOMAXPROCS(*cpu)
	out := json.NewEncoder(os.Stdout)
	for _, c := range benchCases() {
		if !bytes.Contains([]byte(c.name), []byte(*filter)) {
			continue
		}
		var runs []benchLine
		for i := 0; i < max(*count, 1); i++ {
			r := testing.Benchmark(c.fn)
			if r.N == 0 {
				return fmt.Errorf("%s: benchmark failed", c.name)
			}
			runs = append(runs, benchLine{
				Name:        c.name,
				NsPerOp:     float64(r.T.Nanoseconds()) / float64(r.N),
				AllocsPerOp: r.AllocsPerOp(),
				BytesPerOp:  r.AllocedBytesPerOp(),
			})
		}
		sort.Slice(runs, func(i, j int) bool { return runs[i].NsPerOp < runs[j].NsPerOp })
		if err := out.Encode(runs[len(runs)/2]); err != nil {
			return err
		}
	}
	return nil
}

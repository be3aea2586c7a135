package main

// `gointerop tap-check`: Go's net/rpc client calls the bundled server's services
// through `gobrpc tap --json`, then checks every JSON line the tap printed
// against what Go itself sent and got: method, seq, args, and reply or error.

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net/rpc"
	"os"
	"reflect"
	"strings"
	"time"
)

// tapCall is one call as Go knows it.
type tapCall struct {
	method string
	seq    uint64
	args   json.RawMessage
	reply  json.RawMessage // nil when err is set
	err    string
}

func cmdTapCheck(args []string) error {
	fs := flag.NewFlagSet("tap-check", flag.ExitOnError)
	addr := fs.String("addr", "", "the tap's address")
	useHTTP := fs.Bool("http", false, "dial with rpc.DialHTTP")
	logFile := fs.String("log", "", "the file the tap's stdout (--json) goes to")
	fs.Parse(args)
	registerServerTypes()
	var c *rpc.Client
	var err error
	if *useHTTP {
		c, err = rpc.DialHTTP("tcp", *addr)
	} else {
		c, err = rpc.Dial("tcp", *addr)
	}
	if err != nil {
		return err
	}
	defer c.Close()

	var calls []tapCall
	var seq uint64
	call := func(method string, arg any, reply any) {
		err := c.Call(method, arg, reply)
		// JSON now: reply variables are reused by later calls.
		tc := tapCall{method: method, seq: seq, args: json.RawMessage(mustJSON(arg))}
		if err != nil {
			tc.err = err.Error()
		} else {
			tc.reply = json.RawMessage(mustJSON(reply))
		}
		calls = append(calls, tc)
		seq++ // Go's client numbers its calls from 0, one by one
	}
	var r Reply
	var s string
	var m map[int]int
	var sl []int
	var a [2]int
	var p Point
	var t time.Time
	var b []byte
	var any AnyHolder
	var nested map[string]map[string][]int
	var n big.Int
	var empty struct{}
	call("Arith.Add", Args{7, 8}, &r)
	call("Arith.Mul", &Args{6, 7}, &r)
	call("Arith.Div", Args{1, 0}, &r)
	call("Arith.Error", &Args{1, 2}, &r)
	call("Arith.String", Args{27, 35}, &s)
	call("Arith.Scan", "12345", &r)
	call("BuiltinTypes.Map", Args{7, 8}, &m)
	call("BuiltinTypes.Slice", Args{7, 8}, &sl)
	call("BuiltinTypes.Array", Args{7, 8}, &a)
	call("HelloService.Hello", "gopher", &s)
	call("Echo.Point", Point{X: -3, Y: 1 << 40}, &p)
	call("Echo.Time", time.Date(2024, 2, 29, 12, 34, 56, 789, time.UTC), &t)
	call("Echo.Bytes", []byte("tap <&> bytes"), &b)
	call("Echo.Any", AnyHolder{V: "a string in an interface"}, &any)
	call("Echo.Nested", map[string]map[string][]int{"a": {"b": {1, 2, 3}}}, &nested)
	call("Echo.Big", big.NewInt(0).Lsh(big.NewInt(1), 80), &n)
	call("KVStoreService.Set", KV{Key: "k", Value: "v <tap>"}, &empty)
	call("KVStoreService.Get", "k", &s)
	call("KVStoreService.Get", "missing", &s)
	call("Nope.Method", 1, &r)

	lines, err := waitForLines(*logFile, len(calls), 20*time.Second)
	if err != nil {
		return err
	}
	failures := 0
	for _, want := range calls {
		got, ok := lines[fmt.Sprint(want.method, "#", want.seq)]
		if !ok {
			fmt.Printf("FAIL %s #%d: no line from the tap\n", want.method, want.seq)
			failures++
			continue
		}
		if msg := compareLine(want, got); msg != "" {
			fmt.Printf("FAIL %s #%d: %s\n", want.method, want.seq, msg)
			failures++
		} else {
			fmt.Printf("ok %s #%d\n", want.method, want.seq)
		}
	}
	if failures > 0 {
		return fmt.Errorf("%d of %d calls do not match the tap's lines", failures, len(calls))
	}
	return nil
}

// waitForLines reads the tap's call lines (those with a method) until n are there.
func waitForLines(path string, n int, within time.Duration) (map[string]map[string]json.RawMessage, error) {
	deadline := time.Now().Add(within)
	for {
		lines := map[string]map[string]json.RawMessage{}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var l map[string]json.RawMessage
			if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
				f.Close()
				return nil, fmt.Errorf("tap line %q: %v", sc.Text(), err)
			}
			var method string
			var seq uint64
			if json.Unmarshal(l["method"], &method) != nil || json.Unmarshal(l["seq"], &seq) != nil {
				continue
			}
			lines[fmt.Sprint(method, "#", seq)] = l
		}
		f.Close()
		if len(lines) >= n || time.Now().After(deadline) {
			return lines, nil
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// compareLine says how the tap's line differs from what Go sent and got ("" if it does not).
func compareLine(want tapCall, got map[string]json.RawMessage) string {
	var problems []string
	if !sameJSON(want.args, got["args"]) {
		problems = append(problems, fmt.Sprintf("args %s, Go sent %s", got["args"], mustJSON(want.args)))
	}
	if want.err != "" {
		var e string
		if json.Unmarshal(got["error"], &e) != nil || e != want.err {
			problems = append(problems, fmt.Sprintf("error %s, Go got %q", got["error"], want.err))
		}
		if _, ok := got["reply"]; ok {
			problems = append(problems, "a reply beside the error")
		}
	} else if !sameJSON(want.reply, got["reply"]) {
		problems = append(problems, fmt.Sprintf("reply %s, Go got %s", got["reply"], mustJSON(want.reply)))
	}
	var latency int64
	if json.Unmarshal(got["latency_ns"], &latency) != nil || latency < 0 {
		problems = append(problems, fmt.Sprintf("latency_ns %s", got["latency_ns"]))
	}
	var when time.Time
	if json.Unmarshal(got["time"], &when) != nil {
		problems = append(problems, fmt.Sprintf("time %s", got["time"]))
	}
	return strings.Join(problems, "; ")
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// sameJSON: Go's json.Marshal of v and the tap's JSON mean the same value.
func sameJSON(v any, raw json.RawMessage) bool {
	if raw == nil {
		return false
	}
	var a, b any
	if json.Unmarshal(mustJSON(v), &a) != nil || json.Unmarshal(raw, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

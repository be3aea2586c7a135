package main

// `gointerop netrpc-record`: runs one scripted stream of sequential calls with
// Go's client against a server, recording each call's request bytes (what
// Go's client wrote) and reply bytes (what the server answered). Run against a
// fresh Go server process per script (Go numbers gob types per process), the
// records are golden fixtures: another server answering the same requests must
// write the same bytes.

import (
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/rpc"
	"os"
	"sort"
	"sync"
	"time"
)

// recordingConn keeps what passes through a connection since the last take.
type recordingConn struct {
	net.Conn
	mu          sync.Mutex
	read, wrote []byte
}

func (c *recordingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	c.read = append(c.read, p[:n]...)
	c.mu.Unlock()
	return n, err
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.wrote = append(c.wrote, p...)
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *recordingConn) take() (wrote, read []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	wrote, read = c.wrote, c.read
	c.wrote, c.read = nil, nil
	return
}

// recordedCall is one call of a script: its name, request and reply bytes.
type recordedCall struct {
	Method  string `json:"method"`
	Request string `json:"request"`
	Reply   string `json:"reply"`
	Outcome string `json:"outcome"`
}

type scriptCall struct {
	method      string
	args, reply any
}

func call(method string, args, reply any) scriptCall { return scriptCall{method, args, reply} }

var recordTime = time.Date(2026, 12, 6, 17, 57, 30, 123456789, time.FixedZone("", 3600+30*60))

// netrpcScripts: each is one connection's sequential calls.
var netrpcScripts = map[string]func() []scriptCall{
	"hello":              func() []scriptCall { return []scriptCall{call("HelloService.Hello", "gopher", new(string))} },
	"arith_add_repeated": func() []scriptCall { return repeat(3, call("Arith.Add", Args{7, 8}, new(Reply))) },
	"arith_mixed": func() []scriptCall {
		return []scriptCall{call("Arith.Add", Args{7, 8}, new(Reply)), call("Arith.Mul", &Args{6, 7}, new(Reply)),
			call("Arith.String", Args{27, 35}, new(string)), call("Arith.Scan", "12345", new(Reply))}
	},
	"div_error_then_ok": func() []scriptCall {
		return []scriptCall{call("Arith.Div", Args{1, 0}, new(Reply)), call("Arith.Div", Args{9, 3}, new(Reply))}
	},
	"ok_then_error": func() []scriptCall {
		return []scriptCall{call("Arith.Div", Args{9, 3}, new(Reply)), call("Arith.Error", Args{1, 0}, new(Reply)),
			call("Arith.Error", Args{1, 0}, new(Reply))}
	},
	"unknown_service": func() []scriptCall { return []scriptCall{call("Nope.Add", Args{1, 2}, new(Reply))} },
	"unknown_method_then_ok": func() []scriptCall {
		return []scriptCall{call("Arith.Nope", Args{1, 2}, new(Reply)), call("Arith.Add", Args{1, 2}, new(Reply))}
	},
	"ill_formed": func() []scriptCall {
		return []scriptCall{call("NoDot", Args{1, 2}, new(Reply)), call("", 5, new(Reply))}
	},
	"body_decode_error_then_ok": func() []scriptCall {
		return []scriptCall{call("Arith.Add", "not args", new(Reply)), call("Arith.Add", Point{1, 2}, new(Reply)),
			call("Arith.Add", Args{2, 3}, new(Reply))}
	},
	"builtin_map":   func() []scriptCall { return []scriptCall{call("BuiltinTypes.Map", Args{7, 8}, &map[int]int{})} },
	"builtin_slice": func() []scriptCall { return []scriptCall{call("BuiltinTypes.Slice", Args{7, 8}, &[]int{})} },
	"builtin_array": func() []scriptCall { return []scriptCall{call("BuiltinTypes.Array", Args{7, 8}, &[2]int{})} },
	"kv": func() []scriptCall {
		return []scriptCall{call("KVStoreService.Set", KV{"k", "v"}, &struct{}{}), call("KVStoreService.Get", "k", new(string)),
			call("KVStoreService.Get", "missing", new(string))}
	},
	"auth": func() []scriptCall {
		return []scriptCall{call("Auth.Whoami", 0, new(string)), call("Auth.Login", Creds{"gopher", "secret"}, new(string)),
			call("Auth.Whoami", 0, new(string))}
	},
	"echo_time": func() []scriptCall {
		return []scriptCall{call("Echo.Time", recordTime, new(time.Time)), call("Echo.Time", recordTime.UTC(), new(time.Time)),
			call("Echo.Time", time.Time{}, new(time.Time))}
	},
	"echo_bytes": func() []scriptCall {
		return []scriptCall{call("Echo.Bytes", []byte("bytes"), new([]byte)), call("Echo.Bytes", []byte{}, new([]byte))}
	},
	"echo_fill": func() []scriptCall { return []scriptCall{call("Echo.Fill", 3000, new([]byte))} },
	"echo_any_point": func() []scriptCall {
		return []scriptCall{call("Echo.Any", AnyHolder{Point{3, 4}}, new(AnyHolder)), call("Echo.Any", AnyHolder{Point{5, 6}}, new(AnyHolder))}
	},
	"echo_any_builtins": func() []scriptCall {
		return []scriptCall{call("Echo.Any", AnyHolder{7}, new(AnyHolder)), call("Echo.Any", AnyHolder{"seven"}, new(AnyHolder)),
			call("Echo.Any", AnyHolder{nil}, new(AnyHolder))}
	},
	"echo_any_composite": func() []scriptCall {
		return []scriptCall{call("Echo.Any", AnyHolder{[]interface{}{1, "x"}}, new(AnyHolder)),
			call("Echo.Any", AnyHolder{map[string]interface{}{"k": 2}}, new(AnyHolder))}
	},
	"echo_big": func() []scriptCall {
		n, _ := new(big.Int).SetString("-123456789012345678901234567890", 10)
		return []scriptCall{call("Echo.Big", n, new(big.Int)), call("Echo.Big", big.NewInt(0), new(big.Int))}
	},
	"echo_nested": func() []scriptCall {
		return []scriptCall{call("Echo.Nested", map[string]map[string][]int{"a": {"b": {1, 2}}}, new(map[string]map[string][]int))}
	},
	"echo_point": func() []scriptCall { return []scriptCall{call("Echo.Point", Point{-1, 1}, new(Point))} },
	"everything": func() []scriptCall {
		return []scriptCall{call("Arith.Error", Args{}, new(Reply)), call("Echo.Time", recordTime, new(time.Time)),
			call("Echo.Any", AnyHolder{Point{1, 1}}, new(AnyHolder)), call("Arith.Add", Args{1, 1}, new(Reply)),
			call("Nope.X", 1, new(Reply)), call("BuiltinTypes.Slice", Args{1, 2}, &[]int{}),
			call("HelloService.Hello", "again", new(string))}
	},
}

func repeat(n int, c scriptCall) []scriptCall {
	out := make([]scriptCall, n)
	for i := range out {
		out[i] = c
	}
	return out
}

func cmdNetrpcRecord(args []string) error {
	fs := flag.NewFlagSet("netrpc-record", flag.ExitOnError)
	script := fs.String("script", "", "the script to run (-list prints them)")
	list := fs.Bool("list", false, "print the script names")
	addr := fs.String("tcp", "", "the server's TCP address")
	out := fs.String("out", "", "where to write the record (JSON)")
	fs.Parse(args)
	if *list {
		var names []string
		for n := range netrpcScripts {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Println(n)
		}
		return nil
	}
	calls, ok := netrpcScripts[*script]
	if !ok {
		return fmt.Errorf("netrpc-record: no script %q", *script)
	}
	registerServerTypes() // the concrete types AnyHolder.V carries, as the server registers them
	conn, err := net.Dial("tcp", *addr)
	if err != nil {
		return err
	}
	rec := &recordingConn{Conn: conn}
	client := rpc.NewClient(rec)
	defer client.Close()
	var record []recordedCall
	for _, c := range calls() {
		err := client.Call(c.method, c.args, c.reply)
		wrote, read := rec.take()
		outcome := "ok"
		if err != nil {
			outcome = "error: " + err.Error()
		}
		record = append(record, recordedCall{c.method, hex.EncodeToString(wrote), hex.EncodeToString(read), outcome})
	}
	b, err := json.MarshalIndent(map[string]any{"script": *script, "calls": record}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(*out, append(b, '\n'), 0o644)
}

package main

// `gointerop netrpc-diff`: one scripted suite, driven by Go's net/rpc client,
// that prints what each step got (replies and error strings) as JSON lines.
// Run against the bundled Go server and against another server serving the
// same services: equal output means Go's client cannot tell them apart.

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/rpc"
	"os"
	"time"
)

func cmdNetrpcDiff(args []string) error {
	fs := flag.NewFlagSet("netrpc-diff", flag.ExitOnError)
	tcp := fs.String("tcp", "", "TCP address")
	unix := fs.String("unix", "", "Unix socket path")
	httpAddr := fs.String("http", "", "HTTP address (CONNECT on /_goRPC_ and -http-path)")
	httpPath := fs.String("http-path", "", "the extra CONNECT path")
	fs.Parse(args)
	registerServerTypes() // the concrete types AnyHolder.V carries, as the server registers them
	out := json.NewEncoder(os.Stdout)
	type dialer struct {
		name string
		dial func() (*rpc.Client, error)
	}
	var dialers []dialer
	if *tcp != "" {
		dialers = append(dialers, dialer{"tcp", func() (*rpc.Client, error) { return rpc.Dial("tcp", *tcp) }})
	}
	if *unix != "" {
		dialers = append(dialers, dialer{"unix", func() (*rpc.Client, error) { return rpc.Dial("unix", *unix) }})
	}
	if *httpAddr != "" {
		dialers = append(dialers, dialer{"http", func() (*rpc.Client, error) { return rpc.DialHTTP("tcp", *httpAddr) }})
		if *httpPath != "" {
			dialers = append(dialers, dialer{"http-path", func() (*rpc.Client, error) {
				return rpc.DialHTTPPath("tcp", *httpAddr, *httpPath)
			}})
		}
	}
	for _, d := range dialers {
		for _, step := range diffSteps {
			got, err := step.run(d.dial)
			line := map[string]any{"transport": d.name, "step": step.name, "got": got}
			if err != nil {
				line["failed"] = err.Error()
			}
			if err := out.Encode(line); err != nil {
				return err
			}
		}
	}
	return nil
}

// result is what one call got: its reply, or its error text.
func result(reply any, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	b, _ := json.Marshal(reply)
	return string(b)
}

type diffStep struct {
	name string
	run  func(dial func() (*rpc.Client, error)) ([]string, error)
}

// withClient runs f on a fresh connection.
func withClient(dial func() (*rpc.Client, error), f func(c *rpc.Client) []string) ([]string, error) {
	c, err := dial()
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return f(c), nil
}

var diffSteps = []diffStep{
	{"basic calls", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			var r Reply
			var s string
			var m map[int]int
			var sl []int
			var a [2]int
			var hello string
			return []string{
				result(&r, c.Call("Arith.Add", Args{7, 8}, &r)),
				result(&r, c.Call("Arith.Mul", &Args{6, 7}, &r)),
				result(&s, c.Call("Arith.String", Args{27, 35}, &s)),
				result(&r, c.Call("Arith.Scan", "12345", &r)),
				result(&m, c.Call("BuiltinTypes.Map", Args{7, 8}, &m)),
				result(&sl, c.Call("BuiltinTypes.Slice", Args{7, 8}, &sl)),
				result(&a, c.Call("BuiltinTypes.Array", Args{7, 8}, &a)),
				result(&hello, c.Call("HelloService.Hello", "gopher", &hello)),
			}
		})
	}},
	{"1000 concurrent calls out of order", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			const n = 1000
			done := make(chan *rpc.Call, n)
			for i := 0; i < n; i++ {
				// Later calls sleep less, so replies come back out of order.
				c.Go("Arith.SleepMilli", Args{int((n - i) % 40), i}, new(Reply), done)
			}
			var got []string
			outOfOrder := false
			last := -1
			for i := 0; i < n; i++ {
				call := <-done
				want := call.Args.(Args).B
				r := call.Reply.(*Reply)
				if call.Error != nil || r.C != want {
					got = append(got, fmt.Sprintf("call %d: %v %d", want, call.Error, r.C))
				}
				if want < last {
					outOfOrder = true
				}
				last = want
			}
			return append(got, fmt.Sprintf("%d replies, each its own; out of order: %v", n, outOfOrder))
		})
	}},
	{"watch beside other calls", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			var key string
			watch := c.Go("KVStoreService.Watch", 10, &key, nil)
			time.Sleep(50 * time.Millisecond) // the Watch is pending on the server
			var got []string
			for i := 0; i < 10; i++ {
				var r Reply
				got = append(got, result(&r, c.Call("Arith.Add", Args{i, i}, &r)))
			}
			var empty struct{}
			got = append(got, result(&empty, c.Call("KVStoreService.Set", KV{"color", "blue"}, &empty)))
			<-watch.Done
			got = append(got, result(&key, watch.Error))
			var v string
			got = append(got, result(&v, c.Call("KVStoreService.Get", "color", &v)))
			got = append(got, result(&v, c.Call("KVStoreService.Get", "missing", &v)))
			return got
		})
	}},
	{"per-connection login", func(dial func() (*rpc.Client, error)) ([]string, error) {
		var got []string
		_, err := withClient(dial, func(c *rpc.Client) []string {
			var s string
			got = append(got,
				result(&s, c.Call("Auth.Whoami", 0, &s)),
				result(&s, c.Call("Auth.Login", Creds{"gopher", "wrong"}, &s)),
				result(&s, c.Call("Auth.Login", Creds{"gopher", "secret"}, &s)),
				result(&s, c.Call("Auth.Whoami", 0, &s)),
				result(&s, c.Call("Auth.Secret", 0, &s)))
			return nil
		})
		if err != nil {
			return nil, err
		}
		_, err = withClient(dial, func(c *rpc.Client) []string {
			var s string
			got = append(got, result(&s, c.Call("Auth.Secret", 0, &s)))
			return nil
		})
		return got, err
	}},
	{"errors", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			var r Reply
			return []string{
				result(&r, c.Call("Nope.Add", Args{1, 2}, &r)),
				result(&r, c.Call("Arith.Nope", Args{1, 2}, &r)),
				result(&r, c.Call("NoDot", Args{1, 2}, &r)),
				result(&r, c.Call("", Args{1, 2}, &r)),
				result(&r, c.Call("Arith.Div", Args{1, 0}, &r)),
				result(&r, c.Call("Arith.Error", Args{1, 0}, &r)),
				result(&r, c.Call("Arith.Add", Args{1, 2}, &r)),
			}
		})
	}},
	{"body decode error, then a good call", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			var r Reply
			return []string{
				result(&r, c.Call("Arith.Add", "not args", &r)),
				result(&r, c.Call("Arith.Add", Point{1, 2}, &r)),
				result(&r, c.Call("Arith.Scan", 42, &r)),
				result(&r, c.Call("Arith.Add", Args{2, 3}, &r)),
			}
		})
	}},
	{"interfaces, time and big values", func(dial func() (*rpc.Client, error)) ([]string, error) {
		return withClient(dial, func(c *rpc.Client) []string {
			var h AnyHolder
			var t time.Time
			var b []byte
			var n map[string]map[string][]int
			var p Point
			tm := time.Date(2026, 12, 6, 17, 57, 30, 123456789, time.FixedZone("", 3600+30*60))
			var got []string
			for _, v := range []any{Point{3, 4}, 7, "seven", []interface{}{1, "x"}, map[string]interface{}{"k": 2}, nil} {
				h = AnyHolder{}
				got = append(got, result(&h, c.Call("Echo.Any", AnyHolder{v}, &h)))
			}
			got = append(got,
				result(&t, c.Call("Echo.Time", tm, &t)),
				result(&b, c.Call("Echo.Bytes", []byte("bytes"), &b)),
				result(&n, c.Call("Echo.Nested", map[string]map[string][]int{"a": {"b": {1, 2}}}, &n)),
				result(&p, c.Call("Echo.Point", Point{-1, 1}, &p)))
			b = nil
			err := c.Call("Echo.Fill", 100000, &b)
			sum := 0
			for _, x := range b {
				sum += int(x)
			}
			got = append(got, result(fmt.Sprintf("%d bytes, sum %d", len(b), sum), err))
			return got
		})
	}},
	{"a client that closes mid-call", func(dial func() (*rpc.Client, error)) ([]string, error) {
		c, err := dial()
		if err != nil {
			return nil, err
		}
		var r Reply
		call := c.Go("Arith.SleepMilli", Args{300, 1}, &r, nil)
		time.Sleep(20 * time.Millisecond)
		c.Close()
		<-call.Done
		got := []string{result(&r, call.Error)}
		more, err := withClient(dial, func(c *rpc.Client) []string {
			var r Reply
			return []string{result(&r, c.Call("Arith.Add", Args{4, 5}, &r))}
		})
		return append(got, more...), err
	}},
}

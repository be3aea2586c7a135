package main

// `gointerop netrpc-suite`: the client side of Go's own net/rpc tests
// ($GOROOT/src/net/rpc/server_test.go), run with Go's client against any
// server that serves Go's test services (Arith, net.rpc.Arith,
// newServer.Arith, Embed, BuiltinTypes) over TCP and over HTTP with CONNECT on
// /_goRPC_ and /foo. The cases make the assertions Go's tests make. One line
// per case: "PASS name" or "FAIL name: reasons"; exit status 1 if any failed.

import (
	"flag"
	"fmt"
	"net/rpc"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// suiteT stands in for *testing.T / *testing.B.
type suiteT struct {
	errs []string
	N    int
}

type fatal struct{}

func (t *suiteT) Errorf(format string, args ...any) {
	t.errs = append(t.errs, fmt.Sprintf(format, args...))
}
func (t *suiteT) Error(args ...any)                 { t.errs = append(t.errs, fmt.Sprint(args...)) }
func (t *suiteT) Fatal(args ...any)                 { t.Error(args...); panic(fatal{}) }
func (t *suiteT) Fatalf(format string, args ...any) { t.Errorf(format, args...); panic(fatal{}) }
func (t *suiteT) Logf(string, ...any)               {}

func cmdNetrpcSuite(args []string) error {
	fs := flag.NewFlagSet("netrpc-suite", flag.ExitOnError)
	tcp := fs.String("tcp", "", "the server's TCP address")
	httpAddr := fs.String("http", "", "the server's HTTP address")
	only := fs.String("run", "", "run only the cases whose name contains this")
	n := fs.Int("n", 2000, "iterations of the end-to-end benchmark cases (smoke runs)")
	fs.Parse(args)
	dialDirect := func() (*rpc.Client, error) { return rpc.Dial("tcp", *tcp) }
	dialHTTP := func() (*rpc.Client, error) { return rpc.DialHTTP("tcp", *httpAddr) }
	cases := []struct {
		name string
		run  func(t *suiteT)
	}{
		{"testRPC", func(t *suiteT) { suiteTestRPC(t, *tcp) }},
		{"testNewServerRPC", func(t *suiteT) { suiteTestNewServerRPC(t, *tcp) }},
		{"testHTTPRPC", func(t *suiteT) { suiteTestHTTPRPC(t, *httpAddr, "") }},
		{"testHTTPRPC/foo", func(t *suiteT) { suiteTestHTTPRPC(t, *httpAddr, "/foo") }},
		{"TestBuiltinTypes", func(t *suiteT) { suiteTestBuiltinTypes(t, dialHTTP) }},
		{"TestTCPClose", func(t *suiteT) { suiteTestTCPClose(t, dialHTTP) }},
		{"TestErrorAfterClientClose", func(t *suiteT) { suiteTestErrorAfterClientClose(t, dialHTTP) }},
		{"BenchmarkEndToEnd", func(t *suiteT) { t.N = *n; suiteEndToEnd(dialDirect, t) }},
		{"BenchmarkEndToEndHTTP", func(t *suiteT) { t.N = *n; suiteEndToEnd(dialHTTP, t) }},
		{"BenchmarkEndToEndAsync", func(t *suiteT) { t.N = *n; suiteEndToEndAsync(dialDirect, t) }},
		{"BenchmarkEndToEndAsyncHTTP", func(t *suiteT) { t.N = *n; suiteEndToEndAsync(dialHTTP, t) }},
	}
	failed := 0
	for _, c := range cases {
		if !strings.Contains(c.name, *only) {
			continue
		}
		t := &suiteT{}
		func() {
			defer func() {
				if r := recover(); r != nil {
					if _, ok := r.(fatal); !ok {
						t.Errorf("panic: %v", r)
					}
				}
			}()
			c.run(t)
		}()
		if len(t.errs) > 0 {
			failed++
			fmt.Printf("FAIL %s: %s\n", c.name, strings.Join(t.errs, "; "))
		} else {
			fmt.Printf("PASS %s\n", c.name)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d cases failed", failed)
	}
	return nil
}

func suiteTestRPC(t *suiteT, addr string) {
	client, err := rpc.Dial("tcp", addr)
	if err != nil {
		t.Fatal("dialing", err)
	}
	defer client.Close()

	// Synchronous calls
	args := &Args{7, 8}
	reply := new(Reply)
	err = client.Call("Arith.Add", args, reply)
	if err != nil {
		t.Errorf("Add: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A+args.B)
	}

	// Methods exported from unexported embedded structs
	args = &Args{7, 0}
	reply = new(Reply)
	err = client.Call("Embed.Exported", args, reply)
	if err != nil {
		t.Errorf("Add: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A+args.B)
	}

	// Nonexistent method
	args = &Args{7, 0}
	reply = new(Reply)
	err = client.Call("Arith.BadOperation", args, reply)
	if err == nil {
		t.Error("BadOperation: expected error")
	} else if !strings.HasPrefix(err.Error(), "rpc: can't find method ") {
		t.Errorf("BadOperation: expected can't find method error; got %q", err)
	}

	// Unknown service
	args = &Args{7, 8}
	reply = new(Reply)
	err = client.Call("Arith.Unknown", args, reply)
	if err == nil {
		t.Error("expected error calling unknown service")
	} else if !strings.Contains(err.Error(), "method") {
		t.Error("expected error about method; got", err)
	}

	// Out of order.
	args = &Args{7, 8}
	mulReply := new(Reply)
	mulCall := client.Go("Arith.Mul", args, mulReply, nil)
	addReply := new(Reply)
	addCall := client.Go("Arith.Add", args, addReply, nil)

	addCall = <-addCall.Done
	if addCall.Error != nil {
		t.Errorf("Add: expected no error but got string %q", addCall.Error.Error())
	}
	if addReply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", addReply.C, args.A+args.B)
	}

	mulCall = <-mulCall.Done
	if mulCall.Error != nil {
		t.Errorf("Mul: expected no error but got string %q", mulCall.Error.Error())
	}
	if mulReply.C != args.A*args.B {
		t.Errorf("Mul: expected %d got %d", mulReply.C, args.A*args.B)
	}

	// Error test
	args = &Args{7, 0}
	reply = new(Reply)
	err = client.Call("Arith.Div", args, reply)
	if err == nil {
		t.Error("Div: expected error")
	} else if err.Error() != "divide by zero" {
		t.Error("Div: expected divide by zero error; got", err)
	}

	// Bad type.
	reply = new(Reply)
	err = client.Call("Arith.Add", reply, reply) // args, reply would be the correct thing to use
	if err == nil {
		t.Error("expected error calling Arith.Add with wrong arg type")
	} else if !strings.Contains(err.Error(), "type") {
		t.Error("expected error about type; got", err)
	}

	// Non-struct argument
	const Val = 12345
	str := fmt.Sprint(Val)
	reply = new(Reply)
	err = client.Call("Arith.Scan", &str, reply)
	if err != nil {
		t.Errorf("Scan: expected no error but got string %q", err.Error())
	} else if reply.C != Val {
		t.Errorf("Scan: expected %d got %d", Val, reply.C)
	}

	// Non-struct reply
	args = &Args{27, 35}
	str = ""
	err = client.Call("Arith.String", args, &str)
	if err != nil {
		t.Errorf("String: expected no error but got string %q", err.Error())
	}
	expect := fmt.Sprintf("%d+%d=%d", args.A, args.B, args.A+args.B)
	if str != expect {
		t.Errorf("String: expected %s got %s", expect, str)
	}

	args = &Args{7, 8}
	reply = new(Reply)
	err = client.Call("Arith.Mul", args, reply)
	if err != nil {
		t.Errorf("Mul: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A*args.B {
		t.Errorf("Mul: expected %d got %d", reply.C, args.A*args.B)
	}

	// ServiceName contain "." character
	args = &Args{7, 8}
	reply = new(Reply)
	err = client.Call("net.rpc.Arith.Add", args, reply)
	if err != nil {
		t.Errorf("Add: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A+args.B)
	}
}

func suiteTestNewServerRPC(t *suiteT, addr string) {
	client, err := rpc.Dial("tcp", addr)
	if err != nil {
		t.Fatal("dialing", err)
	}
	defer client.Close()

	args := &Args{7, 8}
	reply := new(Reply)
	err = client.Call("newServer.Arith.Add", args, reply)
	if err != nil {
		t.Errorf("Add: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A+args.B)
	}
}

func suiteTestHTTPRPC(t *suiteT, addr, path string) {
	var client *rpc.Client
	var err error
	if path == "" {
		client, err = rpc.DialHTTP("tcp", addr)
	} else {
		client, err = rpc.DialHTTPPath("tcp", addr, path)
	}
	if err != nil {
		t.Fatal("dialing", err)
	}
	defer client.Close()

	args := &Args{7, 8}
	reply := new(Reply)
	err = client.Call("Arith.Add", args, reply)
	if err != nil {
		t.Errorf("Add: expected no error but got string %q", err.Error())
	}
	if reply.C != args.A+args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A+args.B)
	}
}

func suiteTestBuiltinTypes(t *suiteT, dial func() (*rpc.Client, error)) {
	client, err := dial()
	if err != nil {
		t.Fatal("dialing", err)
	}
	defer client.Close()

	args := &Args{7, 8}
	replyMap := map[int]int{}
	err = client.Call("BuiltinTypes.Map", args, &replyMap)
	if err != nil {
		t.Errorf("Map: expected no error but got string %q", err.Error())
	}
	if replyMap[args.A] != args.B {
		t.Errorf("Map: expected %d got %d", args.B, replyMap[args.A])
	}

	args = &Args{7, 8}
	replySlice := []int{}
	err = client.Call("BuiltinTypes.Slice", args, &replySlice)
	if err != nil {
		t.Errorf("Slice: expected no error but got string %q", err.Error())
	}
	if e := []int{args.A, args.B}; !reflect.DeepEqual(replySlice, e) {
		t.Errorf("Slice: expected %v got %v", e, replySlice)
	}

	args = &Args{7, 8}
	replyArray := [2]int{}
	err = client.Call("BuiltinTypes.Array", args, &replyArray)
	if err != nil {
		t.Errorf("Array: expected no error but got string %q", err.Error())
	}
	if e := [2]int{args.A, args.B}; !reflect.DeepEqual(replyArray, e) {
		t.Errorf("Array: expected %v got %v", e, replyArray)
	}
}

func suiteTestTCPClose(t *suiteT, dial func() (*rpc.Client, error)) {
	client, err := dial()
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	defer client.Close()

	args := Args{17, 8}
	var reply Reply
	err = client.Call("Arith.Mul", args, &reply)
	if err != nil {
		t.Fatal("arith error:", err)
	}
	if reply.C != args.A*args.B {
		t.Errorf("Add: expected %d got %d", reply.C, args.A*args.B)
	}
}

func suiteTestErrorAfterClientClose(t *suiteT, dial func() (*rpc.Client, error)) {
	client, err := dial()
	if err != nil {
		t.Fatalf("dialing: %v", err)
	}
	err = client.Close()
	if err != nil {
		t.Fatal("close error:", err)
	}
	err = client.Call("Arith.Add", &Args{7, 9}, new(Reply))
	if err != rpc.ErrShutdown {
		t.Errorf("Forever: expected ErrShutdown got %v", err)
	}
}

func suiteEndToEnd(dial func() (*rpc.Client, error), b *suiteT) {
	client, err := dial()
	if err != nil {
		b.Fatal("error dialing:", err)
	}
	defer client.Close()

	args := &Args{7, 8}
	procs := runtime.GOMAXPROCS(-1)
	left := int64(b.N)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for p := 0; p < procs; p++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reply := new(Reply)
			for atomic.AddInt64(&left, -1) >= 0 {
				err := client.Call("Arith.Add", args, reply)
				mu.Lock()
				if err != nil {
					b.Errorf("rpc error: Add: expected no error but got string %q", err.Error())
				} else if reply.C != args.A+args.B {
					b.Errorf("rpc error: Add: expected %d got %d", reply.C, args.A+args.B)
				}
				failed := len(b.errs) > 0
				mu.Unlock()
				if failed {
					return
				}
			}
		}()
	}
	wg.Wait()
}

func suiteEndToEndAsync(dial func() (*rpc.Client, error), b *suiteT) {
	const MaxConcurrentCalls = 100
	client, err := dial()
	if err != nil {
		b.Fatal("error dialing:", err)
	}
	defer client.Close()

	args := &Args{7, 8}
	procs := 4 * runtime.GOMAXPROCS(-1)
	send := int32(b.N)
	recv := int32(b.N)
	var wg sync.WaitGroup
	var mu sync.Mutex
	wg.Add(procs)
	gate := make(chan bool, MaxConcurrentCalls)
	res := make(chan *rpc.Call, MaxConcurrentCalls)

	for p := 0; p < procs; p++ {
		go func() {
			for atomic.AddInt32(&send, -1) >= 0 {
				gate <- true
				reply := new(Reply)
				client.Go("Arith.Add", args, reply, res)
			}
		}()
		go func() {
			defer wg.Done()
			for call := range res {
				A := call.Args.(*Args).A
				B := call.Args.(*Args).B
				C := call.Reply.(*Reply).C
				if call.Error != nil || A+B != C {
					mu.Lock()
					b.Errorf("incorrect reply: Add: expected %d got %d (%v)", A+B, C, call.Error)
					mu.Unlock()
				}
				<-gate
				if atomic.AddInt32(&recv, -1) == 0 {
					close(res)
				}
			}
		}()
	}
	wg.Wait()
}

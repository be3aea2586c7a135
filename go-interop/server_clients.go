package main

// `gointerop client-scenario`: Go's net/rpc client driving the Rust server
// examples (examples/server_*.rs), one scenario of the seed's chapter each,
// seen from the client side. Each prints what it got, one line per step, and
// fails (exit 1) when a reply is not the one the scenario expects.

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/rpc"
	"os"
	"strings"
	"time"
)

// Turn is the argument of HelloService.HelloInTurn: the call of turn k is
// answered after the call of turn k-1.
type Turn struct {
	Name string
	Turn int
}

// hangGuard bounds every wait: a scenario that stalls fails instead of hanging.
const hangGuard = 30 * time.Second

func cmdClientScenario(args []string) error {
	fs := flag.NewFlagSet("client-scenario", flag.ExitOnError)
	scenario := fs.String("scenario", "", "hello | watch | login | dial-out")
	addr := fs.String("addr", "", "the Rust server's TCP address (hello, watch, login)")
	listen := fs.String("listen", "", "where to listen for the Rust side to dial in (dial-out)")
	fs.Parse(args)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	say := func(format string, a ...any) { fmt.Fprintf(out, format+"\n", a...) }
	switch *scenario {
	case "hello":
		return scenarioHello(*addr, say)
	case "watch":
		return scenarioWatch(*addr, say)
	case "login":
		return scenarioLogin(*addr, say)
	case "dial-out":
		return scenarioDialOut(*listen, say)
	}
	return fmt.Errorf("client-scenario: unknown -scenario %q", *scenario)
}

// expect fails unless got equals want.
func expect(what, got, want string) error {
	if got != want {
		return fmt.Errorf("%s: got %q, want %q", what, got, want)
	}
	return nil
}

// callText is a call's reply, or "error: TEXT".
func callText(c *rpc.Call) string {
	if c.Error != nil {
		return "error: " + c.Error.Error()
	}
	return *c.Reply.(*string)
}

// waitDone waits for one call on done, within the hang guard.
func waitDone(done chan *rpc.Call) (*rpc.Call, error) {
	select {
	case c := <-done:
		return c, nil
	case <-time.After(hangGuard):
		return nil, errors.New("no call completed within the hang guard")
	}
}

// scenarioHello: client.Go and Done. One call waited on through its own Done
// channel, then five calls sharing one Done channel, whose fan-in order is the
// server's completion order: turn 0 (sent last) is answered first, and each
// later turn after the one before it, so the order is the reverse of sending.
// A server that ran calls one at a time would never answer any of them.
func scenarioHello(addr string, say func(string, ...any)) error {
	client, err := rpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer client.Close()

	call := client.Go("HelloService.Hello", "gopher", new(string), nil)
	if call, err = waitDone(call.Done); err != nil {
		return err
	}
	say("Go(HelloService.Hello, gopher) = %s", callText(call))
	if err := expect("Hello", callText(call), "hello, gopher"); err != nil {
		return err
	}

	const n = 5
	done := make(chan *rpc.Call, n)
	var sent []string
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("gopher-%d", i)
		client.Go("HelloService.HelloInTurn", Turn{Name: name, Turn: n - 1 - i}, new(string), done)
		sent = append(sent, name)
	}
	var got []string
	for i := 0; i < n; i++ {
		c, err := waitDone(done)
		if err != nil {
			return err
		}
		got = append(got, callText(c))
	}
	say("sent: %s", strings.Join(sent, "; "))
	say("fan-in: %s", strings.Join(got, "; "))
	return expect("fan-in", strings.Join(got, "; "),
		"hello, gopher-4; hello, gopher-3; hello, gopher-2; hello, gopher-1; hello, gopher-0")
}

// scenarioWatch: two connections long-poll KVStoreService.Watch while other
// calls share their connections; a Set on one of them wakes both watches.
func scenarioWatch(addr string, say func(string, ...any)) error {
	var clients [2]*rpc.Client
	for i := range clients {
		c, err := rpc.Dial("tcp", addr)
		if err != nil {
			return err
		}
		defer c.Close()
		clients[i] = c
	}
	a, b := clients[0], clients[1]
	if err := a.Call("KVStoreService.Set", KV{"color", "red"}, new(struct{})); err != nil {
		return err
	}
	var watches [2]*rpc.Call
	for i, c := range clients {
		watches[i] = c.Go("KVStoreService.Watch", 30, new(string), nil)
	}
	// Other calls on the same connections go through while the watches wait:
	// Watchers tells when both are in place (so the Set below cannot come first).
	var watchers int
	for deadline := time.Now().Add(hangGuard); watchers < 2; {
		if err := a.Call("KVStoreService.Watchers", 0, &watchers); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("Watchers: %d watches, want 2", watchers)
		}
	}
	say("meanwhile on connection 1: Watchers() = %d", watchers)
	var color string
	if err := b.Call("KVStoreService.Get", "color", &color); err != nil {
		return err
	}
	say("meanwhile on connection 2: Get(color) = %s", color)
	for i, w := range watches {
		select {
		case <-w.Done:
			return fmt.Errorf("watch %d returned before any Set: %s", i+1, callText(w))
		default:
		}
	}
	say("both watches still pending")
	if err := a.Call("KVStoreService.Set", KV{"color", "blue"}, new(struct{})); err != nil {
		return err
	}
	say("connection 1: Set(color, blue)")
	for i, w := range watches {
		if _, err := waitDone(w.Done); err != nil {
			return err
		}
		say("connection %d: Watch returned %s", i+1, callText(w))
		if err := expect("Watch", callText(w), "color"); err != nil {
			return err
		}
	}
	if err := b.Call("KVStoreService.Get", "color", &color); err != nil {
		return err
	}
	say("connection 2: Get(color) = %s", color)
	return expect("Get", color, "blue")
}

// scenarioLogin: a login lives as long as its connection. The first
// connection logs in and is served; a second one is refused.
func scenarioLogin(addr string, say func(string, ...any)) error {
	first, err := rpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer first.Close()
	second, err := rpc.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer second.Close()
	steps := []struct {
		conn   int
		method string
		args   any
		want   string
	}{
		{1, "Auth.Secret", 0, "error: not logged in"},
		{1, "Auth.Login", Creds{"gopher", "wrong"}, "error: invalid credentials"},
		{1, "Auth.Login", Creds{"gopher", "secret"}, "welcome gopher"},
		{1, "Auth.Whoami", 0, "gopher"},
		{1, "Auth.Secret", 0, "the cake is a lie"},
		{2, "Auth.Whoami", 0, "error: not logged in"},
		{2, "Auth.Secret", 0, "error: not logged in"},
		{1, "Auth.Secret", 0, "the cake is a lie"},
	}
	for _, s := range steps {
		c := first
		if s.conn == 2 {
			c = second
		}
		call := <-c.Go(s.method, s.args, new(string), nil).Done
		got := callText(call)
		say("connection %d: %s = %s", s.conn, s.method, got)
		if err := expect(s.method, got, s.want); err != nil {
			return err
		}
	}
	return nil
}

// scenarioDialOut: the mirror of reverse RPC. This Go process listens; the
// Rust side dials in and serves net/rpc on that connection; Go calls it with
// rpc.NewClient over the accepted connection.
func scenarioDialOut(listen string, say func(string, ...any)) error {
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	defer l.Close()
	// The address line goes out at once: the Rust side waits for it to dial.
	fmt.Printf("listening %s\n", l.Addr())
	if tl, ok := l.(*net.TCPListener); ok {
		tl.SetDeadline(time.Now().Add(hangGuard))
	}
	conn, err := l.Accept()
	if err != nil {
		return err
	}
	say("accepted the Rust side's connection")
	client := rpc.NewClient(conn)
	defer client.Close()
	var hello string
	if err := client.Call("HelloService.Hello", "from go", &hello); err != nil {
		return err
	}
	say("HelloService.Hello(from go) = %s", hello)
	if err := expect("Hello", hello, "hello, from go"); err != nil {
		return err
	}
	var reply Reply
	if err := client.Call("Arith.Add", Args{A: 1, B: 2}, &reply); err != nil {
		return err
	}
	say("Arith.Add(1, 2) = %d", reply.C)
	if reply.C != 3 {
		return fmt.Errorf("Arith.Add(1, 2) = %d, want 3", reply.C)
	}
	return nil
}

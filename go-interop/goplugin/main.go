// gobrpc-test-plugin is a go-plugin netrpc plugin written for gobrpc's plugin host tests
// (tests/plugin_own.rs). It exercises what go-plugin's own test binary does not: broker
// callbacks in both directions, interface-typed errors in replies, time.Time, []byte and
// map[string]interface{} values, the stdout and stderr streams, a panic mid-call, and calls
// left pending when the plugin is killed.
//
// Built in GOPATH mode from Debian's golang-github-hashicorp-go-plugin-dev by
// ../build-go-plugin.sh.
package main

import (
	"encoding/gob"
	"errors"
	"fmt"
	"net/rpc"
	"os"
	"sort"
	"sync/atomic"
	"time"

	plugin "github.com/hashicorp/go-plugin"
)

// Handshake is the handshake the Rust host must offer.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "GOBRPC_TEST_PLUGIN",
	MagicCookieValue: "gobrpc",
}

// AppError is an application's own error type, sent inside replies as an interface value.
type AppError struct {
	Code    int
	Message string
}

func (e *AppError) Error() string { return fmt.Sprintf("app error %d: %s", e.Code, e.Message) }

func init() {
	// Interface values cross gob only as registered types: "*plugin.BasicError" and
	// "*main.AppError" (gob.Register names pointer types by their String()).
	gob.Register(new(plugin.BasicError))
	gob.Register(new(AppError))
	gob.Register(map[string]interface{}{})
	gob.Register(time.Time{})
}

// Server is served as "Plugin" on the dispensed connection.
type Server struct {
	broker *plugin.MuxBroker
}

// Double returns n*2.
func (s *Server) Double(n int, reply *int) error {
	*reply = n * 2
	return nil
}

// CallbackArgs names a broker id the host serves, and the numbers to add there.
type CallbackArgs struct {
	ID   uint32
	A, B int
}

// AddArgs is what the host's "Plugin.Add" takes.
type AddArgs struct {
	A, B int
}

// AddReply is what the host's "Plugin.Add" returns.
type AddReply struct {
	Sum int
}

// Callback dials the host's broker id in the middle of the call, calls the host's
// "Plugin.Add" there, and returns the sum times 10.
func (s *Server) Callback(args CallbackArgs, reply *int) error {
	conn, err := s.broker.Dial(args.ID)
	if err != nil {
		return fmt.Errorf("dial %d: %v", args.ID, err)
	}
	client := rpc.NewClient(conn)
	defer client.Close()
	var r AddReply
	if err := client.Call("Plugin.Add", AddArgs{A: args.A, B: args.B}, &r); err != nil {
		return fmt.Errorf("host Plugin.Add: %v", err)
	}
	*reply = r.Sum * 10
	return nil
}

// Counter is served on a broker id the host dials.
type Counter struct {
	n int
}

// Incr adds by to the counter and returns the new total.
func (c *Counter) Incr(by int, reply *int) error {
	c.n += by
	*reply = c.n
	return nil
}

// ServeCounter reserves a broker id, serves a Counter starting at start on it, and returns
// the id for the host to dial.
func (s *Server) ServeCounter(start int, reply *uint32) error {
	id := s.broker.NextId()
	go s.broker.AcceptAndServe(id, &Counter{n: start})
	*reply = id
	return nil
}

// ErrReply carries an error as an interface value, as go-plugin plugins do.
type ErrReply struct {
	Err  error
	Note string
}

// Errors answers with an interface-typed error chosen by kind: "basic" a
// *plugin.BasicError, "app" a *main.AppError, "nil" none. "method" fails the call itself
// with a *plugin.BasicError, which net/rpc sends as its text.
func (s *Server) Errors(kind string, reply *ErrReply) error {
	reply.Note = kind
	switch kind {
	case "basic":
		reply.Err = plugin.NewBasicError(errors.New("basic failure"))
	case "app":
		reply.Err = &AppError{Code: 418, Message: "teapot"}
	case "nil":
	case "method":
		return plugin.NewBasicError(errors.New("the method failed"))
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return nil
}

// Values are Go values the Rust side must encode and decode.
type Values struct {
	T time.Time
	B []byte
	M map[string]interface{}
}

// ValuesReply says what the plugin received and sends values back.
type ValuesReply struct {
	// T is the argument's time one hour and one nanosecond later, in UTC+2.
	T time.Time
	// B is the argument's bytes reversed.
	B []byte
	// Types is "key=%T" for each map entry, sorted by key.
	Types []string
	// M is the argument's map with "count" (int) and "when" (the argument's time) added.
	M map[string]interface{}
	// Text is the argument's time as Go prints it.
	Text string
}

// Echo transforms Values as ValuesReply documents.
func (s *Server) Echo(v Values, reply *ValuesReply) error {
	reply.T = v.T.Add(time.Hour + time.Nanosecond).In(time.FixedZone("", 2*3600))
	reply.B = make([]byte, len(v.B))
	for i, b := range v.B {
		reply.B[len(v.B)-1-i] = b
	}
	keys := make([]string, 0, len(v.M))
	for k := range v.M {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		reply.Types = append(reply.Types, fmt.Sprintf("%s=%T", k, v.M[k]))
	}
	reply.M = map[string]interface{}{"count": len(v.M), "when": v.T}
	for k, val := range v.M {
		reply.M[k] = val
	}
	reply.Text = v.T.String()
	return nil
}

// Print writes "stdout: s" to os.Stdout and "stderr: s" to os.Stderr: go-plugin carries
// both over their own yamux streams to the host's SyncStdout / SyncStderr.
func (s *Server) Print(text string, reply *bool) error {
	fmt.Fprintf(os.Stdout, "stdout: %s\n", text)
	fmt.Fprintf(os.Stderr, "stderr: %s\n", text)
	*reply = true
	return nil
}

// Panic panics mid-call: net/rpc does not recover, so the plugin process dies.
func (s *Server) Panic(text string, reply *int) error {
	panic(text)
}

// blocked counts the calls waiting in Block.
var blocked int32

// Block never answers (within an hour): for calls pending when the plugin is killed.
func (s *Server) Block(n int, reply *int) error {
	atomic.AddInt32(&blocked, 1)
	time.Sleep(time.Hour)
	*reply = n
	return nil
}

// Blocked returns how many calls wait in Block.
func (s *Server) Blocked(_ int, reply *int) error {
	*reply = int(atomic.LoadInt32(&blocked))
	return nil
}

// TestPlugin is the plugin.Plugin dispensed as "test".
type TestPlugin struct{}

// Server returns the net/rpc receiver served as "Plugin".
func (TestPlugin) Server(b *plugin.MuxBroker) (interface{}, error) {
	return &Server{broker: b}, nil
}

// Client is the Go host's side, unused here.
func (TestPlugin) Client(b *plugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return c, nil
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: Handshake,
		Plugins:         map[string]plugin.Plugin{"test": TestPlugin{}},
	})
}

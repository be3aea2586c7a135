package main

// net/rpc services of `gointerop server` (see SERVER.md). Args, Reply and
// Point are declared in types.go.

import (
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"sync"
	"time"
)

// ---- HelloService -----------------------------------------------------------

type HelloService struct{}

func (HelloService) Hello(name string, reply *string) error {
	*reply = "hello, " + name
	return nil
}

// ---- Arith (as in $GOROOT/src/net/rpc/server_test.go) -----------------------

type Arith int

func (t *Arith) Add(args Args, reply *Reply) error {
	reply.C = args.A + args.B
	return nil
}

func (t *Arith) Mul(args *Args, reply *Reply) error {
	reply.C = args.A * args.B
	return nil
}

func (t *Arith) Div(args Args, reply *Reply) error {
	if args.B == 0 {
		return errors.New("divide by zero")
	}
	reply.C = args.A / args.B
	return nil
}

func (t *Arith) String(args *Args, reply *string) error {
	*reply = fmt.Sprintf("%d+%d=%d", args.A, args.B, args.A+args.B)
	return nil
}

func (t *Arith) Scan(args string, reply *Reply) (err error) {
	_, err = fmt.Sscan(args, &reply.C)
	return
}

// Error returns an error (Go's test version panics; a panic would kill the
// whole server process).
func (t *Arith) Error(args *Args, reply *Reply) error {
	return errors.New("ERROR")
}

// SleepMilli sleeps args.A milliseconds, then replies C = args.B, so a client
// can match out-of-order replies to their calls.
func (t *Arith) SleepMilli(args Args, reply *Reply) error {
	time.Sleep(time.Duration(args.A) * time.Millisecond)
	reply.C = args.B
	return nil
}

// ---- BuiltinTypes (as in Go's tests) ----------------------------------------

type BuiltinTypes struct{}

func (BuiltinTypes) Map(args *Args, reply *map[int]int) error {
	(*reply)[args.A] = args.B
	return nil
}

func (BuiltinTypes) Slice(args *Args, reply *[]int) error {
	*reply = append(*reply, args.A, args.B)
	return nil
}

func (BuiltinTypes) Array(args *Args, reply *[2]int) error {
	(*reply)[0] = args.A
	(*reply)[1] = args.B
	return nil
}

// ---- KVStoreService (one store per process) ---------------------------------

type KV struct{ Key, Value string }

// kvGen is one "generation" of the store: closed (and its key set) by the
// next Set.
type kvGen struct {
	ch  chan struct{}
	key string
}

type KVStoreService struct {
	mu  sync.Mutex
	m   map[string]string
	gen *kvGen
}

func newKVStore() *KVStoreService {
	return &KVStoreService{m: map[string]string{}, gen: &kvGen{ch: make(chan struct{})}}
}

func (s *KVStoreService) Get(key string, reply *string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[key]
	if !ok {
		return errors.New("key not found: " + key)
	}
	*reply = v
	return nil
}

func (s *KVStoreService) Set(kv KV, reply *struct{}) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[kv.Key] = kv.Value
	old := s.gen
	s.gen = &kvGen{ch: make(chan struct{})}
	old.key = kv.Key
	close(old.ch)
	return nil
}

// Watch blocks until the next Set (of any key) after the call started and
// replies that key; after timeoutSeconds (<= 0: at once) it fails with
// "watch timeout".
func (s *KVStoreService) Watch(timeoutSeconds int, reply *string) error {
	s.mu.Lock()
	g := s.gen
	s.mu.Unlock()
	t := time.NewTimer(time.Duration(timeoutSeconds) * time.Second)
	defer t.Stop()
	select {
	case <-g.ch:
		*reply = g.key
		return nil
	case <-t.C:
		return errors.New("watch timeout")
	}
}

// ---- Auth (one instance per connection) -------------------------------------

type Creds struct{ User, Password string }

type Auth struct {
	mu   sync.Mutex
	user string
}

var errNotLoggedIn = errors.New("not logged in")

func (a *Auth) Login(creds Creds, reply *string) error {
	if creds.User != "gopher" || creds.Password != "secret" {
		return errors.New("invalid credentials")
	}
	a.mu.Lock()
	a.user = creds.User
	a.mu.Unlock()
	*reply = "welcome " + creds.User
	return nil
}

func (a *Auth) Whoami(unused int, reply *string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.user == "" {
		return errNotLoggedIn
	}
	*reply = a.user
	return nil
}

func (a *Auth) Secret(unused int, reply *string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.user == "" {
		return errNotLoggedIn
	}
	*reply = "the cake is a lie"
	return nil
}

// ---- Echo -------------------------------------------------------------------

// AnyHolder carries an interface value; registered concrete types: see
// registerServerTypes.
type AnyHolder struct{ V interface{} }

type Echo struct{}

func (Echo) Time(t time.Time, reply *time.Time) error { *reply = t; return nil }

func (Echo) Bytes(b []byte, reply *[]byte) error { *reply = b; return nil }

// Fill replies with n bytes of benchPayload's pattern (b[i] = byte(uint32(i)*2654435761>>24)):
// a large reply for a small request. The last slice is kept, so repeated calls measure
// the transfer rather than the fill.
func (Echo) Fill(n int, reply *[]byte) error {
	if n < 0 || n > 1<<30 {
		return errors.New("Echo.Fill: size out of range")
	}
	fillCache.Lock()
	defer fillCache.Unlock()
	if len(fillCache.b) != n {
		fillCache.b = benchPayload(n)
	}
	*reply = fillCache.b
	return nil
}

var fillCache struct {
	sync.Mutex
	b []byte
}

func (Echo) Any(v AnyHolder, reply *AnyHolder) error { *reply = v; return nil }

func (Echo) Nested(m map[string]map[string][]int, reply *map[string]map[string][]int) error {
	*reply = m
	return nil
}

func (Echo) Big(n *big.Int, reply *big.Int) error { reply.Set(n); return nil }

func (Echo) Point(p Point, reply *Point) error { *reply = p; return nil }

// ---- Control (one instance per connection) ----------------------------------

type Control struct {
	conn io.Closer // nil on the shared (debug page) server
}

// Exit terminates the server process at once with the given exit code.
func (c *Control) Exit(code int, reply *int) error {
	log.Printf("Control.Exit(%d)", code)
	exitServer(code)
	return nil
}

// CloseConn closes the calling connection; no reply is sent.
func (c *Control) CloseConn(unused int, reply *int) error {
	if c.conn == nil {
		return errors.New("no connection")
	}
	c.conn.Close()
	return errors.New("connection closed")
}

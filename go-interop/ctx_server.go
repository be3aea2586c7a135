package main

// `gointerop ctx-server`: a net/rpc server whose calls have contexts, with the
// cancellation convention of the net/rpc fork github.com/keegancsmith/rpc: a
// client that abandons call Seq sends `_goRPC_.Cancel` with CancelArgs{Seq},
// and the server cancels that call's context. The wire is net/rpc's (gob
// rpc.Request / rpc.Response headers); the stdlib server has no contexts, so
// the loop is written here, on the standard library only.
//
// Services:
//   Ctx.Wait(tag string) string        blocks until its context is cancelled
//                                       (then records tag, replies an error) or 30 s pass
//   Ctx.WasCancelled(tag string) bool  whether Wait(tag) was cancelled, waiting up to 5 s for it
//   Arith.Add(Args) Reply              A+B, after -delay
//   _goRPC_.Cancel(CancelArgs) bool    cancels call Seq of this connection

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/rpc"
	"os"
	"reflect"
	"sync"
	"time"
)

// CancelArgs is the fork's argument of `_goRPC_.Cancel`.
type CancelArgs struct {
	Seq uint64
}

// cancelledTags: per Ctx.Wait tag, a channel closed when that call was cancelled.
var cancelledTags = struct {
	sync.Mutex
	m map[string]chan struct{}
}{m: map[string]chan struct{}{}}

func tagChan(tag string) chan struct{} {
	cancelledTags.Lock()
	defer cancelledTags.Unlock()
	ch, ok := cancelledTags.m[tag]
	if !ok {
		ch = make(chan struct{})
		cancelledTags.m[tag] = ch
	}
	return ch
}

// ctxConn is one connection: its writer and its calls' cancel functions.
type ctxConn struct {
	wmu     sync.Mutex
	enc     *gob.Encoder
	out     *bufio.Writer
	pmu     sync.Mutex
	pending map[uint64]context.CancelFunc
}

func (c *ctxConn) reply(req rpc.Request, body any, errText string) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	resp := rpc.Response{ServiceMethod: req.ServiceMethod, Seq: req.Seq, Error: errText}
	if errText != "" {
		body = struct{}{}
	}
	if err := c.enc.Encode(&resp); err != nil {
		return
	}
	if err := c.enc.Encode(body); err != nil {
		return
	}
	c.out.Flush()
}

// start registers call seq's context before the next request is read, so a
// Cancel that follows always finds it.
func (c *ctxConn) start(parent context.Context, seq uint64) context.Context {
	ctx, cancel := context.WithCancel(parent)
	c.pmu.Lock()
	c.pending[seq] = cancel
	c.pmu.Unlock()
	return ctx
}

func (c *ctxConn) cancel(seq uint64) {
	c.pmu.Lock()
	cancel, ok := c.pending[seq]
	delete(c.pending, seq)
	c.pmu.Unlock()
	if ok {
		cancel()
	}
}

func serveCtxConn(conn net.Conn, delay time.Duration) {
	defer conn.Close()
	base, stop := context.WithCancel(context.Background())
	defer stop()
	dec := gob.NewDecoder(bufio.NewReader(conn))
	out := bufio.NewWriter(conn)
	c := &ctxConn{enc: gob.NewEncoder(out), out: out, pending: map[uint64]context.CancelFunc{}}
	for {
		var req rpc.Request
		if err := dec.Decode(&req); err != nil {
			if err != io.EOF && verbose {
				log.Printf("ctx-server: %v", err)
			}
			return
		}
		switch req.ServiceMethod {
		case "_goRPC_.Cancel":
			var a CancelArgs
			if dec.Decode(&a) != nil {
				return
			}
			c.cancel(a.Seq)
			c.reply(req, true, "")
		case "Ctx.Wait":
			var tag string
			if dec.Decode(&tag) != nil {
				return
			}
			ctx := c.start(base, req.Seq)
			go func() {
				defer c.cancel(req.Seq)
				select {
				case <-ctx.Done():
					if base.Err() == nil { // this call was cancelled, not the connection
						close(tagChan(tag))
					}
					c.reply(req, nil, "context canceled")
				case <-time.After(30 * time.Second):
					c.reply(req, "done", "")
				}
			}()
		case "Ctx.WasCancelled":
			var tag string
			if dec.Decode(&tag) != nil {
				return
			}
			go func() {
				select {
				case <-tagChan(tag):
					c.reply(req, true, "")
				case <-time.After(5 * time.Second):
					c.reply(req, false, "")
				}
			}()
		case "Arith.Add":
			var a Args
			if dec.Decode(&a) != nil {
				return
			}
			go func() {
				time.Sleep(delay)
				c.reply(req, Reply{C: a.A + a.B}, "")
			}()
		default:
			if dec.DecodeValue(reflect.Value{}) != nil { // discards the body
				return
			}
			c.reply(req, nil, "rpc: can't find service "+req.ServiceMethod)
		}
	}
}

func cmdCtxServer(args []string) error {
	fs := flag.NewFlagSet("ctx-server", flag.ExitOnError)
	tcpAddr := fs.String("tcp", "127.0.0.1:0", "TCP listen address")
	delay := fs.Duration("delay", 0, "how long Arith.Add takes")
	lifetime := fs.Duration("lifetime", 10*time.Minute, "exit after this long (0 = never)")
	fs.BoolVar(&verbose, "v", false, "log connection errors to stderr")
	fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("ctx-server: unexpected arguments %q", fs.Args())
	}
	log.SetOutput(os.Stderr)
	log.SetPrefix("gointerop ctx-server: ")
	l, err := net.Listen("tcp", *tcpAddr)
	if err != nil {
		return err
	}
	line, _ := json.Marshal(serverInfo{TCP: l.Addr().String()})
	fmt.Println(string(line))
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	if *lifetime > 0 {
		time.AfterFunc(*lifetime, func() { os.Exit(0) })
	}
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go serveCtxConn(conn, *delay)
	}
}

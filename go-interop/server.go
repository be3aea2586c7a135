package main

// `gointerop server`: the Go net/rpc server used by the Rust side's tests,
// examples and benchmarks. See SERVER.md.

import (
	"crypto/tls"
	"encoding/gob"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/rpc"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// serverInfo is the single JSON line printed on stdout once everything is up.
type serverInfo struct {
	TCP      string   `json:"tcp,omitempty"`
	Unix     string   `json:"unix,omitempty"`
	HTTP     string   `json:"http,omitempty"`
	HTTPPath string   `json:"http_path,omitempty"`
	TLS      string   `json:"tls,omitempty"`
	TLSCA    string   `json:"tls_ca,omitempty"`
	Reverse  []string `json:"reverse,omitempty"`
}

var (
	kvStore = newKVStore() // shared by every connection of the process

	cleanupMu    sync.Mutex
	cleanupFiles []string // removed by exitServer
	verbose      bool
)

func addCleanup(path string) {
	cleanupMu.Lock()
	cleanupFiles = append(cleanupFiles, path)
	cleanupMu.Unlock()
}

// exitServer removes the files the server created and exits the process.
func exitServer(code int) {
	cleanupMu.Lock()
	for _, f := range cleanupFiles {
		os.Remove(f)
	}
	os.Exit(code)
}

// registerServerTypes registers the concrete types Echo.Any accepts in
// AnyHolder.V (int and string are gob builtins already). A registration that
// conflicts with an earlier one is logged, not fatal.
func registerServerTypes() {
	for _, v := range []any{Point{}, int(0), "", []interface{}{}, map[string]interface{}{}} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					log.Printf("gob.Register(%T): %v (ignored)", v, r)
				}
			}()
			gob.Register(v)
		}()
	}
}

// newRPCServer returns an rpc.Server with every service registered, and its
// own Auth and Control instances (conn: the connection Control.CloseConn
// closes; nil for the shared debug-page server).
func newRPCServer(conn io.Closer) *rpc.Server {
	s := rpc.NewServer()
	for _, svc := range []any{
		HelloService{},
		new(Arith),
		BuiltinTypes{},
		kvStore,
		new(Auth),
		Echo{},
		Mismatch{},
		&Control{conn: conn},
	} {
		if err := s.Register(svc); err != nil {
			panic(err)
		}
	}
	return s
}

// serveConn serves one connection with its own rpc.Server (per-connection
// Auth state). Blocks until the client hangs up.
func serveConn(kind string, conn net.Conn) {
	if verbose {
		log.Printf("%s: serving %s", kind, conn.RemoteAddr())
	}
	newRPCServer(conn).ServeConn(conn)
	if verbose {
		log.Printf("%s: done %s", kind, conn.RemoteAddr())
	}
}

func acceptLoop(kind string, l net.Listener) {
	for {
		conn, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Printf("%s: accept: %v", kind, err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go serveConn(kind, conn)
	}
}

// connectHandler is net/rpc's Server.ServeHTTP, byte for byte, except that
// each hijacked connection gets its own rpc.Server. Like Go, bytes the client
// sent after the CONNECT request that the HTTP server already buffered are
// dropped (the hijacked bufio.ReadWriter is ignored).
type connectHandler struct{}

func (connectHandler) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != "CONNECT" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusMethodNotAllowed)
		io.WriteString(w, "405 must CONNECT\n")
		return
	}
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		log.Print("rpc hijacking ", req.RemoteAddr, ": ", err.Error())
		return
	}
	io.WriteString(conn, "HTTP/1.0 200 Connected to Go RPC\n\n")
	serveConn("http", conn)
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func dialRetry(addr string, within time.Duration) (net.Conn, error) {
	deadline := time.Now().Add(within)
	for {
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil || time.Now().After(deadline) {
			return conn, err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func cmdServer(args []string) error {
	fs := flag.NewFlagSet("server", flag.ExitOnError)
	tcpAddr := fs.String("tcp", "127.0.0.1:0", "TCP listen address (\"\" = none)")
	unixPath := fs.String("unix", "", "Unix socket path to listen on (a stale socket there is removed)")
	httpAddr := fs.String("http", "", "HTTP listen address: CONNECT on /_goRPC_ and -http-path, debug page /debug/rpc")
	httpPath := fs.String("http-path", "/custom_rpc", "extra HTTP CONNECT path")
	tlsAddr := fs.String("tls", "", "TLS listen address (gob net/rpc over TLS)")
	tlsCA := fs.String("tls-ca", "", "where to write the generated CA certificate (PEM); default: a temp file, removed at exit")
	var reverse stringList
	fs.Var(&reverse, "reverse", "dial this TCP address and serve net/rpc on that connection (repeatable)")
	reverseCount := fs.Int("reverse-count", 1, "connections dialed per -reverse address")
	lifetime := fs.Duration("lifetime", 10*time.Minute, "exit after this long (0 = never)")
	stdinEOF := fs.Bool("exit-on-stdin-eof", true, "exit when stdin reaches EOF")
	fs.BoolVar(&verbose, "v", false, "log every connection to stderr")
	fs.Parse(args)
	if fs.NArg() > 0 {
		return fmt.Errorf("server: unexpected arguments %q", fs.Args())
	}

	log.SetOutput(os.Stderr)
	log.SetPrefix("gointerop server: ")
	log.SetFlags(log.Lmicroseconds)
	registerServerTypes()

	var info serverInfo
	fail := func(err error) error {
		cleanupMu.Lock()
		for _, f := range cleanupFiles {
			os.Remove(f)
		}
		cleanupMu.Unlock()
		return err
	}

	if *tcpAddr != "" {
		l, err := net.Listen("tcp", *tcpAddr)
		if err != nil {
			return fail(err)
		}
		info.TCP = l.Addr().String()
		go acceptLoop("tcp", l)
	}

	if *unixPath != "" {
		if fi, err := os.Lstat(*unixPath); err == nil && fi.Mode()&os.ModeSocket != 0 {
			os.Remove(*unixPath)
		}
		l, err := net.Listen("unix", *unixPath)
		if err != nil {
			return fail(err)
		}
		addCleanup(*unixPath)
		info.Unix = *unixPath
		go acceptLoop("unix", l)
	}

	if *httpAddr != "" {
		// Debug page: Go's own handler (unexported) via HandleHTTP on a shared
		// server, which registers on http.DefaultServeMux; only /debug/rpc of
		// DefaultServeMux is exposed. Its call counts stay 0: CONNECTs are
		// served by per-connection servers.
		shared := newRPCServer(nil)
		shared.HandleHTTP("/_goRPC_shared_unexposed_", rpc.DefaultDebugPath)
		mux := http.NewServeMux()
		mux.Handle(rpc.DefaultRPCPath, connectHandler{})
		if *httpPath != "" && *httpPath != rpc.DefaultRPCPath {
			if *httpPath == rpc.DefaultDebugPath {
				return fail(fmt.Errorf("server: -http-path must not be %s", rpc.DefaultDebugPath))
			}
			mux.Handle(*httpPath, connectHandler{})
		}
		mux.Handle(rpc.DefaultDebugPath, http.DefaultServeMux)
		l, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			return fail(err)
		}
		info.HTTP = l.Addr().String()
		info.HTTPPath = *httpPath
		srv := &http.Server{Handler: mux, ErrorLog: log.Default()}
		go func() { log.Printf("http: %v", srv.Serve(l)) }()
	}

	if *tlsAddr != "" {
		caPath := *tlsCA
		if caPath == "" {
			caPath = filepath.Join(os.TempDir(), "gointerop-ca-"+strconv.Itoa(os.Getpid())+".pem")
			addCleanup(caPath)
		}
		cfg, err := newTLSConfig(caPath)
		if err != nil {
			return fail(err)
		}
		l, err := net.Listen("tcp", *tlsAddr)
		if err != nil {
			return fail(err)
		}
		info.TLS = l.Addr().String()
		info.TLSCA = caPath
		go acceptLoop("tls", tls.NewListener(l, cfg))
	}

	for _, addr := range reverse {
		for i := 0; i < *reverseCount; i++ {
			conn, err := dialRetry(addr, 3*time.Second)
			if err != nil {
				return fail(fmt.Errorf("server: -reverse %s: %w", addr, err))
			}
			info.Reverse = append(info.Reverse, addr)
			go serveConn("reverse", conn)
		}
	}

	line, err := json.Marshal(info)
	if err != nil {
		return fail(err)
	}
	if _, err := fmt.Println(string(line)); err != nil {
		return fail(err)
	}
	log.Printf("up: %s", line)

	if *stdinEOF {
		go func() {
			io.Copy(io.Discard, os.Stdin)
			log.Print("stdin EOF: exiting")
			exitServer(0)
		}()
	}
	if *lifetime > 0 {
		time.AfterFunc(*lifetime, func() {
			log.Printf("lifetime %v over: exiting", *lifetime)
			exitServer(0)
		})
	}
	select {}
}

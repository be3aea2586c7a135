package main

// `gointerop bench-rpc-client`: Go's side of the end-to-end benchmarks run by the
// gobrpc-bench harness (bench/): Go's net/rpc client doing the same work as the
// Rust client, against the same `gointerop server`, on ONE connection. One JSON
// line on stdout with what it measured (see benchRPCResult); CPU time and peak
// RSS come from getrusage(RUSAGE_SELF), CPU taken over the measured window only.

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/rpc"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type benchRPCResult struct {
	Scenario    string  `json:"scenario"`
	Concurrency int     `json:"concurrency"`
	Calls       int64   `json:"calls"`
	ElapsedNs   int64   `json:"elapsed_ns"`
	CPUUserNs   int64   `json:"cpu_user_ns"`
	CPUSysNs    int64   `json:"cpu_sys_ns"`
	MaxRSSKiB   int64   `json:"max_rss_kib"`
	LatP50Ns    float64 `json:"lat_p50_ns,omitempty"`
	LatP99Ns    float64 `json:"lat_p99_ns,omitempty"`
	LatMeanNs   float64 `json:"lat_mean_ns,omitempty"`
	PayloadSize int64   `json:"payload_bytes,omitempty"`
	// Per round trip of the payload scenario, in seconds.
	RoundTripsS []float64 `json:"round_trips_s,omitempty"`
	// The server process's CPU time over the window (with -server-pid).
	ServerCPUNs int64 `json:"server_cpu_ns,omitempty"`
}

// serverPid is the server process whose CPU time the windows measure too (0: none).
var serverPid int

// procCPUNs is process pid's CPU time so far (user + system, every thread), from
// /proc/PID/stat in clock ticks (USER_HZ, 100 per second on Linux); 0 if unknown.
func procCPUNs(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	// Fields 14 and 15 of proc(5); f starts at field 3.
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0
	}
	return (utime + stime) * int64(time.Second) / 100
}

type rusageSnap struct{ user, sys, maxrss, server int64 }

func takeRusage() rusageSnap {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return rusageSnap{}
	}
	return rusageSnap{
		user:   ru.Utime.Nano(),
		sys:    ru.Stime.Nano(),
		maxrss: int64(ru.Maxrss),
		server: procCPUNs(serverPid),
	}
}

func cmdBenchRPCClient(args []string) error {
	fs := flag.NewFlagSet("bench-rpc-client", flag.ContinueOnError)
	addr := fs.String("addr", "", "the gointerop server's TCP address")
	scenario := fs.String("scenario", "", "latency_seq | throughput | reply")
	conc := fs.Int("concurrency", 1, "concurrent callers on the one connection (throughput)")
	dur := fs.Duration("duration", 2*time.Second, "measured window (latency_seq, throughput)")
	warm := fs.Duration("warmup", 300*time.Millisecond, "unmeasured warm-up before the window")
	size := fs.Int("size", 64<<20, "reply bytes (reply)")
	count := fs.Int("count", 2, "measured round trips (reply)")
	fs.IntVar(&serverPid, "server-pid", 0, "the server's pid: its CPU time over the window is reported too")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *addr == "" {
		return errors.New("bench-rpc-client: -addr is required")
	}
	client, err := rpc.Dial("tcp", *addr)
	if err != nil {
		return err
	}
	defer client.Close()
	var res benchRPCResult
	switch *scenario {
	case "latency_seq":
		res, err = benchRPCLatency(client, *warm, *dur)
	case "throughput":
		res, err = benchRPCThroughput(client, *conc, *warm, *dur)
	case "reply":
		res, err = benchRPCReply(client, *size, *count)
	default:
		return fmt.Errorf("bench-rpc-client: unknown scenario %q", *scenario)
	}
	if err != nil {
		return err
	}
	res.MaxRSSKiB = takeRusage().maxrss
	return json.NewEncoder(os.Stdout).Encode(res)
}

func benchAdd(client *rpc.Client) error {
	var reply Reply
	if err := client.Call("Arith.Add", &Args{A: 7, B: 8}, &reply); err != nil {
		return err
	}
	if reply.C != 15 {
		return fmt.Errorf("Arith.Add(7, 8) = %d", reply.C)
	}
	return nil
}

// One caller, back to back; every call timed.
func benchRPCLatency(client *rpc.Client, warm, dur time.Duration) (benchRPCResult, error) {
	for end := time.Now().Add(warm); time.Now().Before(end); {
		if err := benchAdd(client); err != nil {
			return benchRPCResult{}, err
		}
	}
	lats := make([]float64, 0, 1<<16)
	ru0 := takeRusage()
	start := time.Now()
	end := start.Add(dur)
	for {
		t0 := time.Now()
		if err := benchAdd(client); err != nil {
			return benchRPCResult{}, err
		}
		t1 := time.Now()
		lats = append(lats, float64(t1.Sub(t0).Nanoseconds()))
		if !t1.Before(end) {
			break
		}
	}
	elapsed := time.Since(start)
	ru1 := takeRusage()
	var sum float64
	for _, l := range lats {
		sum += l
	}
	sort.Float64s(lats)
	return benchRPCResult{
		Scenario:    "latency_seq",
		Concurrency: 1,
		Calls:       int64(len(lats)),
		ElapsedNs:   elapsed.Nanoseconds(),
		CPUUserNs:   ru1.user - ru0.user,
		CPUSysNs:    ru1.sys - ru0.sys,
		ServerCPUNs: ru1.server - ru0.server,
		LatP50Ns:    lats[len(lats)/2],
		LatP99Ns:    lats[len(lats)*99/100],
		LatMeanNs:   sum / float64(len(lats)),
	}, nil
}

// conc goroutines calling back to back on the one client; completed calls are
// counted over the window that follows the warm-up.
func benchRPCThroughput(client *rpc.Client, conc int, warm, dur time.Duration) (benchRPCResult, error) {
	var calls atomic.Int64
	var stop atomic.Bool
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if err := benchAdd(client); err != nil {
					errOnce.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				calls.Add(1)
			}
		}()
	}
	time.Sleep(warm)
	ru0 := takeRusage()
	c0 := calls.Load()
	start := time.Now()
	time.Sleep(dur)
	c1 := calls.Load()
	elapsed := time.Since(start)
	ru1 := takeRusage()
	stop.Store(true)
	wg.Wait()
	if firstErr != nil {
		return benchRPCResult{}, firstErr
	}
	return benchRPCResult{
		Scenario:    "throughput",
		Concurrency: conc,
		Calls:       c1 - c0,
		ElapsedNs:   elapsed.Nanoseconds(),
		CPUUserNs:   ru1.user - ru0.user,
		CPUSysNs:    ru1.sys - ru0.sys,
		ServerCPUNs: ru1.server - ru0.server,
	}, nil
}

// benchPayload is what Echo.Fill sends: b[i] = byte(uint32(i)*2654435761>>24).
func benchPayload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(uint32(i) * 2654435761 >> 24)
	}
	return b
}

// Echo.Fill(size) round trips: a size-byte []byte reply to a small request. A small call
// first (the reply header's type definition), then count timed round trips, each reply
// checked.
func benchRPCReply(client *rpc.Client, size, count int) (benchRPCResult, error) {
	var small []byte
	if err := client.Call("Echo.Fill", 3, &small); err != nil {
		return benchRPCResult{}, err
	}
	res := benchRPCResult{Scenario: "reply", Concurrency: 1, PayloadSize: int64(size)}
	ru0 := takeRusage()
	start := time.Now()
	for i := 0; i < count; i++ {
		t0 := time.Now()
		var reply []byte
		if err := client.Call("Echo.Fill", size, &reply); err != nil {
			return benchRPCResult{}, err
		}
		res.RoundTripsS = append(res.RoundTripsS, time.Since(t0).Seconds())
		// Checked byte by byte, as the Rust client does, so that no second copy of the
		// payload counts in this process's peak RSS.
		if len(reply) != size {
			return benchRPCResult{}, errors.New("Echo.Fill: wrong length")
		}
		for i, b := range reply {
			if b != byte(uint32(i)*2654435761>>24) {
				return benchRPCResult{}, errors.New("Echo.Fill: reply differs")
			}
		}
		res.Calls++
	}
	res.ElapsedNs = time.Since(start).Nanoseconds()
	ru1 := takeRusage()
	res.CPUUserNs, res.CPUSysNs = ru1.user-ru0.user, ru1.sys-ru0.sys
	return res, nil
}

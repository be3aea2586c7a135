// goplugin-host is go-plugin's own Go host (plugin.NewClient, Dispense, net/rpc calls on the
// dispensed client) driving our plugin (../goplugin/, "Plugin.Double"), for the plugin-host
// benchmark of the gobrpc-bench harness (bench/src/plugin_bench.rs). It launches the plugin,
// runs one measured scenario and prints one JSON line with the same fields as
// `gointerop bench-rpc-client`: CPU time is this process's getrusage(RUSAGE_SELF) over the
// window (the plugin is a child, not counted), and server_cpu_ns the plugin process's, from
// /proc/PID/stat.
//
//	goplugin-host -plugin PATH -scenario latency_seq|throughput [-concurrency N]
//	              [-duration D] [-warmup D]
//
// Built in GOPATH mode from Debian's golang-github-hashicorp-go-plugin-dev by
// ../build-go-plugin.sh.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/rpc"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

// result has the fields of gointerop's benchRPCResult that these scenarios fill.
type result struct {
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
	ServerCPUNs int64   `json:"server_cpu_ns,omitempty"`
}

// testPlugin is the host's side of the plugin dispensed as "test": the raw *rpc.Client.
type testPlugin struct{}

func (testPlugin) Server(*plugin.MuxBroker) (interface{}, error) {
	return nil, errors.New("host side only")
}

func (testPlugin) Client(_ *plugin.MuxBroker, c *rpc.Client) (interface{}, error) {
	return c, nil
}

// procCPUNs is process pid's CPU time so far (user + system), from /proc/PID/stat.
func procCPUNs(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return (utime + stime) * int64(time.Second) / 100
}

type snap struct{ user, sys, plugin int64 }

func take(pid int) snap {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return snap{ru.Utime.Nano(), ru.Stime.Nano(), procCPUNs(pid)}
}

func (s snap) into(r *result, s0 snap) {
	r.CPUUserNs, r.CPUSysNs, r.ServerCPUNs = s.user-s0.user, s.sys-s0.sys, s.plugin-s0.plugin
}

func double(c *rpc.Client) error {
	var reply int
	if err := c.Call("Plugin.Double", 21, &reply); err != nil {
		return err
	}
	if reply != 42 {
		return fmt.Errorf("Plugin.Double(21) = %d", reply)
	}
	return nil
}

func main() {
	path := flag.String("plugin", "", "the plugin binary (go-interop/bin/gobrpc-test-plugin)")
	scenario := flag.String("scenario", "", "latency_seq | throughput")
	conc := flag.Int("concurrency", 1, "concurrent callers on the dispensed client (throughput)")
	dur := flag.Duration("duration", 2*time.Second, "measured window")
	warm := flag.Duration("warmup", 300*time.Millisecond, "unmeasured warm-up before the window")
	flag.Parse()
	if err := run(*path, *scenario, *conc, *warm, *dur); err != nil {
		fmt.Fprintln(os.Stderr, "goplugin-host:", err)
		os.Exit(1)
	}
}

func run(path, scenario string, conc int, warm, dur time.Duration) error {
	host := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  1,
			MagicCookieKey:   "GOBRPC_TEST_PLUGIN",
			MagicCookieValue: "gobrpc",
		},
		Plugins:          map[string]plugin.Plugin{"test": testPlugin{}},
		Cmd:              exec.Command(path),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolNetRPC},
		Logger:           hclog.NewNullLogger(),
	})
	defer host.Kill()
	proto, err := host.Client()
	if err != nil {
		return err
	}
	raw, err := proto.Dispense("test")
	if err != nil {
		return err
	}
	c := raw.(*rpc.Client)
	pid := host.ReattachConfig().Pid
	var r result
	switch scenario {
	case "latency_seq":
		r, err = latency(c, pid, warm, dur)
	case "throughput":
		r, err = throughput(c, pid, conc, warm, dur)
	default:
		err = fmt.Errorf("unknown scenario %q", scenario)
	}
	if err != nil {
		return err
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	r.MaxRSSKiB = int64(ru.Maxrss)
	return json.NewEncoder(os.Stdout).Encode(r)
}

// One caller, back to back; every call timed.
func latency(c *rpc.Client, pid int, warm, dur time.Duration) (result, error) {
	for end := time.Now().Add(warm); time.Now().Before(end); {
		if err := double(c); err != nil {
			return result{}, err
		}
	}
	lats := make([]float64, 0, 1<<16)
	s0 := take(pid)
	start := time.Now()
	end := start.Add(dur)
	for {
		t0 := time.Now()
		if err := double(c); err != nil {
			return result{}, err
		}
		t1 := time.Now()
		lats = append(lats, float64(t1.Sub(t0).Nanoseconds()))
		if !t1.Before(end) {
			break
		}
	}
	r := result{Scenario: "latency_seq", Concurrency: 1, Calls: int64(len(lats))}
	r.ElapsedNs = time.Since(start).Nanoseconds()
	take(pid).into(&r, s0)
	var sum float64
	for _, l := range lats {
		sum += l
	}
	sort.Float64s(lats)
	r.LatP50Ns, r.LatP99Ns = lats[len(lats)/2], lats[len(lats)*99/100]
	r.LatMeanNs = sum / float64(len(lats))
	return r, nil
}

// conc goroutines calling back to back on the one dispensed client; completed calls are
// counted over the window that follows the warm-up.
func throughput(c *rpc.Client, pid, conc int, warm, dur time.Duration) (result, error) {
	var calls atomic.Int64
	var stop atomic.Bool
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if err := double(c); err != nil {
					once.Do(func() { firstErr = err })
					stop.Store(true)
					return
				}
				calls.Add(1)
			}
		}()
	}
	time.Sleep(warm)
	s0 := take(pid)
	c0 := calls.Load()
	start := time.Now()
	time.Sleep(dur)
	r := result{Scenario: "throughput", Concurrency: conc, Calls: calls.Load() - c0}
	r.ElapsedNs = time.Since(start).Nanoseconds()
	take(pid).into(&r, s0)
	stop.Store(true)
	wg.Wait()
	return r, firstErr
}

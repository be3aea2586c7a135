package main

// `gointerop serve-check`: Go's net/rpc client against `gobrpc serve`.
//
//	gointerop serve-check -write DIR
//	    writes DIR/types.go and DIR/replies.json, the files to start gobrpc serve with
//	gointerop serve-check -addr A [-net tcp|unix] [-http] -record F
//	    calls every method of that replies file (fixed, matched, error and delayed
//	    replies, a call no rule matches, an unknown service and method), checks each
//	    result against what the replies file says, then checks that the record F
//	    (gobrpc serve --record) holds exactly the calls it made, those to names the
//	    file lacks among them.

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"net/rpc"
	"os"
	"path/filepath"
	"reflect"
	"time"
)

// The declarations gobrpc serve is started with (--types).
const serveTypes = `package main

type Order struct {
	Item string
	Qty  int
	Tags []string
}

type Line struct {
	Item  string
	Price float64
}

type Receipt struct {
	ID    int
	Total float64
	Note  string
	Lines []Line
}
`

// The replies file gobrpc serve is started with (--replies).
const serveReplies = `{
  "Shop.Price": {"arg": "Order", "reply": "Receipt", "replies": [
    {"reply": {"ID": 7, "Total": 2.5, "Note": "fixed price",
               "Lines": [{"Item": "pen", "Price": 1.25}, {"Item": "ink", "Price": 1.25}]}}
  ]},
  "Shop.Buy": {"arg": "Order", "reply": "Receipt", "replies": [
    {"args": {"Item": "apple"}, "reply": {"ID": 1, "Total": 0.5}},
    {"args": {"Item": "pear", "Qty": 3}, "reply": {"ID": 2, "Total": 3.75, "Note": "three pears"}},
    {"args": {"Item": "pear"}, "error": "out of pears"},
    {"args": {"Tags": ["a", "b"]}, "reply": {"ID": 4, "Note": "tagged"}},
    {"reply": {"Note": "default"}}
  ]},
  "Shop.Fail": {"arg": "Order", "reply": "Receipt", "replies": [
    {"error": "shop is closed"}
  ]},
  "Shop.Slow": {"arg": "Order", "reply": "Receipt", "replies": [
    {"args": {"Item": "late"}, "error": "too late", "delay_ms": 100},
    {"reply": {"ID": 9}, "delay_ms": 200}
  ]},
  "Shop.Strict": {"arg": "Order", "reply": "Receipt", "replies": [
    {"args": {"Item": "only"}, "reply": {"ID": 1}}
  ]},
  "Counter.Name": {"arg": "int", "reply": "[]string", "replies": [
    {"args": 5, "reply": ["five"]},
    {"reply": ["many", "more"]}
  ]}
}
`

// Go's side of the declarations (gob matches fields by name, not type names).
type serveOrder struct {
	Item string
	Qty  int
	Tags []string
}

type serveLine struct {
	Item  string
	Price float64
}

type serveReceipt struct {
	ID    int
	Total float64
	Note  string
	Lines []serveLine
}

func cmdServeCheck(args []string) error {
	fs := flag.NewFlagSet("serve-check", flag.ExitOnError)
	write := fs.String("write", "", "write types.go and replies.json into this directory, then exit")
	addr := fs.String("addr", "", "gobrpc serve's address (a socket path with -net unix)")
	network := fs.String("net", "tcp", "tcp or unix")
	useHTTP := fs.Bool("http", false, "dial with rpc.DialHTTP")
	record := fs.String("record", "", "the file gobrpc serve --record appends to")
	fs.Parse(args)
	if *write != "" {
		if err := os.WriteFile(filepath.Join(*write, "types.go"), []byte(serveTypes), 0o644); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(*write, "replies.json"), []byte(serveReplies), 0o644)
	}
	var c *rpc.Client
	var err error
	if *useHTTP {
		c, err = rpc.DialHTTP(*network, *addr)
	} else {
		c, err = rpc.Dial(*network, *addr)
	}
	if err != nil {
		return err
	}
	defer c.Close()

	failures := 0
	check := func(name string, problem string) {
		if problem != "" {
			fmt.Printf("FAIL %s: %s\n", name, problem)
			failures++
		} else {
			fmt.Printf("ok %s\n", name)
		}
	}
	// The calls the client made, as Go sent and got them (for the record).
	var calls []tapCall
	var seq uint64
	// call makes one call and says how its result differs from want (a reply value) or
	// wantErr (an error text); it returns how long the call took.
	call := func(name, method string, arg any, reply any, want any, wantErr string) time.Duration {
		start := time.Now()
		err := c.Call(method, arg, reply)
		took := time.Since(start)
		tc := tapCall{method: method, seq: seq, args: json.RawMessage(mustJSON(arg))}
		seq++ // Go's client numbers its calls from 0, one by one
		switch {
		case wantErr != "" && err == nil:
			check(name, fmt.Sprintf("got reply %s, want error %q", mustJSON(reply), wantErr))
		case wantErr != "":
			check(name, diffText(err.Error(), wantErr))
			tc.err = err.Error()
		case err != nil:
			check(name, fmt.Sprintf("got error %q, want %s", err, mustJSON(want)))
			tc.err = err.Error()
		default:
			got := reflect.ValueOf(reply).Elem().Interface()
			if !reflect.DeepEqual(got, want) {
				check(name, fmt.Sprintf("got %#v, want %#v", got, want))
			} else {
				check(name, "")
			}
			tc.reply = json.RawMessage(mustJSON(reply))
		}
		calls = append(calls, tc)
		return took
	}
	order := func(item string, qty int, tags ...string) serveOrder {
		return serveOrder{Item: item, Qty: qty, Tags: tags}
	}
	fixed := serveReceipt{ID: 7, Total: 2.5, Note: "fixed price",
		Lines: []serveLine{{"pen", 1.25}, {"ink", 1.25}}}

	// Fixed: the same reply whatever the arguments.
	call("fixed", "Shop.Price", order("apple", 1), new(serveReceipt), fixed, "")
	call("fixed again", "Shop.Price", order("pear", 2, "x"), new(serveReceipt), fixed, "")
	// Matched: the first rule whose args are a subset of the call's.
	call("matched by one field", "Shop.Buy", order("apple", 5, "red"), new(serveReceipt),
		serveReceipt{ID: 1, Total: 0.5}, "")
	call("matched by two fields", "Shop.Buy", order("pear", 3), new(serveReceipt),
		serveReceipt{ID: 2, Total: 3.75, Note: "three pears"}, "")
	call("matched error", "Shop.Buy", order("pear", 1), new(serveReceipt), nil, "out of pears")
	call("matched by an array", "Shop.Buy", order("plum", 0, "a", "b"), new(serveReceipt),
		serveReceipt{ID: 4, Note: "tagged"}, "")
	call("array of another length does not match", "Shop.Buy", order("fig", 0, "a"), new(serveReceipt),
		serveReceipt{Note: "default"}, "")
	call("default rule", "Shop.Buy", order("fig", 0), new(serveReceipt),
		serveReceipt{Note: "default"}, "")
	// Error.
	call("error", "Shop.Fail", order("x", 1), new(serveReceipt), nil, "shop is closed")
	// Delayed: the reply comes no sooner than the delay (a lower bound the stub promises).
	took := call("delayed reply", "Shop.Slow", order("x", 1), new(serveReceipt), serveReceipt{ID: 9}, "")
	check("delayed reply waits 200ms", lowerBound(took, 200*time.Millisecond))
	took = call("delayed error", "Shop.Slow", order("late", 1), new(serveReceipt), nil, "too late")
	check("delayed error waits 100ms", lowerBound(took, 100*time.Millisecond))
	// No rule matches.
	call("no rule matches", "Shop.Strict", order("other", 1), new(serveReceipt), nil,
		"gobrpc serve: no reply matches the arguments of Shop.Strict")
	call("strict rule matches", "Shop.Strict", order("only", 1), new(serveReceipt), serveReceipt{ID: 1}, "")
	// Builtin types.
	call("builtin matched", "Counter.Name", 5, new([]string), []string{"five"}, "")
	call("builtin default", "Counter.Name", 6, new([]string), []string{"many", "more"}, "")
	// Go's server's errors for what the file does not name (recorded too: the record holds
	// every call the client made).
	call("unknown service", "Nope.Name", 5, new([]string), nil, "rpc: can't find service Nope.Name")
	call("unknown method", "Shop.Nope", order("x", 1), new(serveReceipt), nil, "rpc: can't find method Shop.Nope")
	call("ill-formed name", "NoDot", 5, new([]string), nil, "rpc: service/method request ill-formed: NoDot")

	if *record != "" {
		failures += checkRecord(*record, calls)
	}
	if failures > 0 {
		return fmt.Errorf("%d checks failed", failures)
	}
	return nil
}

func diffText(got, want string) string {
	if got == want {
		return ""
	}
	return fmt.Sprintf("got error %q, want %q", got, want)
}

func lowerBound(took, min time.Duration) string {
	if took < min {
		return fmt.Sprintf("answered after %v, before the %v delay", took, min)
	}
	return ""
}

// checkRecord checks that the record holds one line per call in calls, each with the
// method, seq, args and reply or error Go knows, all on one connection; it returns the
// number of failures.
func checkRecord(path string, calls []tapCall) int {
	failures := 0
	fail := func(format string, a ...any) {
		fmt.Printf("FAIL record: "+format+"\n", a...)
		failures++
	}
	f, err := os.Open(path)
	if err != nil {
		fail("%v", err)
		return failures
	}
	defer f.Close()
	var lines []map[string]json.RawMessage
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var l map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			fail("line %q: %v", sc.Text(), err)
			continue
		}
		lines = append(lines, l)
	}
	if len(lines) != len(calls) {
		fail("%d lines, Go made %d calls", len(lines), len(calls))
	}
	byKey := map[string]map[string]json.RawMessage{}
	conns := map[string]bool{}
	for _, l := range lines {
		var method string
		var seq uint64
		json.Unmarshal(l["method"], &method)
		json.Unmarshal(l["seq"], &seq)
		key := fmt.Sprint(method, "#", seq)
		if byKey[key] != nil {
			fail("two lines for %s", key)
		}
		byKey[key] = l
		conns[string(l["conn"])+" "+string(l["peer"])] = true
		var when time.Time
		if json.Unmarshal(l["time"], &when) != nil {
			fail("%s: time %s", key, l["time"])
		}
	}
	if len(conns) != 1 {
		fail("calls of one client on %d connections: %v", len(conns), conns)
	}
	for _, want := range calls {
		key := fmt.Sprint(want.method, "#", want.seq)
		got, ok := byKey[key]
		if !ok {
			fail("no line for %s", key)
			continue
		}
		// The record has no latency: give compareLine one to ignore.
		got["latency_ns"] = json.RawMessage("0")
		if msg := compareLine(want, got); msg != "" {
			fail("%s: %s", key, msg)
		} else {
			fmt.Printf("ok record %s\n", key)
		}
	}
	if failures == 0 {
		fmt.Printf("ok record: %d lines, exactly the calls made\n", len(lines))
	}
	return failures
}

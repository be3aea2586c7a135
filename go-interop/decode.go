package main

// The Rust->Go checker: `gointerop decode` reads lines "SHAPE HEX" and
// decodes each HEX stream with a fresh gob.Decoder into the shape's Go types.

import (
	"bufio"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/rpc"
	"os"
	"os/exec"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// Shape is a decode target: the Go type(s) values are decoded into. Value i
// of a stream is decoded into Types()[min(i, len-1)].
type Shape struct {
	Name    string
	Group   string
	Setup   func()
	Targets func() []any
}

var (
	shapeMu    sync.Mutex
	shapeIndex map[string]*Shape
)

// extraShapes are decode targets that are not fixture cases.
var extraShapes []*Shape

func addShape(name string, setup func(), targets func() []any) {
	extraShapes = append(extraShapes, &Shape{Name: name, Setup: setup, Targets: targets})
}

func shape1[T any]() func() []any { return func() []any { return []any{new(T)} } }

func init() {
	regDefault := func() {
		gob.Register(Point{})
		gob.Register(AB{})
		gob.Register(Small{})
		gob.Register(Z{})
		gob.Register(IfaceHolder{})
		gob.Register(Inner{})
		gob.Register(WithNested{})
		gob.Register(time.Time{})
		gob.Register(map[string]interface{}{})
		gob.Register([]interface{}{})
		gob.Register(new(big.Int))
	}
	addShape("any", regDefault, shape1[interface{}]())
	addShape("point", regDefault, shape1[Point]())
	addShape("ab", nil, shape1[AB]())
	addShape("node", nil, shape1[Node]())
	addShape("tree", nil, shape1[Tree]())
	addShape("rs", nil, shape1[RS]())
	addShape("rm", nil, shape1[RM]())
	addShape("int8", nil, shape1[int8]())
	addShape("int16", nil, shape1[int16]())
	addShape("int32", nil, shape1[int32]())
	addShape("int64", nil, shape1[int64]())
	addShape("uint8", nil, shape1[uint8]())
	addShape("uint16", nil, shape1[uint16]())
	addShape("uint32", nil, shape1[uint32]())
	addShape("uint64", nil, shape1[uint64]())
	addShape("int", nil, shape1[int]())
	addShape("uint", nil, shape1[uint]())
	addShape("bool", nil, shape1[bool]())
	addShape("float32", nil, shape1[float32]())
	addShape("float64", nil, shape1[float64]())
	addShape("complex64", nil, shape1[complex64]())
	addShape("complex128", nil, shape1[complex128]())
	addShape("string", nil, shape1[string]())
	addShape("bytes", nil, shape1[[]byte]())
	addShape("slice_any", regDefault, shape1[[]interface{}]())
	addShape("slice_point", nil, shape1[[]Point]())
	addShape("slice_ptr_point", nil, shape1[[]*Point]())
	addShape("array_byte4", nil, shape1[[4]byte]())
	addShape("map_string_any", regDefault, shape1[map[string]interface{}]())
	addShape("map_any_int", regDefault, shape1[map[interface{}]int]())
	addShape("map_point_string", nil, shape1[map[Point]string]())
	addShape("struct_uint8_field", nil, shape1[Uint8Field]())
	addShape("iface_holder", regDefault, shape1[IfaceHolder]())
	addShape("two", regDefault, shape1[Two]())
	addShape("time", nil, shape1[time.Time]())
	addShape("time_holder", nil, shape1[TimeHolder]())
	addShape("bigint", nil, shape1[big.Int]())
	addShape("bigrat", nil, shape1[big.Rat]())
	addShape("bigfloat", nil, shape1[big.Float]())
	addShape("big_holder", nil, shape1[BigHolder]())
	addShape("struct_200", nil, func() []any { return []any{reflect.New(struct200()).Interface()} })
	addShape("all_scalars", nil, shape1[AllScalars]())
	addShape("nil_empty", regDefault, shape1[NilEmpty]())
	addShape("kitchen", regDefault, shape1[Kitchen]())
	addShape("only_int", nil, shape1[OnlyInt]())
	addShape("custom_holder", nil, shape1[CustomHolder]())
	addShape("rpc_request", nil, shape1[rpc.Request]())
	addShape("rpc_response", nil, shape1[rpc.Response]())
	// An rpc call/reply pair: header then body.
	addShape("rpc_request_args", nil, func() []any { return []any{new(rpc.Request), new(Args)} })
	addShape("rpc_response_reply", nil, func() []any { return []any{new(rpc.Response), new(Reply)} })
	addShape("iface_ptr_point", func() { gob.Register(&Point{}) }, shape1[IfaceHolder]())
	extraShapes[len(extraShapes)-1].Group = "ptrpoint"
}

// allShapes returns every shape: each positive fixture case plus the extras.
func allShapes() map[string]*Shape {
	shapeMu.Lock()
	defer shapeMu.Unlock()
	if shapeIndex != nil {
		return shapeIndex
	}
	shapeIndex = map[string]*Shape{}
	for _, c := range cases {
		if c.Kind != KindPositive {
			continue
		}
		c := c
		shapeIndex[c.Name] = &Shape{Name: c.Name, Group: c.Group, Setup: c.Setup, Targets: c.targetsFor}
	}
	for _, s := range extraShapes {
		if _, dup := shapeIndex[s.Name]; dup {
			panic("duplicate shape " + s.Name)
		}
		shapeIndex[s.Name] = s
	}
	return shapeIndex
}

func (s *Shape) types() []reflect.Type {
	var out []reflect.Type
	for _, t := range s.Targets() {
		out = append(out, reflect.TypeOf(t).Elem())
	}
	return out
}

type decodedValue struct {
	Gov       string          `json:"gov"`
	JSON      json.RawMessage `json:"json"`
	JSONError string          `json:"json_error,omitempty"`
}

type decodeResult struct {
	Shape  string         `json:"shape"`
	Values []decodedValue `json:"values"`
	Error  string         `json:"error,omitempty"`
}

type listEntry struct {
	Shape  string   `json:"shape"`
	Group  string   `json:"group,omitempty"`
	Types  []string `json:"types"`
	GoType string   `json:"go_type"`
}

func cmdDecode(args []string) error {
	myGroup := ""
	list := false
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-list":
			list = true
		case "-group":
			i++
			myGroup = args[i]
		default:
			return fmt.Errorf("decode: unknown argument %q", args[i])
		}
	}
	shapes := allShapes()
	names := make([]string, 0, len(shapes))
	for n := range shapes {
		names = append(names, n)
	}
	sort.Strings(names)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	if list {
		for _, n := range names {
			s := shapes[n]
			ts := s.types()
			if err := writeLine(out, listEntry{Shape: n, Group: s.Group, Types: typeStrings(ts), GoType: declOf(ts...)}); err != nil {
				return err
			}
		}
		return nil
	}
	// Registrations of this process's group.
	for _, n := range names {
		if s := shapes[n]; s.Group == myGroup && s.Setup != nil {
			s.Setup()
		}
	}
	children := map[string]*child{}
	defer func() {
		for _, c := range children {
			c.close()
		}
	}()
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	for {
		line, err := in.ReadString('\n')
		if line = strings.TrimRight(line, "\r\n"); strings.TrimSpace(line) != "" {
			name, hexs, _ := strings.Cut(strings.TrimSpace(line), " ")
			hexs = strings.TrimSpace(hexs)
			s := shapes[name]
			switch {
			case s == nil:
				if e := writeLine(out, decodeResult{Shape: name, Values: []decodedValue{}, Error: "unknown shape " + name}); e != nil {
					return e
				}
			case s.Group != myGroup:
				if myGroup != "" {
					return fmt.Errorf("shape %s belongs to group %q, not %q", name, s.Group, myGroup)
				}
				c := children[s.Group]
				if c == nil {
					if c, err = startChild(s.Group); err != nil {
						return err
					}
					children[s.Group] = c
				}
				resp, err := c.roundTrip(line)
				if err != nil {
					return err
				}
				out.WriteString(resp)
				out.WriteByte('\n')
			default:
				if e := writeLine(out, decodeLine(s, hexs)); e != nil {
					return e
				}
			}
			if e := out.Flush(); e != nil {
				return e
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func writeLine(w *bufio.Writer, v any) error {
	enc := json.NewEncoder(w) // writes one line, terminated by '\n'
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// decodeLine decodes all values of one hex stream into the shape's types.
func decodeLine(s *Shape, hexs string) (res decodeResult) {
	res = decodeResult{Shape: s.Name, Values: []decodedValue{}}
	data, err := hex.DecodeString(hexs)
	if err != nil {
		res.Error = "bad hex: " + err.Error()
		return
	}
	dec := gob.NewDecoder(strings.NewReader(string(data)))
	for i := 0; ; i++ {
		ts := s.Targets()
		t := ts[min(i, len(ts)-1)]
		err := safeDecode(dec, t)
		if err == io.EOF {
			return
		}
		if err != nil {
			res.Error = err.Error()
			return
		}
		dv := decodedValue{Gov: govTarget(t)}
		if j, err := jsonOf(t); err != nil {
			dv.JSON = json.RawMessage("null")
			dv.JSONError = err.Error()
		} else {
			dv.JSON = j
		}
		res.Values = append(res.Values, dv)
	}
}

func safeDecode(dec *gob.Decoder, t any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return dec.Decode(t)
}

// child is a `gointerop decode -group G` subprocess for shapes whose gob
// registrations conflict with the default group's.
type child struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startChild(group string) (*child, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe, "decode", "-group", group)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	outp, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	return &child{cmd: cmd, in: in, out: bufio.NewReaderSize(outp, 1<<20)}, nil
}

func (c *child) roundTrip(line string) (string, error) {
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		return "", err
	}
	resp, err := c.out.ReadString('\n')
	if err != nil {
		return "", errors.New("decode child: " + err.Error())
	}
	return strings.TrimRight(resp, "\n"), nil
}

func (c *child) close() {
	c.in.Close()
	c.cmd.Wait()
}

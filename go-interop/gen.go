package main

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
)

const (
	maxGoValue = 16 << 10 // longer go_value strings are truncated in fixtures
	maxJSON    = 16 << 10 // longer json values are replaced by null
)

type posJSON struct {
	Name          string            `json:"name"`
	Desc          string            `json:"desc"`
	Kind          string            `json:"kind"`
	Deterministic bool              `json:"deterministic"`
	GoType        string            `json:"go_type"`
	Types         []string          `json:"types"`
	Values        int               `json:"values"`
	Len           int               `json:"len"`
	GoValue       []string          `json:"go_value"`
	JSON          []json.RawMessage `json:"json"`
	JSONError     string            `json:"json_error,omitempty"`
	Truncated     bool              `json:"truncated,omitempty"`
}

type encErrJSON struct {
	Name              string   `json:"name"`
	Desc              string   `json:"desc"`
	Kind              string   `json:"kind"`
	Deterministic     bool     `json:"deterministic"`
	GoType            string   `json:"go_type"`
	Types             []string `json:"types"`
	Values            int      `json:"values"`
	ValuesBeforeError int      `json:"values_before_error"`
	GoError           string   `json:"go_error"`
	Len               int      `json:"len"`
}

type negJSON struct {
	Name              string            `json:"name"`
	Desc              string            `json:"desc"`
	Kind              string            `json:"kind"`
	Target            string            `json:"target"`
	GoError           string            `json:"go_error"`
	ValuesBeforeError int               `json:"values_before_error"`
	AfterError        []string          `json:"after_error,omitempty"`
	GoValue           []string          `json:"go_value"`
	JSON              []json.RawMessage `json:"json"`
	JSONError         string            `json:"json_error,omitempty"`
	Truncated         bool              `json:"truncated,omitempty"`
	GoObserved        string            `json:"go_observed,omitempty"`
	Len               int               `json:"len"`
}

func cmdGen(args []string) error {
	var name, out string
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-case":
			i++
			name = args[i]
		case "-out":
			i++
			out = args[i]
		default:
			return fmt.Errorf("gen: unknown argument %q", args[i])
		}
	}
	c := caseIndex[name]
	if c == nil {
		return fmt.Errorf("gen: unknown case %q", name)
	}
	if out == "" {
		return errors.New("gen: -out DIR required")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if c.Setup != nil {
		c.Setup()
	}
	var stream []byte
	var meta any
	var err error
	switch c.Kind {
	case KindPositive:
		stream, meta, err = genPositive(c)
	case KindEncodeError:
		stream, meta, err = genEncodeError(c)
	case KindNegative, KindLenient:
		stream, meta, err = genNegative(c)
	default:
		err = fmt.Errorf("unknown kind %q", c.Kind)
	}
	if err != nil {
		return fmt.Errorf("case %s: %w", c.Name, err)
	}
	if err := os.WriteFile(filepath.Join(out, c.Name+".gob"), stream, 0o644); err != nil {
		return err
	}
	return writeJSONFile(filepath.Join(out, c.Name+".json"), meta)
}

func writeJSONFile(path string, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// encodeAll encodes the values on one fresh encoder. It returns the bytes
// written, the number of values encoded successfully and the first error.
func encodeAll(vs []any) ([]byte, int, error) {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for i, v := range vs {
		if err := enc.Encode(v); err != nil {
			return buf.Bytes(), i, err
		}
	}
	return buf.Bytes(), len(vs), nil
}

func typeStrings(ts []reflect.Type) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.String()
	}
	return out
}

func genPositive(c *Case) ([]byte, any, error) {
	vs := c.Values()
	stream, _, err := encodeAll(vs)
	if err != nil {
		return nil, nil, fmt.Errorf("encode: %w", err)
	}
	// Determinism self-check: with the type ids now fixed, fresh encoders in
	// this process must reproduce the bytes unless the case contains maps
	// with several entries. For those keep the smallest of several encodings
	// so that regeneration is usually stable too.
	if c.NonDet {
		for i := 0; i < 64; i++ {
			b, _, err := encodeAll(c.Values())
			if err != nil {
				return nil, nil, err
			}
			if bytes.Compare(b, stream) < 0 {
				stream = b
			}
		}
	} else {
		for i := 0; i < 3; i++ {
			b, _, _ := encodeAll(c.Values())
			if !bytes.Equal(b, stream) {
				return nil, nil, errors.New("declared deterministic but re-encoding differs")
			}
		}
	}
	ts := c.targetsFor()
	dv, err := decodeAllInto(stream, ts)
	if err != nil {
		return nil, nil, fmt.Errorf("decode back: %w", err)
	}
	m := &posJSON{
		Name: c.Name, Desc: c.Desc, Kind: c.Kind, Deterministic: !c.NonDet,
		GoType: declOf(c.targetTypes()...), Types: typeStrings(c.targetTypes()),
		Values: len(vs), Len: len(stream),
	}
	m.GoValue, m.JSON, m.JSONError, m.Truncated = reportValues(dv)
	return stream, m, nil
}

// decodeAllInto decodes len(ts) values into the targets with a fresh decoder
// and checks that the stream then ends with io.EOF.
func decodeAllInto(stream []byte, ts []any) ([]any, error) {
	dec := gob.NewDecoder(bytes.NewReader(stream))
	for i, t := range ts {
		if err := dec.Decode(t); err != nil {
			return nil, fmt.Errorf("value %d: %w", i, err)
		}
	}
	var x any
	if err := dec.Decode(&x); err != io.EOF {
		return nil, fmt.Errorf("expected EOF after %d values, got %v", len(ts), err)
	}
	return ts, nil
}

// reportValues renders decoded targets for fixtures (with truncation).
func reportValues(ts []any) (gov []string, js []json.RawMessage, jsErr string, truncated bool) {
	gov = []string{}
	js = []json.RawMessage{}
	for _, t := range ts {
		s := govTarget(t)
		if len(s) > maxGoValue {
			s = fmt.Sprintf("%s…(truncated, %d bytes)", s[:1024], len(s))
			truncated = true
		}
		gov = append(gov, s)
		j, err := jsonOf(t)
		if err != nil {
			if jsErr == "" {
				jsErr = err.Error()
			}
			j = json.RawMessage("null")
		} else if len(j) > maxJSON {
			j = json.RawMessage("null")
			truncated = true
		}
		js = append(js, j)
	}
	return
}

// jsonOf marshals the value a target points to. The pointer itself is
// marshaled so that pointer-receiver MarshalJSON/MarshalText methods (e.g.
// big.Int) are used; HTML escaping is off.
func jsonOf(t any) (json.RawMessage, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(t); err != nil {
		return nil, err
	}
	return json.RawMessage(bytes.TrimRight(buf.Bytes(), "\n")), nil
}

func genEncodeError(c *Case) ([]byte, any, error) {
	vs := c.Values()
	stream, n, err := encodeAll(vs)
	if err == nil {
		return nil, nil, errors.New("expected an encode error, got none")
	}
	var ts []string
	var rts []reflect.Type
	for _, v := range vs {
		if v == nil {
			ts = append(ts, "nil")
			continue
		}
		rts = append(rts, reflect.TypeOf(v))
		ts = append(ts, reflect.TypeOf(v).String())
	}
	m := &encErrJSON{
		Name: c.Name, Desc: c.Desc, Kind: c.Kind, Deterministic: !c.NonDet,
		GoType: declOf(rts...), Types: ts, Values: len(vs),
		ValuesBeforeError: n, GoError: err.Error(), Len: len(stream),
	}
	return stream, m, nil
}

// runDecoder decodes values from b until the first error (io.EOF included)
// and then records up to two further Decode results.
func runDecoder(b []byte, target func() any) (decoded []any, firstErr error, after []string) {
	rd := bytes.NewReader(b)
	dec := gob.NewDecoder(rd)
	next := func() (t any, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		if target == nil {
			var discard any // Decode(nil): discard the value
			return nil, dec.Decode(discard)
		}
		t = target()
		return t, dec.Decode(t)
	}
	for i := 0; i < 10000; i++ {
		t, err := next()
		if err != nil {
			firstErr = err
			break
		}
		decoded = append(decoded, t)
	}
	// After an error (or an io.EOF with input left over) record what the
	// next Decode calls do.
	if firstErr != nil && (firstErr != io.EOF || rd.Len() > 0) {
		for i := 0; i < 2; i++ {
			_, err := next()
			if err == nil {
				after = append(after, "ok")
				continue
			}
			after = append(after, err.Error())
			if err == io.EOF {
				break
			}
		}
	}
	return
}

func genNegative(c *Case) ([]byte, any, error) {
	b := c.Bytes()
	m := &negJSON{Name: c.Name, Desc: c.Desc, Kind: c.Kind, Target: c.TargetS, Len: len(b),
		GoValue: []string{}, JSON: []json.RawMessage{}}
	if c.Observed != nil {
		m.GoObserved = c.Observed()
	}
	if c.NotRun != "" {
		m.GoError = c.NotRun
		return b, m, nil
	}
	decoded, err, after := runDecoder(b, c.Target)
	if err == nil {
		return nil, nil, errors.New("decoder never returned an error")
	}
	m.GoError = err.Error()
	m.ValuesBeforeError = len(decoded)
	m.AfterError = after
	var ts []any
	for _, d := range decoded {
		if d != nil {
			ts = append(ts, d)
		}
	}
	m.GoValue, m.JSON, m.JSONError, m.Truncated = reportValues(ts)
	switch c.Kind {
	case KindNegative:
		if err == io.EOF && len(decoded) > 0 {
			return nil, nil, fmt.Errorf("negative case decoded %d values cleanly", len(decoded))
		}
	case KindLenient:
		if err != io.EOF {
			return nil, nil, fmt.Errorf("lenient case failed: %v", err)
		}
	}
	return b, m, nil
}

// ---- index and truncations -------------------------------------------------

type indexEntry struct {
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	Deterministic bool   `json:"deterministic"`
	Dir           string `json:"dir"`
	Desc          string `json:"desc"`
}

func cmdIndex(args []string) error {
	if len(args) != 2 || args[0] != "-out" {
		return errors.New("usage: index -out FILE")
	}
	var entries []indexEntry
	for _, n := range sortedCaseNames() {
		c := caseIndex[n]
		det := !c.NonDet
		entries = append(entries, indexEntry{Name: c.Name, Kind: c.Kind, Deterministic: det, Dir: c.dir(), Desc: c.Desc})
	}
	return writeJSONFile(args[1], entries)
}

type truncEntry struct {
	Len      int    `json:"len"`
	ValuesOK int    `json:"values_ok"`
	Error    string `json:"error"`
}

// cmdTruncations decodes every proper prefix of selected positive streams.
func cmdTruncations(args []string) error {
	var dir, out string
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "-dir":
			dir = args[i+1]
		case "-out":
			out = args[i+1]
		}
	}
	if dir == "" || out == "" {
		return errors.New("usage: truncations -dir FIXTURE_DIR -out FILE")
	}
	res := map[string][]truncEntry{}
	for _, name := range []string{"two_types_one_stream", "iface_struct_twice", "struct_point_twice", "iface_nested"} {
		c := caseIndex[name]
		if c.Setup != nil {
			c.Setup()
		}
		data, err := os.ReadFile(filepath.Join(dir, name+".gob"))
		if err != nil {
			return err
		}
		var list []truncEntry
		for n := 0; n < len(data); n++ {
			dec := gob.NewDecoder(bytes.NewReader(data[:n]))
			e := truncEntry{Len: n}
			for _, t := range c.targetsFor() {
				if err := dec.Decode(t); err != nil {
					e.Error = err.Error()
					break
				}
				e.ValuesOK++
			}
			list = append(list, e)
		}
		res[name] = list
	}
	return writeJSONFile(out, res)
}

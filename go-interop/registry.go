package main

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"reflect"
	"sort"
)

// Case kinds.
const (
	KindPositive    = "positive"     // Go's encoder output; Go decodes it back
	KindEncodeError = "encode_error" // Go's encoder refuses the value
	KindNegative    = "negative"     // malformed / hostile bytes; Go's decoder errors
	KindLenient     = "lenient"      // hand-made bytes that Go's decoder accepts
)

// Case is one fixture case. Positive and encode_error cases are defined by
// Values (encoded in order on ONE gob.Encoder); negative and lenient cases by
// Bytes plus the decode target.
type Case struct {
	Name   string
	Desc   string
	Kind   string
	NonDet bool // multi-entry maps: Go map iteration order is random

	// Setup performs gob registrations. It runs lazily, inside the case's own
	// process, never in init().
	Setup func()
	// Values returns the values to encode (positive / encode_error).
	Values func() []any
	// Targets optionally returns fresh decode targets (pointers), one per
	// value. Default: derived from Values (see targetsFor).
	Targets func() []any
	// Group is the decode-checker registration group. Shapes whose
	// registrations conflict with the default group (e.g. "*main.Point") are
	// decoded in a child process that only runs that group's Setup.
	Group string

	// Negative / lenient.
	Bytes   func() []byte
	Target  func() any // nil func => Decode(nil)
	TargetS string     // textual description of the target, e.g. "*main.Point"
	NotRun  string     // non-empty: do not run Go's decoder (it would crash)
	// Observed is an optional note recorded as "go_observed".
	Observed func() string
}

var (
	cases     []*Case
	caseIndex = map[string]*Case{}
)

func addCase(c *Case) *Case {
	if _, dup := caseIndex[c.Name]; dup {
		panic("duplicate case " + c.Name)
	}
	cases = append(cases, c)
	caseIndex[c.Name] = c
	return c
}

// opt modifies a case.
type opt func(*Case)

func setup(f func()) opt           { return func(c *Case) { c.Setup = f } }
func nondet() opt                  { return func(c *Case) { c.NonDet = true } }
func targets(f func() []any) opt   { return func(c *Case) { c.Targets = f } }
func group(g string) opt           { return func(c *Case) { c.Group = g } }
func observed(f func() string) opt { return func(c *Case) { c.Observed = f } }

func apply(c *Case, opts []opt) *Case {
	for _, o := range opts {
		o(c)
	}
	return c
}

// pos adds a positive case.
func pos(name, desc string, vals func() []any, opts ...opt) *Case {
	return addCase(apply(&Case{Name: name, Desc: desc, Kind: KindPositive, Values: vals}, opts))
}

// one is a shorthand for a single-value positive case.
func one(name, desc string, val func() any, opts ...opt) *Case {
	return pos(name, desc, func() []any { return []any{val()} }, opts...)
}

// encErr adds an encode_error case.
func encErr(name, desc string, vals func() []any, opts ...opt) *Case {
	return addCase(apply(&Case{Name: name, Desc: desc, Kind: KindEncodeError, Values: vals}, opts))
}

// neg adds a negative case; target nil means Decode(nil).
func neg(name, desc string, b func() []byte, target func() any, targetS string, opts ...opt) *Case {
	return addCase(apply(&Case{Name: name, Desc: desc, Kind: KindNegative, Bytes: b, Target: target, TargetS: targetS}, opts))
}

// lenient adds a lenient case (hand-made bytes Go accepts).
func lenient(name, desc string, b func() []byte, target func() any, targetS string, opts ...opt) *Case {
	return addCase(apply(&Case{Name: name, Desc: desc, Kind: KindLenient, Bytes: b, Target: target, TargetS: targetS}, opts))
}

// vals is a helper to build a Values func from fixed values.
func vals(v ...any) func() []any { return func() []any { return v } }

// val is a helper to build a single-value func.
func val(v any) func() any { return func() any { return v } }

// targetsFor returns fresh decode targets for a positive case: one pointer
// per value. A top-level pointer value *T decodes into a fresh *T (new(T)),
// anything else of type T into a fresh *T as well.
func (c *Case) targetsFor() []any {
	if c.Targets != nil {
		return c.Targets()
	}
	vs := c.Values()
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = newTargetFor(reflect.TypeOf(v)).Interface()
	}
	return out
}

func newTargetFor(t reflect.Type) reflect.Value {
	if t.Kind() == reflect.Pointer {
		return reflect.New(t.Elem())
	}
	return reflect.New(t)
}

// targetTypes returns the element types of the decode targets.
func (c *Case) targetTypes() []reflect.Type {
	ts := c.targetsFor()
	out := make([]reflect.Type, len(ts))
	for i, t := range ts {
		out[i] = reflect.TypeOf(t).Elem()
	}
	return out
}

func (c *Case) dir() string {
	switch c.Kind {
	case KindNegative:
		return "gob-bad"
	case KindLenient:
		return "gob-lenient"
	}
	return "gob"
}

func sortedCaseNames() []string {
	var names []string
	for _, c := range cases {
		names = append(names, c.Name)
	}
	sort.Strings(names)
	return names
}

// ---- byte-building helpers for hand-made streams ---------------------------

func encUint(x uint64) []byte {
	if x < 0x80 {
		return []byte{byte(x)}
	}
	var b [8]byte
	n := 8
	for x > 0 {
		n--
		b[n] = byte(x)
		x >>= 8
	}
	return append([]byte{byte(-(8 - n))}, b[n:]...)
}

func encInt(i int64) []byte {
	var u uint64
	if i < 0 {
		u = uint64(^i)<<1 | 1
	} else {
		u = uint64(i) << 1
	}
	return encUint(u)
}

func encString(s string) []byte { return append(encUint(uint64(len(s))), s...) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// msg frames a payload as a gob message: uint(len) payload.
func msg(payload ...[]byte) []byte {
	p := cat(payload...)
	return cat(encUint(uint64(len(p))), p)
}

func hb(s string) []byte { return mustHex(s) }

// gobBytes encodes the values on one fresh encoder (helper for negative cases
// whose bytes come from Go's encoder).
func gobBytes(vs ...any) []byte {
	var buf bytes.Buffer
	enc := gob.NewEncoder(&buf)
	for _, v := range vs {
		if err := enc.Encode(v); err != nil {
			panic(fmt.Sprintf("gobBytes: %v", err))
		}
	}
	return buf.Bytes()
}

// Wire-type builders (struct encoding of wireType, see spec §1.4).
// commonType: delta 1 Name (if non-empty), delta Id, end.
func wtCommon(name string, id int64) []byte {
	if name == "" {
		return cat([]byte{0x02}, encInt(id), []byte{0x00})
	}
	return cat([]byte{0x01}, encString(name), []byte{0x01}, encInt(id), []byte{0x00})
}

type wField struct {
	name string
	id   int64
}

// typedefStruct returns a complete typedef message for a struct type.
func typedefStruct(id int64, name string, fields ...wField) []byte {
	p := cat(encInt(-id), []byte{0x03, 0x01}, wtCommon(name, id))
	if len(fields) > 0 {
		p = cat(p, []byte{0x01}, encUint(uint64(len(fields))))
		for _, f := range fields {
			p = cat(p, []byte{0x01}, encString(f.name), []byte{0x01}, encInt(f.id), []byte{0x00})
		}
	}
	p = cat(p, []byte{0x00, 0x00})
	return msg(p)
}

func typedefSlice(id int64, name string, elem int64) []byte {
	return msg(encInt(-id), []byte{0x02, 0x01}, wtCommon(name, id), []byte{0x01}, encInt(elem), []byte{0x00, 0x00})
}

func typedefArray(id int64, name string, elem int64, n int) []byte {
	p := cat(encInt(-id), []byte{0x01, 0x01}, wtCommon(name, id), []byte{0x01}, encInt(elem))
	if n != 0 {
		p = cat(p, []byte{0x01}, encInt(int64(n)))
	}
	return msg(p, []byte{0x00, 0x00})
}

func typedefMap(id int64, name string, key, elem int64) []byte {
	return msg(encInt(-id), []byte{0x04, 0x01}, wtCommon(name, id), []byte{0x01}, encInt(key), []byte{0x01}, encInt(elem), []byte{0x00, 0x00})
}

// Builtin type ids.
const (
	tBool   = 1
	tInt    = 2
	tUint   = 3
	tFloat  = 4
	tBytes  = 5
	tString = 6
	tIface  = 8
)

package main

// gov: a deterministic, %#v-like printer.
//
// Output equals fmt.Sprintf("%#v") except:
//   - non-nil pointers are followed and printed as "&" + pointee (fmt prints
//     an address); a nil pointer prints as fmt does: (*T)(nil);
//   - non-composite values held in an interface (and pointees) carry their
//     dynamic type: int(7), int64(7), string("s"), main.Celsius(21.5)
//     (fmt prints a bare 7 / "s"); composite values already show their type;
//   - []byte/[]uint8 always print with their type string ([]uint8{0x1}),
//     nil slices/maps as T(nil), empty ones as T{};
//   - special values: time.Time uses its GoString (time.Date(...)), except
//     that a non-UTC zone prints as time.FixedZone("name", offsetSeconds)
//     instead of time.Location("name"); big.Int
//     prints as big.Int(-1000), big.Rat as big.Rat(1/3), big.Float as
//     big.Float(1.5, prec=53, mode=ToNearestEven, acc=Exact); netip.Addr as
//     netip.MustParseAddr("1.2.3.4") or netip.Addr{};
//   - non-nil chan/func values print as (chan int)(0xPTR).
// Map entries are sorted by key (ints numerically, strings lexically, ...).

import (
	"fmt"
	"math"
	"math/big"
	"net/netip"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"
)

var (
	timeType      = reflect.TypeFor[time.Time]()
	bigIntType    = reflect.TypeFor[big.Int]()
	bigRatType    = reflect.TypeFor[big.Rat]()
	bigFloatType  = reflect.TypeFor[big.Float]()
	netipAddrType = reflect.TypeFor[netip.Addr]()
	goStringerT   = reflect.TypeFor[fmt.GoStringer]()
)

// govTarget prints the value a decode target (a pointer) points to.
func govTarget(target any) string {
	v := reflect.ValueOf(target)
	if !v.IsValid() {
		return "nil"
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	var b strings.Builder
	if v.Kind() == reflect.Interface {
		printIface(&b, v)
	} else {
		printValue(&b, v)
	}
	return b.String()
}

// exported returns a Value usable with Interface() (for values read through
// unexported fields), or ok=false.
func exported(v reflect.Value) (reflect.Value, bool) {
	if v.CanInterface() {
		return v, true
	}
	if v.CanAddr() {
		return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem(), true
	}
	return v, false
}

func isSpecial(t reflect.Type) bool {
	switch t {
	case timeType, bigIntType, bigRatType, bigFloatType, netipAddrType:
		return true
	}
	return false
}

func printSpecial(b *strings.Builder, v reflect.Value) bool {
	t := v.Type()
	if !isSpecial(t) && !t.Implements(goStringerT) {
		return false
	}
	ev, ok := exported(v)
	if !ok {
		return false // read-only, non-addressable: print structurally
	}
	switch t {
	case timeType:
		tm := ev.Interface().(time.Time)
		gs := tm.GoString()
		// GoString prints a fixed zone as time.Location("name"), losing the
		// offset; print time.FixedZone("name", offsetSeconds) instead.
		if i := strings.LastIndex(gs, "time.Location("); i >= 0 {
			name, off := tm.Zone()
			gs = gs[:i] + fmt.Sprintf("time.FixedZone(%q, %d))", name, off)
		}
		b.WriteString(gs)
	case bigIntType:
		x := ev.Interface().(big.Int)
		b.WriteString("big.Int(" + (&x).String() + ")")
	case bigRatType:
		x := ev.Interface().(big.Rat)
		b.WriteString("big.Rat(" + (&x).String() + ")")
	case bigFloatType:
		x := ev.Interface().(big.Float)
		fmt.Fprintf(b, "big.Float(%s, prec=%d, mode=%s, acc=%s)", (&x).Text('g', -1), x.Prec(), x.Mode(), x.Acc())
	case netipAddrType:
		a := ev.Interface().(netip.Addr)
		if !a.IsValid() {
			b.WriteString("netip.Addr{}")
		} else {
			b.WriteString("netip.MustParseAddr(" + strconv.Quote(a.String()) + ")")
		}
	default:
		b.WriteString(ev.Interface().(fmt.GoStringer).GoString())
	}
	return true
}

func isComposite(t reflect.Type) bool {
	if isSpecial(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Array, reflect.Slice, reflect.Map, reflect.Pointer, reflect.Interface,
		reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}

// printTyped prints v with its type when v is not self-describing.
func printTyped(b *strings.Builder, v reflect.Value) {
	if isComposite(v.Type()) {
		if v.Kind() == reflect.Interface {
			printIface(b, v)
			return
		}
		printValue(b, v)
		return
	}
	b.WriteString(v.Type().String())
	b.WriteByte('(')
	printValue(b, v)
	b.WriteByte(')')
}

func printIface(b *strings.Builder, v reflect.Value) {
	if v.IsNil() {
		b.WriteString(v.Type().String() + "(nil)")
		return
	}
	printTyped(b, v.Elem())
}

func printValue(b *strings.Builder, v reflect.Value) {
	if !v.IsValid() {
		b.WriteString("<invalid>")
		return
	}
	if printSpecial(b, v) {
		return
	}
	t := v.Type()
	switch v.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.String:
		b.WriteString(leaf(v))
	case reflect.Pointer:
		if v.IsNil() {
			b.WriteString("(" + t.String() + ")(nil)")
			return
		}
		b.WriteByte('&')
		printTyped(b, v.Elem())
	case reflect.Interface:
		printIface(b, v)
	case reflect.Struct:
		b.WriteString(t.String())
		b.WriteByte('{')
		for i := 0; i < v.NumField(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(t.Field(i).Name)
			b.WriteByte(':')
			printValue(b, v.Field(i))
		}
		b.WriteByte('}')
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			b.WriteString(t.String() + "(nil)")
			return
		}
		b.WriteString(t.String())
		b.WriteByte('{')
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			printValue(b, v.Index(i))
		}
		b.WriteByte('}')
	case reflect.Map:
		if v.IsNil() {
			b.WriteString(t.String() + "(nil)")
			return
		}
		// MapRange (not MapIndex) so that NaN keys keep their values.
		type kv struct {
			k, v reflect.Value
			vs   string
		}
		var entries []kv
		for it := v.MapRange(); it.Next(); {
			var vb strings.Builder
			printValue(&vb, it.Value())
			entries = append(entries, kv{it.Key(), it.Value(), vb.String()})
		}
		sort.SliceStable(entries, func(i, j int) bool {
			if c := compareValues(entries[i].k, entries[j].k); c != 0 {
				return c < 0
			}
			return entries[i].vs < entries[j].vs
		})
		b.WriteString(t.String())
		b.WriteByte('{')
		for i, e := range entries {
			if i > 0 {
				b.WriteString(", ")
			}
			printValue(b, e.k)
			b.WriteByte(':')
			b.WriteString(e.vs)
		}
		b.WriteByte('}')
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		if v.IsNil() {
			b.WriteString("(" + t.String() + ")(nil)")
		} else {
			b.WriteString("(" + t.String() + ")(0xPTR)")
		}
	default:
		b.WriteString("<" + t.String() + ">")
	}
}

// leaf formats a scalar exactly like %#v does, also for values read through
// unexported fields.
func leaf(v reflect.Value) string {
	nv := reflect.New(v.Type()).Elem()
	switch v.Kind() {
	case reflect.Bool:
		nv.SetBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		nv.SetInt(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		nv.SetUint(v.Uint())
	case reflect.Float32, reflect.Float64:
		nv.SetFloat(v.Float())
	case reflect.Complex64, reflect.Complex128:
		nv.SetComplex(v.Complex())
	case reflect.String:
		nv.SetString(v.String())
	}
	// Strip named-type methods (String/GoString/Format) so %#v prints the
	// plain value; named types are shown via printTyped where needed.
	base := reflect.New(basicType(v.Kind())).Elem()
	base.Set(nv.Convert(base.Type()))
	return fmt.Sprintf("%#v", base.Interface())
}

func basicType(k reflect.Kind) reflect.Type {
	switch k {
	case reflect.Bool:
		return reflect.TypeFor[bool]()
	case reflect.Int:
		return reflect.TypeFor[int]()
	case reflect.Int8:
		return reflect.TypeFor[int8]()
	case reflect.Int16:
		return reflect.TypeFor[int16]()
	case reflect.Int32:
		return reflect.TypeFor[int32]()
	case reflect.Int64:
		return reflect.TypeFor[int64]()
	case reflect.Uint:
		return reflect.TypeFor[uint]()
	case reflect.Uint8:
		return reflect.TypeFor[uint8]()
	case reflect.Uint16:
		return reflect.TypeFor[uint16]()
	case reflect.Uint32:
		return reflect.TypeFor[uint32]()
	case reflect.Uint64:
		return reflect.TypeFor[uint64]()
	case reflect.Uintptr:
		return reflect.TypeFor[uintptr]()
	case reflect.Float32:
		return reflect.TypeFor[float32]()
	case reflect.Float64:
		return reflect.TypeFor[float64]()
	case reflect.Complex64:
		return reflect.TypeFor[complex64]()
	case reflect.Complex128:
		return reflect.TypeFor[complex128]()
	case reflect.String:
		return reflect.TypeFor[string]()
	}
	panic("basicType: " + k.String())
}

// compareValues orders map keys deterministically (like internal/fmtsort,
// except that interface keys are ordered by dynamic type string first).
func compareValues(a, b reflect.Value) int {
	if a.Kind() != b.Kind() {
		return strings.Compare(a.Kind().String(), b.Kind().String())
	}
	switch a.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp3(a.Int() < b.Int(), a.Int() > b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp3(a.Uint() < b.Uint(), a.Uint() > b.Uint())
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Float32, reflect.Float64:
		return cmpFloat(a.Float(), b.Float())
	case reflect.Complex64, reflect.Complex128:
		if c := cmpFloat(real(a.Complex()), real(b.Complex())); c != 0 {
			return c
		}
		return cmpFloat(imag(a.Complex()), imag(b.Complex()))
	case reflect.Bool:
		return cmp3(!a.Bool() && b.Bool(), a.Bool() && !b.Bool())
	case reflect.Struct:
		for i := 0; i < a.NumField(); i++ {
			if c := compareValues(a.Field(i), b.Field(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Array:
		for i := 0; i < a.Len(); i++ {
			if c := compareValues(a.Index(i), b.Index(i)); c != 0 {
				return c
			}
		}
		return 0
	case reflect.Interface, reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return cmp3(a.IsNil() && !b.IsNil(), !a.IsNil() && b.IsNil())
		}
		if a.Kind() == reflect.Interface {
			if c := strings.Compare(a.Elem().Type().String(), b.Elem().Type().String()); c != 0 {
				return c
			}
		}
		return compareValues(a.Elem(), b.Elem())
	}
	var sa, sb strings.Builder
	printValue(&sa, a)
	printValue(&sb, b)
	return strings.Compare(sa.String(), sb.String())
}

func cmp3(less, greater bool) int {
	if less {
		return -1
	}
	if greater {
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return -1
	case math.IsNaN(b):
		return 1
	}
	return cmp3(a < b, a > b)
}

// ---- Go declarations ---------------------------------------------------------

// declOf returns Go source text describing the given value types: first the
// type expression of every top-level type that is not a named main type, then
// "type Name <underlying>" for every named main type reachable from them.
func declOf(types ...reflect.Type) string {
	var lines []string
	seenTop := map[reflect.Type]bool{}
	for _, t := range types {
		if seenTop[t] {
			continue
		}
		seenTop[t] = true
		if !isMainNamed(t) {
			lines = append(lines, typeStr(t))
		}
	}
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		if t.Name() != "" && t.PkgPath() != "" && t.PkgPath() != "main" {
			return // foreign named type (time.Time, big.Int, ...)
		}
		if isMainNamed(t) {
			lines = append(lines, "type "+t.Name()+" "+underlying(t)+marshalNote(t))
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Chan:
			walk(t.Elem())
		case reflect.Map:
			walk(t.Key())
			walk(t.Elem())
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type)
			}
		}
	}
	for _, t := range types {
		walk(t)
	}
	return strings.Join(lines, "\n")
}

func isMainNamed(t reflect.Type) bool { return t.Name() != "" && t.PkgPath() == "main" }

func typeStr(t reflect.Type) string { return strings.ReplaceAll(t.String(), "main.", "") }

func underlying(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		if t.NumField() == 0 {
			return "struct{}"
		}
		var fs []string
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous {
				fs = append(fs, typeStr(f.Type))
			} else {
				fs = append(fs, f.Name+" "+typeStr(f.Type))
			}
		}
		return "struct { " + strings.Join(fs, "; ") + " }"
	case reflect.Slice:
		return "[]" + typeStr(t.Elem())
	case reflect.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), typeStr(t.Elem()))
	case reflect.Map:
		return "map[" + typeStr(t.Key()) + "]" + typeStr(t.Elem())
	case reflect.Pointer:
		return "*" + typeStr(t.Elem())
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "interface{}"
		}
	}
	return t.Kind().String()
}

func marshalNote(t reflect.Type) string {
	var notes []string
	pt := reflect.PointerTo(t)
	has := func(name string) bool {
		_, a := t.MethodByName(name)
		_, b := pt.MethodByName(name)
		return a || b
	}
	if has("GobEncode") {
		notes = append(notes, "GobEncoder")
	}
	if has("MarshalBinary") {
		notes = append(notes, "BinaryMarshaler")
	}
	if has("MarshalText") {
		notes = append(notes, "TextMarshaler")
	}
	if len(notes) == 0 {
		return ""
	}
	return " // implements " + strings.Join(notes, ", ")
}

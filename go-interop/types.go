package main

// All Go types used by the fixture cases and by the decode checker.
// They live in package main so that gob.Register names are "main.Point" etc.
// No gob registration happens here: cases register what they need lazily
// (see Case.Setup), because Go assigns type ids per process.

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// ---- types from the spec's Appendix A -------------------------------------

type Point struct{ X, Y int }

type AB struct{ A, B int }

type Unexp struct {
	A int
	b int
	C string
}

type Inner struct{ X int }

type Outer struct {
	Inner
	Y int
}

type OuterPtr struct {
	*Inner
	Y int
}

type inner struct{ X int }

type UnexpEmb struct {
	inner
	Y int
}

type WithNested struct {
	S Inner
	N int
}

type WithNestedPtr struct {
	S *Inner
	N int
}

type Ptrs struct {
	P  *int
	PP **int
	S  *string
}

type Sizes struct {
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	UP  uintptr
	F32 float32
	C64 complex64
}

type Floats struct{ F float64 }

type ChanFunc struct {
	A int
	C chan int
	F func()
	P *chan int
}

type SliceHolder struct {
	S []int
	B []byte
	M map[string]int
}

type ArrHolder struct {
	Z [0]int
	A [2]int
}

type ByteArr struct{ A [3]byte }

type Uni struct {
	Ä int
	ä int
}

type Node struct {
	Val  int
	Next *Node
}

type RS []RS

type RM map[string]RM

type IfaceHolder struct{ I interface{} }

type Two struct {
	I interface{}
	N int
}

type Small struct {
	A int
	B string
}

type Z struct{}

type TimeHolder struct {
	T time.Time
	N int
}

type BigHolder struct {
	V big.Int
	P *big.Int
}

// TextOnly implements only encoding.TextMarshaler, which gob ignores.
type TextOnly struct{ v int }

func (t TextOnly) MarshalText() ([]byte, error) { return []byte(strconv.Itoa(t.v)), nil }

type TextHolder struct {
	T TextOnly
	N int
}

type rpcRequest struct {
	ServiceMethod string
	Seq           uint64
}

type BytesT []byte

// ---- additional types ------------------------------------------------------

type Celsius float64

type Name string

type IDs []int

type Table map[string]int

type L1 struct {
	A  int
	L2 L2
}

type L2 struct {
	B  string
	L3 L3
}

type L3 struct {
	C  bool
	L4 L4
}

type L4 struct {
	D  float64
	L5 L5
}

type L5 struct{ E []int }

type AllScalars struct {
	Bool       bool
	Int        int
	Int8       int8
	Int16      int16
	Int32      int32
	Int64      int64
	Uint       uint
	Uint8      uint8
	Uint16     uint16
	Uint32     uint32
	Uint64     uint64
	Uintptr    uintptr
	Float32    float32
	Float64    float64
	Complex64  complex64
	Complex128 complex128
	String     string
	Bytes      []byte
}

// PointYX has Point's fields in the opposite order.
type PointYX struct{ Y, X int }

type PPHolder struct {
	P **Point
	N int
}

type Tree struct {
	Val  int
	Kids []*Tree
}

type MutA struct {
	N int
	B *MutB
}

type MutB struct {
	S string
	A *MutA
}

type NilEmpty struct {
	S  []string
	M  map[string]int
	P  *int
	I  interface{}
	B  []byte
	SP []*Point
}

type BytesKinds struct {
	B []byte
	U []uint8
	A [4]byte
	N BytesT
	I []int8
}

type IfaceSlice struct{ L []interface{} }

type IfaceArr struct{ A [2]interface{} }

type IfaceMap struct{ M map[string]interface{} }

type NetipHolder struct {
	A netip.Addr
	N int
}

type TimeColl struct {
	S []time.Time
	M map[string]time.Time
	P *time.Time
}

type Args struct{ A, B int }

type Reply struct{ C int }

type ET2 struct{ X string }

type DeepNode struct{ Next *DeepNode }

type Int8Field struct{ A int8 }

type Uint8Field struct{ A uint8 }

type Float32Field struct{ F float32 }

type StructKeyVal struct {
	M map[Point]AB
	L []AB
	A [2]Small
}

// Temp is a custom GobEncoder/GobDecoder: wire payload is the text "T:<milli>".
type Temp struct{ milli int64 }

func (t Temp) GobEncode() ([]byte, error) { return []byte("T:" + strconv.FormatInt(t.milli, 10)), nil }

func (t *Temp) GobDecode(b []byte) error {
	s, ok := strings.CutPrefix(string(b), "T:")
	if !ok {
		return errors.New("Temp: bad prefix")
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	t.milli = n
	return nil
}

// Version is a custom BinaryMarshaler: wire payload is 4 bytes big-endian major, minor.
type Version struct{ major, minor uint16 }

func (v Version) MarshalBinary() ([]byte, error) {
	b := make([]byte, 4)
	binary.BigEndian.PutUint16(b, v.major)
	binary.BigEndian.PutUint16(b[2:], v.minor)
	return b, nil
}

func (v *Version) UnmarshalBinary(b []byte) error {
	if len(b) != 4 {
		return fmt.Errorf("Version: want 4 bytes, got %d", len(b))
	}
	v.major = binary.BigEndian.Uint16(b)
	v.minor = binary.BigEndian.Uint16(b[2:])
	return nil
}

// Both implements GobEncoder and BinaryMarshaler; gob prefers GobEncoder.
type Both struct{ n int }

func (b Both) GobEncode() ([]byte, error)     { return []byte("gob" + strconv.Itoa(b.n)), nil }
func (b Both) MarshalBinary() ([]byte, error) { return []byte("bin" + strconv.Itoa(b.n)), nil }
func (b *Both) GobDecode(p []byte) error {
	n, err := strconv.Atoi(strings.TrimPrefix(string(p), "gob"))
	b.n = n
	return err
}
func (b *Both) UnmarshalBinary(p []byte) error {
	n, err := strconv.Atoi(strings.TrimPrefix(string(p), "bin"))
	b.n = n
	return err
}

type CustomHolder struct {
	T Temp
	V Version
	P *Temp
	N int
}

// Rec is the TestBadRecursiveType shape.
type Rec ***Rec

type NoExported struct{ a, b int }

// StringerHolder's interface field only accepts fmt.Stringer values.
type StringerHolder struct{ I fmt.Stringer }

// Kitchen has a field of every wire kind; decoded into OnlyInt every field
// but Int goes through Go's ignore engines.
type Kitchen struct {
	Int  int
	S    []string
	M    map[string][]int
	A    [2]Point
	I    interface{}
	T    time.Time
	B    []byte
	P    *Point
	N    Node
	C    complex128
	F    float64
	Str  string
	Nest IfaceHolder
	V    Version
	Big  *big.Int
}

type OnlyInt struct{ Int int }

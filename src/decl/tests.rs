use super::*;
use crate::value::TypeTable;
use crate::wire::{CommonType, FieldType, MarshalerKind, TypeId, WireType};

fn decls(src: &str) -> Decls {
    Decls::parse(src).unwrap_or_else(|e| panic!("{e}\n{src}"))
}

/// The error of parsing `src` and resolving every declaration in it.
fn err(src: &str) -> String {
    match Decls::parse(src) {
        Ok(mut d) => d.resolve_all().unwrap_err().to_string(),
        Err(e) => e.to_string(),
    }
}

fn kind(src: &str, name: &str) -> Kind {
    let mut d = decls(src);
    let t = d.lookup(name).unwrap();
    d.kind(t).clone()
}

fn string_of(d: &mut Decls, expr: &str) -> String {
    let t = d.lookup(expr).unwrap();
    d.type_string(t).to_string()
}

fn common(name: &str, id: i32) -> CommonType {
    CommonType {
        name: name.into(),
        id,
    }
}

fn field(name: &str, id: i32) -> FieldType {
    FieldType {
        name: name.into(),
        id: TypeId(id),
    }
}

/// The table as (id, definition) pairs in id order.
fn defs(t: &TypeTable) -> Vec<(i32, WireType)> {
    t.ids()
        .into_iter()
        .map(|id| (id.0, t.get(id).unwrap().clone()))
        .collect()
}

fn table(src: &str, root: &str) -> (Vec<(i32, WireType)>, i32) {
    let (t, id) = decls(src).table_for(root).unwrap_or_else(|e| panic!("{e}"));
    (defs(&t), id.0)
}

#[test]
fn basic_types_and_aliases() {
    let src = "package main\n\ntype (\n\tB byte\n\tR rune\n\tA = int64\n\tE error\n\tAny any\n)\n";
    assert_eq!(kind(src, "B"), Kind::Uint(UintKind::Uint8));
    assert_eq!(kind(src, "R"), Kind::Int(IntKind::Int32));
    assert_eq!(kind(src, "A"), Kind::Int(IntKind::Int64));
    assert_eq!(kind(src, "E"), Kind::Interface { empty: false });
    assert_eq!(kind(src, "Any"), Kind::Interface { empty: true });
    let mut d = decls(src);
    assert_eq!(d.lookup("A").unwrap(), d.lookup("int64").unwrap());
    assert_eq!(string_of(&mut d, "[]byte"), "[]uint8");
    assert_eq!(string_of(&mut d, "map[rune]any"), "map[int32]interface {}");
    for b in [
        "bool",
        "string",
        "int",
        "int8",
        "int16",
        "int32",
        "int64",
        "uint",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "uintptr",
        "float32",
        "float64",
        "complex64",
        "complex128",
    ] {
        assert_eq!(string_of(&mut d, b), b);
    }
    assert_eq!(
        d.lookup("C").unwrap_err().to_string(),
        "undefined: C (declared: B, R, E, Any)"
    );
}

#[test]
fn composite_types_and_spelling() {
    let src = r#"
package shapes

import (
	"time"
	mb "math/big"
)

// A point.
type P struct {
	X, Y int `json:"x"`
	/* an embedded type */ *Inner
	time.Time
	note string
	Ch   chan<- int
	F    func(a int, b ...string) (bool, error)
	M    map[string][]*P
	A    [0x10]byte
	I    interface{ String() string }
	N    *mb.Int
	D    time.Duration
	R    <-chan []int
}
type Inner struct{ V float64 }
"#;
    let mut d = decls(src);
    let p = d.lookup("P").unwrap();
    assert_eq!(d.type_string(p), "shapes.P");
    let Kind::Struct(fields) = d.kind(p).clone() else {
        panic!()
    };
    let names: Vec<_> = fields
        .iter()
        .map(|f| (f.name.as_str(), f.embedded))
        .collect();
    assert_eq!(
        names,
        [
            ("X", false),
            ("Y", false),
            ("Inner", true),
            ("Time", true),
            ("note", false),
            ("Ch", false),
            ("F", false),
            ("M", false),
            ("A", false),
            ("I", false),
            ("N", false),
            ("D", false),
            ("R", false)
        ]
    );
    assert_eq!(fields[0].json_name(), Some("x"));
    let s: Vec<_> = fields
        .iter()
        .map(|f| d.type_string(f.ty).to_string())
        .collect();
    assert_eq!(s[2], "*shapes.Inner");
    assert_eq!(s[3], "time.Time");
    assert_eq!(s[5], "chan<- int");
    assert_eq!(s[6], "func(a int, b ...string) (bool, error)");
    assert_eq!(s[7], "map[string][]*shapes.P");
    assert_eq!(s[8], "[16]uint8");
    assert_eq!(s[9], "interface { String() string }");
    assert_eq!(s[10], "*big.Int");
    assert_eq!(s[11], "time.Duration");
    assert_eq!(s[12], "<-chan []int");
    assert_eq!(d.kind(fields[11].ty), &Kind::Int(IntKind::Int64));
    assert!(!fields[4].exported());
    assert_eq!(
        string_of(
            &mut d,
            "struct { A int \"json:\\\"a\\\"\"; Inner; b string }"
        ),
        "struct { A int \"json:\\\"a\\\"\"; shapes.Inner; b string }"
    );
    assert_eq!(string_of(&mut d, "struct{}"), "struct {}");
    // The package's own qualifier, and "main.", name declared types.
    assert_eq!(d.lookup("shapes.P").unwrap(), p);
    assert_eq!(d.lookup("main.P").unwrap(), p);
}

#[test]
fn recursive_types_and_skipped_declarations() {
    let src = r#"
package main

import "fmt"

const N = 3
const (
	M int = 0b101
	K     = iota
)

var x = map[string]int{"a": 1}

func (p *Node) String() string { return fmt.Sprint(p.Val, '}', "}") }

type Node struct {
	Val  int
	Next *Node
	Kids []Node
	Arr  [N]*Node
	Five [M]int
}
type RS []RS
type RM map[string]RM
type L []S
type S struct{ L L }
func main() {}
"#;
    let mut d = decls(src);
    let n = d.lookup("Node").unwrap();
    let Kind::Struct(f) = d.kind(n).clone() else {
        panic!()
    };
    assert_eq!(d.kind(f[1].ty), &Kind::Pointer(n));
    assert_eq!(d.type_string(f[3].ty), "[3]*main.Node");
    assert_eq!(d.type_string(f[4].ty), "[5]int");
    let rs = d.lookup("RS").unwrap();
    assert_eq!(d.kind(rs), &Kind::Slice(rs));
}

#[test]
fn declaration_errors_name_line_and_column() {
    let cases = [
        (
            "type T struct {\n\tA int\n\tB []}\n",
            "line 3, column 6: expected type, found '}'",
        ),
        (
            "type T struct {\n\tA int\n\tB }\n",
            "line 3, column 2: undefined: B",
        ),
        (
            "type T struct { A int; B string; }\ntype U [3]Missing\n",
            "line 2, column 11: undefined: Missing",
        ),
        (
            "type T = U\ntype U = T\n",
            "line 1, column 6: invalid recursive type alias T",
        ),
        (
            "type A B\ntype B A\n",
            "line 1, column 6: invalid recursive type A",
        ),
        (
            "type T struct { A int; T }\n",
            "line 1, column 6: invalid recursive type T",
        ),
        (
            "type T [2]struct{ U T }\n",
            "line 1, column 6: invalid recursive type T",
        ),
        (
            "type T int\ntype T string\n",
            "line 2, column 6: T redeclared",
        ),
        (
            "type T struct {\n  A int\n  A string\n}",
            "line 3, column 3: A redeclared",
        ),
        (
            "type T foo.Bar",
            "line 1, column 8: unknown type foo.Bar (known: time.Time, time.Duration, big.Int)",
        ),
        (
            "type T [N]int",
            "line 1, column 9: array length N: not an integer constant declared in the file",
        ),
        (
            "type T [...]int",
            "line 1, column 9: array length [...] is only allowed in composite literals",
        ),
        (
            "type List[T any] struct{}",
            "line 1, column 10: generic type List is not supported (declare a concrete type)",
        ),
        (
            "type T map[string",
            "line 1, column 18: expected ']' after map key type, found newline or ';'",
        ),
        (
            "type T \"x\"",
            "line 1, column 8: expected type, found \"x\"",
        ),
        (
            "type T struct { A int /* open",
            "line 1, column 23: comment not terminated",
        ),
        (
            "type T struct { A int `json",
            "line 1, column 23: raw string literal not terminated",
        ),
        ("type T int @", "line 1, column 12: invalid character '@'"),
        (
            "x := 5",
            "line 1, column 1: expected declaration, found 'x'",
        ),
        (
            "package",
            "line 1, column 8: expected package name, found newline or ';'",
        ),
        (
            "type T int int",
            "line 1, column 12: expected newline or ';' after declaration, found 'int'",
        ),
        (
            "type (\n  A int\n  B\n)",
            "line 3, column 4: expected type, found newline or ';'",
        ),
    ];
    for (src, want) in cases {
        assert_eq!(err(src), want, "{src}");
    }
}

#[test]
fn lookup_errors() {
    let mut d = decls("type Point struct{ X int }\ntype Line []Point");
    let e = |d: &mut Decls, s: &str| d.lookup(s).unwrap_err().to_string();
    assert_eq!(
        e(&mut d, "Pointt"),
        "undefined: Pointt (declared: Point, Line)"
    );
    assert_eq!(
        e(&mut d, "[]Point]"),
        "column 8 of `[]Point]`: expected end of type, found ']'"
    );
    assert_eq!(
        e(&mut d, "map[int]"),
        "column 9 of `map[int]`: expected type, found end of input"
    );
    assert_eq!(
        e(&mut d, "[]Pointt"),
        "column 3 of `[]Pointt`: undefined: Pointt (declared: Point, Line)"
    );
    assert!(d.lookup("map[string][]*main.Point").is_ok());
}

#[test]
fn ids_in_go_order() {
    // Slices, arrays and maps get their ids after their elements; structs before fields.
    let (t, id) = table("", "[][]int");
    assert_eq!(id, 65);
    assert_eq!(
        t,
        [
            (
                64,
                WireType::Slice {
                    common: common("", 64),
                    elem: TypeId::INT
                }
            ),
            (
                65,
                WireType::Slice {
                    common: common("", 65),
                    elem: TypeId(64)
                }
            ),
        ]
    );
    let (t, id) = table(
        "type Outer struct { Inner; Y int }\ntype Inner struct { X int }",
        "Outer",
    );
    assert_eq!(id, 64);
    assert_eq!(
        t,
        [
            (
                64,
                WireType::Struct {
                    common: common("Outer", 64),
                    fields: vec![field("Inner", 65), field("Y", 2)]
                }
            ),
            (
                65,
                WireType::Struct {
                    common: common("Inner", 65),
                    fields: vec![field("X", 2)]
                }
            ),
        ]
    );
    // Slice elements are named by Elem().Name() without dereferencing: []*Point names Point "".
    let (t, id) = table("type Point struct { X, Y int }", "[]*Point");
    assert_eq!(id, 65);
    assert_eq!(t[0].1.name(), "");
    assert_eq!(
        t[1].1,
        WireType::Slice {
            common: common("", 65),
            elem: TypeId(64)
        }
    );
    let (t, _) = table("type Point struct { X, Y int }", "[]Point");
    assert_eq!(t[0].1.name(), "Point");
    // Struct fields are named by Name(), else String(); array and map parts "".
    let (t, _) = table(
        "type H struct { A [2]P; M map[P][]int; S []*P; B []byte; Q *P }\ntype P struct{ X int }",
        "H",
    );
    let names: Vec<(i32, String)> = t.iter().map(|(i, w)| (*i, w.name().to_string())).collect();
    assert_eq!(
        names,
        [
            (64, "H".into()),
            (65, "".into()),
            (66, "[2]main.P".into()),
            (67, "".into()),
            (68, "map[main.P][]int".into()),
            (69, "[]*main.P".into())
        ]
    );
    assert_eq!(
        t[0].1,
        WireType::Struct {
            common: common("H", 64),
            fields: vec![
                field("A", 66),
                field("M", 68),
                field("S", 69),
                field("B", 5),
                field("Q", 65)
            ]
        }
    );
}

#[test]
fn mutual_recursion_fixes_ids_like_go() {
    // L is built first but S (a struct) takes its id first; L's id is fixed up from S's field.
    let (t, id) = table("type L []S\ntype S struct{ L L }", "L");
    assert_eq!(id, 65);
    assert_eq!(
        t,
        [
            (
                64,
                WireType::Struct {
                    common: common("S", 64),
                    fields: vec![field("L", 65)]
                }
            ),
            (
                65,
                WireType::Slice {
                    common: common("L", 65),
                    elem: TypeId(64)
                }
            ),
        ]
    );
    let (t, _) = table("type RS []RS", "RS");
    assert_eq!(
        t,
        [(
            64,
            WireType::Slice {
                common: common("RS", 64),
                elem: TypeId(64)
            }
        )]
    );
}

#[test]
fn fields_gob_does_not_send() {
    let (t, _) = table(
        "type T struct { A int; b int; C chan int; F func(); P *chan int; inner; Z string }\ntype inner struct{ Q int }",
        "T",
    );
    assert_eq!(
        t,
        [(
            64,
            WireType::Struct {
                common: common("T", 64),
                fields: vec![field("A", 2), field("Z", 6)]
            }
        )]
    );
}

#[test]
fn marshalers_and_their_quirks() {
    let gob = |name: &str, id: i32| WireType::Marshaler {
        common: common(name, id),
        kind: MarshalerKind::Gob,
    };
    assert_eq!(table("", "time.Time"), (vec![(64, gob("Time", 64))], 64));
    // Encode(&t): the definition of 64 carries the id of *time.Time, 65, and no name.
    assert_eq!(table("", "*time.Time"), (vec![(64, gob("", 65))], 64));
    assert_eq!(table("", "*big.Int"), (vec![(64, gob("", 65))], 64));
    let (t, _) = table("type H struct { V big.Int; P *big.Int }", "H");
    assert_eq!(t[1], (65, gob("Int", 65)));
    // First met through a pointer field, time.Time is defined with a nameless second id.
    let (t, _) = table("type H struct { P *time.Time; T time.Time }", "H");
    assert_eq!(t[1], (65, gob("", 66)));
    // A type defined from time.Time has none of its methods.
    let mut d = decls("type MyTime time.Time");
    assert_eq!(
        d.table_for("MyTime").unwrap_err().to_string(),
        "gob: type main.MyTime has no exported fields"
    );
    let mut enc = |s: &str| {
        let t = d.lookup(s).unwrap();
        d.is_gob_encoder(t)
    };
    assert!(enc("**time.Time") && enc("big.Int") && enc("*big.Int") && enc("**big.Int"));
    assert!(!enc("[]time.Time") && !enc("MyTime"));
}

#[test]
fn types_gob_cannot_send() {
    let mut d = decls("type NoExp struct { a, b int }\ntype Rec ***Rec\ntype C struct { L []chan int }\ntype E struct{}");
    let e = |d: &mut Decls, s: &str| d.table_for(s).unwrap_err().to_string();
    assert_eq!(
        e(&mut d, "NoExp"),
        "gob: type main.NoExp has no exported fields"
    );
    assert_eq!(
        e(&mut d, "[]NoExp"),
        "gob: type main.NoExp has no exported fields"
    );
    assert_eq!(
        e(&mut d, "Rec"),
        "gob: can't represent recursive pointer type main.Rec"
    );
    assert_eq!(e(&mut d, "chan int"), "gob: type chan int cannot be sent (channels and functions are only skipped as struct fields)");
    assert_eq!(e(&mut d, "C"), "gob: type chan int cannot be sent (channels and functions are only skipped as struct fields)");
    // An empty struct is fine; so is an interface holding anything.
    assert!(d.table_for("E").is_ok());
    assert_eq!(d.table_for("interface{}").unwrap().1, TypeId::INTERFACE);
    assert_eq!(d.table_for("[]byte").unwrap().1, TypeId::BYTES);
}

#[test]
fn lexer_details() {
    // Semicolons at line ends; comments as whitespace; strings with escapes in tags.
    let src = "type T struct { A int \"json:\\\"a\\u00e9\\\"\" // c\n B /* x */ int; C uint8 `x:\"y\"`\n}\r\n";
    let mut d = decls(src);
    let t = d.lookup("T").unwrap();
    let Kind::Struct(f) = d.kind(t) else { panic!() };
    assert_eq!(f[0].tag.as_deref(), Some("json:\"aé\""));
    assert_eq!(f[0].json_name(), Some("aé"));
    assert_eq!(f[2].tag.as_deref(), Some("x:\"y\""));
    assert_eq!(f[2].json_name(), None);
    assert_eq!(lexer::int_literal("1_000"), Some(1000));
    assert_eq!(lexer::int_literal("0o17"), Some(15));
    assert_eq!(lexer::int_literal("017"), Some(15));
    assert_eq!(lexer::int_literal("0b11"), Some(3));
    assert_eq!(lexer::int_literal("0x"), None);
    // Unicode identifiers; exported when upper case.
    let mut d = decls("type Uni struct { Ä int; ä int }");
    let t = d.lookup("Uni").unwrap();
    let Kind::Struct(f) = d.kind(t) else { panic!() };
    assert!(f[0].exported() && !f[1].exported());
}

#[test]
fn nesting_limits_give_errors_not_stack_overflows() {
    let deep = format!("type T {}int", "[]".repeat(MAX_NEST + 10));
    assert_eq!(
        err(&deep),
        format!(
            "line 1, column {}: type nested too deeply",
            8 + 2 * MAX_NEST
        )
    );
    let chain: String = (0..MAX_DEPTH + 10)
        .map(|i| format!("type A{i} A{}\n", i + 1))
        .collect();
    assert!(err(&format!("{chain}type A{} int", MAX_DEPTH + 10))
        .ends_with("type declarations nested too deeply"));
    let alias: String = (0..MAX_DEPTH + 10)
        .map(|i| format!("type A{i} = A{}\n", i + 1))
        .collect();
    assert!(err(&format!("{alias}type A{} int", MAX_DEPTH + 10))
        .ends_with("type declarations nested too deeply"));
    let fields: String = (0..MAX_DEPTH + 10)
        .map(|i| format!("type S{i} struct {{ X S{} }}\n", i + 1))
        .collect();
    assert_eq!(
        err(&format!("{fields}type S{} struct{{}}", MAX_DEPTH + 10)),
        "line 1, column 6: type nested too deeply S0"
    );
    // Within the limits, long chains through pointers are fine.
    let ptrs: String = (0..490)
        .map(|i| format!("type P{i} struct {{ X *P{} }}\n", i + 1))
        .collect();
    let (t, _) = table(&format!("{ptrs}type P490 struct{{ Y int }}"), "P0");
    assert_eq!(t.len(), 491);
}

//! `gobrpc gen-rust`: Rust types for Go type declarations, ready for gobrpc's serde codec.
//!
//! Each Go type becomes an item with Go's names kept exactly (`#[gob(name = "main.T")]`,
//! `#[serde(rename = "GoName")]` on every field):
//!
//! - structs → structs with `snake_case` fields (fields gob does not send — unexported,
//!   channels, functions — are left out and listed in the doc comment);
//! - named non-struct types → newtypes (`type Celsius float64` → `struct Celsius(pub f64)`);
//! - `*T` → `Option<T>` (`Option<Box<T>>` where the type contains itself), a map field →
//!   `Option<HashMap<K, V>>` (`None` is Go's nil map, which Go leaves out; an empty map is
//!   sent);
//! - `time.Time`, `big.Int`, `complex128`, `[]byte` → `GoTime`, `BigInt`, `Complex`, `Bytes`
//!   from `gobrpc::types`;
//! - a type with a `GobEncode` or `MarshalBinary` method → `gobrpc::go_marshaler!` (the
//!   payload kept as bytes);
//! - interfaces → `#[gob(interface)]` enums: the nil interface, Go's pre-registered builtin
//!   types, and every type the files register with `gob.Register`/`gob.RegisterName`
//!   (a concrete type outside these makes decoding fail, as in Go). With no registration
//!   in the files only the builtins are there, and the file's header says so.
//!
//! `int64`, `uint64`, `uintptr`, `complex64` and `time.Duration` inside composites get
//! small wrappers (`GoInt64` …) so that composite names (`[]int64`) are Go's.

mod names;
mod render;

use crate::exit::{Failure, Result};
use gobrpc::decl::{Decls, IntKind, Kind, TyRef, UintKind};
use std::collections::HashMap;

/// A Rust type as generated.
#[derive(Debug, Clone, PartialEq)]
enum RTy {
    /// Written as is (`i64`, `gobrpc::types::GoTime`).
    Prim(&'static str),
    /// A generated item.
    Item(usize),
    Option(Box<RTy>),
    Vec(Box<RTy>),
    Array(Box<RTy>, u64),
    Map(Box<RTy>, Box<RTy>),
}

/// One generated Rust item.
struct Item {
    rust: String,
    /// Go's type string for `#[gob(name)]` (`""` for an anonymous struct).
    go: String,
    body: Body,
    /// Needs `Eq + Hash` (it is, or is inside, a map key).
    eq_hash: bool,
}

enum Body {
    Pending,
    Struct {
        fields: Vec<FieldOut>,
        unsent: Vec<String>,
    },
    Newtype(RTy),
    Enum(Vec<Variant>),
    Marshaler(&'static str),
    /// A Go builtin whose name shows in composite names: Rust type, builder, Go name.
    Wrapper(&'static str, &'static str, &'static str),
}

struct FieldOut {
    rust: String,
    go: String,
    ty: RTy,
}

#[derive(Clone)]
struct Variant {
    rust: String,
    go: String,
    ty: Option<RTy>,
}

/// Go's pre-registered types (`encoding/gob`'s `registerBasics`): name, variant, Rust type.
const BUILTINS: &[(&str, &str, &str)] = &[
    ("int", "Int", "int"),
    ("int8", "Int8", "int8"),
    ("int16", "Int16", "int16"),
    ("int32", "Int32", "int32"),
    ("int64", "Int64", "int64"),
    ("uint", "Uint", "uint"),
    ("uint8", "Uint8", "uint8"),
    ("uint16", "Uint16", "uint16"),
    ("uint32", "Uint32", "uint32"),
    ("uint64", "Uint64", "uint64"),
    ("uintptr", "Uintptr", "uintptr"),
    ("float32", "Float32", "float32"),
    ("float64", "Float64", "float64"),
    ("complex64", "Complex64", "complex64"),
    ("complex128", "Complex128", "complex128"),
    ("bool", "Bool", "bool"),
    ("string", "String", "string"),
    ("[]uint8", "Bytes", "[]uint8"),
    ("[]int", "IntSlice", "[]int"),
    ("[]int8", "Int8Slice", "[]int8"),
    ("[]int16", "Int16Slice", "[]int16"),
    ("[]int32", "Int32Slice", "[]int32"),
    ("[]int64", "Int64Slice", "[]int64"),
    ("[]uint", "UintSlice", "[]uint"),
    ("[]uint16", "Uint16Slice", "[]uint16"),
    ("[]uint32", "Uint32Slice", "[]uint32"),
    ("[]uint64", "Uint64Slice", "[]uint64"),
    ("[]uintptr", "UintptrSlice", "[]uintptr"),
    ("[]float32", "Float32Slice", "[]float32"),
    ("[]float64", "Float64Slice", "[]float64"),
    ("[]complex64", "Complex64Slice", "[]complex64"),
    ("[]complex128", "Complex128Slice", "[]complex128"),
    ("[]bool", "BoolSlice", "[]bool"),
    ("[]string", "StringSlice", "[]string"),
];

/// `gobrpc gen-rust`: prints (or writes to `output`) the Rust types for `types` (all
/// declarations when empty) declared in `files`.
pub fn run(files: &[String], types: &[String], output: Option<&str>) -> Result<()> {
    let mut srcs = Vec::with_capacity(files.len());
    for f in files {
        srcs.push(std::fs::read_to_string(f).map_err(|e| Failure::input(format!("{f}: {e}")))?);
    }
    let refs: Vec<&str> = srcs.iter().map(String::as_str).collect();
    let mut d = Decls::parse_files(&refs).map_err(|e| {
        let which = if files.len() == 1 {
            files[0].clone()
        } else {
            files.join(", ")
        };
        Failure::input(format!("{which}: {e}"))
    })?;
    let mut command = String::from("gobrpc gen-rust");
    for f in files {
        command.push_str(&format!(" --types {f}"));
    }
    for t in types {
        command.push_str(&format!(" --type {t}"));
    }
    let code = generate(&mut d, files, types, &command).map_err(Failure::input)?;
    match output {
        Some(p) => std::fs::write(p, code).map_err(|e| Failure::input(format!("{p}: {e}"))),
        None => {
            let mut out = crate::output::Out::new();
            out.bytes(code.as_bytes())?;
            out.finish()
        }
    }
}

/// The Rust source for `types` (every declaration when empty).
fn generate(
    d: &mut Decls,
    files: &[String],
    types: &[String],
    command: &str,
) -> std::result::Result<String, String> {
    let mut g = Gen {
        d,
        items: Vec::new(),
        by_ty: HashMap::new(),
        wrappers: HashMap::new(),
        scope: names::Scope::types(),
        queue: Vec::new(),
        enums: Vec::new(),
        variants: None,
        notes: Vec::new(),
        files: files.to_vec(),
    };
    // Declared names claim their Rust names first, in source order.
    let all = g.d.all_names();
    let declared: Vec<String> = all.iter().filter(|n| !g.d.is_alias(n)).cloned().collect();
    let roots: Vec<String> = if types.is_empty() {
        declared.clone()
    } else {
        for t in types {
            if !all.contains(t) {
                return Err(format!(
                    "--type {t}: not a type declared in the files (declared: {})",
                    declared.join(", ")
                ));
            }
        }
        types.to_vec()
    };
    for name in &roots {
        let t = match g.d.lookup(name) {
            Ok(t) => t,
            Err(e) if types.is_empty() => {
                let f = g.file_of(name);
                g.notes.push(format!("not generated: {name}: {f}{e}"));
                continue;
            }
            Err(e) => return Err(format!("type {name}: {}{e}", g.file_of(name))),
        };
        let mark = g.items.len();
        match g.rty(t, false).and_then(|r| g.drain().map(|()| r)) {
            Ok(_) => {}
            Err(e) if types.is_empty() => {
                g.rollback(mark);
                let f = g.file_of(name);
                g.notes.push(format!("not generated: {name}: {f}{e}"));
            }
            Err(e) => return Err(format!("type {name}: {}{e}", g.file_of(name))),
        }
    }
    if !g.enums.is_empty() {
        g.fill_variants()?;
    }
    render::render(&g.items, &g.notes, command)
}

struct Gen<'d> {
    d: &'d mut Decls,
    items: Vec<Item>,
    /// The item of each declared type (and anonymous struct) met.
    by_ty: HashMap<TyRef, usize>,
    /// Wrapper items by Go name.
    wrappers: HashMap<&'static str, usize>,
    scope: names::Scope,
    /// Items still to fill, with their Go type.
    queue: Vec<(usize, TyRef)>,
    /// Interface enums, filled with the variants at the end.
    enums: Vec<usize>,
    variants: Option<Vec<Variant>>,
    /// Comments for the header: what was left out and why.
    notes: Vec<String>,
    /// The files' names, for positions.
    files: Vec<String>,
}

impl Gen<'_> {
    fn item(&mut self, rust: &str, go: String, body: Body) -> usize {
        let rust = self.scope.claim(rust, "");
        self.items.push(Item {
            rust,
            go,
            body,
            eq_hash: false,
        });
        self.items.len() - 1
    }

    /// "FILE: " of the file declaring `name`, when there are several files.
    fn file_of(&self, name: &str) -> String {
        match self.d.file_of(name).and_then(|i| self.files.get(i)) {
            Some(f) if self.files.len() > 1 => format!("{f}: "),
            _ => String::new(),
        }
    }

    /// Forgets the items from `mark` on (a type that cannot be generated, and what it made).
    fn rollback(&mut self, mark: usize) {
        self.items.truncate(mark);
        self.by_ty.retain(|_, i| *i < mark);
        self.wrappers.retain(|_, i| *i < mark);
        self.enums.retain(|i| *i < mark);
        self.queue.clear();
    }

    /// Fills the queued items (which may queue more).
    fn drain(&mut self) -> std::result::Result<(), String> {
        while let Some((i, t)) = self.queue.pop() {
            let body = self.body(t)?;
            self.items[i].body = body;
        }
        Ok(())
    }

    /// The Rust type of `t`; `elem` is true inside a composite, where a builtin's Go name
    /// shows in the composite's name.
    fn rty(&mut self, t: TyRef, elem: bool) -> std::result::Result<RTy, String> {
        if self.d.is_declared(t) || matches!(self.d.kind(t), Kind::Struct(_)) {
            return self.declared(t).map(RTy::Item);
        }
        let g = self.d.get(t);
        if g.string == "time.Duration" && elem {
            return Ok(RTy::Item(self.wrapper(
                "GoDuration",
                "i64",
                "int",
                "time.Duration",
            )));
        }
        self.kind_rty(t, elem)
    }

    /// The Rust type of `t`'s kind (for a declared type, its underlying type).
    fn kind_rty(&mut self, t: TyRef, elem: bool) -> std::result::Result<RTy, String> {
        let prim = |p: &'static str| Ok(RTy::Prim(p));
        match self.d.kind(t).clone() {
            Kind::Bool => prim("bool"),
            Kind::Int(k) => match k {
                IntKind::Int => prim("i64"),
                IntKind::Int8 => prim("i8"),
                IntKind::Int16 => prim("i16"),
                IntKind::Int32 => prim("i32"),
                IntKind::Int64 if elem => {
                    Ok(RTy::Item(self.wrapper("GoInt64", "i64", "int", "int64")))
                }
                IntKind::Int64 => prim("i64"),
            },
            Kind::Uint(k) => match k {
                UintKind::Uint => prim("u64"),
                UintKind::Uint8 => prim("u8"),
                UintKind::Uint16 => prim("u16"),
                UintKind::Uint32 => prim("u32"),
                UintKind::Uint64 if elem => {
                    Ok(RTy::Item(self.wrapper("GoUint64", "u64", "uint", "uint64")))
                }
                UintKind::Uintptr if elem => {
                    Ok(RTy::Item(self.wrapper("GoUintptr", "u64", "uint", "uintptr")))
                }
                UintKind::Uint64 | UintKind::Uintptr => prim("u64"),
            },
            Kind::Float(32) => prim("f32"),
            Kind::Float(_) => prim("f64"),
            Kind::Complex(64) if elem => Ok(RTy::Item(self.wrapper(
                "GoComplex64",
                "gobrpc::types::Complex",
                "complex",
                "complex64",
            ))),
            Kind::Complex(_) => prim("gobrpc::types::Complex"),
            Kind::String => prim("String"),
            Kind::Time => prim("gobrpc::types::GoTime"),
            Kind::BigInt => prim("gobrpc::types::BigInt"),
            Kind::Pointer(e) => Ok(RTy::Option(Box::new(self.rty(e, elem)?))),
            Kind::Slice(_) if self.d.is_bytes(t) => prim("gobrpc::types::Bytes"),
            Kind::Slice(e) => Ok(RTy::Vec(Box::new(self.rty(e, true)?))),
            Kind::Array(n, _) if n > 32 => Err(format!(
                "{}: serde has no arrays longer than 32 elements",
                self.d.type_string(t)
            )),
            Kind::Array(n, e) => Ok(RTy::Array(Box::new(self.rty(e, true)?), n)),
            Kind::Map(k, v) => Ok(RTy::Map(
                Box::new(self.rty(k, true)?),
                Box::new(self.rty(v, true)?),
            )),
            Kind::Interface { .. } => Ok(RTy::Item(self.any_enum())),
            Kind::Opaque => Err(format!(
                "{} is defined from time.Time or big.Int, so it has neither their methods nor exported fields: gob cannot send it",
                self.d.type_string(t)
            )),
            Kind::Chan(_) | Kind::Func => Err(format!(
                "{}: gob does not send channels or functions",
                self.d.type_string(t)
            )),
            Kind::Struct(_) | Kind::Pending => Err(format!(
                "{}: unresolved type",
                self.d.type_string(t)
            )),
        }
    }

    fn wrapper(
        &mut self,
        rust: &'static str,
        inner: &'static str,
        ctor: &'static str,
        go: &'static str,
    ) -> usize {
        if let Some(&i) = self.wrappers.get(go) {
            return i;
        }
        let i = self.item(rust, String::new(), Body::Wrapper(inner, ctor, go));
        self.wrappers.insert(go, i);
        i
    }

    /// The shared enum of unnamed interface types.
    fn any_enum(&mut self) -> usize {
        if let Some(&i) = self.enums.iter().find(|&&i| self.items[i].go.is_empty()) {
            return i;
        }
        let i = self.item("Any", String::new(), Body::Pending);
        self.enums.push(i);
        i
    }

    /// The item of a declared type or an anonymous struct, created (and queued) on first use.
    fn declared(&mut self, t: TyRef) -> std::result::Result<usize, String> {
        if let Some(&i) = self.by_ty.get(&t) {
            return Ok(i);
        }
        let g = self.d.get(t).clone();
        let anonymous = !self.d.is_declared(t);
        let rust = if anonymous {
            "Anon".to_string()
        } else {
            names::camel(&g.name)
        };
        let marshaler = self.marshaler(&g.name).filter(|_| !anonymous);
        let go = if anonymous {
            String::new()
        } else {
            g.string.clone()
        };
        let i = match (marshaler, &g.kind) {
            (Some(m), _) => self.item(&rust, go, Body::Marshaler(m)),
            (None, Kind::Interface { .. }) => {
                let i = self.item(&rust, go, Body::Pending);
                self.enums.push(i);
                i
            }
            _ => {
                let i = self.item(&rust, go, Body::Pending);
                self.queue.push((i, t));
                i
            }
        };
        self.by_ty.insert(t, i);
        Ok(i)
    }

    /// `gob` or `binary` if the declared type `name` has a `GobEncode` or `MarshalBinary`
    /// method (gob prefers the first).
    fn marshaler(&self, name: &str) -> Option<&'static str> {
        let has = |m: &str| {
            self.d
                .methods()
                .iter()
                .any(|x| x.receiver == name && x.name == m)
        };
        if has("GobEncode") {
            Some("gob")
        } else if has("MarshalBinary") {
            Some("binary")
        } else {
            None
        }
    }

    fn body(&mut self, t: TyRef) -> std::result::Result<Body, String> {
        let Kind::Struct(fields) = self.d.kind(t).clone() else {
            return Ok(Body::Newtype(self.kind_rty(t, false)?));
        };
        let mut scope = names::Scope::default();
        let mut out = Vec::new();
        let mut unsent = Vec::new();
        for f in &fields {
            if !self.d.is_sent(f) {
                unsent.push(f.name.clone());
                continue;
            }
            let mut ty = self
                .rty(f.ty, false)
                .map_err(|e| format!("field {}: {e}", f.name))?;
            if matches!(self.d.kind(f.ty), Kind::Map(..)) {
                ty = RTy::Option(Box::new(ty));
            }
            let rust = names::field_ident(&scope.claim(&names::snake(&f.name), "_"));
            out.push(FieldOut {
                rust,
                go: f.name.clone(),
                ty,
            });
        }
        Ok(Body::Struct {
            fields: out,
            unsent,
        })
    }

    /// The variants every interface enum gets, then given to each.
    fn fill_variants(&mut self) -> std::result::Result<(), String> {
        let mut scope = names::Scope::default();
        let mut vs = vec![Variant {
            rust: scope.claim("Nil", ""),
            go: String::new(),
            ty: None,
        }];
        for (go, rust, expr) in BUILTINS {
            let t = self.d.lookup(expr).map_err(|e| e.to_string())?;
            let ty = self.rty(t, false)?;
            vs.push(Variant {
                rust: scope.claim(rust, ""),
                go: go.to_string(),
                ty: Some(ty),
            });
        }
        let regs = self.d.registrations().to_vec();
        if regs.is_empty() {
            self.notes.push(
                "no gob.Register or gob.RegisterName call in the files: the interface enums \
                 hold Go's pre-registered builtin types only (pass the file that registers \
                 your types too, or add variants by hand)"
                    .into(),
            );
        }
        for r in regs {
            let file = self.files.get(r.file).cloned().unwrap_or_default();
            let at = format!("{file}, line {}", r.pos.line);
            let expr = match &r.ty {
                Ok(e) => e,
                Err(text) => {
                    self.notes.push(format!(
                        "gob.Register({text}) at {at}: the value's type is not known without Go's type checker; add its variant by hand"
                    ));
                    continue;
                }
            };
            let mark = self.items.len();
            let resolved = self
                .d
                .resolve_expr(expr)
                .map_err(|e| e.to_string())
                .and_then(|t| {
                    let ty = self.rty(t, false)?;
                    self.drain()?;
                    Ok((t, ty))
                });
            let (t, ty) = match resolved {
                Ok(x) => x,
                Err(e) => {
                    self.rollback(mark);
                    self.notes
                        .push(format!("registration at {at} left out: {e}"));
                    continue;
                }
            };
            if r.name.is_none() && self.d.package() != "main" && self.d.is_declared(t) {
                self.notes.push(format!(
                    "gob.Register at {at} names the type by its package's import path, which \
                     the file does not say: the variant uses `{}.` (fix the rename if the path \
                     differs)",
                    self.d.package()
                ));
            }
            let go = r.name.clone().unwrap_or_else(|| self.register_name(t));
            if vs.iter().any(|v| v.go == go) {
                continue;
            }
            let rust = scope.claim(&self.variant_name(&ty), "");
            vs.push(Variant {
                rust,
                go,
                ty: Some(ty),
            });
        }
        for &i in &self.enums {
            self.items[i].body = Body::Enum(vs.clone());
        }
        self.variants = Some(vs);
        Ok(())
    }

    /// The name `gob.Register` gives a value of type `t` (Go's rule, with its quirk: a
    /// pointer to a named type is named by its type string, `*main.Point`).
    fn register_name(&self, t: TyRef) -> String {
        let g = self.d.get(t);
        if g.name.is_empty() {
            return g.string.clone();
        }
        if self.d.is_declared(t) {
            return format!("{}.{}", self.d.package(), g.name);
        }
        match g.string.split_once('.') {
            Some(("big", n)) => format!("math/big.{n}"),
            _ => g.string.clone(),
        }
    }

    fn variant_name(&self, t: &RTy) -> String {
        match t {
            RTy::Prim(p) => names::camel(p.rsplit("::").next().unwrap_or(p)),
            // An enum inside its own variant's name would trip clippy's enum_variant_names.
            RTy::Item(i) if self.enums.contains(i) => "Interface".into(),
            RTy::Item(i) => self.items[*i].rust.clone(),
            RTy::Option(x) => format!("{}Ptr", self.variant_name(x)),
            RTy::Vec(x) => format!("{}Slice", self.variant_name(x)),
            RTy::Array(x, n) => format!("{}Array{n}", self.variant_name(x)),
            RTy::Map(k, v) => format!("Map{}{}", self.variant_name(k), self.variant_name(v)),
        }
    }
}

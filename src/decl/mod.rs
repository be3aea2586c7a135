//! Go type declarations (feature `json`): types from Go source, and the gob type definitions
//! Go sends for them — the schema for [`TypedValue`](crate::TypedValue)s made from JSON
//! ([`Decls::typed_value`], [`crate::json`]).
//!
//! [`Decls::parse`] reads ordinary Go declarations — `package`, `import`, `type` (single,
//! grouped, aliases), integer `const`s for array lengths; `func` and `var` declarations are
//! skipped (their `gob.Register` calls and method names are noted) — and [`Decls::lookup`]
//! resolves the types a name needs into a walkable [`GoType`]. Only what is needed is
//! resolved: a file may declare server state (`sync.Mutex`) beside its wire types. [`GobTypes`] then reproduces
//! Go's own type registry and encoder bookkeeping (`encoding/gob`'s `type.go` and
//! `encoder.go`): ids from 64 in Go's allocation order, Go's `CommonType` names, the
//! definitions in the order Go sends them, and Go's quirks (a `*time.Time` or `*big.Int`
//! first met through a pointer gets a second, nameless id). With the names Go uses for the
//! declaring package ("main" unless the file says otherwise) the bytes are Go's.
//!
//! Known types besides the predeclared ones: `time.Time`, `time.Duration`, `big.Int`.
//!
//! ```
//! use gobrpc::decl::{Decls, Kind};
//!
//! let mut decls = Decls::parse(r#"
//!     package main
//!     type Point struct { X, Y int }
//!     type Path []Point
//! "#)?;
//! let path = decls.lookup("Path")?;
//! assert_eq!(decls.type_string(path), "main.Path");
//! assert!(matches!(decls.kind(path), Kind::Slice(_)));
//! // The definitions Go's encoder sends first, and the id the value goes with:
//! let (_types, id) = decls.table_for("Path")?;
//! assert_eq!(id.0, 65);
//!
//! let err = Decls::parse("package main\ntype T struct { A nope.X }").unwrap().lookup("T").unwrap_err();
//! assert_eq!(err.to_string(), "line 2, column 19: unknown type nope.X (known: time.Time, time.Duration, big.Int)");
//! # Ok::<(), gobrpc::decl::DeclError>(())
//! ```

mod gob;
mod lexer;
mod parser;
mod resolve;
mod scan;
#[cfg(test)]
mod tests;

pub use gob::GobTypes;
pub use lexer::Pos;
pub use scan::{Method, Registration};

use parser::{TypeDecl, TypeExpr};
use resolve::Resolver;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// A malformed or unsupported declaration, with where it is when that is known.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclError {
    /// Where in the declarations (`None` for errors about a type as a whole).
    pub pos: Option<Pos>,
    /// What is wrong.
    pub message: String,
}

impl DeclError {
    pub(crate) fn at(pos: Pos, message: impl Into<String>) -> Self {
        DeclError {
            pos: Some(pos),
            message: message.into(),
        }
    }

    pub(crate) fn new(message: impl Into<String>) -> Self {
        DeclError {
            pos: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for DeclError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.pos {
            Some(p) => write!(f, "line {}, column {}: {}", p.line, p.column, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DeclError {}

/// A resolved Go type, by index into its [`Decls`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TyRef(u32);

/// The signed integer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntKind {
    /// `int` (64 bits)
    Int,
    /// `int8`
    Int8,
    /// `int16`
    Int16,
    /// `int32` (`rune`)
    Int32,
    /// `int64`
    Int64,
}

/// The unsigned integer kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UintKind {
    /// `uint` (64 bits)
    Uint,
    /// `uint8` (`byte`)
    Uint8,
    /// `uint16`
    Uint16,
    /// `uint32`
    Uint32,
    /// `uint64`
    Uint64,
    /// `uintptr` (64 bits)
    Uintptr,
}

impl IntKind {
    /// The range of the kind.
    pub fn range(self) -> (i64, i64) {
        match self {
            IntKind::Int8 => (i8::MIN as i64, i8::MAX as i64),
            IntKind::Int16 => (i16::MIN as i64, i16::MAX as i64),
            IntKind::Int32 => (i32::MIN as i64, i32::MAX as i64),
            IntKind::Int | IntKind::Int64 => (i64::MIN, i64::MAX),
        }
    }
}

impl UintKind {
    /// The largest value of the kind.
    pub fn max(self) -> u64 {
        match self {
            UintKind::Uint8 => u8::MAX as u64,
            UintKind::Uint16 => u16::MAX as u64,
            UintKind::Uint32 => u32::MAX as u64,
            _ => u64::MAX,
        }
    }
}

/// What a type is (for a named type: its underlying type).
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `bool`
    Bool,
    /// a signed integer
    Int(IntKind),
    /// an unsigned integer
    Uint(UintKind),
    /// `float32` (32) or `float64` (64)
    Float(u8),
    /// `complex64` (64) or `complex128` (128)
    Complex(u8),
    /// `string`
    String,
    /// an interface; `empty` for `interface{}` / `any`
    Interface {
        /// True when the interface has no methods.
        empty: bool,
    },
    /// `*T`
    Pointer(TyRef),
    /// `[]T`
    Slice(TyRef),
    /// `[N]T`
    Array(u64, TyRef),
    /// `map[K]V`
    Map(TyRef, TyRef),
    /// a struct
    Struct(Vec<Field>),
    /// a channel (never sent by gob)
    Chan(TyRef),
    /// a function (never sent by gob)
    Func,
    /// `time.Time` itself (a `GobEncoder`)
    Time,
    /// `big.Int` itself (`*big.Int` is a `GobEncoder`)
    BigInt,
    /// a struct with only unexported fields (a type defined as `time.Time` or `big.Int`,
    /// which does not inherit their methods)
    Opaque,
    /// not resolved yet (only while parsing)
    Pending,
}

/// A struct field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Go name (an embedded field's is its type's name).
    pub name: String,
    /// The type.
    pub ty: TyRef,
    /// True for an embedded field.
    pub embedded: bool,
    /// The tag, unquoted.
    pub tag: Option<String>,
}

impl Field {
    /// True if the name starts with an upper-case letter.
    pub fn exported(&self) -> bool {
        self.name.chars().next().is_some_and(char::is_uppercase)
    }

    /// The name from a `json:"name,…"` tag: `Some("-")` when JSON ignores the field, `None`
    /// when the tag gives no name.
    pub fn json_name(&self) -> Option<&str> {
        let tag = self.tag.as_deref()?;
        let value = tag_lookup(tag, "json")?;
        if value == "-" {
            return Some("-");
        }
        let name = value.split(',').next().unwrap_or("");
        (!name.is_empty()).then_some(name)
    }
}

/// `reflect.StructTag.Lookup`.
fn tag_lookup<'t>(mut tag: &'t str, key: &str) -> Option<&'t str> {
    loop {
        tag = tag.trim_start_matches(' ');
        let colon = tag.find(":\"")?;
        let name = &tag[..colon];
        let rest = &tag[colon + 2..];
        let mut end = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        if name == key {
            return Some(&rest[..end]);
        }
        tag = &rest[end + 1..];
    }
}

/// A resolved type: its name if it has one, what it is, and Go's spelling of it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoType {
    /// `reflect.Type.Name()`: the declared name without package (`"Point"`, `"int"`,
    /// `"Time"`), empty for unnamed types.
    pub name: String,
    /// What it is (for named types, the underlying type's kind).
    pub kind: Kind,
    /// `reflect.Type.String()`: `"main.Point"`, `"[]int"`, `"map[string]*main.P"`.
    pub string: String,
}

/// The types declared in a Go file, resolved.
#[derive(Debug, Clone)]
pub struct Decls {
    types: Vec<GoType>,
    /// Every type by its Go spelling (named types are unique by package and name).
    by_string: HashMap<String, TyRef>,
    /// Declared names (aliases included) and what they stand for.
    declared: HashMap<String, TyRef>,
    /// Declared names in source order (aliases excluded).
    order: Vec<String>,
    package: String,
    imports: HashMap<String, String>,
    consts: HashMap<String, u64>,
    /// The declarations by name, resolved on demand.
    decls: Arc<HashMap<String, TypeDecl>>,
    /// `gob.Register` / `gob.RegisterName` calls, in source order.
    registrations: Vec<Registration>,
    /// Methods declared on the file's types.
    methods: Vec<Method>,
    /// The index (in [`Decls::parse_files`]' list) of the file declaring each name.
    file_of: HashMap<String, usize>,
}

/// How deeply types may refer to types (declared names, struct fields, elements), so that
/// hostile declarations give an error instead of exhausting the stack.
pub const MAX_DEPTH: usize = 500;

/// How deeply one type expression may nest (`[][][]…int`).
pub const MAX_NEST: usize = 100;

/// Arrays longer than this are refused (their zero values would have to be built).
pub const MAX_ARRAY_LEN: u64 = 1 << 20;

impl Decls {
    /// Parses Go declarations (one file). Types are resolved when looked up.
    pub fn parse(src: &str) -> Result<Decls, DeclError> {
        Decls::parse_files(&[src])
    }

    /// Parses the files of one package: their declarations together.
    pub fn parse_files(srcs: &[&str]) -> Result<Decls, DeclError> {
        let mut files = Vec::with_capacity(srcs.len());
        for src in srcs {
            files.push(parser::parse_file(src)?);
        }
        let mut d = Decls {
            types: Vec::new(),
            by_string: HashMap::new(),
            declared: HashMap::new(),
            order: Vec::new(),
            package: files
                .iter()
                .find_map(|f| f.package.clone())
                .unwrap_or_else(|| "main".into()),
            imports: HashMap::new(),
            consts: HashMap::new(),
            decls: Arc::new(HashMap::new()),
            registrations: Vec::new(),
            methods: Vec::new(),
            file_of: HashMap::new(),
        };
        let mut by_name = HashMap::new();
        for (i, f) in files.into_iter().enumerate() {
            d.imports.extend(f.imports);
            d.consts.extend(f.consts);
            d.registrations.extend(
                f.registrations
                    .into_iter()
                    .map(|r| Registration { file: i, ..r }),
            );
            d.methods.extend(f.methods);
            for decl in f.types {
                if decl.name == "_" {
                    continue;
                }
                if by_name.contains_key(&decl.name) {
                    return Err(DeclError::at(decl.pos, format!("{} redeclared", decl.name)));
                }
                if !decl.alias {
                    let string = format!("{}.{}", d.package, decl.name);
                    let r = d.add(&decl.name, Kind::Pending, string);
                    d.declared.insert(decl.name.clone(), r);
                    d.order.push(decl.name.clone());
                }
                d.file_of.insert(decl.name.clone(), i);
                by_name.insert(decl.name.clone(), decl);
            }
        }
        d.decls = Arc::new(by_name);
        Ok(d)
    }

    /// Resolves every declaration; the first that fails gives the error.
    pub fn resolve_all(&mut self) -> Result<(), DeclError> {
        for name in self.all_names() {
            self.lookup(&name)?;
        }
        Ok(())
    }

    /// Every declared name: the non-aliases in source order, then the aliases.
    pub fn all_names(&self) -> Vec<String> {
        let mut names = self.order.clone();
        let mut aliases: Vec<(usize, usize, String)> = self
            .decls
            .values()
            .filter(|d| d.alias)
            .map(|d| (d.pos.line, d.pos.column, d.name.clone()))
            .collect();
        aliases.sort();
        names.extend(aliases.into_iter().map(|(_, _, n)| n));
        names
    }

    /// True if `t` is a type the files declare (not an alias, not a builtin or package type).
    pub fn is_declared(&self, t: TyRef) -> bool {
        let g = self.get(t);
        !g.name.is_empty() && self.declared.get(&g.name) == Some(&t)
    }

    /// The index of the file declaring `name` (among those given to `parse_files`).
    pub fn file_of(&self, name: &str) -> Option<usize> {
        self.file_of.get(name).copied()
    }

    /// True if `name` is declared as an alias.
    pub fn is_alias(&self, name: &str) -> bool {
        self.decls.get(name).is_some_and(|d| d.alias)
    }

    /// The package the declarations belong to (`main` unless the file says otherwise).
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The `gob.Register` / `gob.RegisterName` calls in the files, in source order.
    pub fn registrations(&self) -> &[Registration] {
        &self.registrations
    }

    /// The methods declared in the files.
    pub fn methods(&self) -> &[Method] {
        &self.methods
    }

    /// The type a declared name or a type expression (`"Point"`, `"[]main.Point"`,
    /// `"map[string]int"`) stands for.
    pub fn lookup(&mut self, expr: &str) -> Result<TyRef, DeclError> {
        let e = parser::parse_type_expr(expr)
            .map_err(|e| DeclError::new(in_expr(expr, e.pos, &e.message)))?;
        let declared = self.order.join(", ");
        let mut r = Resolver::new(self);
        let t = r.resolve(&e);
        let in_decl = r.failed_in_decl;
        let t = t.map_err(|mut err| {
            if in_decl {
                return err;
            }
            if err.message.starts_with("undefined: ") && !declared.is_empty() {
                err.message = format!("{} (declared: {declared})", err.message);
            }
            if let Some(p) = err.pos.take() {
                err.message = in_expr(expr, Some(p), &err.message);
            }
            err
        })?;
        r.finish()?;
        Ok(t)
    }

    /// Resolves a type expression parsed elsewhere (a registered value's type).
    pub fn resolve_expr(&mut self, e: &TypeExpr) -> Result<TyRef, DeclError> {
        let mut r = Resolver::new(self);
        let t = r.resolve(e)?;
        r.finish()?;
        Ok(t)
    }

    /// The type behind a reference.
    pub fn get(&self, t: TyRef) -> &GoType {
        &self.types[t.0 as usize]
    }

    /// What a type is.
    pub fn kind(&self, t: TyRef) -> &Kind {
        &self.get(t).kind
    }

    /// Go's spelling of a type (`reflect.Type.String()`).
    pub fn type_string(&self, t: TyRef) -> &str {
        &self.get(t).string
    }

    /// The type behind all pointers (`None` for a cycle of pointers, `type P *P`).
    pub fn deref(&self, mut t: TyRef) -> Option<TyRef> {
        for _ in 0..=self.types.len() {
            match self.kind(t) {
                Kind::Pointer(e) => t = *e,
                _ => return Some(t),
            }
        }
        None
    }

    /// True for slices whose element kind is `uint8` (gob's builtin bytes, JSON's base64).
    pub fn is_bytes(&self, t: TyRef) -> bool {
        matches!(self.kind(t), Kind::Slice(e) if matches!(self.kind(*e), Kind::Uint(UintKind::Uint8)))
    }

    /// True for types sent by their `GobEncode` method: `time.Time` and `big.Int` through
    /// any number of (unnamed) pointers.
    pub fn is_gob_encoder(&self, t: TyRef) -> bool {
        gob::implements_gob_encoder(self, t)
    }

    /// True if gob sends the field: exported, and not a channel or function.
    pub fn is_sent(&self, f: &Field) -> bool {
        gob::is_sent(self, f)
    }

    /// `*t`.
    pub fn pointer_to(&mut self, t: TyRef) -> TyRef {
        self.composite(Kind::Pointer(t))
    }

    /// The gob definitions Go sends before a value of type `root` (a declared name or a type
    /// expression) on a fresh stream, and the type id the value is sent with.
    pub fn table_for(
        &mut self,
        root: &str,
    ) -> Result<(crate::value::TypeTable, crate::wire::TypeId), DeclError> {
        let t = self.lookup(root)?;
        let mut g = GobTypes::new();
        let id = g.send_type_descriptor(self, t)?;
        Ok((g.table().clone(), id))
    }

    fn add(&mut self, name: &str, kind: Kind, string: String) -> TyRef {
        let r = TyRef(self.types.len() as u32);
        self.types.push(GoType {
            name: name.to_string(),
            kind,
            string: string.clone(),
        });
        self.by_string.insert(string, r);
        r
    }

    /// The type spelled `string`, adding it if new.
    fn intern(&mut self, name: &str, kind: Kind, string: String) -> TyRef {
        match self.by_string.get(&string) {
            Some(&r) => r,
            None => self.add(name, kind, string),
        }
    }

    fn composite(&mut self, kind: Kind) -> TyRef {
        let s = |t: &TyRef| self.type_string(*t).to_string();
        let string = match &kind {
            Kind::Pointer(e) => format!("*{}", s(e)),
            Kind::Slice(e) => format!("[]{}", s(e)),
            Kind::Array(n, e) => format!("[{n}]{}", s(e)),
            Kind::Map(k, v) => format!("map[{}]{}", s(k), s(v)),
            Kind::Struct(fields) if fields.is_empty() => "struct {}".into(),
            Kind::Struct(fields) => {
                let parts: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let mut p = if f.embedded {
                            s(&f.ty)
                        } else {
                            format!("{} {}", f.name, s(&f.ty))
                        };
                        if let Some(tag) = &f.tag {
                            p.push_str(&format!(" {tag:?}"));
                        }
                        p
                    })
                    .collect();
                format!("struct {{ {} }}", parts.join("; "))
            }
            _ => unreachable!("composite() is only called for composite kinds"),
        };
        self.intern("", kind, string)
    }

    /// A predeclared or package type by name.
    fn builtin(&mut self, name: &str) -> Option<TyRef> {
        let kind = match name {
            "bool" => Kind::Bool,
            "string" => Kind::String,
            "int" => Kind::Int(IntKind::Int),
            "int8" => Kind::Int(IntKind::Int8),
            "int16" => Kind::Int(IntKind::Int16),
            "int32" | "rune" => Kind::Int(IntKind::Int32),
            "int64" => Kind::Int(IntKind::Int64),
            "uint" => Kind::Uint(UintKind::Uint),
            "uint8" | "byte" => Kind::Uint(UintKind::Uint8),
            "uint16" => Kind::Uint(UintKind::Uint16),
            "uint32" => Kind::Uint(UintKind::Uint32),
            "uint64" => Kind::Uint(UintKind::Uint64),
            "uintptr" => Kind::Uint(UintKind::Uintptr),
            "float32" => Kind::Float(32),
            "float64" => Kind::Float(64),
            "complex64" => Kind::Complex(64),
            "complex128" => Kind::Complex(128),
            "error" => Kind::Interface { empty: false },
            "any" => {
                return Some(self.intern(
                    "",
                    Kind::Interface { empty: true },
                    "interface {}".into(),
                ))
            }
            _ => return None,
        };
        let name = match name {
            "rune" => "int32",
            "byte" => "uint8",
            n => n,
        };
        Some(self.intern(name, kind, name.to_string()))
    }

    fn package_type(&mut self, path: &str, name: &str) -> Option<TyRef> {
        let (pkg, kind) = match (path, name) {
            ("time", "Time") => ("time", Kind::Time),
            ("time", "Duration") => ("time", Kind::Int(IntKind::Int64)),
            ("math/big", "Int") => ("big", Kind::BigInt),
            _ => return None,
        };
        Some(self.intern(name, kind, format!("{pkg}.{name}")))
    }
}

/// An error inside a type expression: where in it, unless it is about the whole of it.
fn in_expr(expr: &str, pos: Option<Pos>, message: &str) -> String {
    match pos {
        Some(p) if p.column > 1 => format!("column {} of `{expr}`: {message}", p.column),
        _ => message.to_string(),
    }
}

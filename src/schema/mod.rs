//! Static Go types for encoding: the [`GobType`] trait and the [`TypeBuilder`] it fills.
//!
//! Gob sends a value's whole *static* type before the value: an empty `[]Point` still defines
//! `Point`, a nil `*Node` still defines `Node`. serde's `Serialize` only shows the dynamic value,
//! so every encoded type also implements [`GobType`], which describes its Go type once. The
//! encoder walks that description next to the serde calls: it knows which struct fields exist,
//! what an element's type is when a slice is empty, and what a `None` would have pointed to.
//!
//! Implementations exist for Rust's std types; derive it for your own with
//! `#[derive(GobType)]` (feature `derive`, on by default), which honours serde's `rename`,
//! `rename_all` and `skip` attributes so that the Go field names are the serde names.

mod std_impls;

use crate::fxhash::FxHashMap;
use crate::wire::MarshalerKind;
use std::borrow::Cow;
use std::collections::HashMap;

/// A Rust type that has a Go (gob) type.
///
/// `build` describes the type to a [`TypeBuilder`] and returns its handle. Types that can be
/// recursive or that are named in Go should go through [`TypeBuilder::named`] so that a type
/// is described once however often it is reached.
pub trait GobType {
    /// Describes the Go type of `Self`.
    fn build(b: &mut TypeBuilder) -> TypeRef;
}

/// A handle to a type described in a [`TypeBuilder`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeRef(pub(crate) u32);

/// The shape of a Go type as gob sees it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum GoKind {
    /// `bool`
    Bool,
    /// any signed integer kind
    Int,
    /// any unsigned integer kind; `uint8` elements turn a slice into `[]byte`
    Uint {
        /// true for `uint8`/`byte`
        byte: bool,
    },
    /// `float32` / `float64`
    Float,
    /// `complex64` / `complex128`
    Complex,
    /// `string`
    String,
    /// `[]byte` (any slice of a `uint8`-kind element)
    Bytes,
    /// an interface type (`any`, `error`, …)
    Interface,
    /// a pointer: invisible on the wire, nil means "omitted"
    Ptr(TypeRef),
    /// `[N]T`
    Array {
        /// element type
        elem: TypeRef,
        /// length
        len: usize,
    },
    /// `[]T`
    Slice(TypeRef),
    /// `map[K]V`
    Map(TypeRef, TypeRef),
    /// a struct with its sent (exported) fields in declaration order
    Struct(Vec<GoField>),
    /// a type with its own marshaler (`GobEncoder` or `BinaryMarshaler`)
    Marshaler {
        /// which interface Go uses
        kind: MarshalerKind,
        /// true when the Go method has a pointer receiver (`*big.Int`): Go then never omits
        /// a value field of the type, and a top-level value allocates two ids
        ptr_receiver: bool,
        /// the payload of the Go zero value, when Go omits zero values of this type from
        /// structs (`time.Time`); `None` means never omitted
        zero_payload: Option<&'static [u8]>,
    },
    /// a type Go refuses to encode (a struct with no exported fields): encoding a value of
    /// it, or of a type containing it, fails with this message
    Unsendable(Cow<'static, str>),
    /// placeholder while a recursive type is being described
    Pending,
}

/// One struct field: its Go name (the serde name) and type.
#[derive(Debug, Clone, PartialEq)]
pub struct GoField {
    /// the field name on the wire
    pub name: Cow<'static, str>,
    /// the field type
    pub ty: TypeRef,
}

/// One described type.
#[derive(Debug, Clone, PartialEq)]
pub struct GoType {
    /// its shape
    pub kind: GoKind,
    /// Go's `reflect.Type.Name()`: `"Point"`, `"int"`, empty for unnamed composites
    pub name: Cow<'static, str>,
    /// Go's `reflect.Type.String()`: `"main.Point"`, `"[]int"`, `"map[string]int"`
    pub string: Cow<'static, str>,
}

/// An unnamed composite Go type, by its shape: Go's `[]T`, `*T` and `map[K]V` are one type
/// however many Rust types spell them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Shape {
    Ptr(TypeRef),
    Slice(TypeRef),
    Bytes,
    Array(TypeRef, usize),
    Map(TypeRef, TypeRef),
}

/// A registry of described Go types, filled by [`GobType::build`].
///
/// Besides the types it records the concrete types an interface may hold, under the names
/// they were registered with in Go (`"main.Point"`, `"int"`), so that the encoder can define
/// a concrete type the first time a value of it crosses an interface.
#[derive(Debug, Default)]
pub struct TypeBuilder {
    types: Vec<GoType>,
    by_rust: FxHashMap<std::any::TypeId, TypeRef>,
    basics: HashMap<&'static str, TypeRef>,
    /// Unnamed composites of the std types, keyed by shape (see [`shape`](Self::shape)).
    shapes: FxHashMap<Shape, TypeRef>,
    concrete: HashMap<Cow<'static, str>, TypeRef>,
}

macro_rules! builtin_ctor {
    ($($(#[$doc:meta])* $fn:ident => $kind:expr;)*) => {$(
        $(#[$doc])*
        pub fn $fn(&mut self, go_name: &'static str) -> TypeRef {
            self.basic($kind, go_name)
        }
    )*};
}

impl TypeBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Describes `T` (once) and returns its handle.
    pub fn build<T: GobType + ?Sized>(&mut self) -> TypeRef {
        T::build(self)
    }

    /// How many types are described.
    pub fn len(&self) -> usize {
        self.types.len()
    }

    /// True if nothing is described yet.
    pub fn is_empty(&self) -> bool {
        self.types.is_empty()
    }

    /// The described type behind a handle.
    pub fn get(&self, t: TypeRef) -> &GoType {
        &self.types[t.0 as usize]
    }

    /// Follows pointers to the type they point at (Go's "base type"). A pointer cycle
    /// (Go's `type T ***T`) has no base: the result is then still a pointer, which the
    /// encoder reports as Go does ("can't represent recursive pointer type").
    pub fn base(&self, mut t: TypeRef) -> TypeRef {
        for _ in 0..=self.types.len() {
            match self.get(t).kind {
                GoKind::Ptr(inner) => t = inner,
                _ => return t,
            }
        }
        t
    }

    /// The concrete type registered for an interface under `name`, if any.
    pub fn concrete(&self, name: &str) -> Option<TypeRef> {
        self.concrete.get(name).copied()
    }

    fn push(&mut self, ty: GoType) -> TypeRef {
        let r = TypeRef(self.types.len() as u32);
        self.types.push(ty);
        r
    }

    fn basic(&mut self, kind: GoKind, go_name: &'static str) -> TypeRef {
        // Builtins are small and identical by (kind, name): share one node per name.
        if let Some(&r) = self.basics.get(go_name) {
            return r;
        }
        let r = self.push(GoType {
            kind,
            name: Cow::Borrowed(go_name),
            string: Cow::Borrowed(go_name),
        });
        self.basics.insert(go_name, r);
        r
    }

    builtin_ctor! {
        /// `bool`
        bool => GoKind::Bool;
        /// a signed integer kind (`"int"`, `"int64"`, …)
        int => GoKind::Int;
        /// `float32` or `float64`
        float => GoKind::Float;
        /// `complex64` or `complex128`
        complex => GoKind::Complex;
        /// `string`
        string => GoKind::String;
    }

    /// An unsigned integer kind (`"uint"`, `"uint8"`, …); `"uint8"` makes slices `[]byte`.
    pub fn uint(&mut self, go_name: &'static str) -> TypeRef {
        let byte = go_name == "uint8" || go_name == "byte";
        self.basic(GoKind::Uint { byte }, go_name)
    }

    /// `interface{}` (any interface type).
    pub fn interface(&mut self) -> TypeRef {
        self.basic(GoKind::Interface, "interface {}")
    }

    /// Describes the Rust type `R` once, under a memo keyed by its `TypeId`: a second request
    /// (including a recursive one from inside `describe`) returns the same handle. `name` and
    /// `string` are Go's `Name()` and `String()` for the type; pass empty strings for an
    /// unnamed composite and they are derived from its shape.
    pub fn named<R: ?Sized + 'static>(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        string: impl Into<Cow<'static, str>>,
        describe: impl FnOnce(&mut TypeBuilder) -> GoKind,
    ) -> TypeRef {
        let key = std::any::TypeId::of::<R>();
        if let Some(&r) = self.by_rust.get(&key) {
            return r;
        }
        let name = name.into();
        let string = string.into();
        let r = self.push(GoType {
            kind: GoKind::Pending,
            name: name.clone(),
            string: string.clone(),
        });
        self.by_rust.insert(key, r);
        let kind = describe(self);
        let string = if string.is_empty() {
            Cow::Owned(self.shape_string(&kind))
        } else {
            string
        };
        let slot = &mut self.types[r.0 as usize];
        slot.kind = kind;
        slot.string = string;
        r
    }

    /// A composite without a Go name, keyed by the Rust type `R` (`Vec<T>`, `HashMap<K, V>` …).
    pub fn unnamed<R: ?Sized + 'static>(
        &mut self,
        describe: impl FnOnce(&mut TypeBuilder) -> GoKind,
    ) -> TypeRef {
        self.named::<R>("", "", describe)
    }

    /// An unnamed composite (`*T`, `[]T`, `[N]T`, `map[K]V`) whose parts are described
    /// already, keyed by its shape rather than by a Rust type: so the std impls need no
    /// `'static` bound, and `Vec<&'a str>` has a Go type as `Vec<String>` has. (An unnamed
    /// composite cannot be recursive in Rust without a named type in between, which
    /// [`named`](Self::named) memoizes.)
    pub(crate) fn shape(&mut self, kind: GoKind) -> TypeRef {
        let key = match kind {
            GoKind::Ptr(t) => Shape::Ptr(t),
            GoKind::Slice(t) => Shape::Slice(t),
            GoKind::Bytes => Shape::Bytes,
            GoKind::Array { elem, len } => Shape::Array(elem, len),
            GoKind::Map(k, v) => Shape::Map(k, v),
            _ => unreachable!("shape is only called for unnamed composites"),
        };
        if let Some(&r) = self.shapes.get(&key) {
            return r;
        }
        let string = Cow::Owned(self.shape_string(&kind));
        let r = self.push(GoType {
            kind,
            name: Cow::Borrowed(""),
            string,
        });
        self.shapes.insert(key, r);
        r
    }

    /// The kind for a slice of `elem`: `[]byte` when the element is `uint8`.
    pub fn slice_of(&self, elem: TypeRef) -> GoKind {
        match self.get(elem).kind {
            GoKind::Uint { byte: true } => GoKind::Bytes,
            _ => GoKind::Slice(elem),
        }
    }

    /// Records that an interface may hold a value of `ty` sent under the Go name `name`
    /// (as `gob.Register` or `gob.RegisterName` did in Go).
    pub fn register_concrete(&mut self, name: impl Into<Cow<'static, str>>, ty: TypeRef) {
        self.concrete.entry(name.into()).or_insert(ty);
    }

    /// Go's `String()` for an unnamed type of this shape.
    fn shape_string(&self, kind: &GoKind) -> String {
        let s = |t: TypeRef| self.get(t).string.to_string();
        match kind {
            GoKind::Ptr(t) => format!("*{}", s(*t)),
            GoKind::Array { elem, len } => format!("[{len}]{}", s(*elem)),
            GoKind::Slice(e) => format!("[]{}", s(*e)),
            GoKind::Bytes => "[]uint8".into(),
            GoKind::Map(k, v) => format!("map[{}]{}", s(*k), s(*v)),
            GoKind::Struct(fields) => {
                if fields.is_empty() {
                    "struct {}".into()
                } else {
                    let parts: Vec<String> = fields
                        .iter()
                        .map(|f| format!("{} {}", f.name, s(f.ty)))
                        .collect();
                    format!("struct {{ {} }}", parts.join("; "))
                }
            }
            GoKind::Interface => "interface {}".into(),
            _ => String::new(),
        }
    }
}

//! Derive macro for `gobrpc::GobType`, and `#[go_names]`: describe a Rust type's Go (gob)
//! type, and give its fields Go's names.
//!
//! Gob sends a value's whole static type before the value, so every type that `gobrpc`
//! encodes implements `GobType` next to `serde::Serialize`. This crate derives it; use it
//! through the main crate (`use gobrpc::GobType;`, feature `derive`, on by default), never
//! directly. The attribute reference is on the macros, [`GobType`](macro@GobType) and
//! [`go_names`](macro@go_names); `gobrpc`'s docs show the same pages.
#![forbid(unsafe_code)]

mod attrs;
mod case;
mod expand;
mod go_names;
mod service;

use proc_macro::TokenStream;

/// Derives `gobrpc::GobType`, the description of a type's Go type.
///
/// The generated code refers to the main crate as `::gobrpc` (see `#[gob(crate = "...")]`
/// to change that). The derive reads serde's attributes so that the Go type always matches
/// what `#[derive(Serialize)]` writes: a Go field's name is the serde name of the Rust field.
/// Give fields Go's names with [`go_names`](macro@go_names) above the derives.
///
/// # Example
///
/// (Runnable versions of this example are in the `gobrpc` crate docs.)
///
/// ```text
/// use gobrpc::GobType;
/// use serde::Serialize;
///
/// // Go: package main; type Point struct { X, Y int }
/// #[gobrpc::go_names]
/// #[derive(Serialize, GobType)]
/// struct Point {
///     x: i64,
///     y: i64,
/// }
///
/// // Go: type Shape interface{} holding a Point registered as "main.Point", or nil
/// #[derive(Serialize, GobType)]
/// #[gob(interface)]
/// enum Shape {
///     #[serde(rename = "main.Point")]
///     Point(Point),
///     Nil,
/// }
///
/// // Go: type Two struct { I interface{}; N int }
/// #[derive(Serialize, GobType)]
/// struct Two {
///     #[serde(rename = "I")]
///     shape: Shape,
///     #[serde(rename = "N")]
///     n: i64,
/// }
///
/// let bytes = gobrpc::to_vec(&Two { shape: Shape::Point(Point { x: 1, y: 2 }), n: 9 })?;
/// ```
///
/// # Mapping
///
/// | Rust item | Go type |
/// | --- | --- |
/// | `struct S { a: A, b: B }` | `type S struct { A A; B B }`: the serialized fields, in declaration order, named by their serde names |
/// | `struct S;` (unit struct) | `type S struct{}` |
/// | `struct S(T);` (newtype) | `type S T`: a named type with `T`'s kind (`type Celsius float64`, `type RS []RS`) |
/// | `struct S(A, B);` | compile error: Go has no tuples |
/// | `enum E { A, B, C }` (unit variants only) | `type E int`; serde sends the variant's *position* (0, 1, 2 …, like Go's `iota`; explicit discriminants are ignored, as serde ignores them) |
/// | `#[gob(interface)] enum E { P(Point), Nil }` | `interface{}`: each newtype variant is a concrete type registered (Go's `gob.Register`/`RegisterName`) under the variant's serde name; a unit variant is the nil interface |
/// | `enum E { A(T), … }` without `#[gob(interface)]` | compile error: Go has no sum types |
/// | `#[serde(transparent)] struct S { x: T }` | `type S T`, like a newtype |
/// | `#[serde(into = "U")]` | whatever `U`'s `GobType` says (serde serializes a `U`) |
/// | `#[serde(tag = "t")] struct S { … }` | a leading `t string` field (serde writes the tag first) |
/// | unions | compile error |
///
/// Field types map through their own `GobType` (implemented for std types by `gobrpc`):
/// `i64` → `int`, `u64` → `uint`, `f64` → `float64`, `String` → `string`, `Vec<T>` → `[]T`,
/// `Vec<u8>`/`serde_bytes::ByteBuf` → `[]byte`, `[T; N]` → `[N]T`, `HashMap<K, V>` →
/// `map[K]V`, `Option<T>` → `*T` (`None` is a nil pointer, which Go omits from a struct),
/// `Box<T>`/`Rc<T>`/`Arc<T>`/`&T` → `T`. Recursive types work (`struct Node { next:
/// Option<Box<Node>> }`, `struct RS(Vec<RS>)`, an interface enum whose concrete types hold
/// the same enum again): every derived type is described once per encoder, keyed by its Rust
/// type.
///
/// # Container attributes: `#[gob(...)]`
///
/// - `name = "main.Point"`: Go's qualified type name (`reflect.Type.String()`); Go's
///   `Name()`, which is what gob sends, is the part after the last `.` outside square
///   brackets (`"Point"`). Default: `"main.<RustIdent>"`, i.e. the Rust identifier as Go
///   name. `name = ""` makes an anonymous Go type (`struct { A int; B int }`), whose name
///   and string gob derives from its shape. Not allowed on interface enums.
/// - `interface`: on an enum, make it a Go interface (see the table).
/// - `bound = "T: Trait, …"`: replaces the `T: ::gobrpc::GobType` bounds the derive adds to
///   each type parameter (the `T: 'static` bound stays: types are memoized by `TypeId`).
///   Use it for marker parameters that are never serialized.
/// - `crate = "path::to::gobrpc"`: the path of the main crate, when it is re-exported.
///
/// Unknown `#[gob]` attributes are compile errors. There are no field or variant `#[gob]`
/// attributes: any is a compile error.
///
/// # serde attributes honoured
///
/// | attribute | effect on the Go type |
/// | --- | --- |
/// | container `rename_all = "…"` / `rename_all(serialize = "…")` | field names (structs) or concrete type names (interface enums) follow the rule, exactly as serde converts them: `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE` |
/// | field / variant `rename = "X"` / `rename(serialize = "X", …)` | that name (serialize side) |
/// | field / variant `skip`, `skip_serializing` | not part of the Go type at all (like an unexported Go field) |
/// | field `skip_serializing_if = "…"` | the field stays in the type; skipping it just omits it, as Go omits zero fields |
/// | field `default`, `with`, `serialize_with`, `deserialize_with` | the field stays; its Rust type decides its Go type, so a custom `with`/`serialize_with` must serialize in the shape of the field type's `GobType` (or use a field type that describes what it writes) |
/// | field `flatten` | compile error: "gobrpc: #[serde(flatten)] has no Go equivalent" |
/// | container `transparent`, `into`, `tag` (structs) | see the table above |
/// | container `tag`, `content`, `untagged` on enums, variant `untagged` | compile error: gob needs serde's externally tagged enums |
///
/// Every other serde attribute (`alias`, `bound`, `deny_unknown_fields`, `rename` on the
/// container, …) does not change what is serialized and is ignored. Raw identifiers lose
/// their `r#` (`r#type` → `type`), as in serde. Two fields (or two interface variants) with
/// one Go name are a compile error.
///
/// serde attributes hidden behind `cfg_attr` are seen only when the `cfg` holds, exactly as
/// for serde.
///
/// # Go-side notes
///
/// - Go's decoder only fills *exported* fields, matched by exact name: give fields Go's
///   names (`#[go_names]`, or `rename`), or Go will silently drop them. `rename_all =
///   "PascalCase"` is not enough: it writes `Ttl`, `UserId`, where Go has `TTL`, `UserID`.
/// - Go's encoder omits zero-valued fields; `gobrpc`'s encoder does the same from the
///   serialized values, so `skip_serializing_if` is never needed for Go compatibility.
/// - A unit variant of an interface enum encodes as the nil interface, which Go omits from a
///   struct; `Option<InterfaceEnum>` with `None` does the same.
///
/// # Generics and lifetimes
///
/// Type parameters get `T: ::gobrpc::GobType + 'static` bounds (see `bound` above). Lifetime
/// parameters are allowed: the Go type does not depend on them, so the type is described and
/// memoized as its `'static` instance (`S<'static, T>`), and field types are read with those
/// lifetimes set to `'static`.
///
/// # What the generated code looks like
///
/// ```text
/// #[gob(name = "main.Node")] struct Node { #[serde(rename = "Val")] val: i64,
///                                          #[serde(rename = "Next")] next: Option<Box<Node>> }
/// // expands to
/// impl ::gobrpc::GobType for Node {
///     fn build(b: &mut TypeBuilder) -> TypeRef {
///         b.named::<Self>("Node", "main.Node", |b| {
///             let mut fields = Vec::new();
///             fields.push(GoField { name: Cow::Borrowed("Val"), ty: <i64 as GobType>::build(b) });
///             fields.push(GoField { name: Cow::Borrowed("Next"),
///                                   ty: <Option<Box<Node>> as GobType>::build(b) });
///             GoKind::Struct(fields)
///         })
///     }
/// }
/// ```
#[proc_macro_derive(GobType, attributes(gob))]
pub fn derive_gob_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    expand::expand(input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Gives every field of a struct its Go name, Go's common initialisms included: `ttl` →
/// `TTL`, `user_id` → `UserID`, `url` → `URL`, `http_server` → `HTTPServer`, `created_at`
/// → `CreatedAt`.
///
/// Put it **above** the derives (a derive sees only what the attributes above it wrote). It
/// adds `#[serde(rename = "...")]` to each named field that has no serde `rename` of its
/// own, so serde (both directions) and `GobType` use the same Go names.
///
/// ```text
/// #[gobrpc::go_names]
/// #[derive(Serialize, Deserialize, GobType)]
/// #[gob(name = "main.Entry")]
/// struct Entry {
///     key: String,          // Key
///     ttl: i64,             // TTL
///     user_id: u64,         // UserID
///     http_server: String,  // HTTPServer
///     #[serde(rename = "Owner")]
///     user: String,         // Owner: an explicit rename wins
/// }
/// ```
///
/// Why not `#[serde(rename_all = "PascalCase")]`: it writes `Ttl`, `UserId`, `HttpServer`,
/// which are not Go's names, and gob matches fields by exact name: Go drops such a field
/// without an error, and so does `gobrpc`'s decoder unless the type has
/// `#[serde(deny_unknown_fields)]` or the decoder is strict.
///
/// The rule: the field name (without `r#`) is split at `_`; a word that is one of golint's
/// initialisms (ACL, API, ASCII, CPU, CSS, DNS, EOF, GUID, HTML, HTTP, HTTPS, ID, IP, JSON,
/// LHS, QPS, RAM, RHS, RPC, SLA, SMTP, SQL, SSH, TCP, TLS, TTL, UDP, UI, UID, UUID, URI,
/// URL, UTF8, VM, XML, XMPP, XSRF, XSS) is written in capitals, any other is capitalized
/// (`ids` → `Ids`, `ipv4` → `Ipv4`: rename such fields yourself where Go spells them
/// differently).
///
/// Compile errors: on an enum (an interface enum's variants are the Go names its types were
/// registered under, a unit-only enum is sent by position), together with a container
/// `rename_all` (one rule or the other), and with arguments; `GobType` reports a
/// `#[go_names]` placed below the derives. Tuple and unit structs have no field names and
/// pass through unchanged.
#[proc_macro_attribute]
pub fn go_names(args: TokenStream, item: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(item as syn::DeriveInput);
    go_names::expand(args.into(), input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Declares a Go net/rpc service with one trait, and generates its typed client
/// (`<Trait>Client`) and its server-side registration (`Trait::into_service`). See
/// `gobrpc::service` for the documentation and examples.
#[proc_macro_attribute]
pub fn service(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = syn::parse_macro_input!(input as syn::ItemTrait);
    service::expand(args.into(), item)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

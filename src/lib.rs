//! gobrpc: Go's `encoding/gob` codec and `net/rpc` protocol for Rust — call Go services,
//! and read and write gob streams, as if you were Go: the same bytes on the wire.
//!
//! # The codec
//!
//! Bring ordinary serde types. Derive [`GobType`] next to `Serialize` to encode (gob sends a
//! value's static Go type first, which serde alone cannot describe); `Deserialize` alone is
//! enough to decode.
//!
//! ```
//! use gobrpc::GobType;
//! use serde::{Deserialize, Serialize};
//!
//! #[gobrpc::go_names] // x → X, y → Y: Go's field names (above the derives)
//! #[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
//! #[gob(name = "main.Point")]
//! struct Point {
//!     x: i64,
//!     y: i64,
//! }
//!
//! let bytes = gobrpc::to_vec(&Point { x: 22, y: 33 })?;
//! // Byte for byte what Go's `gob.NewEncoder(w).Encode(Point{22, 33})` writes:
//! assert_eq!(bytes[bytes.len() - 8..], [0x07, 0xff, 0x80, 0x01, 0x2c, 0x01, 0x42, 0x00]);
//! assert_eq!(gobrpc::from_slice::<Point>(&bytes)?, Point { x: 22, y: 33 });
//! # Ok::<(), gobrpc::Error>(())
//! ```
//!
//! The derive's attributes (`#[gob(name = ...)]`, `#[gob(interface)]`, the serde attributes
//! it honours) are documented on [`GobType`](macro@GobType), the Go naming rule on
//! [`go_names`](macro@go_names).
//!
//! # Field names
//!
//! Gob matches struct fields by exact name, and a field that matches nothing is dropped
//! without an error, by Go and (by default) here. Go's names follow Go's initialisms:
//! `TTL`, `UserID`, `URL`, `HTTPServer`. serde's `rename_all = "PascalCase"` writes `Ttl`,
//! `UserId`, `Url`, `HttpServer`: such fields are lost silently in both directions. Use
//! [`go_names`](macro@go_names), which knows Go's initialisms, or `#[serde(rename = "...")]`
//! per field. To catch a mismatch, `#[serde(deny_unknown_fields)]` makes a wire field the
//! type lacks an error for that type, [`DecoderState::set_strict`] (and
//! [`Decoder::set_strict`]) for every type; otherwise each skipped field is a `tracing`
//! debug event.
//!
//! ```
//! use gobrpc::GobType;
//! use serde::{Deserialize, Serialize};
//!
//! // Go: type Entry struct { Key string; TTL int64; UserID int; HTTPServer string }
//! #[gobrpc::go_names]
//! #[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
//! #[gob(name = "main.Entry")]
//! struct Entry {
//!     key: String,
//!     ttl: i64,
//!     user_id: i64,
//!     http_server: String,
//! }
//!
//! #[derive(Deserialize, Debug)]
//! #[serde(rename_all = "PascalCase", deny_unknown_fields)]
//! struct Pascal { key: String, ttl: i64 }
//!
//! let e = Entry { key: "k".into(), ttl: 30, user_id: 7, http_server: "nginx".into() };
//! let bytes = gobrpc::to_vec(&e)?;
//! assert_eq!(gobrpc::from_slice::<Entry>(&bytes)?, e);
//! let err = gobrpc::from_slice::<Pascal>(&bytes).unwrap_err();
//! assert!(err.to_string().starts_with("gob: wire field TTL of Entry has no field in the Rust type Pascal"));
//! # Ok::<(), gobrpc::Error>(())
//! ```
//!
//! - Streams: [`Encoder`] / [`Decoder`] over `std::io` keep per-stream type state exactly like
//!   Go's `gob.Encoder` / `gob.Decoder`; [`EncoderState`] / [`DecoderState`] are the same
//!   without I/O, a message at a time over your own buffers (what the async client uses).
//! - Dynamic values: [`Value`] / [`TypedValue`] decode any stream without a Rust type and
//!   re-encode it byte for byte; both are serde types too, for an `interface{}` field of a
//!   typed struct or a whole reply (`client.call::<_, Value>`).
//! - Large `[]byte` payloads: [`types::Bytes`] decodes as a view of the buffer the message
//!   arrived in ([`DecoderState::decode_shared`]; the client does this for large replies).
//! - Marshalers: [`types::GoTime`] (`time.Time`, with Go's JSON and `String()` texts),
//!   [`types::BigInt`] (`big.Int`), and
//!   [`go_marshaler!`] for any other `GobEncoder` / `BinaryMarshaler` payload.
//! - Hostile input: every length, count, depth and type id is checked against [`Limits`]
//!   with safe defaults; decoding never panics and never allocates more than the input
//!   justifies.
//! - The client: [`rpc::Client`] (feature `rpc`, on by default).
//! - JSON (feature `json`): Go type declarations parsed from Go source ([`decl`]), gob values
//!   from JSON and Go's `encoding/json` rendering of any decoded value ([`json`]), and
//!   `Client::call_json` to call any method with JSON arguments.
//!
//! # Mapping Go types to Rust
//!
//! | Go | Rust |
//! |---|---|
//! | `bool`, `string` | `bool`, `String`; borrowed: `&str`, `Cow<str>` with `#[serde(borrow)]` (see [below](#borrowed-decoding)) |
//! | `int`, `int8`…`int64` | `i64`, `i8`…`i64` (range-checked on decode, Go's error) |
//! | `uint`, `uint8`…`uint64`, `uintptr` | `u64`, `u8`…`u64` |
//! | `float32`, `float64` | `f32`, `f64` (NaN payloads kept) |
//! | `complex128` | [`types::Complex`] |
//! | `[]byte` | `Vec<u8>`, [`serde_bytes::ByteBuf`] (faster for big payloads), [`types::Bytes`] (large replies without a copy); borrowed: `&[u8]`, `Cow<[u8]>` with `#[serde(borrow, with = "serde_bytes")]` |
//! | `[]T`, `[N]T` | `Vec<T>`, `[T; N]` (`[N]byte` is an array, as in Go) |
//! | `map[K]V` | `HashMap<K, V>`, `BTreeMap<K, V>` |
//! | `*T` | `Option<T>` (`None` = nil; `*Node` is `Option<Box<Node>>`) |
//! | struct | `#[gobrpc::go_names]` above `#[derive(Serialize, Deserialize, GobType)]` on a struct: its fields get Go's names (`ttl` → `TTL`, `user_id` → `UserID`); serde names are Go names, so `#[serde(rename = "...")]` works too, `rename_all = "PascalCase"` does not (see [Field names](#field-names)) |
//! | `struct{}` | `()` (both ways: net/rpc's empty body), or a unit struct `struct S;` |
//! | `type T U` (named non-struct) | newtype struct `struct T(U)` |
//! | `interface{}` | a `#[gob(interface)]` enum whose newtype variants are renamed to the Go names the types were registered under (`"main.Point"`, `"int"`); a unit variant first means nil; or [`Value`] (any value Go sends, kept as Go's value: [`Value::Interface`]), or [`TypedValue`] (also Go's type definitions: re-encodes Go's bytes exactly) |
//! | `time.Time`, `big.Int` | [`types::GoTime`], [`types::BigInt`] |
//!
//! Every Rust type above that encodes has a [`GobType`], borrowed forms too (`&str`,
//! `&[u8]`, `Cow`, `Vec<&str>`, maps with `&str` keys): a struct with borrowed fields derives
//! `GobType` and encodes to the bytes its owned twin encodes to.
//!
//! # Borrowed decoding
//!
//! [`from_slice`] and [`DecoderState::decode`] decode into any `T: Deserialize<'de>`, so a
//! Go `string` can be a `&'de str` and a `[]byte` a `&'de [u8]` pointing into the bytes you
//! hand in: no allocation and no copy per string. Use it for large, string-heavy values
//! (log lines, keys, listings) that you inspect or reduce rather than keep: decoding
//! `[]string` × 1000 into `Vec<&str>` takes under a fifth of the time Go takes (see
//! BENCHMARKS.md). Keep owned types (`String`) for values that outlive the buffer.
//!
//! - Nested structs, `Vec<&str>`, `Option<&str>`, `[&str; N]`, maps with `&str` keys, and
//!   interface enums with `&str` variants borrow too. serde borrows implicitly only for
//!   fields whose type *is* `&str` or `&[u8]`: put `#[serde(borrow)]` on a field whose
//!   borrowed strings are inside another type (`Vec<&'a str>`, `HashMap<&'a str, V>`, your
//!   own borrowed struct) when no plain `&'a str` field gives serde the lifetime, and always
//!   on a `Cow` field: without it serde makes every `Cow` owned (a top-level `Cow<str>` is
//!   always owned).
//! - Every check runs as for owned values: UTF-8 (a Go string that is not UTF-8 fails for
//!   `&str`; decode it into `&[u8]`), [`Limits`], depth.
//! - A string that is not in the input bytes cannot be borrowed: struct field names decoded
//!   as map keys (they come from the type definition, which may have arrived in an earlier
//!   message) and the strings of a [`Value`]. For `&str` that is a clear error ("cannot
//!   borrow string …"); `String` and `Cow<str>` take it.
//! - The streaming [`Decoder`] reuses its buffer, so it decodes owned values only; a reply
//!   borrows with [`rpc::Client::call_with`], whose closure decodes it in the read buffer.
//!
//! ```
//! use serde::Deserialize;
//!
//! #[derive(Deserialize, Debug, PartialEq)]
//! struct Entry<'a> {
//!     #[serde(rename = "Key")]
//!     key: &'a str,
//!     #[serde(rename = "Lines", borrow)]
//!     lines: Vec<&'a str>,
//! }
//!
//! # #[derive(serde::Serialize, gobrpc::GobType)]
//! # struct Sent<'a> { #[serde(rename = "Key")] key: &'a str, #[serde(rename = "Lines")] lines: Vec<&'a str> }
//! # let bytes = gobrpc::to_vec(&Sent { key: "app", lines: vec!["started", "ready"] })?;
//! // `bytes`: a Go `Entry{Key: "app", Lines: []string{"started", "ready"}}`
//! let e: Entry = gobrpc::from_slice(&bytes)?;
//! assert_eq!(e, Entry { key: "app", lines: vec!["started", "ready"] });
//!
//! // A struct's field names are not in the value's bytes: `&str` keys cannot borrow them.
//! let err = gobrpc::from_slice::<std::collections::HashMap<&str, gobrpc::Value>>(&bytes);
//! assert!(err.unwrap_err().to_string().starts_with("gob: cannot borrow string \"Key\""));
//! # Ok::<(), gobrpc::Error>(())
//! ```
//!
//! # Design decisions and compatibility
//!
//! - **Static types for encoding.** Gob defines a value's whole static type before the value,
//!   so an empty `Vec<Point>` still defines `Point` and a `None` still defines its pointee.
//!   serde shows only the dynamic value, so encoding needs a second trait, [`GobType`], that
//!   describes the Go type once into a [`TypeBuilder`]. The encoder walks that description
//!   beside the serde calls. It reproduces Go's id allocation order, definition order and
//!   `CommonType` names, so given Go's type names (`#[gob(name = "main.Point")]`) the bytes
//!   are Go's. Ids are per stream (Go's are per process; the peer cannot tell).
//! - **Absent fields are zero values.** Go omits zero-valued fields; a Rust field absent from
//!   the wire gets Go's zero value (0, "", empty collection, `None`) without
//!   `#[serde(default)]` — serde defaults do not apply. Wire fields the Rust type lacks are
//!   skipped, as Go skips them (an error with `#[serde(deny_unknown_fields)]` or in strict
//!   mode). Decoding into a struct none of whose fields match is Go's "no fields matched"
//!   error.
//! - **Zero values are omitted when encoding struct fields**, per kind as Go does (including
//!   `-0.0` and the zero `time.Time`); a Rust `HashMap` is never Go's nil map, so an empty one
//!   is sent (Go's empty non-nil map); use `Option<HashMap<..>>` for a nil map.
//! - **Interfaces are skipped by structure**, never by the byte count Go writes, so values
//!   with nested interfaces can be discarded without losing sync (Go issue #34879).
//! - **Stricter than Go**: nesting depth is limited (Go has no limit and dies of stack
//!   overflow); the number and size of type definitions per stream are limited; a type
//!   definition naming two kinds at once is rejected (Go accepts it; its encoder never writes
//!   one); a zero-length message is an error (Go returns a bare `EOF`). Like Go we accept
//!   non-minimal integers, a struct missing its final terminator at the end of a message,
//!   trailing bytes after a value, and any non-zero bool.
//! - **Strings** must be UTF-8 to decode into `String`; [`Value`] keeps a non-UTF-8 Go string
//!   as [`Value::Bytes`] and re-encodes it unchanged.
//! - **Integer kinds** follow Go's compatibility rules: a Go `int` decodes only into signed
//!   Rust integers, a Go `uint` only into unsigned ones.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

// The derive's generated code names `::gobrpc`; let it resolve inside this crate too.
extern crate self as gobrpc;

mod de;
#[cfg(feature = "json")]
pub mod decl;
mod error;
mod fxhash;
#[cfg(feature = "json")]
pub mod json;
#[cfg(feature = "plugin")]
pub mod plugin;
#[cfg(feature = "rpc")]
pub mod rpc;
pub mod schema;
mod ser;
#[cfg(all(feature = "json", feature = "rpc"))]
pub mod stub;
#[cfg(all(feature = "json", feature = "rpc"))]
pub mod tap;
pub mod types;
pub mod value;
pub mod wire;

pub use de::{from_slice, Decoder, DecoderState, Limits};
pub use error::{Category, Error, Result};
pub use schema::{GobType, TypeBuilder};
pub use ser::{to_vec, Encoder, EncoderState};
pub use value::{TypedValue, Value};

#[cfg(feature = "derive")]
#[doc(inline)]
pub use gobrpc_derive::{go_names, GobType};

/// Declares a Go net/rpc service with one trait (feature `derive` and `rpc`): the macro
/// generates the typed client `<Trait>Client` and the server-side registration
/// `Trait::into_service` from it.
///
/// - Each method is an `async fn(&self, args: A) -> Result<R, E>`, optionally taking the
///   call's [`rpc::server::Context`] first: Go's `func (t *T) M(args A, reply *R) error`.
///   `E: Display` is the error text Go's client receives. Signatures Go cannot serve (no
///   argument, several, no `Result`) are compile errors that say why.
/// - Go's method name is the Rust name in CamelCase (`add` → `Add`, `get_all` → `GetAll`);
///   `#[rpc(name = "...")]` sets it. `#[rpc(pointer_arg)]` says Go's method takes `*A`
///   (`Mul(args *Args, reply *Reply)`): the debug page shows it so, as Go's does. The service name is the trait's name;
///   `#[gobrpc::service(name = "...")]` sets it.
/// - The client has two methods per service method: `add(&args)` waits for the reply
///   (Go's `Call`), `add_go(&args)` returns the [`rpc::Call`] at once (Go's `Go`).
///
/// ```
/// use gobrpc::rpc::{server::Server, Client};
/// use gobrpc::GobType;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, GobType)]
/// #[gob(name = "main.Args")]
/// pub struct Args { #[serde(rename = "A")] a: i64, #[serde(rename = "B")] b: i64 }
///
/// #[gobrpc::service]
/// pub trait Arith {
///     async fn add(&self, args: Args) -> Result<i64, String>;
///     #[rpc(name = "Div")]
///     async fn divide(&self, args: Args) -> Result<i64, String>;
/// }
///
/// struct MyArith;
///
/// impl Arith for MyArith {
///     async fn add(&self, args: Args) -> Result<i64, String> {
///         Ok(args.a + args.b)
///     }
///     async fn divide(&self, args: Args) -> Result<i64, String> {
///         if args.b == 0 {
///             return Err("divide by zero".into());
///         }
///         Ok(args.a / args.b)
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let server = Server::builder().service(MyArith.into_service()).build();
/// let (ours, theirs) = tokio::io::duplex(4096);
/// tokio::spawn(async move { server.serve_conn(theirs).await });
///
/// let arith = ArithClient::new(Client::new(ours));
/// assert_eq!(arith.add(&Args { a: 7, b: 8 }).await?, 15);
/// let err = arith.divide_go(&Args { a: 1, b: 0 }).await.unwrap_err();
/// assert_eq!(err.to_string(), "divide by zero");
/// # Ok(()) }
/// ```
#[cfg(all(feature = "derive", feature = "rpc"))]
pub use gobrpc_derive::service;

#[doc(hidden)]
pub use serde as __serde;

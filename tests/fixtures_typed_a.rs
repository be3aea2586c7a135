//! Go fixtures through typed Rust values (the non-struct/interface/time/big/marshaler half):
//! every positive fixture decodes, with one `DecoderState`, to the Rust values written here
//! from the Go source (`go-interop/cases_*.go`), and encoding those values with one
//! `EncoderState` gives Go's exact bytes (deterministic cases) or bytes that decode back to
//! the same values (multi-entry maps). Encode-error cases must fail in Rust too.

mod common;

use common::streams::clip;
use common::typed_fixtures::{assert_half_covered, Half};
use gobrpc::schema::{GoKind, TypeRef};
use gobrpc::types::Complex;
use gobrpc::{DecoderState, EncoderState, GobType, TypeBuilder};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_bytes::ByteBuf;
use std::fmt::{self, Debug};
use std::hash::{Hash, Hasher};

// ---- checking machinery ------------------------------------------------------------------

/// `Debug` of a value, cut to a readable length (the 1 MiB case).
fn show<T: Debug>(v: &T) -> String {
    clip(&format!("{v:?}"), 600)
}

/// Decodes a stream value by value with one `DecoderState`, comparing each to its expectation.
struct Stream<'a> {
    name: &'a str,
    what: &'a str,
    st: DecoderState,
    rest: &'a [u8],
    n: usize,
}

impl<'a> Stream<'a> {
    fn new(name: &'a str, what: &'a str, bytes: &'a [u8]) -> Self {
        Stream {
            name,
            what,
            st: DecoderState::new(),
            rest: bytes,
            n: 0,
        }
    }

    fn expect<T: DeserializeOwned + PartialEq + Debug>(&mut self, want: T) {
        let (name, what, n) = (self.name, self.what, self.n);
        match self.st.decode::<T>(self.rest) {
            Ok(Some((got, used))) => {
                assert!(
                    got == want,
                    "{name}: {what} value #{n} ({}):\n  got  {}\n  want {}",
                    std::any::type_name::<T>(),
                    show(&got),
                    show(&want)
                );
                self.rest = &self.rest[used..];
            }
            Ok(None) => panic!("{name}: {what} ended before value #{n}"),
            Err(e) => panic!("{name}: {what}: decoding value #{n}: {e}"),
        }
        self.n += 1;
    }

    fn finish(self) {
        assert!(
            self.rest.is_empty(),
            "{}: {}: {} trailing bytes after {} values",
            self.name,
            self.what,
            self.rest.len(),
            self.n
        );
    }
}

/// Encodes values in order with one `EncoderState`.
struct Out<'a> {
    name: &'a str,
    st: EncoderState,
    buf: Vec<u8>,
    n: usize,
}

impl<'a> Out<'a> {
    fn new(name: &'a str) -> Self {
        Out {
            name,
            st: EncoderState::new(),
            buf: Vec::new(),
            n: 0,
        }
    }

    fn push<T: Serialize + GobType>(&mut self, v: T) {
        if let Err(e) = self.st.encode(&v, &mut self.buf) {
            panic!("{}: encoding value #{}: {e}", self.name, self.n);
        }
        self.n += 1;
    }
}

/// One `#[test]` per positive fixture: `test_fn [= "fixture.name"]: det|nondet [Type => value, …];`
macro_rules! cases {
    ($($(#[$m:meta])* $test:ident $(= $fx:literal)? : $mode:ident [$($ty:ty => $val:expr),+ $(,)?];)*) => {
        /// Fixture names covered by this table.
        pub(crate) const COVERED: &[&str] = &[$(cases!(@name $test $(= $fx)?)),*];
        $(
            $(#[$m])*
            #[test]
            fn $test() {
                let name: &str = cases!(@name $test $(= $fx)?);
                let det: bool = cases!(@det $mode);
                let go = $crate::common::fixture(name);
                let meta = $crate::common::typed_fixtures::meta(name);
                let count = [$(stringify!($ty)),+].len();
                assert_eq!(meta.kind, "positive", "{name}: kind");
                assert_eq!(meta.deterministic, det, "{name}: deterministic flag");
                assert_eq!(meta.values, count, "{name}: number of values");

                // (1) Go's bytes decode to exactly the expected values.
                let mut s = $crate::Stream::new(name, "go stream", &go);
                $(s.expect::<$ty>($val);)+
                s.finish();

                // (2) The expected values encode to Go's bytes (or, for multi-entry maps,
                // to bytes of the same length that decode back to them).
                let mut out = $crate::Out::new(name);
                $(out.push::<$ty>($val);)+
                if det {
                    $crate::common::streams::assert_same_bytes(name, &go, &out.buf);
                } else {
                    assert_eq!(out.buf.len(), go.len(), "{name}: re-encoded length");
                }
                let mut s = $crate::Stream::new(name, "rust stream", &out.buf);
                $(s.expect::<$ty>($val);)+
                s.finish();
            }
        )*
    };
    (@name $test:ident) => { stringify!($test) };
    (@name $test:ident = $fx:literal) => { $fx };
    (@det det) => { true };
    (@det nondet) => { false };
}

/// One `#[test]` per encode_error fixture whose Go value Rust can express:
/// `test_fn: Type => value;`. Our encoder must fail and write nothing, and Go's bytes
/// before its error (type definitions at most) hold no complete value.
macro_rules! encode_errors {
    ($($(#[$m:meta])* $test:ident : $ty:ty => $val:expr;)*) => {
        /// Fixture names covered by this table.
        pub(crate) const COVERED: &[&str] = &[$(stringify!($test)),*];
        $(
            $(#[$m])*
            #[test]
            fn $test() {
                let name = stringify!($test);
                let go = $crate::common::typed_fixtures::encode_error_prefix(name, 0);
                match gobrpc::DecoderState::new().decode::<$ty>(&go) {
                    Ok(None) => {}
                    Ok(Some((v, _))) => panic!("{name}: Go's prefix decoded to {v:?}"),
                    Err(e) => panic!("{name}: Go's prefix: {e}"),
                }

                let v: $ty = $val;
                let mut out = Vec::new();
                let r = gobrpc::EncoderState::new().encode(&v, &mut out);
                assert!(r.is_err(), "{name}: encoding {v:?} succeeded: {}", hex::encode(&out));
                assert!(out.is_empty(), "{name}: bytes left after error: {}", hex::encode(&out));
            }
        )*
    };
}

// ---- Rust mirrors of the Go types ----------------------------------------------------------

/// Newtypes of Go's floating-point types that compare bit for bit (NaN payloads, -0), and so
/// are also usable as map keys: `Name(inner) as Bits = |v| bits of v;`.
macro_rules! bitwise {
    ($($(#[$m:meta])* $name:ident($inner:ty) as $bits:ty = |$v:ident| $to_bits:expr;)*) => {$(
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $inner);

        impl $name {
            fn bits(&self) -> $bits {
                let $v = self.0;
                $to_bits
            }
        }
        impl GobType for $name {
            fn build(b: &mut TypeBuilder) -> TypeRef {
                <$inner>::build(b)
            }
        }
        impl PartialEq for $name {
            fn eq(&self, o: &Self) -> bool {
                self.bits() == o.bits()
            }
        }
        impl Eq for $name {}
        impl Hash for $name {
            fn hash<H: Hasher>(&self, h: &mut H) {
                self.bits().hash(h)
            }
        }
    )*};
}

bitwise! {
    /// Go `float64`.
    F64(f64) as u64 = |v| v.to_bits();
    /// Go `float32`.
    F32(f32) as u32 = |v| v.to_bits();
    /// Go `complex128`.
    C128(Complex) as (u64, u64) = |v| (v.0.to_bits(), v.1.to_bits());
}

/// Go `string` holding arbitrary bytes (Go does not validate UTF-8; Rust's `String` must).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct GoStr(pub ByteBuf);

impl GobType for GoStr {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        String::build(b)
    }
}

/// A Go map kept as its entries, duplicates included (two NaN keys); equality ignores order.
#[derive(Debug, Clone)]
pub struct Entries<K, V>(pub Vec<(K, V)>);

impl<K: PartialEq, V: PartialEq> PartialEq for Entries<K, V> {
    fn eq(&self, o: &Self) -> bool {
        let mut left: Vec<&(K, V)> = o.0.iter().collect();
        self.0.len() == o.0.len()
            && self
                .0
                .iter()
                .all(|e| match left.iter().position(|x| *x == e) {
                    Some(i) => {
                        left.swap_remove(i);
                        true
                    }
                    None => false,
                })
    }
}

impl<K: GobType + 'static, V: GobType + 'static> GobType for Entries<K, V> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<Entries<K, V>>(|b| {
            let k = K::build(b);
            GoKind::Map(k, V::build(b))
        })
    }
}

impl<K: Serialize, V: Serialize> Serialize for Entries<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Entries<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
            type Value = Entries<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(e) = a.next_entry()? {
                    out.push(e);
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(V2(std::marker::PhantomData))
    }
}

// ---- the cases ------------------------------------------------------------------------------

#[path = "fixtures_typed_a/composite.rs"]
mod composite;
#[path = "fixtures_typed_a/misc.rs"]
mod misc;
#[path = "fixtures_typed_a/scalars.rs"]
mod scalars;

/// Every fixture of this half (`common::typed_fixtures::Half::A`) has a test here, and no
/// test names a fixture that does not exist.
#[test]
fn every_fixture_of_this_half_is_covered() {
    let lists: &[&[&str]] = &[
        scalars::COVERED,
        composite::COVERED,
        misc::COVERED,
        misc::errors::COVERED,
        misc::NOT_EXPRESSIBLE,
    ];
    assert_half_covered(Half::A, lists, 130);
}

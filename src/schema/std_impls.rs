//! [`GobType`] for Rust's standard types.
//!
//! Integer widths map to Go's: `i64`/`isize` ↔ `int`, `u64`/`usize` ↔ `uint` (the Go kinds
//! most Go code uses for these), the sized kinds to `int8`…`uint32`. Only composite type
//! *names* depend on this (`"[]int"`), and Go's decoder ignores names.

use super::{GoKind, GobType, TypeBuilder, TypeRef};
use std::collections::{BTreeMap, HashMap};

macro_rules! scalar {
    ($($t:ty => $ctor:ident($name:literal)),* $(,)?) => {$(
        impl GobType for $t {
            fn build(b: &mut TypeBuilder) -> TypeRef {
                b.$ctor($name)
            }
        }
    )*};
}

scalar! {
    bool => bool("bool"),
    i8 => int("int8"), i16 => int("int16"), i32 => int("int32"), i64 => int("int"),
    isize => int("int"),
    u8 => uint("uint8"), u16 => uint("uint16"), u32 => uint("uint32"), u64 => uint("uint"),
    usize => uint("uint"),
    f32 => float("float32"), f64 => float("float64"),
    String => string("string"), str => string("string"), char => int("int32"),
}

impl<T: GobType + ?Sized> GobType for &T {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

impl<T: GobType + ?Sized> GobType for &mut T {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

impl<T: GobType + ?Sized> GobType for Box<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

impl<T: GobType + ?Sized> GobType for std::rc::Rc<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

impl<T: GobType + ?Sized> GobType for std::sync::Arc<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

impl<T: GobType + ToOwned + ?Sized> GobType for std::borrow::Cow<'_, T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        T::build(b)
    }
}

/// `Option<T>` is Go's `*T`: `None` is a nil pointer (omitted from a struct).
impl<T: GobType> GobType for Option<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        let t = T::build(b);
        b.shape(GoKind::Ptr(t))
    }
}

impl<T: GobType> GobType for Vec<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        let e = T::build(b);
        let kind = b.slice_of(e);
        b.shape(kind)
    }
}

impl<T: GobType> GobType for [T] {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        let e = T::build(b);
        let kind = b.slice_of(e);
        b.shape(kind)
    }
}

impl<T: GobType> GobType for std::collections::VecDeque<T> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        Vec::<T>::build(b)
    }
}

/// `[T; N]` is Go's `[N]T` (so `[u8; N]` is an array of `uint8`, not `[]byte`, as in Go).
impl<T: GobType, const N: usize> GobType for [T; N] {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        let elem = T::build(b);
        b.shape(GoKind::Array { elem, len: N })
    }
}

impl<K: GobType, V: GobType, S> GobType for HashMap<K, V, S> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        BTreeMap::<K, V>::build(b)
    }
}

impl<K: GobType, V: GobType> GobType for BTreeMap<K, V> {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        let k = K::build(b);
        let v = V::build(b);
        b.shape(GoKind::Map(k, v))
    }
}

/// `serde_bytes::ByteBuf` is `[]byte`.
impl GobType for serde_bytes::ByteBuf {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<serde_bytes::ByteBuf>(|_| GoKind::Bytes)
    }
}

/// `serde_bytes::Bytes` is `[]byte`.
impl GobType for serde_bytes::Bytes {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<serde_bytes::Bytes>(|_| GoKind::Bytes)
    }
}

/// `()` is Go's `struct{}` (the body net/rpc sends with every error reply).
impl GobType for () {
    fn build(b: &mut TypeBuilder) -> TypeRef {
        b.unnamed::<()>(|_| GoKind::Struct(Vec::new()))
    }
}

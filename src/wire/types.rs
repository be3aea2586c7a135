//! Type ids and the `wireType` descriptors that gob sends to define a type.

use super::input::Input;
use super::scalar::{put_bytes, put_int, put_uint};
use crate::error::{Error, Result};
use std::fmt;

/// A gob type id. On the wire a definition carries `-id`, a value carries `id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub i32);

impl TypeId {
    /// `bool`
    pub const BOOL: TypeId = TypeId(1);
    /// every signed integer kind
    pub const INT: TypeId = TypeId(2);
    /// every unsigned integer kind
    pub const UINT: TypeId = TypeId(3);
    /// `float32` and `float64`
    pub const FLOAT: TypeId = TypeId(4);
    /// any slice whose element kind is `uint8`
    pub const BYTES: TypeId = TypeId(5);
    /// `string`
    pub const STRING: TypeId = TypeId(6);
    /// `complex64` and `complex128`
    pub const COMPLEX: TypeId = TypeId(7);
    /// any interface type
    pub const INTERFACE: TypeId = TypeId(8);
    /// The first id available to user-defined types.
    pub const FIRST_USER: TypeId = TypeId(64);

    /// The builtin kind this id names, if it is one of ids 1–8.
    pub fn builtin(self) -> Option<Builtin> {
        Some(match self.0 {
            1 => Builtin::Bool,
            2 => Builtin::Int,
            3 => Builtin::Uint,
            4 => Builtin::Float,
            5 => Builtin::Bytes,
            6 => Builtin::String,
            7 => Builtin::Complex,
            8 => Builtin::Interface,
            _ => return None,
        })
    }

    /// True for ids a peer may define (64 and above).
    pub fn is_user(self) -> bool {
        self.0 >= 64
    }
}

impl fmt::Display for TypeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The predefined gob types (ids 1–8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// id 1
    Bool,
    /// id 2
    Int,
    /// id 3
    Uint,
    /// id 4
    Float,
    /// id 5
    Bytes,
    /// id 6
    String,
    /// id 7
    Complex,
    /// id 8
    Interface,
}

impl Builtin {
    /// The type id of this builtin.
    pub fn id(self) -> TypeId {
        TypeId(match self {
            Builtin::Bool => 1,
            Builtin::Int => 2,
            Builtin::Uint => 3,
            Builtin::Float => 4,
            Builtin::Bytes => 5,
            Builtin::String => 6,
            Builtin::Complex => 7,
            Builtin::Interface => 8,
        })
    }

    /// Go's name for the kind, as used in error messages.
    pub fn go_name(self) -> &'static str {
        match self {
            Builtin::Bool => "bool",
            Builtin::Int => "int",
            Builtin::Uint => "uint",
            Builtin::Float => "float",
            Builtin::Bytes => "[]byte",
            Builtin::String => "string",
            Builtin::Complex => "complex",
            Builtin::Interface => "interface",
        }
    }
}

/// The part every definition shares. Go's decoder uses neither field (they are cosmetic), but
/// they are kept so that a stream can be re-encoded byte for byte.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct CommonType {
    /// Go's type name as the sender chose it (`"Point"`, `"[]int"`, or empty).
    pub name: String,
    /// The id the sender wrote inside the definition (normally the defined id).
    pub id: i32,
}

/// One field of a struct definition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldType {
    /// The Go field name (the match key on decode).
    pub name: String,
    /// The field's type.
    pub id: TypeId,
}

/// Which marshaling interface a Go type uses for its opaque payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MarshalerKind {
    /// `GobEncoder` / `GobDecoder` (wire field `GobEncoderT`), e.g. `time.Time`, `big.Int`.
    Gob,
    /// `encoding.BinaryMarshaler` (wire field `BinaryMarshalerT`), e.g. `netip.Addr`.
    Binary,
    /// `encoding.TextMarshaler` (wire field `TextMarshalerT`; Go never sends it).
    Text,
}

/// A type definition as it travels in a gob stream (Go's `wireType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WireType {
    /// `ArrayT`: a fixed-length array.
    Array {
        /// name and id
        common: CommonType,
        /// element type
        elem: TypeId,
        /// length
        len: i64,
    },
    /// `SliceT`: a slice (other than `[]byte`, which is builtin).
    Slice {
        /// name and id
        common: CommonType,
        /// element type
        elem: TypeId,
    },
    /// `StructT`: a struct with its sent fields in order.
    Struct {
        /// name and id
        common: CommonType,
        /// fields
        fields: Vec<FieldType>,
    },
    /// `MapT`: a map.
    Map {
        /// name and id
        common: CommonType,
        /// key type
        key: TypeId,
        /// element type
        elem: TypeId,
    },
    /// `GobEncoderT`, `BinaryMarshalerT` or `TextMarshalerT`: an opaque payload.
    Marshaler {
        /// name and id
        common: CommonType,
        /// which interface
        kind: MarshalerKind,
    },
}

impl WireType {
    /// The common part (name and id).
    pub fn common(&self) -> &CommonType {
        match self {
            WireType::Array { common, .. }
            | WireType::Slice { common, .. }
            | WireType::Struct { common, .. }
            | WireType::Map { common, .. }
            | WireType::Marshaler { common, .. } => common,
        }
    }

    /// The name the sender gave the type.
    pub fn name(&self) -> &str {
        &self.common().name
    }

    /// A Go-like description of the type for error messages.
    pub fn describe(&self) -> String {
        let name = self.name();
        if !name.is_empty() {
            return name.to_string();
        }
        match self {
            WireType::Array { len, .. } => format!("[{len}]…"),
            WireType::Slice { .. } => "[]…".into(),
            WireType::Struct { .. } => "struct".into(),
            WireType::Map { .. } => "map".into(),
            WireType::Marshaler { .. } => "marshaler".into(),
        }
    }

    /// Appends Go's exact encoding of this definition (the `wireType` struct, without the id).
    pub fn encode(&self, out: &mut Vec<u8>) {
        let (field, common) = match self {
            WireType::Array { common, .. } => (0, common),
            WireType::Slice { common, .. } => (1, common),
            WireType::Struct { common, .. } => (2, common),
            WireType::Map { common, .. } => (3, common),
            WireType::Marshaler { common, kind } => (
                match kind {
                    MarshalerKind::Gob => 4,
                    MarshalerKind::Binary => 5,
                    MarshalerKind::Text => 6,
                },
                common,
            ),
        };
        put_uint(out, field + 1);
        // Field 0 of every inner struct is the embedded CommonType, always sent.
        out.push(0x01);
        let mut last = -1i64;
        if !common.name.is_empty() {
            put_uint(out, (0 - last) as u64);
            put_bytes(out, common.name.as_bytes());
            last = 0;
        }
        if common.id != 0 {
            put_uint(out, (1 - last) as u64);
            put_int(out, common.id as i64);
        }
        out.push(0x00);
        let mut last = 0i64;
        let mut int_field = |out: &mut Vec<u8>, num: i64, v: i64| {
            if v != 0 {
                put_uint(out, (num - last) as u64);
                put_int(out, v);
                last = num;
            }
        };
        match self {
            WireType::Array { elem, len, .. } => {
                int_field(out, 1, elem.0 as i64);
                int_field(out, 2, *len);
            }
            WireType::Slice { elem, .. } => int_field(out, 1, elem.0 as i64),
            WireType::Map { key, elem, .. } => {
                int_field(out, 1, key.0 as i64);
                int_field(out, 2, elem.0 as i64);
            }
            WireType::Struct { fields, .. } => {
                if !fields.is_empty() {
                    out.push(0x01);
                    put_uint(out, fields.len() as u64);
                    for f in fields {
                        let mut last = -1i64;
                        if !f.name.is_empty() {
                            out.push(0x01);
                            put_bytes(out, f.name.as_bytes());
                            last = 0;
                        }
                        if f.id.0 != 0 {
                            put_uint(out, (1 - last) as u64);
                            put_int(out, f.id.0 as i64);
                        }
                        out.push(0x00);
                    }
                }
            }
            WireType::Marshaler { .. } => {}
        }
        out.push(0x00); // end of the inner struct
        out.push(0x00); // end of wireType
    }

    /// Decodes a definition (the `wireType` struct) from the current message.
    pub fn decode(input: &mut Input<'_>) -> Result<WireType> {
        let start = input.offset();
        let bad =
            |what: &str| Error::corrupt(format!("gob: bad type definition: {what}")).at(start);
        let mut found: Option<WireType> = None;
        let mut field = -1i64;
        loop {
            if input.message_done() {
                break;
            }
            let delta = input.read_uint()?;
            if delta == 0 {
                break;
            }
            field = field.saturating_add(delta.min(i64::MAX as u64) as i64);
            if !(0..=6).contains(&field) {
                return Err(bad("field numbers out of bounds"));
            }
            if found.is_some() {
                return Err(bad("more than one kind of type"));
            }
            found = Some(match field {
                0 => {
                    let (common, ints) = decode_inner(input, 3)?;
                    if ints[1] < 0 {
                        return Err(bad("negative array length"));
                    }
                    WireType::Array {
                        common,
                        elem: type_id(ints[0], &bad)?,
                        len: ints[1],
                    }
                }
                1 => {
                    let (common, ints) = decode_inner(input, 2)?;
                    WireType::Slice {
                        common,
                        elem: type_id(ints[0], &bad)?,
                    }
                }
                2 => decode_struct_type(input)?,
                3 => {
                    let (common, ints) = decode_inner(input, 3)?;
                    WireType::Map {
                        common,
                        key: type_id(ints[0], &bad)?,
                        elem: type_id(ints[1], &bad)?,
                    }
                }
                k => {
                    let (common, _) = decode_inner(input, 1)?;
                    let kind = match k {
                        4 => MarshalerKind::Gob,
                        5 => MarshalerKind::Binary,
                        _ => MarshalerKind::Text,
                    };
                    WireType::Marshaler { common, kind }
                }
            });
        }
        found.ok_or_else(|| bad("no kind of type given"))
    }
}

/// A type id a definition may refer to: a builtin (1–8) or a user type (64 and up). Go's
/// encoder never refers to anything else.
fn type_id(v: i64, bad: &dyn Fn(&str) -> Error) -> Result<TypeId> {
    match i32::try_from(v) {
        Ok(id) if TypeId(id).builtin().is_some() || TypeId(id).is_user() => Ok(TypeId(id)),
        _ => Err(bad("invalid type id")),
    }
}

fn read_common(input: &mut Input<'_>) -> Result<CommonType> {
    let mut common = CommonType::default();
    let mut field = -1i64;
    loop {
        if input.message_done() {
            return Ok(common);
        }
        let delta = input.read_uint()?;
        if delta == 0 {
            return Ok(common);
        }
        field = field.saturating_add(delta.min(8) as i64);
        match field {
            0 => {
                let name = input.read_bytes()?;
                common.name = String::from_utf8_lossy(name).into_owned();
            }
            1 => {
                let id = input.read_int()?;
                common.id = i32::try_from(id).unwrap_or(0);
            }
            _ => {
                return Err(input.error(Error::corrupt(
                    "gob: bad type definition: field numbers out of bounds",
                )))
            }
        }
    }
}

/// Decodes `arrayType`/`sliceType`/`mapType`/`gobEncoderType`: a CommonType then up to
/// `nfields - 1` ints.
fn decode_inner(input: &mut Input<'_>, nfields: i64) -> Result<(CommonType, [i64; 2])> {
    let mut common = CommonType::default();
    let mut ints = [0i64; 2];
    let mut field = -1i64;
    loop {
        if input.message_done() {
            break;
        }
        let delta = input.read_uint()?;
        if delta == 0 {
            break;
        }
        field = field.saturating_add(delta.min(8) as i64);
        if field >= nfields {
            return Err(input.error(Error::corrupt(
                "gob: bad type definition: field numbers out of bounds",
            )));
        }
        if field == 0 {
            common = read_common(input)?;
        } else {
            ints[(field - 1) as usize] = input.read_int()?;
        }
    }
    Ok((common, ints))
}

fn decode_struct_type(input: &mut Input<'_>) -> Result<WireType> {
    let mut common = CommonType::default();
    let mut fields = Vec::new();
    let mut field = -1i64;
    loop {
        if input.message_done() {
            break;
        }
        let delta = input.read_uint()?;
        if delta == 0 {
            break;
        }
        field = field.saturating_add(delta.min(8) as i64);
        match field {
            0 => common = read_common(input)?,
            1 => {
                // Each fieldType takes at least one byte (its terminator).
                let n = input.read_len("struct field count", 1)?;
                fields = Vec::with_capacity(n);
                for _ in 0..n {
                    fields.push(read_field_type(input)?);
                }
            }
            _ => {
                return Err(input.error(Error::corrupt(
                    "gob: bad type definition: field numbers out of bounds",
                )))
            }
        }
    }
    Ok(WireType::Struct { common, fields })
}

fn read_field_type(input: &mut Input<'_>) -> Result<FieldType> {
    let start = input.offset();
    let mut name = String::new();
    let mut id = 0i64;
    let mut field = -1i64;
    loop {
        if input.message_done() {
            break;
        }
        let delta = input.read_uint()?;
        if delta == 0 {
            break;
        }
        field = field.saturating_add(delta.min(8) as i64);
        match field {
            0 => name = String::from_utf8_lossy(input.read_bytes()?).into_owned(),
            1 => id = input.read_int()?,
            _ => {
                return Err(input.error(Error::corrupt(
                    "gob: bad type definition: field numbers out of bounds",
                )))
            }
        }
    }
    let bad = |what: &str| Error::corrupt(format!("gob: bad type definition: {what}")).at(start);
    Ok(FieldType {
        name,
        id: type_id(id, &bad)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(hex_body: &[u8], expect: WireType) {
        let mut msg = vec![hex_body.len() as u8];
        msg.extend_from_slice(hex_body);
        let mut input = Input::new(&msg, 0, 1 << 20);
        input.next_message().unwrap();
        assert_eq!(input.read_int().unwrap(), -64);
        let wt = WireType::decode(&mut input).unwrap();
        assert!(input.message_done());
        assert_eq!(wt, expect);
        let mut out = vec![0x7f];
        wt.encode(&mut out);
        assert_eq!(out, hex_body);
    }

    fn common(name: &str, id: i32) -> CommonType {
        CommonType {
            name: name.into(),
            id,
        }
    }

    // Bytes from the spec's table of definitions, captured from Go.
    #[test]
    fn definitions_from_go() {
        roundtrip(
            &[
                0x7f, 0x01, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x04, 0x01, 0x06, 0x00, 0x00,
            ],
            WireType::Array {
                common: common("", 64),
                elem: TypeId::INT,
                len: 3,
            },
        );
        roundtrip(
            &[0x7f, 0x03, 0x01, 0x02, 0xff, 0x80, 0x00, 0x00, 0x00],
            WireType::Struct {
                common: common("", 64),
                fields: vec![],
            },
        );
        roundtrip(
            &[
                0x7f, 0x05, 0x01, 0x01, 0x04, 0x54, 0x69, 0x6d, 0x65, 0x01, 0xff, 0x80, 0x00, 0x00,
                0x00,
            ],
            WireType::Marshaler {
                common: common("Time", 64),
                kind: MarshalerKind::Gob,
            },
        );
        roundtrip(
            &[
                0x7f, 0x04, 0x01, 0x02, 0xff, 0x80, 0x00, 0x01, 0x0c, 0x01, 0x10, 0x00, 0x00,
            ],
            WireType::Map {
                common: common("", 64),
                key: TypeId::STRING,
                elem: TypeId::INTERFACE,
            },
        );
    }
}

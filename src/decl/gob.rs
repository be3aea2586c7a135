//! Go's gob type registry (`type.go`) and the encoder's definition sending (`encoder.go`),
//! step for step, so that ids, names and the order of definitions are Go's.

use super::{DeclError, Decls, Kind, TyRef, UintKind};
use crate::value::TypeTable;
use crate::wire::{CommonType, FieldType, MarshalerKind, TypeId, WireType};
use std::collections::{HashMap, HashSet};

/// Go's `userTypeInfo`.
#[derive(Debug, Clone, Copy)]
struct UserType {
    /// The type with all pointers removed.
    base: TyRef,
    /// The type as given.
    user: TyRef,
    /// True if it is sent by its `GobEncode` (`time.Time`, `big.Int`, at any indirection).
    external: bool,
}

/// A gob type object (Go's `gobType`): its id (0 until set) and its definition.
#[derive(Debug, Clone)]
struct Obj {
    id: i32,
    name: String,
    def: Def,
}

#[derive(Debug, Clone)]
enum Def {
    Builtin,
    Array { elem: i32, len: i64 },
    Slice { elem: i32 },
    Map { key: i32, elem: i32 },
    Struct { fields: Vec<FieldType> },
    GobEncoder,
}

/// Go's gob type registry for one process and the `sent` set of one encoder: feed it the
/// type of every top-level value (and every interface's concrete type) in stream order and
/// it defines, in [`GobTypes::table`], what Go would send, with Go's ids.
#[derive(Debug, Clone)]
pub struct GobTypes {
    next_id: i32,
    objs: Vec<Obj>,
    /// Go's `types`: the gob type object of each Go type.
    by_type: HashMap<TyRef, usize>,
    /// Go's `typeInfoMap`: id and definition by type.
    info: HashMap<TyRef, (i32, Option<WireType>)>,
    /// The encoder's `sent`.
    sent: HashMap<TyRef, TypeId>,
    /// Types already checked to be encodable.
    checked: HashSet<TyRef>,
    table: TypeTable,
    /// Recursion depth of building and sending types.
    depth: usize,
}

impl Default for GobTypes {
    fn default() -> Self {
        Self::new()
    }
}

impl GobTypes {
    /// A fresh process: the builtin types, user ids from 64.
    pub fn new() -> Self {
        let objs = (1..=8)
            .map(|id| Obj {
                id,
                name: String::new(),
                def: Def::Builtin,
            })
            .collect();
        GobTypes {
            next_id: TypeId::FIRST_USER.0,
            objs,
            by_type: HashMap::new(),
            info: HashMap::new(),
            sent: HashMap::new(),
            checked: HashSet::new(),
            table: TypeTable::default(),
            depth: 0,
        }
    }

    /// Every definition sent so far, by id.
    pub fn table(&self) -> &TypeTable {
        &self.table
    }

    /// Go's `sendTypeDescriptor` + `sendTypeId` for a value of type `t` (top level, or the
    /// concrete type in an interface): defines what the stream lacks and returns the id the
    /// value is sent with. Fails as Go's encoder would for types gob cannot send.
    pub fn send_type_descriptor(&mut self, d: &Decls, t: TyRef) -> Result<TypeId, DeclError> {
        let ut = self.user_type(d, t)?;
        self.check_encodable(d, t)?;
        let rt = if ut.external { ut.user } else { ut.base };
        if !self.sent.contains_key(&rt) && !self.send_type(d, rt)? {
            let (id, _) = self.type_info(d, ut)?;
            self.sent.insert(rt, TypeId(id));
        }
        self.sent
            .get(&ut.base)
            .copied()
            .ok_or_else(|| DeclError::new(format!("gob: no type id for {}", d.type_string(t))))
    }

    fn user_type(&self, d: &Decls, t: TyRef) -> Result<UserType, DeclError> {
        let base = d.deref(t).ok_or_else(|| {
            DeclError::new(format!(
                "gob: can't represent recursive pointer type {}",
                d.type_string(t)
            ))
        })?;
        Ok(UserType {
            base,
            user: t,
            external: implements_gob_encoder(d, t),
        })
    }

    fn set_id(&mut self, obj: usize) {
        if self.objs[obj].id == 0 {
            self.objs[obj].id = self.next_id;
            self.next_id += 1;
        }
    }

    fn new_obj(&mut self, name: &str, def: Def) -> usize {
        self.objs.push(Obj {
            id: 0,
            name: name.to_string(),
            def,
        });
        self.objs.len() - 1
    }

    fn get_base_type(&mut self, d: &Decls, name: &str, rt: TyRef) -> Result<usize, DeclError> {
        let ut = self.user_type(d, rt)?;
        self.deeper(|g| g.get_type(d, name, ut, ut.base))
    }

    /// Runs `f` one level deeper, failing beyond [`MAX_DEPTH`](super::MAX_DEPTH).
    fn deeper<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DeclError>,
    ) -> Result<T, DeclError> {
        if self.depth >= super::MAX_DEPTH {
            return Err(DeclError::new("types nested too deeply"));
        }
        self.depth += 1;
        let r = f(self);
        self.depth -= 1;
        r
    }

    fn get_type(
        &mut self,
        d: &Decls,
        name: &str,
        ut: UserType,
        rt: TyRef,
    ) -> Result<usize, DeclError> {
        if let Some(&o) = self.by_type.get(&rt) {
            return Ok(o);
        }
        let o = self.new_type_object(d, name, ut, rt)?;
        self.by_type.insert(rt, o);
        Ok(o)
    }

    /// Go's `newTypeObject`: ids in Go's order (structs before their fields; arrays, slices
    /// and maps after their elements).
    fn new_type_object(
        &mut self,
        d: &Decls,
        name: &str,
        ut: UserType,
        rt: TyRef,
    ) -> Result<usize, DeclError> {
        if ut.external {
            let o = self.new_obj(name, Def::GobEncoder);
            self.set_id(o);
            return Ok(o);
        }
        let builtin = |id: TypeId| Ok((id.0 - 1) as usize);
        match d.kind(rt).clone() {
            Kind::Bool => builtin(TypeId::BOOL),
            Kind::Int(_) => builtin(TypeId::INT),
            Kind::Uint(_) => builtin(TypeId::UINT),
            Kind::Float(_) => builtin(TypeId::FLOAT),
            Kind::Complex(_) => builtin(TypeId::COMPLEX),
            Kind::String => builtin(TypeId::STRING),
            Kind::Interface { .. } => builtin(TypeId::INTERFACE),
            Kind::Array(len, elem) => {
                let o = self.new_obj(name, Def::Array { elem: 0, len: 0 });
                self.by_type.insert(rt, o);
                let e = self.get_base_type(d, "", elem)?;
                self.set_id(o);
                self.objs[o].def = Def::Array {
                    elem: self.objs[e].id,
                    len: len as i64,
                };
                Ok(o)
            }
            Kind::Map(key, elem) => {
                let o = self.new_obj(name, Def::Map { key: 0, elem: 0 });
                self.by_type.insert(rt, o);
                let k = self.get_base_type(d, "", key)?;
                let e = self.get_base_type(d, "", elem)?;
                self.set_id(o);
                self.objs[o].def = Def::Map {
                    key: self.objs[k].id,
                    elem: self.objs[e].id,
                };
                Ok(o)
            }
            Kind::Slice(elem) => {
                if matches!(d.kind(elem), Kind::Uint(UintKind::Uint8)) {
                    return builtin(TypeId::BYTES);
                }
                let o = self.new_obj(name, Def::Slice { elem: 0 });
                self.by_type.insert(rt, o);
                let elem_name = d.get(elem).name.clone();
                let e = self.get_base_type(d, &elem_name, elem)?;
                self.set_id(o);
                self.set_id(e);
                self.objs[o].def = Def::Slice {
                    elem: self.objs[e].id,
                };
                Ok(o)
            }
            Kind::Struct(fields) => {
                let o = self.new_obj(name, Def::Struct { fields: Vec::new() });
                self.set_id(o);
                self.by_type.insert(rt, o);
                let mut out = Vec::new();
                for f in fields.iter().filter(|f| is_sent(d, f)) {
                    let base = self.user_type(d, f.ty)?.base;
                    let g = d.get(base);
                    let tname = if g.name.is_empty() {
                        &g.string
                    } else {
                        &g.name
                    }
                    .clone();
                    let gt = self.get_base_type(d, &tname, f.ty)?;
                    self.set_id(gt);
                    out.push(FieldType {
                        name: f.name.clone(),
                        id: TypeId(self.objs[gt].id),
                    });
                }
                self.objs[o].def = Def::Struct { fields: out };
                Ok(o)
            }
            Kind::Opaque => {
                let o = self.new_obj(name, Def::Struct { fields: Vec::new() });
                self.set_id(o);
                Ok(o)
            }
            Kind::Chan(_)
            | Kind::Func
            | Kind::Time
            | Kind::BigInt
            | Kind::Pointer(_)
            | Kind::Pending => Err(DeclError::new(format!(
                "gob NewTypeObject can't handle type: {}",
                d.type_string(rt)
            ))),
        }
    }

    /// Go's `getTypeInfo`: the id and the definition sent for a type.
    fn type_info(&mut self, d: &Decls, ut: UserType) -> Result<(i32, Option<WireType>), DeclError> {
        let rt = if ut.external { ut.user } else { ut.base };
        if let Some(i) = self.info.get(&rt) {
            return Ok(i.clone());
        }
        let name = d.get(rt).name.clone();
        let gt = self.get_base_type(d, &name, rt)?;
        let id = self.objs[gt].id;
        let wire = if ut.external {
            let u = self.get_type(d, &name, ut, rt)?;
            Some(WireType::Marshaler {
                common: self.common(u),
                kind: MarshalerKind::Gob,
            })
        } else {
            let common = self.common(gt);
            match (d.kind(rt), &self.objs[gt].def) {
                (Kind::Array(..), Def::Array { elem, len }) => Some(WireType::Array {
                    common,
                    elem: TypeId(*elem),
                    len: *len,
                }),
                (Kind::Map(..), Def::Map { key, elem }) => Some(WireType::Map {
                    common,
                    key: TypeId(*key),
                    elem: TypeId(*elem),
                }),
                (Kind::Slice(_), Def::Slice { elem }) => Some(WireType::Slice {
                    common,
                    elem: TypeId(*elem),
                }),
                (Kind::Struct(_) | Kind::Opaque, Def::Struct { fields }) => {
                    Some(WireType::Struct {
                        common,
                        fields: fields.clone(),
                    })
                }
                _ => None,
            }
        };
        self.info.insert(rt, (id, wire.clone()));
        Ok((id, wire))
    }

    fn common(&self, o: usize) -> CommonType {
        CommonType {
            name: self.objs[o].name.clone(),
            id: self.objs[o].id,
        }
    }

    /// Go's `Encoder.sendType`.
    fn send_type(&mut self, d: &Decls, t: TyRef) -> Result<bool, DeclError> {
        self.deeper(|g| g.send_type_inner(d, t))
    }

    fn send_type_inner(&mut self, d: &Decls, t: TyRef) -> Result<bool, DeclError> {
        let ut = self.user_type(d, t)?;
        if ut.external {
            return self.send_actual_type(d, ut, ut.base);
        }
        match d.kind(ut.base) {
            Kind::Slice(_) if d.is_bytes(ut.base) => Ok(false),
            Kind::Array(..) | Kind::Slice(_) | Kind::Map(..) | Kind::Struct(_) | Kind::Opaque => {
                self.send_actual_type(d, ut, ut.base)
            }
            _ => Ok(false),
        }
    }

    /// Go's `Encoder.sendActualType`: the definition, then its parts' (pre-order).
    fn send_actual_type(
        &mut self,
        d: &Decls,
        ut: UserType,
        actual: TyRef,
    ) -> Result<bool, DeclError> {
        if self.sent.contains_key(&actual) {
            return Ok(false);
        }
        let (id, wire) = self.type_info(d, ut)?;
        if let Some(w) = wire {
            if self.table.get(TypeId(id)).is_none() {
                self.table.insert(TypeId(id), w);
            }
        }
        self.sent.insert(ut.base, TypeId(id));
        self.sent.insert(ut.user, TypeId(id));
        match d.kind(actual).clone() {
            Kind::Struct(fields) => {
                for f in fields.iter().filter(|f| f.exported()) {
                    self.send_type(d, f.ty)?;
                }
            }
            Kind::Array(_, e) | Kind::Slice(e) => {
                self.send_type(d, e)?;
            }
            Kind::Map(k, v) => {
                self.send_type(d, k)?;
                self.send_type(d, v)?;
            }
            _ => {}
        }
        Ok(true)
    }

    /// What Go's encoder compiler rejects whatever the value: a struct with fields none of
    /// which is sent (`type T has no exported fields`), and channels and functions anywhere
    /// but directly in struct fields. Interfaces are checked when a value is put in them.
    fn check_encodable(&mut self, d: &Decls, t: TyRef) -> Result<(), DeclError> {
        let mut stack = vec![t];
        while let Some(t) = stack.pop() {
            let Some(base) = d.deref(t) else {
                return Err(DeclError::new(format!(
                    "gob: can't represent recursive pointer type {}",
                    d.type_string(t)
                )));
            };
            if !self.checked.insert(base) || implements_gob_encoder(d, t) {
                continue;
            }
            match d.kind(base) {
                Kind::Struct(fields) => {
                    let sent: Vec<_> = fields.iter().filter(|f| is_sent(d, f)).collect();
                    if !fields.is_empty() && sent.is_empty() {
                        return Err(no_exported_fields(d, base));
                    }
                    stack.extend(sent.iter().rev().map(|f| f.ty));
                }
                Kind::Opaque => return Err(no_exported_fields(d, base)),
                Kind::Array(_, e) | Kind::Slice(e) => stack.push(*e),
                Kind::Map(k, v) => stack.extend([*v, *k]),
                Kind::Chan(_) | Kind::Func => {
                    return Err(DeclError::new(format!(
                        "gob: type {} cannot be sent (channels and functions are only skipped as struct fields)",
                        d.type_string(base)
                    )))
                }
                _ => {}
            }
        }
        Ok(())
    }
}

fn no_exported_fields(d: &Decls, t: TyRef) -> DeclError {
    DeclError::new(format!(
        "gob: type {} has no exported fields",
        d.type_string(t)
    ))
}

/// Go's `isSent`: exported, and not a channel or function (or pointer to one).
pub(super) fn is_sent(d: &Decls, f: &super::Field) -> bool {
    f.exported()
        && !matches!(
            d.deref(f.ty).map(|t| d.kind(t)),
            Some(Kind::Chan(_) | Kind::Func)
        )
}

/// Go's `implementsInterface(t, GobEncoder)`: `time.Time` has value-receiver methods (so
/// any pointer to it implements too), `big.Int` pointer-receiver ones (so `big.Int` itself
/// implements through its address). A defined pointer type (`type P *time.Time`) has no
/// methods.
pub(crate) fn implements_gob_encoder(d: &Decls, user: TyRef) -> bool {
    let implements = |t: TyRef| match d.kind(t) {
        Kind::Time => true,
        Kind::Pointer(e) => {
            d.get(t).name.is_empty() && matches!(d.kind(*e), Kind::Time | Kind::BigInt)
        }
        _ => false,
    };
    let mut rt = user;
    for _ in 0..=100 {
        if implements(rt) {
            return true;
        }
        match d.kind(rt) {
            Kind::Pointer(e) => rt = *e,
            _ => break,
        }
    }
    !matches!(d.kind(user), Kind::Pointer(_)) && matches!(d.kind(user), Kind::BigInt)
}

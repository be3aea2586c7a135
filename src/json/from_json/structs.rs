//! JSON objects to structs: which field a key names (Go's `encoding/json` rules, embedded
//! structs' fields promoted), then the fields in declaration order with gob's omission.

use super::{Conv, Ctx, Out, ValueError};
use crate::decl::{Field, Kind, TyRef};
use crate::value::Value;
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// A field JSON can name: its JSON name and its index path through embedded structs.
#[derive(Debug, Clone)]
pub(super) struct JsonField {
    name: String,
    path: Vec<usize>,
    tagged: bool,
}

/// What the JSON object gives a struct's fields (by field index).
pub(super) enum Slot<'j> {
    Json(&'j Json, String),
    Embedded(Vec<Option<Slot<'j>>>),
}

impl Conv<'_> {
    /// The fields JSON can name in struct `t`, by Go's `encoding/json` rules (promoted fields
    /// of embedded structs; the shallowest, else the only tagged, of equal names wins).
    fn json_fields(&mut self, t: TyRef) -> Arc<Vec<JsonField>> {
        if let Some(f) = self.fields.get(&t) {
            return f.clone();
        }
        let mut all: Vec<JsonField> = Vec::new();
        let mut level = vec![(t, Vec::new())];
        let mut visited = std::collections::HashSet::new();
        while !level.is_empty() {
            let mut next = Vec::new();
            for (st, path) in level {
                if !visited.insert(st) {
                    continue;
                }
                let Kind::Struct(fields) = self.d.kind(st) else {
                    continue;
                };
                for (i, f) in fields.iter().enumerate() {
                    let ft = self.d.deref(f.ty).unwrap_or(f.ty);
                    let is_struct = matches!(self.d.kind(ft), Kind::Struct(_));
                    if !(f.exported() || f.embedded && is_struct) {
                        continue;
                    }
                    let tag = f.json_name();
                    if tag == Some("-") {
                        continue;
                    }
                    let mut p = path.clone();
                    p.push(i);
                    if f.embedded && tag.is_none() && is_struct {
                        next.push((ft, p));
                    } else {
                        all.push(JsonField {
                            name: tag.unwrap_or(&f.name).to_string(),
                            path: p,
                            tagged: tag.is_some(),
                        });
                    }
                }
            }
            level = next;
        }
        let mut keep = Vec::new();
        for f in &all {
            let rivals: Vec<&JsonField> = all.iter().filter(|g| g.name == f.name).collect();
            let depth = rivals.iter().map(|g| g.path.len()).min().unwrap_or(0);
            let top: Vec<&&JsonField> = rivals.iter().filter(|g| g.path.len() == depth).collect();
            let tagged: Vec<&&JsonField> = top.iter().copied().filter(|g| g.tagged).collect();
            let winner = match (top.len(), tagged.len()) {
                (1, _) => Some(top[0]),
                (_, 1) => Some(tagged[0]),
                _ => None,
            };
            if winner.is_some_and(|w| std::ptr::eq(*w, f)) {
                keep.push(f.clone());
            }
        }
        let keep = Arc::new(keep);
        self.fields.insert(t, keep.clone());
        keep
    }

    /// A struct from a JSON object: keys to fields, then the fields in declaration order with
    /// Go's zero-value omission.
    pub(super) fn struct_value(
        &mut self,
        t: TyRef,
        m: &Map<String, Json>,
    ) -> Result<Value, ValueError> {
        let jf = self.json_fields(t);
        let Kind::Struct(fields) = self.d.kind(t).clone() else {
            return Err(self.err(format!("{} is not a struct", self.tname(t))));
        };
        let mut slots: Vec<Option<Slot>> = fields.iter().map(|_| None).collect();
        for (key, v) in m {
            let path = jf
                .iter()
                .find(|f| f.name == *key)
                .or_else(|| {
                    jf.iter()
                        .find(|f| f.name.to_lowercase() == key.to_lowercase())
                })
                .map(|f| f.path.clone())
                .or_else(|| {
                    // The embedded struct itself, by its Go name (how gob names the field).
                    fields
                        .iter()
                        .position(|f| f.name == *key && f.exported())
                        .map(|i| vec![i])
                });
            let Some(path) = path else {
                let unexported = fields.iter().any(|f| f.name == *key);
                return Err(self.err(format!(
                    "type {} has no {}field {key}",
                    self.tname(t),
                    if unexported { "exported " } else { "" }
                )));
            };
            self.assign(&mut slots, &fields, &path, v, key)?;
        }
        self.build_struct(t, &fields, slots)
    }

    fn assign<'j>(
        &mut self,
        slots: &mut [Option<Slot<'j>>],
        fields: &[Field],
        path: &[usize],
        v: &'j Json,
        key: &str,
    ) -> Result<(), ValueError> {
        let i = path[0];
        if path.len() == 1 {
            if matches!(slots[i], Some(Slot::Embedded(_))) {
                return Err(self.err(format!(
                    "{key} is given both as a whole and through its promoted fields"
                )));
            }
            slots[i] = Some(Slot::Json(v, key.to_string()));
            return Ok(());
        }
        let ft = self.d.deref(fields[i].ty).unwrap_or(fields[i].ty);
        let Kind::Struct(sub_fields) = self.d.kind(ft).clone() else {
            return Ok(());
        };
        if matches!(slots[i], Some(Slot::Json(..))) {
            return Err(self.err(format!(
                "{} is given both as a whole and through its promoted field {key}",
                fields[i].name
            )));
        }
        if slots[i].is_none() {
            slots[i] = Some(Slot::Embedded(sub_fields.iter().map(|_| None).collect()));
        }
        let Some(Slot::Embedded(sub)) = &mut slots[i] else {
            unreachable!("set just above")
        };
        self.assign(sub, &sub_fields, &path[1..], v, key)
    }

    fn build_struct(
        &mut self,
        t: TyRef,
        fields: &[Field],
        slots: Vec<Option<Slot>>,
    ) -> Result<Value, ValueError> {
        let mut out = Vec::new();
        for (f, slot) in fields.iter().zip(slots) {
            let sent = self.d.is_sent(f);
            let o = match slot {
                Some(Slot::Json(v, key)) if !sent => {
                    if v.is_null() {
                        continue;
                    }
                    return Err(self.at(&format!(".{key}"), |c| {
                        c.err(format!(
                            "field {} of {} has type {}, which gob does not send; only null is accepted",
                            f.name,
                            c.tname(t),
                            c.tname(f.ty)
                        ))
                    }));
                }
                Some(Slot::Json(v, key)) => {
                    self.at(&format!(".{key}"), |c| c.convert(f.ty, v, Ctx::Field))?
                }
                Some(Slot::Embedded(sub)) => {
                    let ft = self.d.deref(f.ty).unwrap_or(f.ty);
                    let Kind::Struct(sub_fields) = self.d.kind(ft).clone() else {
                        continue;
                    };
                    Out::sent(self.build_struct(ft, &sub_fields, sub)?)
                }
                None if sent => self.at(&format!(".{}", f.name), |c| c.zero(f.ty, Ctx::Field))?,
                None => continue,
            };
            if sent && !o.omit {
                out.push((f.name.clone(), o.value));
            }
        }
        Ok(Value::Struct(out))
    }
}

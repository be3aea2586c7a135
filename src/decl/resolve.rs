//! Resolving declarations into the [`Decls`] arena on demand: names, aliases, array
//! lengths, recursion checks (Go's "invalid recursive type").

use super::parser::{ArrayLen, FieldExpr, TypeDecl, TypeExpr};
use super::{DeclError, Decls, Field, Kind, Pos, TyRef, MAX_ARRAY_LEN, MAX_DEPTH};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Resolves declarations into the arena, checking names and recursion.
pub(super) struct Resolver<'a> {
    d: &'a mut Decls,
    /// Declarations by name, for resolving forward references and aliases.
    decls: Arc<HashMap<String, TypeDecl>>,
    /// Names whose underlying type (or alias target) is being resolved.
    resolving: HashSet<String>,
    /// Recursion depth (declarations referring to declarations).
    depth: usize,
    /// Declared names met while resolving and still to resolve, with the name needing them.
    queue: Vec<(String, Option<String>)>,
    /// The queued declaration being resolved.
    current: Option<String>,
    /// True once an error came from a declaration (its position is in the file).
    pub(super) failed_in_decl: bool,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(d: &'a mut Decls) -> Self {
        Resolver {
            decls: d.decls.clone(),
            d,
            resolving: HashSet::new(),
            depth: 0,
            queue: Vec::new(),
            current: None,
            failed_in_decl: false,
        }
    }

    /// Resolves the declarations met so far (and those they need), then checks that no type
    /// contains itself.
    pub(super) fn finish(&mut self) -> Result<(), DeclError> {
        let mut resolved = Vec::new();
        while let Some((name, needed_by)) = self.queue.pop() {
            self.current = Some(name.clone());
            self.underlying(&name).map_err(|mut e| {
                if let Some(by) = &needed_by {
                    e.message = format!("{}, in type {name} (needed by {by})", e.message);
                }
                e
            })?;
            resolved.push(name);
        }
        self.current = None;
        self.check_value_cycles(&resolved)
    }

    /// Starts resolving the declaration `name`: fails on a cycle (`cycle` names the kind of
    /// declaration) or on declarations nested too deeply.
    fn enter(&mut self, name: &str, pos: Pos, cycle: &str) -> Result<(), DeclError> {
        if self.resolving.len() >= MAX_DEPTH {
            return Err(DeclError::at(pos, "type declarations nested too deeply"));
        }
        if !self.resolving.insert(name.to_string()) {
            return Err(DeclError::at(pos, format!("{cycle} {name}")));
        }
        Ok(())
    }

    /// Resolves an alias to its target.
    fn alias(&mut self, name: &str) -> Result<TyRef, DeclError> {
        if let Some(&t) = self.d.declared.get(name) {
            return Ok(t);
        }
        let decls = self.decls.clone();
        let decl = &decls[name];
        let t = self
            .enter(name, decl.pos, "invalid recursive type alias")
            .and_then(|()| self.resolve(&decl.ty))
            .inspect_err(|_| self.failed_in_decl = true)?;
        self.resolving.remove(name);
        self.d.declared.insert(name.to_string(), t);
        Ok(t)
    }

    /// Resolves a declared (non-alias) type's underlying kind.
    fn underlying(&mut self, name: &str) -> Result<(), DeclError> {
        let t = self.d.declared[name];
        if self.d.kind(t) != &Kind::Pending {
            return Ok(());
        }
        let decls = self.decls.clone();
        let decl = &decls[name];
        let target = self
            .enter(name, decl.pos, "invalid recursive type")
            .and_then(|()| self.resolve(&decl.ty))
            .inspect_err(|_| self.failed_in_decl = true)?;
        if self.d.kind(target) == &Kind::Pending {
            let target_name = self.d.get(target).name.clone();
            self.underlying(&target_name)?;
        }
        let kind = match self.d.kind(target).clone() {
            // A type defined from these does not inherit their methods.
            Kind::Time | Kind::BigInt => Kind::Opaque,
            k => k,
        };
        self.d.types[t.0 as usize].kind = kind;
        self.resolving.remove(name);
        Ok(())
    }

    pub(super) fn resolve(&mut self, e: &TypeExpr) -> Result<TyRef, DeclError> {
        if self.depth >= MAX_DEPTH {
            return Err(DeclError::new("type declarations nested too deeply"));
        }
        self.depth += 1;
        let t = self.resolve_inner(e);
        self.depth -= 1;
        t
    }

    fn resolve_inner(&mut self, e: &TypeExpr) -> Result<TyRef, DeclError> {
        Ok(match e {
            TypeExpr::Name { pkg, name, pos } => self.name(pkg.as_deref(), name, *pos)?,
            TypeExpr::Pointer(e) => {
                let t = self.resolve(e)?;
                self.d.composite(Kind::Pointer(t))
            }
            TypeExpr::Slice(e) => {
                let t = self.resolve(e)?;
                self.d.composite(Kind::Slice(t))
            }
            TypeExpr::Array { len, elem } => {
                let n = match len {
                    ArrayLen::Lit(n) => *n,
                    ArrayLen::Const(c, pos) => *self.d.consts.get(c).ok_or_else(|| {
                        DeclError::at(
                            *pos,
                            format!(
                                "array length {c}: not an integer constant declared in the file"
                            ),
                        )
                    })?,
                };
                if n > MAX_ARRAY_LEN {
                    return Err(DeclError::new(format!(
                        "array length {n} is too large (at most {MAX_ARRAY_LEN})"
                    )));
                }
                let t = self.resolve(elem)?;
                self.d.composite(Kind::Array(n, t))
            }
            TypeExpr::Map(k, v) => {
                let k = self.resolve(k)?;
                let v = self.resolve(v)?;
                self.d.composite(Kind::Map(k, v))
            }
            TypeExpr::Struct(fields) => self.struct_type(fields)?,
            TypeExpr::Interface { text, empty } => {
                self.d
                    .intern("", Kind::Interface { empty: *empty }, text.clone())
            }
            TypeExpr::Chan { prefix, elem } => {
                let t = self.resolve(elem)?;
                let s = format!("{prefix}{}", self.d.type_string(t));
                self.d.intern("", Kind::Chan(t), s)
            }
            TypeExpr::Func(text) => self.d.intern("", Kind::Func, text.clone()),
        })
    }

    fn struct_type(&mut self, fields: &[FieldExpr]) -> Result<TyRef, DeclError> {
        let mut out = Vec::with_capacity(fields.len());
        let mut seen = HashSet::new();
        for f in fields {
            if f.name != "_" && !seen.insert(f.name.clone()) {
                return Err(DeclError::at(f.pos, format!("{} redeclared", f.name)));
            }
            out.push(Field {
                name: f.name.clone(),
                ty: self.resolve(&f.ty)?,
                embedded: f.embedded,
                tag: f.tag.clone(),
            });
        }
        Ok(self.d.composite(Kind::Struct(out)))
    }

    fn name(&mut self, pkg: Option<&str>, name: &str, pos: Pos) -> Result<TyRef, DeclError> {
        let pkg = match pkg {
            Some(p) if p == self.d.package || (p == "main" && !self.d.imports.contains_key(p)) => {
                None
            }
            p => p,
        };
        let Some(pkg) = pkg else {
            if self.decls.get(name).is_some_and(|d| d.alias) {
                return self.alias(name);
            }
            if let Some(&t) = self.d.declared.get(name) {
                if self.d.kind(t) == &Kind::Pending && !self.resolving.contains(name) {
                    self.queue.push((name.to_string(), self.current.clone()));
                }
                return Ok(t);
            }
            return self
                .d
                .builtin(name)
                .ok_or_else(|| DeclError::at(pos, format!("undefined: {name}")));
        };
        let path = self.d.imports.get(pkg).cloned().unwrap_or_else(|| {
            match pkg {
                "big" => "math/big",
                p => p,
            }
            .to_string()
        });
        self.d.package_type(&path, name).ok_or_else(|| {
            DeclError::at(
                pos,
                format!("unknown type {pkg}.{name} (known: time.Time, time.Duration, big.Int)"),
            )
        })
    }

    /// Go's "invalid recursive type": a type that contains itself by value (through struct
    /// fields or array elements, not through pointers, slices, maps, channels or functions).
    fn check_value_cycles(&self, names: &[String]) -> Result<(), DeclError> {
        let mut done = HashSet::new();
        for name in names {
            let t = self.d.declared[name];
            let mut path = Vec::new();
            if self.contains_self(t, &mut path, &mut done) {
                let what = if path.len() >= MAX_DEPTH {
                    "type nested too deeply"
                } else {
                    "invalid recursive type"
                };
                let pos = self.decls[name].pos;
                return Err(DeclError::at(pos, format!("{what} {name}")));
            }
        }
        Ok(())
    }

    fn contains_self(&self, t: TyRef, path: &mut Vec<TyRef>, done: &mut HashSet<TyRef>) -> bool {
        if path.contains(&t) || path.len() >= MAX_DEPTH {
            return true;
        }
        if done.contains(&t) {
            return false;
        }
        path.push(t);
        let found = match self.d.kind(t) {
            Kind::Struct(fields) => fields.iter().any(|f| self.contains_self(f.ty, path, done)),
            Kind::Array(_, e) => self.contains_self(*e, path, done),
            _ => false,
        };
        if found {
            // The path is kept: it ends in the cycle (or is as deep as allowed).
            return true;
        }
        path.pop();
        done.insert(t);
        false
    }
}

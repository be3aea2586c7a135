//! Reading `#[gob(...)]` and the `#[serde(...)]` attributes that change the Go type.
//!
//! serde attributes are read, never validated: serde's own derive reports malformed ones.
//! Anything serde accepts that does not affect the serialized shape is skipped over.

use crate::case::RenameRule;
use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Ident, LitStr, Token};

/// Collects several errors so that one compile reports them all.
#[derive(Default)]
pub struct Errors(Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }

    pub fn spanned(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.push(syn::Error::new(span, msg));
    }

    pub fn finish(self) -> syn::Result<()> {
        match self.0 {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Consumes the value of a nested meta item we do not care about: `= tokens` up to the next
/// comma, or a parenthesized list, or nothing.
pub fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(Token![=]) {
        let v = meta.value()?;
        while !v.is_empty() && !v.peek(Token![,]) {
            v.parse::<TokenTree>()?;
        }
    } else if meta.input.peek(syn::token::Paren) {
        meta.input.parse::<TokenTree>()?;
    }
    Ok(())
}

/// serde's `rename = "x"` / `rename(serialize = "x", deserialize = "y")`: the serialize name.
fn ser_name(meta: &ParseNestedMeta) -> syn::Result<Option<LitStr>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse()?));
    }
    let mut ser = None;
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("serialize") {
            ser = Some(inner.value()?.parse()?);
        } else {
            skip_value(&inner)?;
        }
        Ok(())
    })?;
    Ok(ser)
}

fn rename_rule(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<RenameRule>> {
    Ok(ser_name(meta)?.and_then(|lit| {
        let rule = RenameRule::from_name(&lit.value());
        if rule.is_none() {
            errors.spanned(lit.span(), RenameRule::unknown_message(&lit.value()));
        }
        rule
    }))
}

fn is(attr: &Attribute, name: &str) -> bool {
    attr.path().is_ident(name)
}

/// Container attributes: `#[gob(...)]` and the relevant `#[serde(...)]`.
#[derive(Default)]
pub struct Container {
    /// `#[gob(name = "...")]`
    pub name: Option<LitStr>,
    /// `#[gob(interface)]`
    pub interface: Option<Span>,
    /// `#[gob(bound = "...")]`: replaces the generated `GobType` bounds
    pub bound: Option<Vec<syn::WherePredicate>>,
    /// `#[gob(crate = "...")]`: path of the gobrpc crate
    pub krate: Option<syn::Path>,
    /// serde `rename_all` (serialize side)
    pub rename_all: RenameRule,
    /// serde `transparent`
    pub transparent: bool,
    /// serde `into = "Type"`
    pub into: Option<syn::Type>,
    /// serde `tag = "..."`
    pub tag: Option<LitStr>,
    /// serde `untagged` (enums)
    pub untagged: Option<Span>,
    /// serde `content = "..."` (enums)
    pub content: Option<Span>,
}

impl Container {
    pub fn parse(attrs: &[Attribute], errors: &mut Errors) -> Container {
        let mut c = Container::default();
        for attr in attrs {
            let r = if is(attr, "gob") {
                attr.parse_nested_meta(|meta| c.gob_item(meta, errors))
            } else if is(attr, "serde") {
                attr.parse_nested_meta(|meta| c.serde_item(meta, errors))
            } else {
                Ok(())
            };
            if let Err(e) = r {
                errors.push(e);
            }
        }
        c
    }

    fn gob_item(&mut self, meta: ParseNestedMeta, errors: &mut Errors) -> syn::Result<()> {
        let dup = |errors: &mut Errors, what: &str| {
            errors.spanned(
                meta.path
                    .get_ident()
                    .map_or_else(Span::call_site, Ident::span),
                format!("gobrpc: duplicate #[gob({what})] attribute"),
            )
        };
        if meta.path.is_ident("name") {
            let lit: LitStr = meta.value()?.parse()?;
            if self.name.is_some() {
                dup(errors, "name");
            }
            self.name = Some(lit);
        } else if meta.path.is_ident("interface") {
            if self.interface.is_some() {
                dup(errors, "interface");
            }
            self.interface = Some(meta.path.segments[0].ident.span());
        } else if meta.path.is_ident("bound") {
            let lit: LitStr = meta.value()?.parse()?;
            let preds = lit.parse_with(
                syn::punctuated::Punctuated::<syn::WherePredicate, Token![,]>::parse_terminated,
            )?;
            if self.bound.is_some() {
                dup(errors, "bound");
            }
            self.bound = Some(preds.into_iter().collect());
        } else if meta.path.is_ident("crate") {
            let lit: LitStr = meta.value()?.parse()?;
            if self.krate.is_some() {
                dup(errors, "crate");
            }
            self.krate = Some(lit.parse()?);
        } else {
            let name = path_string(&meta.path);
            errors.push(meta.error(format!(
                "gobrpc: unknown container attribute `{name}` \
                 (expected `name = \"...\"`, `interface`, `bound = \"...\"` or `crate = \"...\"`)"
            )));
            skip_value(&meta)?;
        }
        Ok(())
    }

    fn serde_item(&mut self, meta: ParseNestedMeta, errors: &mut Errors) -> syn::Result<()> {
        if meta.path.is_ident("rename_all") {
            if let Some(rule) = rename_rule(&meta, errors)? {
                self.rename_all = rule;
            }
        } else if meta.path.is_ident("transparent") {
            self.transparent = true;
        } else if meta.path.is_ident("into") {
            let lit: LitStr = meta.value()?.parse()?;
            self.into = Some(lit.parse()?);
        } else if meta.path.is_ident("tag") {
            self.tag = Some(meta.value()?.parse()?);
        } else if meta.path.is_ident("untagged") {
            self.untagged = Some(meta.path.segments[0].ident.span());
        } else if meta.path.is_ident("content") {
            self.content = Some(meta.path.segments[0].ident.span());
            skip_value(&meta)?;
        } else {
            skip_value(&meta)?;
        }
        Ok(())
    }
}

/// Field and variant attributes (the serde ones that matter; no `#[gob]` ones exist yet).
#[derive(Default)]
pub struct Member {
    /// serde `rename` (serialize side)
    pub rename: Option<LitStr>,
    /// serde `skip` or `skip_serializing`
    pub skip: bool,
    /// serde `flatten`
    pub flatten: Option<Span>,
    /// serde `untagged` on a variant
    pub untagged: Option<Span>,
}

impl Member {
    /// `what` is "field" or "variant", for messages.
    pub fn parse(attrs: &[Attribute], what: &str, errors: &mut Errors) -> Member {
        let mut m = Member::default();
        for attr in attrs {
            let r = if is(attr, "gob") {
                // No field or variant attributes yet: reject whatever is there.
                match &attr.meta {
                    syn::Meta::List(list) if list.tokens.is_empty() => Ok(()),
                    _ => attr.parse_nested_meta(|meta| {
                        let name = path_string(&meta.path);
                        errors.push(meta.error(format!(
                            "gobrpc: unknown {what} attribute `{name}` (no #[gob] {what} \
                             attributes exist; use serde's `rename`/`skip`)"
                        )));
                        skip_value(&meta)
                    }),
                }
            } else if is(attr, "serde") {
                attr.parse_nested_meta(|meta| m.serde_item(meta))
            } else {
                Ok(())
            };
            if let Err(e) = r {
                errors.push(e);
            }
        }
        m
    }

    fn serde_item(&mut self, meta: ParseNestedMeta) -> syn::Result<()> {
        if meta.path.is_ident("rename") {
            if let Some(lit) = ser_name(&meta)? {
                self.rename = Some(lit);
            }
        } else if meta.path.is_ident("skip") || meta.path.is_ident("skip_serializing") {
            self.skip = true;
        } else if meta.path.is_ident("flatten") {
            self.flatten = Some(meta.path.segments[0].ident.span());
        } else if meta.path.is_ident("untagged") {
            self.untagged = Some(meta.path.segments[0].ident.span());
        } else {
            skip_value(&meta)?;
        }
        Ok(())
    }
}

fn path_string(p: &syn::Path) -> String {
    p.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

/// serde's name for an identifier: without the `r#` of a raw identifier.
pub fn unraw(ident: &Ident) -> String {
    ident.to_string().trim_start_matches("r#").to_owned()
}

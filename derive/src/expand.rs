//! Generating the `GobType` impl.

use crate::attrs::{unraw, Container, Errors, Member};
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use std::collections::HashSet;
use syn::spanned::Spanned;
use syn::visit_mut::VisitMut;
use syn::{parse_quote, Data, DeriveInput, Fields, Ident, Lifetime, LitStr, Type};

/// What the derive needs everywhere: the crate path and the struct's lifetime parameters.
struct Cx {
    krate: syn::Path,
    lifetimes: Vec<Ident>,
}

impl Cx {
    /// `ty` with the item's lifetime parameters replaced by `'static`: Go types do not depend
    /// on lifetimes, and the builder keys types by `TypeId`, which needs `'static` types.
    fn static_ty(&self, ty: &Type) -> Type {
        let mut ty = ty.clone();
        if !self.lifetimes.is_empty() {
            StaticLifetimes(&self.lifetimes).visit_type_mut(&mut ty);
        }
        ty
    }

    /// `<ty as GobType>::build(__gob_b)`
    fn build(&self, ty: &Type) -> TokenStream {
        let krate = &self.krate;
        let ty = self.static_ty(ty);
        quote!(<#ty as #krate::GobType>::build(__gob_b))
    }
}

struct StaticLifetimes<'a>(&'a [Ident]);

impl VisitMut for StaticLifetimes<'_> {
    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if self.0.contains(&l.ident) {
            *l = Lifetime::new("'static", l.span());
        }
    }
}

/// Go's `reflect.Type.Name()` for a type whose `String()` is `s`: the part after the last
/// `.` outside square brackets (`"main.Pair[main.A]"` → `"Pair[main.A]"`).
pub fn go_name_of(s: &str) -> &str {
    let mut depth = 0i32;
    for (i, c) in s.char_indices().rev() {
        match c {
            ']' => depth += 1,
            '[' => depth -= 1,
            '.' if depth == 0 => return &s[i + 1..],
            _ => {}
        }
    }
    s
}

/// The `(Name(), String())` pair for the derived type.
fn go_names(cont: &Container, ident: &Ident) -> (String, String) {
    match &cont.name {
        Some(lit) => {
            let s = lit.value();
            (go_name_of(&s).to_owned(), s)
        }
        None => {
            let n = unraw(ident);
            (n.clone(), format!("main.{n}"))
        }
    }
}

/// Reports names used twice (two fields, or two interface variants, with one Go name).
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    fn add(&mut self, name: &str, span: Span, what: &str, errors: &mut Errors) {
        if !self.0.insert(name.to_owned()) {
            errors.spanned(span, format!("gobrpc: duplicate Go {what} name `{name}`"));
        }
    }
}

pub fn expand(input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    // `#[go_names]` below the derives: they expand first and never see its renames.
    if let Some(attr) = input.attrs.iter().find(|a| {
        a.path()
            .segments
            .last()
            .is_some_and(|s| s.ident == "go_names")
    }) {
        errors.spanned(
            attr.path().span(),
            "gobrpc: put #[go_names] above #[derive(...)]: the derives must see the names it adds",
        );
    }
    let cont = Container::parse(&input.attrs, &mut errors);
    let cx = Cx {
        krate: cont.krate.clone().unwrap_or_else(|| parse_quote!(::gobrpc)),
        lifetimes: input
            .generics
            .lifetimes()
            .map(|l| l.lifetime.ident.clone())
            .collect(),
    };
    let ident = &input.ident;
    let krate = &cx.krate;

    // The memo key: `Self`, or `Self` with its lifetimes made 'static.
    let key: TokenStream = if cx.lifetimes.is_empty() {
        quote!(Self)
    } else {
        let args = input.generics.params.iter().map(|p| match p {
            syn::GenericParam::Lifetime(_) => quote!('static),
            syn::GenericParam::Type(t) => t.ident.to_token_stream(),
            syn::GenericParam::Const(c) => c.ident.to_token_stream(),
        });
        quote!(#ident<#(#args),*>)
    };

    let body = if let Some(into) = &cont.into {
        if let Some(lit) = &cont.name {
            errors.spanned(
                lit.span(),
                "gobrpc: #[gob(name)] has no effect with #[serde(into)]: the `into` type's GobType is used",
            );
        }
        if let Some(sp) = cont.interface {
            errors.spanned(
                sp,
                "gobrpc: #[gob(interface)] cannot be combined with #[serde(into)]",
            );
        }
        cx.build(into)
    } else {
        match &input.data {
            Data::Struct(s) => expand_struct(&cx, &cont, ident, &key, &s.fields, &mut errors),
            Data::Enum(e) => expand_enum(&cx, &cont, ident, &key, e, &mut errors),
            Data::Union(u) => {
                errors.spanned(u.union_token.span, "gobrpc: unions have no Go equivalent");
                TokenStream::new()
            }
        }
    };
    errors.finish()?;

    let mut generics = input.generics.clone();
    {
        let wc = generics.make_where_clause();
        for tp in input.generics.type_params() {
            let t = &tp.ident;
            if cont.bound.is_some() {
                wc.predicates.push(parse_quote!(#t: 'static));
            } else {
                wc.predicates
                    .push(parse_quote!(#t: #krate::GobType + 'static));
            }
        }
        if let Some(extra) = &cont.bound {
            wc.predicates.extend(extra.iter().cloned());
        }
    }
    let (impl_g, ty_g, where_c) = generics.split_for_impl();
    Ok(quote! {
        #[automatically_derived]
        impl #impl_g #krate::GobType for #ident #ty_g #where_c {
            fn build(__gob_b: &mut #krate::schema::TypeBuilder) -> #krate::schema::TypeRef {
                #body
            }
        }
    })
}

/// A named Go type whose kind is the kind of `inner` (Go's `type Celsius float64`).
fn named_like(cx: &Cx, key: &TokenStream, names: (String, String), inner: &Type) -> TokenStream {
    let (name, string) = names;
    let build = cx.build(inner);
    quote! {
        __gob_b.named::<#key>(#name, #string, |__gob_b| {
            let __gob_inner = #build;
            __gob_b.get(__gob_inner).kind.clone()
        })
    }
}

fn expand_struct(
    cx: &Cx,
    cont: &Container,
    ident: &Ident,
    key: &TokenStream,
    fields: &Fields,
    errors: &mut Errors,
) -> TokenStream {
    let krate = &cx.krate;
    if let Some(sp) = cont.interface {
        errors.spanned(sp, "gobrpc: #[gob(interface)] applies to enums only");
    }
    let names = go_names(cont, ident);

    if cont.transparent {
        // serde writes the one serialized field in place of the struct.
        let mut kept = Vec::new();
        for f in fields {
            let m = Member::parse(&f.attrs, "field", errors);
            if !m.skip {
                kept.push(f);
            }
        }
        if kept.len() != 1 {
            errors.spanned(
                ident.span(),
                "gobrpc: #[serde(transparent)] needs exactly one serialized field",
            );
            return TokenStream::new();
        }
        return named_like(cx, key, names, &kept[0].ty);
    }

    let (name, string) = names;
    match fields {
        Fields::Named(named) => {
            let mut seen = Names::default();
            let mut go_fields = Vec::new();
            if let Some(tag) = &cont.tag {
                // serde writes `tag: "<struct name>"` before the fields.
                seen.add(&tag.value(), tag.span(), "field", errors);
                go_fields.push(go_field(cx, tag, &parse_quote!(::std::string::String)));
            }
            for f in &named.named {
                let m = Member::parse(&f.attrs, "field", errors);
                if let Some(sp) = m.flatten {
                    errors.spanned(sp, "gobrpc: #[serde(flatten)] has no Go equivalent");
                }
                if m.skip {
                    continue;
                }
                let fident = f.ident.as_ref().expect("named field");
                let lit = m.rename.unwrap_or_else(|| {
                    LitStr::new(
                        &cont.rename_all.apply_to_field(&unraw(fident)),
                        fident.span(),
                    )
                });
                seen.add(&lit.value(), lit.span(), "field", errors);
                go_fields.push(go_field(cx, &lit, &f.ty));
            }
            if go_fields.is_empty() && !named.named.is_empty() {
                // Go refuses to encode a struct whose fields are all unexported.
                return quote! {
                    __gob_b.named::<#key>(#name, #string, |_| {
                        #krate::schema::GoKind::Unsendable(::std::borrow::Cow::Owned(
                            ::std::format!("gob: type {} has no exported fields", #string),
                        ))
                    })
                };
            }
            let arg = if go_fields.is_empty() {
                quote!(_)
            } else {
                quote!(__gob_b)
            };
            quote! {
                __gob_b.named::<#key>(#name, #string, |#arg| {
                    let mut __gob_fields = ::std::vec::Vec::new();
                    #(__gob_fields.push(#go_fields);)*
                    #krate::schema::GoKind::Struct(__gob_fields)
                })
            }
        }
        Fields::Unit => quote! {
            __gob_b.named::<#key>(#name, #string, |_| {
                #krate::schema::GoKind::Struct(::std::vec::Vec::new())
            })
        },
        Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1 => {
            let f = &unnamed.unnamed[0];
            let m = Member::parse(&f.attrs, "field", errors);
            if m.skip {
                errors.spanned(
                    f.span(),
                    "gobrpc: the field of a newtype struct cannot be skipped",
                );
            }
            if let Some(sp) = m.flatten {
                errors.spanned(sp, "gobrpc: #[serde(flatten)] has no Go equivalent");
            }
            named_like(cx, key, (name, string), &f.ty)
        }
        Fields::Unnamed(unnamed) if unnamed.unnamed.is_empty() => {
            errors.spanned(
                unnamed.span(),
                "gobrpc: an empty tuple struct has no Go equivalent; use a unit struct \
                 (`struct X;`, Go's `struct{}`)",
            );
            TokenStream::new()
        }
        Fields::Unnamed(unnamed) => {
            errors.spanned(
                unnamed.span(),
                "gobrpc: tuple structs with several fields have no Go equivalent (Go has no \
                 tuples); use named fields, or a newtype `struct X(T);` for Go's `type X T`",
            );
            TokenStream::new()
        }
    }
}

/// `GoField { name, ty }` for one field.
fn go_field(cx: &Cx, name: &LitStr, ty: &Type) -> TokenStream {
    let krate = &cx.krate;
    let build = cx.build(ty);
    quote! {
        #krate::schema::GoField {
            name: ::std::borrow::Cow::Borrowed(#name),
            ty: #build,
        }
    }
}

fn expand_enum(
    cx: &Cx,
    cont: &Container,
    ident: &Ident,
    key: &TokenStream,
    data: &syn::DataEnum,
    errors: &mut Errors,
) -> TokenStream {
    let krate = &cx.krate;
    let repr = "gobrpc: enums must use serde's default, externally tagged representation";
    if let Some(tag) = &cont.tag {
        errors.spanned(tag.span(), format!("{repr} (remove #[serde(tag)])"));
    }
    if let Some(sp) = cont.untagged {
        errors.spanned(sp, format!("{repr} (remove #[serde(untagged)])"));
    }
    if let Some(sp) = cont.content {
        errors.spanned(sp, format!("{repr} (remove #[serde(content)])"));
    }
    if cont.transparent {
        errors.spanned(ident.span(), "gobrpc: #[serde(transparent)] is for structs");
    }

    if cont.interface.is_none() {
        // A C-like enum: serde sends the variant index, Go has an `int` kind.
        let mut ok = true;
        for v in &data.variants {
            let _ = Member::parse(&v.attrs, "variant", errors);
            if !matches!(v.fields, Fields::Unit) && ok {
                ok = false;
                errors.spanned(
                    v.ident.span(),
                    format!(
                        "gobrpc: variant `{}` carries data, and Go has no sum types: mark the \
                         enum #[gob(interface)] to send it as a Go interface (each variant a \
                         newtype `Name(ConcreteType)`, or a unit variant for nil), or use only \
                         unit variants (sent as a Go int)",
                        v.ident
                    ),
                );
            }
        }
        let (name, string) = go_names(cont, ident);
        return quote! {
            __gob_b.named::<#key>(#name, #string, |_| #krate::schema::GoKind::Int)
        };
    }

    if let Some(lit) = &cont.name {
        errors.spanned(
            lit.span(),
            "gobrpc: #[gob(name)] has no effect on an interface: Go sends every interface \
             type as `interface{}`; name the concrete types with #[serde(rename)] on variants",
        );
    }
    let mut seen = Names::default();
    let mut registers = Vec::new();
    for v in &data.variants {
        let m = Member::parse(&v.attrs, "variant", errors);
        if let Some(sp) = m.untagged {
            errors.spanned(sp, format!("{repr} (remove #[serde(untagged)])"));
        }
        let ty = match &v.fields {
            Fields::Unit => continue,
            Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                let _ = Member::parse(&f.unnamed[0].attrs, "field", errors);
                &f.unnamed[0].ty
            }
            _ => {
                errors.spanned(
                    v.ident.span(),
                    format!(
                        "gobrpc: interface variant `{}` must be a newtype variant \
                         `{}(ConcreteType)` or a unit variant (the nil interface)",
                        v.ident, v.ident
                    ),
                );
                continue;
            }
        };
        if m.skip {
            continue;
        }
        let lit = m.rename.unwrap_or_else(|| {
            LitStr::new(
                &cont.rename_all.apply_to_variant(&unraw(&v.ident)),
                v.ident.span(),
            )
        });
        seen.add(&lit.value(), lit.span(), "concrete type", errors);
        let build = cx.build(ty);
        registers.push(quote! {
            let __gob_t = #build;
            __gob_b.register_concrete(#lit, __gob_t);
        });
    }
    let arg = if registers.is_empty() {
        quote!(_)
    } else {
        quote!(__gob_b)
    };
    quote! {
        __gob_b.named::<#key>("", "interface {}", |#arg| {
            #(#registers)*
            #krate::schema::GoKind::Interface
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(input: DeriveInput) -> String {
        match expand(input) {
            Ok(ts) => panic!("expected an error, got {ts}"),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    fn ok(input: DeriveInput) -> String {
        match expand(input) {
            Ok(ts) => ts.to_string(),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    #[test]
    fn go_names() {
        assert_eq!(go_name_of("main.Point"), "Point");
        assert_eq!(go_name_of("Point"), "Point");
        assert_eq!(go_name_of("github.com/x/y.Point"), "Point");
        assert_eq!(
            go_name_of("main.Pair[main.A,main.B]"),
            "Pair[main.A,main.B]"
        );
        assert_eq!(go_name_of(""), "");
    }

    #[test]
    fn flatten_is_rejected() {
        let e = err(parse_quote! {
            struct S { #[serde(flatten)] inner: Inner }
        });
        assert!(
            e.contains("gobrpc: #[serde(flatten)] has no Go equivalent"),
            "{e}"
        );
    }

    #[test]
    fn tuple_structs_are_rejected() {
        let e = err(parse_quote!(
            struct S(i64, i64);
        ));
        assert!(e.contains("Go has no tuples"), "{e}");
        let e = err(parse_quote!(
            struct S();
        ));
        assert!(e.contains("use a unit struct"), "{e}");
    }

    #[test]
    fn data_enums_need_interface() {
        let e = err(parse_quote!(
            enum E {
                A,
                B(i64),
            }
        ));
        assert!(e.contains("#[gob(interface)]"), "{e}");
    }

    #[test]
    fn interface_variants_must_be_newtypes() {
        let e = err(parse_quote! {
            #[gob(interface)]
            enum E { A(i64, i64), B { x: i64 } }
        });
        assert!(e.contains("interface variant `A`"), "{e}");
        assert!(e.contains("interface variant `B`"), "{e}");
    }

    #[test]
    fn unknown_gob_attributes_are_rejected() {
        let e = err(parse_quote! {
            #[gob(nmae = "x")]
            struct S { #[gob(rename = "Y")] y: i64 }
        });
        assert!(e.contains("unknown container attribute `nmae`"), "{e}");
        assert!(e.contains("unknown field attribute `rename`"), "{e}");
        let e = err(parse_quote! {
            #[gob(interface)]
            enum E { #[gob(skip)] A(i64) }
        });
        assert!(e.contains("unknown variant attribute `skip`"), "{e}");
    }

    #[test]
    fn go_names_below_the_derives() {
        let e = err(parse_quote!(
            #[gobrpc::go_names]
            struct S {
                user_id: i64,
            }
        ));
        assert!(e.contains("put #[go_names] above #[derive(...)]"), "{e}");
    }

    #[test]
    fn misplaced_container_attributes() {
        let e = err(parse_quote!(
            #[gob(interface)]
            struct S;
        ));
        assert!(e.contains("enums only"), "{e}");
        let e = err(parse_quote!(
            #[gob(interface, name = "main.E")]
            enum E {
                A(i64),
            }
        ));
        assert!(e.contains("no effect on an interface"), "{e}");
        let e = err(parse_quote!(
            #[serde(tag = "t")]
            #[gob(interface)]
            enum E {
                A(i64),
            }
        ));
        assert!(e.contains("externally tagged"), "{e}");
        let e = err(parse_quote!(
            #[serde(untagged)]
            enum E {
                A,
            }
        ));
        assert!(e.contains("externally tagged"), "{e}");
        let e = err(parse_quote!(union U { a: i64 }));
        assert!(e.contains("unions"), "{e}");
    }

    #[test]
    fn duplicate_names() {
        let e = err(parse_quote! {
            struct S { #[serde(rename = "A")] x: i64, #[serde(rename = "A")] y: i64 }
        });
        assert!(e.contains("duplicate Go field name `A`"), "{e}");
        let e = err(parse_quote! {
            #[serde(rename_all = "lowercase")]
            #[gob(interface)]
            enum E { A(i64), #[serde(rename = "a")] B(u64) }
        });
        assert!(e.contains("duplicate Go concrete type name `a`"), "{e}");
    }

    #[test]
    fn unknown_rename_rule() {
        let e = err(parse_quote! {
            #[serde(rename_all = "Title Case")]
            struct S { x: i64 }
        });
        assert!(e.contains("unknown rename rule"), "{e}");
    }

    #[test]
    fn several_errors_at_once() {
        let e = err(parse_quote! {
            #[gob(bogus)]
            struct S { #[serde(flatten)] a: A, #[gob(x)] b: i64 }
        });
        assert_eq!(e.lines().count(), 3, "{e}");
    }

    #[test]
    fn serde_attributes_are_read_or_skipped() {
        let out = ok(parse_quote! {
            #[serde(rename_all(serialize = "PascalCase", deserialize = "camelCase"))]
            #[serde(deny_unknown_fields, bound(serialize = "T: Serialize"), default)]
            #[serde(crate = "serde", expecting = "a thing")]
            struct S<T> {
                #[serde(rename(deserialize = "ignored"), default = "x::y", alias = "z")]
                first_field: T,
                #[serde(skip_serializing_if = "Option::is_none", with = "m")]
                second: Option<i64>,
                #[serde(rename(serialize = "Third", deserialize = "third"))]
                r#type: i64,
                #[serde(skip)]
                gone: i64,
                #[serde(skip_serializing)]
                gone_too: i64,
                #[serde(skip_deserializing)]
                kept: i64,
            }
        });
        assert!(out.contains("\"FirstField\""), "{out}");
        assert!(out.contains("\"Second\""), "{out}");
        assert!(out.contains("\"Third\""), "{out}");
        assert!(out.contains("\"Kept\""), "{out}");
        assert!(!out.contains("Gone"), "{out}");
        assert!(out.contains("T : :: gobrpc :: GobType + 'static"), "{out}");
    }

    #[test]
    fn lifetimes_become_static() {
        let out = ok(parse_quote! {
            struct S<'a, T> { s: &'a str, v: std::borrow::Cow<'a, [T]> }
        });
        assert!(out.contains("named :: < S < 'static , T > >"), "{out}");
        assert!(out.contains("& 'static str"), "{out}");
        assert!(!out.contains("'a str"), "{out}");
    }

    #[test]
    fn custom_crate_path_and_bound() {
        let out = ok(parse_quote! {
            #[gob(crate = "my::gob", bound = "T: my::gob::GobType + Clone")]
            struct S<T> { x: Vec<T> }
        });
        assert!(
            out.contains("impl < T > my :: gob :: GobType for S < T >"),
            "{out}"
        );
        assert!(
            out.contains("T : 'static , T : my :: gob :: GobType + Clone"),
            "{out}"
        );
        assert!(!out.contains("::gobrpc"), "{out}");
    }
}

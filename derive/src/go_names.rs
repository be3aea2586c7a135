//! `#[go_names]`: Go's field names, initialisms included, as explicit serde renames.

use crate::attrs::{unraw, Errors};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{parse_quote, Attribute, Data, DeriveInput, Fields, LitStr};

/// Go's common initialisms, as golint lists them: a word that is one of these is written
/// all in capitals (`id` → `ID`, `http` → `HTTP`).
pub const INITIALISMS: &[&str] = &[
    "ACL", "API", "ASCII", "CPU", "CSS", "DNS", "EOF", "GUID", "HTML", "HTTP", "HTTPS", "ID", "IP",
    "JSON", "LHS", "QPS", "RAM", "RHS", "RPC", "SLA", "SMTP", "SQL", "SSH", "TCP", "TLS", "TTL",
    "UDP", "UI", "UID", "UUID", "URI", "URL", "UTF8", "VM", "XML", "XMPP", "XSRF", "XSS",
];

/// The Go name of a `snake_case` Rust field: each `_`-separated word capitalized, or
/// written in capitals when it is a Go initialism (`user_id` → `UserID`, `http_server` →
/// `HTTPServer`, `ttl` → `TTL`).
pub fn go_name(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    for word in field.split('_').filter(|w| !w.is_empty()) {
        let upper = word.to_ascii_uppercase();
        if INITIALISMS.contains(&upper.as_str()) {
            out.push_str(&upper);
        } else {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// True if `attrs` hold a serde `rename` (any form: `rename = "x"`, `rename(serialize =
/// "x")`, …), or, for `key = "rename_all"`, a container `rename_all`.
fn has_serde(attrs: &[Attribute], key: &str) -> syn::Result<Option<Span>> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                found = Some(meta.path.segments[0].ident.span());
            }
            crate::attrs::skip_value(&meta)
        })?;
    }
    Ok(found)
}

/// Adds `#[serde(rename = "GoName")]` to every named field that has no serde `rename`.
pub fn expand(args: TokenStream, mut input: DeriveInput) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    if !args.is_empty() {
        errors.spanned(Span::call_site(), "gobrpc: #[go_names] takes no arguments");
    }
    if let Some(span) = has_serde(&input.attrs, "rename_all")? {
        errors.spanned(
            span,
            "gobrpc: #[go_names] names every field already; remove `rename_all` \
             (or drop #[go_names] and keep `rename_all`)",
        );
    }
    match &mut input.data {
        Data::Struct(s) => {
            if let Fields::Named(named) = &mut s.fields {
                for field in named.named.iter_mut() {
                    if has_serde(&field.attrs, "rename")?.is_some() {
                        continue;
                    }
                    let ident = field.ident.as_ref().expect("named field");
                    let name = LitStr::new(&go_name(&unraw(ident)), ident.span());
                    field.attrs.push(parse_quote!(#[serde(rename = #name)]));
                }
            }
        }
        Data::Enum(e) => errors.spanned(
            e.enum_token.span,
            "gobrpc: #[go_names] applies to structs: an interface enum's variants are the Go \
             names its types were registered under (`#[serde(rename = \"main.Point\")]`), \
             and a unit-only enum is sent by position",
        ),
        Data::Union(u) => {
            errors.spanned(u.union_token.span, "gobrpc: #[go_names] applies to structs")
        }
    }
    errors.finish()?;
    Ok(input.into_token_stream())
}

#[cfg(test)]
mod tests {
    use super::{expand, go_name};
    use quote::quote;
    use syn::parse_quote;

    fn run(item: syn::DeriveInput) -> Result<String, String> {
        expand(quote!(), item)
            .map(|t| t.to_string())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn renames_fields_without_a_rename() {
        let out = run(parse_quote! {
            struct Entry {
                user_id: u64,
                #[serde(rename = "Owner")]
                user: String,
                #[serde(rename(deserialize = "h"))]
                http: String,
                r#type: String,
            }
        })
        .unwrap();
        assert_eq!(out.matches("rename").count(), 4, "{out}");
        assert!(
            out.contains(r#"# [serde (rename = "UserID")] user_id"#),
            "{out}"
        );
        assert!(
            out.contains(r#"# [serde (rename = "Type")] r#type"#),
            "{out}"
        );
        assert!(!out.contains("\"HTTP\""), "{out}");
    }

    #[test]
    fn compile_errors() {
        let e = run(parse_quote!(
            enum E {
                A(i64),
            }
        ))
        .unwrap_err();
        assert!(
            e.starts_with("gobrpc: #[go_names] applies to structs"),
            "{e}"
        );
        let e = run(parse_quote!(
            #[serde(rename_all = "PascalCase")]
            struct S {
                a: i64,
            }
        ))
        .unwrap_err();
        assert!(e.contains("remove `rename_all`"), "{e}");
        let e = expand(
            quote!(x),
            parse_quote!(
                struct S {
                    a: i64,
                }
            ),
        )
        .unwrap_err();
        assert_eq!(e.to_string(), "gobrpc: #[go_names] takes no arguments");
        assert!(run(parse_quote!(
            struct T(i64);
        ))
        .is_ok());
    }

    #[test]
    fn go_names() {
        for (rust, go) in [
            ("ttl", "TTL"),
            ("user_id", "UserID"),
            ("url", "URL"),
            ("http_server", "HTTPServer"),
            ("key", "Key"),
            ("created_at", "CreatedAt"),
            ("utf8_text", "UTF8Text"),
            ("api_json_url", "APIJSONURL"),
            ("ids", "Ids"),
            ("ipv4", "Ipv4"),
            ("x", "X"),
            ("type", "Type"),
            ("_hidden", "Hidden"),
            ("a__b", "AB"),
        ] {
            assert_eq!(go_name(rust), go, "{rust}");
        }
    }
}

//! `#[gobrpc::service]`: one trait declares a net/rpc service; the macro generates the typed
//! client stub and the server-side registration from it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{FnArg, ItemTrait, LitStr, ReturnType, TraitItem, Type};

/// What Go's net/rpc can serve, said once for every signature error.
const GO_SHAPE: &str = "Go's net/rpc serves only `func (t *T) Method(args A, reply *R) error`";

/// One method of the service trait.
struct Method {
    ident: syn::Ident,
    go_name: String,
    /// Go's method takes `*A` (shown so on the debug page).
    pointer_arg: bool,
    takes_context: bool,
    arg: Type,
    /// The written return type: `Result<R, E>`, or an alias such as `Result<R>`.
    ret: Type,
    reply: Type,
    sig: syn::Signature,
    attrs: Vec<syn::Attribute>,
}

/// The `name = "..."` argument of `#[service(...)]` or `#[rpc(...)]`, and (for `#[rpc]`) the
/// `pointer_arg` flag.
fn name_arg(tokens: TokenStream, what: &str) -> syn::Result<(Option<String>, bool)> {
    if tokens.is_empty() {
        return Ok((None, false));
    }
    let mut name = None;
    let mut pointer_arg = false;
    let rpc = what == "#[rpc]";
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("name") {
            name = Some(meta.value()?.parse::<LitStr>()?.value());
            Ok(())
        } else if rpc && meta.path.is_ident("pointer_arg") {
            pointer_arg = true;
            Ok(())
        } else {
            let expected = if rpc {
                "`name = \"...\"` or `pointer_arg`"
            } else {
                "`name = \"...\"`"
            };
            Err(meta.error(format!("unknown {what} argument: expected {expected}")))
        }
    });
    syn::parse::Parser::parse2(parser, tokens)?;
    Ok((name, pointer_arg))
}

/// Go's exported name of a Rust method name: `add` → `Add`, `get_all` → `GetAll`.
fn go_method_name(rust: &str) -> String {
    rust.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            let first = cs.next().map(|c| c.to_ascii_uppercase());
            first.into_iter().chain(cs).collect::<String>()
        })
        .collect()
}

/// The return type and its reply type `R`: `Result<R, E>`, or a `Result<R>` alias.
fn result_types(ret: &ReturnType) -> Option<(Type, Type)> {
    let ReturnType::Type(_, ty) = ret else {
        return None;
    };
    let Type::Path(p) = &**ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    });
    let reply = types.next()?;
    let _error = types.next();
    types.next().is_none().then_some(((**ty).clone(), reply))
}

/// True for a parameter typed `Context` (the call's context, passed first).
fn is_context(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Context"))
}

fn parse_method(f: &mut syn::TraitItemFn) -> syn::Result<Method> {
    let mut go_name = None;
    let mut pointer_arg = false;
    let mut errors = None::<syn::Error>;
    f.attrs.retain(|a| {
        if !a.path().is_ident("rpc") {
            return true;
        }
        let tokens = match &a.meta {
            syn::Meta::List(l) => l.tokens.clone(),
            _ => TokenStream::new(),
        };
        match name_arg(tokens, "#[rpc]") {
            Ok((n, p)) => {
                go_name = n.or(go_name.take());
                pointer_arg |= p;
            }
            Err(e) => errors = Some(e),
        }
        false
    });
    if let Some(e) = errors {
        return Err(e);
    }
    let sig = &f.sig;
    if sig.asyncness.is_none() {
        return Err(syn::Error::new(
            sig.fn_token.span(),
            "a service method is an `async fn` (each call runs as its own task)",
        ));
    }
    if !sig.generics.params.is_empty() {
        return Err(syn::Error::new(
            sig.generics.span(),
            "a service method cannot be generic: Go's net/rpc methods have one argument type",
        ));
    }
    let mut inputs = sig.inputs.iter();
    match inputs.next() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() => {}
        _ => {
            return Err(syn::Error::new(
                sig.ident.span(),
                "a service method takes `&self` (calls run concurrently)",
            ))
        }
    }
    let mut typed: Vec<&syn::PatType> = inputs
        .map(|a| match a {
            FnArg::Typed(t) => Ok(t),
            FnArg::Receiver(r) => Err(syn::Error::new(r.span(), "unexpected receiver")),
        })
        .collect::<syn::Result<_>>()?;
    let takes_context = typed.first().is_some_and(|t| is_context(&t.ty));
    if takes_context {
        typed.remove(0);
    }
    let arg = match typed.as_slice() {
        [one] => (*one.ty).clone(),
        [] => {
            return Err(syn::Error::new(
                sig.paren_token.span.join(),
                format!("a service method takes exactly one argument (the call's args): {GO_SHAPE}; use `()` for Go's `struct{{}}`"),
            ))
        }
        [_, second, ..] => {
            return Err(syn::Error::new(
                second.span(),
                format!("a service method takes exactly one argument: {GO_SHAPE}; put several values in one struct"),
            ))
        }
    };
    let Some((ret, reply)) = result_types(&sig.output) else {
        return Err(syn::Error::new(
            match &sig.output {
                ReturnType::Default => sig.ident.span(),
                ReturnType::Type(_, t) => t.span(),
            },
            format!("a service method returns `Result<Reply, E>` (E: Display is the error text Go's client gets): {GO_SHAPE}; use `Result<(), E>` for Go's `struct{{}}` reply"),
        ));
    };
    let go_name = go_name.unwrap_or_else(|| go_method_name(&sig.ident.to_string()));
    Ok(Method {
        ident: sig.ident.clone(),
        go_name,
        pointer_arg,
        takes_context,
        arg,
        ret,
        reply,
        sig: sig.clone(),
        attrs: f.attrs.clone(),
    })
}

/// Expands `#[service]` on `item`.
pub(crate) fn expand(args: TokenStream, mut item: ItemTrait) -> syn::Result<TokenStream> {
    let service_name = name_arg(args, "#[service]")?
        .0
        .unwrap_or_else(|| item.ident.to_string());
    let mut methods = Vec::new();
    let mut errors: Option<syn::Error> = None;
    for it in &mut item.items {
        match it {
            TraitItem::Fn(f) => match parse_method(f) {
                Ok(m) => methods.push(m),
                Err(e) => match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                },
            },
            other => {
                let e = syn::Error::new(
                    other.span(),
                    "a service trait holds only `async fn` methods",
                );
                match &mut errors {
                    Some(all) => all.combine(e),
                    None => errors = Some(e),
                }
            }
        }
    }
    if let Some(e) = errors {
        return Err(e);
    }
    if methods.is_empty() {
        return Err(syn::Error::new(
            item.ident.span(),
            "a service needs at least one method (Go's Register refuses a type with none)",
        ));
    }
    let g = quote!(::gobrpc);
    let vis = &item.vis;
    let trait_ident = &item.ident;
    let client_ident = format_ident!("{}Client", trait_ident);

    // The trait: each `async fn` becomes a method returning a `Send` future, so that calls
    // can run as tasks; implementations still write `async fn`.
    let trait_methods = methods.iter().map(|m| {
        let mut sig = m.sig.clone();
        sig.asyncness = None;
        let ret = &m.ret;
        sig.output = syn::parse_quote_spanned!(m.sig.output.span() =>
            -> impl ::core::future::Future<Output = #ret> + ::core::marker::Send);
        let attrs = &m.attrs;
        quote!(#(#attrs)* #sig;)
    });
    let registrations = methods.iter().map(|m| {
        let (ident, go_name, arg) = (&m.ident, &m.go_name, &m.arg);
        let call = if m.takes_context {
            quote!(this.#ident(ctx, args).await)
        } else {
            quote!({ let _ = ctx; this.#ident(args).await })
        };
        let pointer = m.pointer_arg.then(|| quote!(.pointer_arg(#go_name)));
        quote_spanned! {m.sig.span()=>
            .method(#go_name, {
                let this = this.clone();
                move |ctx: #g::rpc::server::Context, args: #arg| {
                    let this = this.clone();
                    async move { #call }
                }
            })
            #pointer
        }
    });
    let client_methods = methods.iter().map(|m| {
        let (ident, go_name, arg, reply) = (&m.ident, &m.go_name, &m.arg, &m.reply);
        let go_ident = format_ident!("{}_go", ident);
        let full = format!("{service_name}.{go_name}");
        let call_doc = format!("Calls `{full}` and waits for its reply (Go's `Client.Call`).");
        let go_doc = format!(
            "Sends a call to `{full}` now; the returned call completes with its reply (Go's `Client.Go`)."
        );
        quote! {
            #[doc = #call_doc]
            pub async fn #ident(&self, args: &#arg) -> ::core::result::Result<#reply, #g::rpc::Error> {
                self.client.call(&self.method(#full, #go_name), args).await
            }

            #[doc = #go_doc]
            pub fn #go_ident(&self, args: &#arg) -> #g::rpc::Call<#reply> {
                self.client.go(&self.method(#full, #go_name), args)
            }
        }
    });
    let trait_attrs = &item.attrs;
    let supertraits = if item.supertraits.is_empty() {
        quote!()
    } else {
        let s = &item.supertraits;
        quote!(: #s)
    };
    let client_doc = format!(
        "The typed client of the `{service_name}` service: one method per service method, \
         in a `call` form (waits for the reply) and a `go` form (`…_go`, returns the call)."
    );
    let into_doc = format!(
        "This implementation as a [`Service`]({g}::rpc::server::Service) named \
         `{service_name}`, for [`ServerBuilder::service`]({g}::rpc::server::ServerBuilder::service).",
        g = "gobrpc"
    );
    Ok(quote! {
        #(#trait_attrs)*
        #vis trait #trait_ident #supertraits {
            #(#trait_methods)*

            #[doc = #into_doc]
            fn into_service(self) -> #g::rpc::server::Service
            where
                Self: ::core::marker::Sized + ::core::marker::Send + ::core::marker::Sync + 'static,
            {
                let this = ::std::sync::Arc::new(self);
                #g::rpc::server::Service::named(#service_name) #(#registrations)*
            }
        }

        #[doc = #client_doc]
        #[derive(Clone, Debug)]
        #vis struct #client_ident {
            client: #g::rpc::Client,
            service: ::std::borrow::Cow<'static, str>,
        }

        impl #client_ident {
            /// The service's name on the server (Go's registered name).
            pub const SERVICE: &'static str = #service_name;

            /// The client for the service registered as
            #[doc = concat!("`", #service_name, "`.")]
            pub fn new(client: #g::rpc::Client) -> Self {
                Self { client, service: ::std::borrow::Cow::Borrowed(#service_name) }
            }

            /// The client for the same service registered under another name (Go's
            /// `RegisterName`).
            pub fn with_service_name(client: #g::rpc::Client, name: impl Into<::std::string::String>) -> Self {
                Self { client, service: ::std::borrow::Cow::Owned(name.into()) }
            }

            /// The connection the calls go over.
            pub fn client(&self) -> &#g::rpc::Client {
                &self.client
            }

            fn method(&self, full: &'static str, method: &str) -> ::std::borrow::Cow<'static, str> {
                if self.service == Self::SERVICE {
                    ::std::borrow::Cow::Borrowed(full)
                } else {
                    ::std::borrow::Cow::Owned(::std::format!("{}.{}", self.service, method))
                }
            }

            #(#client_methods)*
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error messages `#[service]` gives for `item`.
    fn errors(item: TokenStream) -> String {
        let item: ItemTrait = syn::parse2(item).expect("a trait");
        match expand(TokenStream::new(), item) {
            Ok(_) => String::from("no error"),
            Err(e) => e
                .into_iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    #[test]
    fn go_names() {
        assert_eq!(go_method_name("add"), "Add");
        assert_eq!(go_method_name("get_all"), "GetAll");
        assert_eq!(go_method_name("Mul"), "Mul");
    }

    #[test]
    fn servable_signatures_expand() {
        let ok = errors(quote! {
            trait Arith {
                async fn add(&self, args: Args) -> Result<Reply, String>;
                async fn login(&self, ctx: Context, args: String) -> Result<(), String>;
                #[rpc(name = "Mul", pointer_arg)]
                async fn times(&self, args: Args) -> std::result::Result<i64, MyError>;
            }
        });
        assert_eq!(ok, "no error");
    }

    #[test]
    fn unservable_signatures_say_why() {
        let cases = [
            (
                quote!(
                    trait T {
                        async fn f(&self) -> Result<R, String>;
                    }
                ),
                "takes exactly one argument",
            ),
            (
                quote!(
                    trait T {
                        async fn f(&self, a: A, b: B) -> Result<R, String>;
                    }
                ),
                "put several values in one struct",
            ),
            (
                quote!(
                    trait T {
                        async fn f(&self, a: A);
                    }
                ),
                "returns `Result<Reply, E>`",
            ),
            (
                quote!(
                    trait T {
                        async fn f(&self, a: A) -> R;
                    }
                ),
                "returns `Result<Reply, E>`",
            ),
            (
                quote!(
                    trait T {
                        fn f(&self, a: A) -> Result<R, String>;
                    }
                ),
                "is an `async fn`",
            ),
            (
                quote!(
                    trait T {
                        async fn f(&mut self, a: A) -> Result<R, String>;
                    }
                ),
                "takes `&self`",
            ),
            (
                quote!(
                    trait T {
                        async fn f<X>(&self, a: X) -> Result<R, String>;
                    }
                ),
                "cannot be generic",
            ),
            (
                quote!(
                    trait T {}
                ),
                "at least one method",
            ),
            (
                quote!(
                    trait T {
                        #[rpc(nme = "X")]
                        async fn f(&self, a: A) -> Result<R, String>;
                    }
                ),
                "expected `name = \"...\"`",
            ),
        ];
        for (item, want) in cases {
            let got = errors(item.clone());
            assert!(got.contains(want), "{item}: {got:?} lacks {want:?}");
        }
    }
}

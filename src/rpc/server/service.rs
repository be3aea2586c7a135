//! Services and their methods: typed handlers (serde arguments and replies) and dynamic
//! ones ([`TypedValue`]), erased behind one trait so that one connection serves them all.

use super::context::Context;
use super::header::ResponseHeader;
use crate::{DecoderState, EncoderState, GobType, TypeBuilder, TypedValue};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A handler's future, boxed.
pub(crate) type HandlerFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;

/// What a handler ended with: a reply to encode, or the error text Go's client receives.
pub(crate) type Outcome = Result<Box<dyn EncodeReply>, String>;

/// A reply value with its type erased.
pub(crate) trait EncodeReply: Send {
    /// Encodes the response header and then the reply, as Go's `WriteResponse` does.
    fn encode(
        &self,
        enc: &mut EncoderState,
        header: &ResponseHeader<'_>,
        out: &mut Vec<u8>,
    ) -> crate::Result<()>;
}

/// A reply as Go's server sends it: through a pointer (see `encode`).
struct TypedReply<R>(Option<R>);

impl<R: Serialize + GobType + Send + 'static> EncodeReply for TypedReply<R> {
    fn encode(
        &self,
        enc: &mut EncoderState,
        header: &ResponseHeader<'_>,
        out: &mut Vec<u8>,
    ) -> crate::Result<()> {
        // Go's server encodes the reply through its pointer (`replyv` is a `*R`): for most
        // types the pointer is invisible, but a marshaler's type definition is the
        // pointer's (no name, one more id), so the reply goes out as a `*R` too.
        enc.encode_pair(header, &self.0, out)
    }
}

struct DynamicReply(TypedValue);

impl EncodeReply for DynamicReply {
    fn encode(
        &self,
        enc: &mut EncoderState,
        header: &ResponseHeader<'_>,
        out: &mut Vec<u8>,
    ) -> crate::Result<()> {
        enc.encode_pair_value(header, &self.0, out)
    }
}

/// The future of one call: the handler's, its reply boxed by `wrap`, its error as text. The
/// handler is called inside the future, so that a handler that panics before it returns its
/// future fails its own call too, not the connection's reader.
fn call<A, T, E, F, Fut>(
    handler: Arc<F>,
    ctx: Context,
    args: A,
    wrap: fn(T) -> Box<dyn EncodeReply>,
) -> HandlerFuture
where
    A: Send + 'static,
    T: 'static,
    E: Display,
    F: Fn(Context, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<T, E>> + Send + 'static,
{
    Box::pin(async move {
        match handler(ctx, args).await {
            Ok(reply) => Ok(wrap(reply)),
            Err(e) => Err(e.to_string()),
        }
    })
}

/// One method of a service, with its argument and reply types erased.
pub(crate) trait Method: Send + Sync {
    /// Decodes the call's argument from the front of `buf` and returns the call, to run
    /// with the context `ctx` makes (one allocation: the future holds the argument, the
    /// context and the handler). `None`: more bytes are needed.
    fn decode(
        &self,
        st: &mut DecoderState,
        buf: &[u8],
        ctx: &dyn Fn() -> Context,
    ) -> crate::Result<Option<(HandlerFuture, usize)>>;

    /// Go's names of the argument and reply types, as the debug page shows them.
    fn signature(&self) -> &Signature;
}

/// A method's Go signature: `Name(ArgType, ReplyType) error`.
#[derive(Debug, Clone)]
pub(crate) struct Signature {
    pub(crate) arg: String,
    pub(crate) reply: String,
}

/// Go's `reflect.Type.String()` of `T`.
fn go_type_string<T: GobType + ?Sized>() -> String {
    let mut b = TypeBuilder::new();
    let t = b.build::<T>();
    b.get(t).string.to_string()
}

struct Typed<F> {
    handler: Arc<F>,
    signature: Signature,
    /// Go's name of the argument type, for Go's wording of decode errors.
    arg_go_name: Arc<str>,
}

impl<A, R, E, F, Fut> Method for (Typed<F>, std::marker::PhantomData<fn(A) -> (R, E)>)
where
    A: DeserializeOwned + Send + 'static,
    R: Serialize + GobType + Send + 'static,
    E: Display,
    F: Fn(Context, A) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
{
    fn decode(
        &self,
        st: &mut DecoderState,
        buf: &[u8],
        ctx: &dyn Fn() -> Context,
    ) -> crate::Result<Option<(HandlerFuture, usize)>> {
        let Some((args, used)) = st.decode_go_named::<A>(buf, &self.0.arg_go_name)? else {
            return Ok(None);
        };
        let run = call(self.0.handler.clone(), ctx(), args, |reply| {
            Box::new(TypedReply(Some(reply)))
        });
        Ok(Some((run, used)))
    }

    fn signature(&self) -> &Signature {
        &self.0.signature
    }
}

struct Dynamic<F> {
    handler: Arc<F>,
    signature: Signature,
}

impl<E, F, Fut> Method for (Dynamic<F>, std::marker::PhantomData<fn() -> E>)
where
    E: Display,
    F: Fn(Context, TypedValue) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<TypedValue, E>> + Send + 'static,
{
    fn decode(
        &self,
        st: &mut DecoderState,
        buf: &[u8],
        ctx: &dyn Fn() -> Context,
    ) -> crate::Result<Option<(HandlerFuture, usize)>> {
        let Some((args, used)) = st.decode_value(buf)? else {
            return Ok(None);
        };
        let run = call(self.0.handler.clone(), ctx(), args, |reply| {
            Box::new(DynamicReply(reply))
        });
        Ok(Some((run, used)))
    }

    fn signature(&self) -> &Signature {
        &self.0.signature
    }
}

/// A method served as another is, under another Go signature.
struct Resigned {
    inner: Arc<dyn Method>,
    signature: Signature,
}

impl Method for Resigned {
    fn decode(
        &self,
        st: &mut DecoderState,
        buf: &[u8],
        ctx: &dyn Fn() -> Context,
    ) -> crate::Result<Option<(HandlerFuture, usize)>> {
        self.inner.decode(st, buf, ctx)
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }
}

/// A set of methods served under one name (Go's registered receiver): build it with
/// [`method`](Self::method), then hand it to
/// [`ServerBuilder::register`](super::ServerBuilder::register).
///
/// A handler is an async function of the call's [`Context`] and its argument that returns
/// the reply or an error; the error's `Display` text is what Go's client receives
/// (`rpc.ServerError`), and no reply value is sent with it, as in Go.
///
/// ```
/// use gobrpc::rpc::server::{Context, Service};
/// use gobrpc::GobType;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, GobType)]
/// #[gob(name = "main.Args")]
/// struct Args { #[serde(rename = "A")] a: i64, #[serde(rename = "B")] b: i64 }
///
/// let arith = Service::new()
///     .method("Add", |_: Context, args: Args| async move { Ok::<_, String>(args.a + args.b) })
///     .method("Div", |_: Context, args: Args| async move {
///         if args.b == 0 {
///             return Err("divide by zero".to_string()); // Go's client gets this text
///         }
///         Ok(args.a / args.b)
///     });
/// assert_eq!(arith.method_names().collect::<Vec<_>>(), ["Add", "Div"]);
/// ```
#[derive(Clone, Default)]
pub struct Service {
    pub(crate) name: Option<String>,
    pub(crate) methods: BTreeMap<String, Arc<dyn Method>>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("name", &self.name)
            .field("methods", &self.methods.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Service {
    /// A service with no methods yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// A service with no methods yet that knows the name it is served under (what
    /// `#[gobrpc::service]` builds; see [`ServerBuilder::service`](super::ServerBuilder::service)).
    pub fn named(name: &str) -> Self {
        Service {
            name: Some(name.to_string()),
            ..Self::default()
        }
    }

    /// The name the service is served under by default, if it has one.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Adds method `name` (Go's exported method name: `"Add"`), served by `handler`.
    /// The argument decodes as serde does (`A` also names its Go type for the debug page);
    /// the reply encodes with its Go type.
    ///
    /// # Panics
    /// If `name` is not a valid method name (empty, or containing a `.`), or is already
    /// taken.
    pub fn method<A, R, E, F, Fut>(mut self, name: &str, handler: F) -> Self
    where
        A: DeserializeOwned + GobType + Send + 'static,
        R: Serialize + GobType + Send + 'static,
        E: Display + 'static,
        F: Fn(Context, A) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, E>> + Send + 'static,
    {
        let arg = go_type_string::<A>();
        let typed = Typed {
            handler: Arc::new(handler),
            arg_go_name: arg.as_str().into(),
            signature: Signature {
                arg,
                reply: format!("*{}", go_type_string::<R>()),
            },
        };
        self.add(
            name,
            Arc::new((typed, std::marker::PhantomData::<fn(A) -> (R, E)>)),
        );
        self
    }

    /// Adds method `name` served by a dynamic handler: it takes the argument as a
    /// [`TypedValue`] (with the client's type definitions) and returns the reply as one (for
    /// proxies and mocks). `arg_type` and `reply_type` are the Go type names the debug page
    /// shows (`"main.Args"`, `"*main.Reply"`).
    ///
    /// A reply built by hand should come from one [`TypedValue`] table per connection, or
    /// with no table ([`TypedValue::infer`]): replies on one connection share its type ids.
    ///
    /// ```
    /// use gobrpc::rpc::server::{Context, Service};
    /// use gobrpc::TypedValue;
    ///
    /// // Echoes whatever Go sends, Go types and all (a mock, or a proxy's last hop).
    /// let echo = Service::new().dynamic_method(
    ///     "Any",
    ///     "main.AnyHolder",
    ///     "*main.AnyHolder",
    ///     |_: Context, v: TypedValue| async move { Ok::<_, String>(v) },
    /// );
    /// ```
    pub fn dynamic_method<E, F, Fut>(
        mut self,
        name: &str,
        arg_type: &str,
        reply_type: &str,
        handler: F,
    ) -> Self
    where
        E: Display + 'static,
        F: Fn(Context, TypedValue) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<TypedValue, E>> + Send + 'static,
    {
        let dynamic = Dynamic {
            handler: Arc::new(handler),
            signature: Signature {
                arg: arg_type.to_string(),
                reply: reply_type.to_string(),
            },
        };
        self.add(
            name,
            Arc::new((dynamic, std::marker::PhantomData::<fn() -> E>)),
        );
        self
    }

    /// Says that Go's method `name` takes its argument through a pointer
    /// (`func (t *Arith) Mul(args *Args, reply *Reply) error`), so that the debug page shows
    /// its signature as Go's does: `Mul(*main.Args, *main.Reply) error`. The wire is the
    /// same either way.
    ///
    /// ```
    /// use gobrpc::rpc::server::{Context, Service};
    ///
    /// let echo = Service::new()
    ///     .method("Twice", |_: Context, n: i64| async move { Ok::<_, String>(2 * n) })
    ///     .pointer_arg("Twice"); // Go: func (Echo) Twice(n *int, reply *int) error
    /// ```
    ///
    /// # Panics
    /// If there is no method `name`.
    pub fn pointer_arg(mut self, name: &str) -> Self {
        let inner = self.methods.get(name).cloned();
        let inner = inner.unwrap_or_else(|| panic!("rpc: no method {name} to take a pointer"));
        let mut signature = inner.signature().clone();
        if !signature.arg.starts_with('*') {
            signature.arg.insert(0, '*');
        }
        let method = Resigned { inner, signature };
        self.methods.insert(name.to_string(), Arc::new(method));
        self
    }

    fn add(&mut self, name: &str, method: Arc<dyn Method>) {
        assert!(
            !name.is_empty() && !name.contains('.'),
            "rpc: invalid method name {name:?}"
        );
        let old = self.methods.insert(name.to_string(), method);
        assert!(old.is_none(), "rpc: method {name} registered twice");
    }

    /// The method names, in Go's debug-page order (sorted).
    pub fn method_names(&self) -> impl Iterator<Item = &str> {
        self.methods.keys().map(String::as_str)
    }
}

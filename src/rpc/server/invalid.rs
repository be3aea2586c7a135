//! Requests the server answers with an error and no call, for those who must see them.

use super::context::Context;
use crate::TypedValue;
use std::sync::Arc;

/// A request answered with an error and no call: an unknown service or method, an
/// ill-formed name, or an argument that does not fit its method. What
/// [`ServerBuilder::on_invalid_request`](super::ServerBuilder::on_invalid_request) hears.
///
/// ```
/// use gobrpc::rpc::server::{Context, InvalidRequest, Server, Service};
/// use gobrpc::rpc::Client;
/// use gobrpc::Value;
/// use std::sync::{Arc, Mutex};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let seen = Arc::new(Mutex::new(Vec::new()));
/// let log = seen.clone();
/// let server = Server::builder()
///     .register("Arith", Service::new().method("Double", |_: Context, n: i64| async move {
///         Ok::<_, String>(2 * n)
///     }))
///     .on_invalid_request(move |req: &InvalidRequest| {
///         let args = req.args().map(|a| a.value.clone());
///         log.lock().unwrap().push((req.context().service_method().to_string(), args));
///     })
///     .build();
/// let (ours, theirs) = tokio::io::duplex(4096);
/// tokio::spawn(async move { server.serve_conn(theirs).await });
///
/// let client = Client::new(ours);
/// let err = client.call::<_, i64>("Arith.Triple", &7i64).await.unwrap_err();
/// assert_eq!(err.to_string(), "rpc: can't find method Arith.Triple");
/// assert_eq!(*seen.lock().unwrap(), [("Arith.Triple".to_string(), Some(Value::Int(7)))]);
/// # }
/// ```
#[derive(Debug)]
pub struct InvalidRequest {
    pub(crate) context: Context,
    pub(crate) args: Option<TypedValue>,
    pub(crate) error: String,
}

impl InvalidRequest {
    /// The request's connection, sequence number and `Service.Method` (as the client sent
    /// it, which may name nothing the server has).
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The argument as the client sent it, decoded by its own wire type; `None` if it is
    /// not valid gob on its own (it is still skipped, as Go's server skips it).
    pub fn args(&self) -> Option<&TypedValue> {
        self.args.as_ref()
    }

    /// The error text the client is answered with (Go's, such as
    /// `rpc: can't find service S.M`).
    pub fn error(&self) -> &str {
        &self.error
    }
}

/// The hook a server calls with each invalid request, before its error reply is sent.
pub(crate) type InvalidRequestHook = Arc<dyn Fn(&InvalidRequest) + Send + Sync>;

//! A stand-in net/rpc server made from Go type declarations and a replies file, to test a Go
//! client against scripted replies (features `json` and `rpc`; the engine of `gobrpc serve`).
//!
//! # The replies file
//!
//! One JSON object. Each key is a `Service.Method` to serve; its value gives the method's
//! argument and reply types (Go type names declared in the [`Decls`], or type expressions
//! such as `int` or `[]string`) and the rules that answer its calls:
//!
//! ```json
//! {
//!   "Arith.Add": {
//!     "arg": "Args",
//!     "reply": "Reply",
//!     "replies": [
//!       {"args": {"A": 1}, "reply": {"C": 2}},
//!       {"args": {"A": 0}, "error": "boom", "delay_ms": 50},
//!       {"reply": {"C": 0}}
//!     ]
//!   }
//! }
//! ```
//!
//! - A call is answered by the first rule whose `"args"` matches the call's arguments as
//!   Go's `encoding/json` prints them: an object matches when each of its keys is in the
//!   arguments with a matching value (other keys are ignored), an array when it has the same
//!   length and its elements match, a number when it is equal as a number, anything else
//!   when equal. A rule without `"args"` matches every call; a single such rule is a fixed
//!   reply.
//! - A rule has `"reply"` (a JSON value of the reply type, sent as Go's gob encoder sends
//!   what Go's `json.Unmarshal` makes of it) or `"error"` (the text Go's client gets as an
//!   `rpc.ServerError`), and may have `"delay_ms"`: how long to wait before answering.
//! - A call no rule matches is answered with the error
//!   `gobrpc serve: no reply matches the arguments of Service.Method`.
//! - Unknown keys, types the declarations lack and replies that do not fit their type are
//!   errors when the stub is made, not when a call comes.
//!
//! Services and methods the file does not name get Go's errors (`rpc: can't find service
//! S.M`, `rpc: can't find method S.M`) from the [`Server`], and are recorded too, with that
//! error (see [`InvalidRequest`]). The argument is
//! taken as the client sent it (with the client's type definitions) and not checked
//! against `"arg"`, which names it on the debug page.
//!
//! # Recording calls
//!
//! [`Stub::on_call`] hears of every call the stub's server receives, as a [`CallRecord`]
//! (its [`to_json_line`](CallRecord::to_json_line) is what `gobrpc serve --record`
//! appends), before the reply is sent: once a client has its reply, its call has been
//! recorded. Calls to services and methods the file does not name are recorded with
//! Go's error, so the record holds exactly the calls clients made.
//!
//! ```
//! use gobrpc::decl::Decls;
//! use gobrpc::rpc::Client;
//! use gobrpc::stub::Stub;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let decls = Decls::parse("package main\ntype Args struct { A, B int }\ntype Reply struct { C int }")?;
//! let replies = json!({"Arith.Add": {"arg": "Args", "reply": "Reply", "replies": [
//!     {"args": {"A": 1}, "reply": {"C": 2}},
//!     {"error": "boom"}
//! ]}});
//! let server = Stub::new(&decls, &replies)?.server();
//! let (ours, theirs) = tokio::io::duplex(4096);
//! tokio::spawn(async move { server.serve_conn(theirs).await });
//!
//! let client = Client::new(ours);
//! let reply = client.call_json("Arith.Add", &decls, "Args", &json!({"A": 1, "B": 5})).await?;
//! assert_eq!(reply, json!({"C": 2}));
//! let err = client.call_json("Arith.Add", &decls, "Args", &json!({"A": 2})).await.unwrap_err();
//! assert_eq!(err.to_string(), "boom");
//! # Ok(()) }
//! ```

mod spec;

use crate::decl::Decls;
use crate::json::{to_json, write_string};
use crate::rpc::server::{Context, InvalidRequest, Server, ServerBuilder, Service};
use crate::TypedValue;
use serde_json::Value as Json;
use spec::{MethodSpec, Rule};
use std::collections::BTreeMap;
use std::fmt::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

/// Why a replies file cannot be served: where in the file, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StubError {
    /// What is wrong, with where (`Arith.Add: replies[1]: "reply": …`).
    pub message: String,
}

impl StubError {
    fn new(message: impl Into<String>) -> Self {
        StubError {
            message: message.into(),
        }
    }

    fn within(self, place: &str) -> Self {
        StubError::new(format!("{place}: {}", self.message))
    }
}

impl fmt::Display for StubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StubError {}

/// One call the stub's server received.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CallRecord {
    /// When the stub got the call.
    pub time: SystemTime,
    /// The connection's number (from 1, in the order of their first calls).
    pub conn: u64,
    /// The client's address (`127.0.0.1:5000`, `unix`).
    pub peer: String,
    /// The request's sequence number, as the client chose it.
    pub seq: u64,
    /// `Service.Method`.
    pub service_method: String,
    /// The arguments as Go's `encoding/json` prints them (`null` if they cannot be printed).
    pub args: String,
    /// The reply as JSON text, or the error text sent.
    pub outcome: Result<String, String>,
}

impl CallRecord {
    /// One JSON object on one line (no newline):
    /// `{"time":…,"conn":1,"peer":"127.0.0.1:5000","seq":0,"method":"Arith.Add","args":{…},"reply":{…}}`,
    /// with `"error":"…"` instead of `"reply"` when the call was answered with an error.
    /// The time is RFC 3339 in UTC with nanoseconds.
    pub fn to_json_line(&self) -> String {
        let mut s = String::from("{\"time\":\"");
        s.push_str(&crate::tap::event::rfc3339(self.time));
        let _ = write!(s, "\",\"conn\":{},\"peer\":", self.conn);
        write_string(self.peer.as_bytes(), &mut s);
        let _ = write!(s, ",\"seq\":{},\"method\":", self.seq);
        write_string(self.service_method.as_bytes(), &mut s);
        s.push_str(",\"args\":");
        s.push_str(&self.args);
        match &self.outcome {
            Ok(reply) => {
                s.push_str(",\"reply\":");
                s.push_str(reply);
            }
            Err(text) => {
                s.push_str(",\"error\":");
                write_string(text.as_bytes(), &mut s);
            }
        }
        s.push('}');
        s
    }
}

type Sink = Arc<dyn Fn(&CallRecord) + Send + Sync>;

/// Services answering from a replies file (see the [module docs](self) for its format).
#[derive(Clone)]
pub struct Stub {
    methods: Vec<Arc<MethodSpec>>,
    sink: Option<Sink>,
    next_conn: Arc<AtomicU64>,
}

impl fmt::Debug for Stub {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .methods
            .iter()
            .map(|m| format!("{}.{}", m.service, m.method))
            .collect();
        f.debug_struct("Stub")
            .field("methods", &names)
            .finish_non_exhaustive()
    }
}

/// A connection's number, kept in its [`Connection`](crate::rpc::server::Connection).
#[derive(Default)]
struct ConnNo(u64);

impl Stub {
    /// The stub for `replies` (the parsed replies file), with the types declared in
    /// `decls`. Every type is looked up and every reply converted now.
    pub fn new(decls: &Decls, replies: &Json) -> Result<Stub, StubError> {
        let methods = spec::parse(decls, replies)?;
        Ok(Stub {
            methods: methods.into_iter().map(Arc::new).collect(),
            sink: None,
            next_conn: Arc::new(AtomicU64::new(1)),
        })
    }

    /// Calls `sink` with every call the stub's server receives (including calls to
    /// services and methods the file does not name), before its reply is sent.
    pub fn on_call(mut self, sink: impl Fn(&CallRecord) + Send + Sync + 'static) -> Stub {
        self.sink = Some(Arc::new(sink));
        self
    }

    /// One [`Service`] per Go service the file names, with its name.
    pub fn services(&self) -> Vec<(String, Service)> {
        let mut services: BTreeMap<String, Service> = BTreeMap::new();
        for m in &self.methods {
            let service = services.remove(&m.service).unwrap_or_default();
            let (spec, sink, next_conn) = (m.clone(), self.sink.clone(), self.next_conn.clone());
            let service = service.dynamic_method(
                &m.method,
                &m.arg_go,
                &m.reply_go,
                move |ctx: Context, args: TypedValue| {
                    answer(spec.clone(), sink.clone(), next_conn.clone(), ctx, args)
                },
            );
            services.insert(m.service.clone(), service);
        }
        services.into_iter().collect()
    }

    /// Registers the stub's services with `builder`, and, with an
    /// [`on_call`](Self::on_call) sink, has it hear of the calls no service answers (this
    /// replaces the builder's [`on_invalid_request`](ServerBuilder::on_invalid_request)).
    pub fn register(&self, mut builder: ServerBuilder) -> ServerBuilder {
        for (name, service) in self.services() {
            builder = builder.register(&name, service);
        }
        if let Some(sink) = self.sink.clone() {
            let next_conn = self.next_conn.clone();
            builder = builder.on_invalid_request(move |req: &InvalidRequest| {
                let args = req.args().and_then(|a| to_json(a).ok());
                record(
                    &sink,
                    &next_conn,
                    req.context(),
                    SystemTime::now(),
                    args,
                    Err(req.error().to_string()),
                );
            });
        }
        builder
    }

    /// A server with the stub's services and the default configuration.
    pub fn server(&self) -> Server {
        self.register(Server::builder()).build()
    }
}

/// Hands one call to the sink: `args` as JSON text (`None` if it cannot be printed),
/// `outcome` the reply as JSON text or the error text.
fn record(
    sink: &Sink,
    next_conn: &AtomicU64,
    ctx: &Context,
    time: SystemTime,
    args: Option<String>,
    outcome: Result<String, String>,
) {
    let conn = ctx.connection().with(|n: &mut ConnNo| {
        if n.0 == 0 {
            n.0 = next_conn.fetch_add(1, Ordering::Relaxed);
        }
        n.0
    });
    sink(&CallRecord {
        time,
        conn,
        peer: ctx.peer().to_string(),
        seq: ctx.seq(),
        service_method: ctx.service_method().to_string(),
        args: args.unwrap_or_else(|| "null".to_string()),
        outcome,
    });
}

/// Answers one call: the first matching rule, after its delay; recorded first.
async fn answer(
    spec: Arc<MethodSpec>,
    sink: Option<Sink>,
    next_conn: Arc<AtomicU64>,
    ctx: Context,
    args: TypedValue,
) -> Result<TypedValue, String> {
    let time = SystemTime::now();
    let args_json = to_json(&args).ok();
    let actual: Json = args_json
        .as_deref()
        .and_then(|a| serde_json::from_str(a).ok())
        .unwrap_or(Json::Null);
    let rule: Option<&Rule> = spec
        .rules
        .iter()
        .find(|r| r.args.as_ref().map_or(true, |p| spec::matches(p, &actual)));
    let outcome = match rule {
        Some(r) => r.outcome.clone(),
        None => Err(format!(
            "gobrpc serve: no reply matches the arguments of {}.{}",
            spec.service, spec.method
        )),
    };
    if let Some(r) = rule {
        if !r.delay.is_zero() {
            tokio::time::sleep(r.delay).await;
        }
    }
    if let Some(sink) = sink {
        let shown = match &outcome {
            Ok(reply) => Ok(to_json(reply).unwrap_or_else(|_| "null".to_string())),
            Err(e) => Err(e.clone()),
        };
        record(&sink, &next_conn, &ctx, time, args_json, shown);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rpc::Client;
    use serde_json::json;
    use std::sync::Mutex;

    #[tokio::test]
    async fn replies_of_several_types_share_a_connection_and_are_recorded() {
        let decls = Decls::parse(
            "package main\ntype Args struct { A, B int }\ntype Reply struct { C int; Note string }",
        )
        .unwrap();
        let replies = json!({
            "Arith.Add": {"arg": "Args", "reply": "Reply", "replies": [
                {"args": {"A": 1}, "reply": {"C": 2, "Note": "one"}},
                {"error": "boom", "delay_ms": 1}
            ]},
            "Names.Get": {"arg": "int", "reply": "[]string", "replies": [{"reply": ["a", "b"]}]}
        });
        let records = Arc::new(Mutex::new(Vec::new()));
        let sink = records.clone();
        let server = Stub::new(&decls, &replies)
            .unwrap()
            .on_call(move |c| sink.lock().unwrap().push(c.clone()))
            .server();
        let (ours, theirs) = tokio::io::duplex(4096);
        tokio::spawn(async move { server.serve_conn(theirs).await });
        let client = Client::new(ours);
        let (one, two, three) = (json!({"A": 1}), json!({"A": 2}), json!(3));
        let add = |a| client.call_json("Arith.Add", &decls, "Args", a);
        let get = || client.call_json("Names.Get", &decls, "int", &three);
        assert_eq!(add(&one).await.unwrap(), json!({"C": 2, "Note": "one"}));
        assert_eq!(get().await.unwrap(), json!(["a", "b"]));
        assert_eq!(add(&one).await.unwrap(), json!({"C": 2, "Note": "one"}));
        assert_eq!(add(&two).await.unwrap_err().to_string(), "boom");
        assert_eq!(get().await.unwrap(), json!(["a", "b"]));

        let records = records.lock().unwrap();
        let seen: Vec<String> = records
            .iter()
            .map(|r| format!("{} {} {:?}", r.service_method, r.args, r.outcome))
            .collect();
        assert_eq!(
            seen,
            [
                r#"Arith.Add {"A":1,"B":0} Ok("{\"C\":2,\"Note\":\"one\"}")"#,
                r#"Names.Get 3 Ok("[\"a\",\"b\"]")"#,
                r#"Arith.Add {"A":1,"B":0} Ok("{\"C\":2,\"Note\":\"one\"}")"#,
                r#"Arith.Add {"A":2,"B":0} Err("boom")"#,
                r#"Names.Get 3 Ok("[\"a\",\"b\"]")"#,
            ]
        );
        assert!(records.iter().all(|r| r.conn == 1 && r.peer == "unknown"));
        let seqs: Vec<u64> = records.iter().map(|r| r.seq).collect();
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
        let line: Json = serde_json::from_str(&records[3].to_json_line()).unwrap();
        assert_eq!(line["error"], "boom");
        assert_eq!(line["method"], "Arith.Add");
        assert_eq!(line["args"], json!({"A": 2, "B": 0}));
        assert!(line.get("reply").is_none());
    }
}

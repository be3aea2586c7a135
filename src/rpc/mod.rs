//! A Go `net/rpc` client (feature `rpc`, on by default): call a Go server from Rust and get
//! what a Go client gets.
//!
//! - [`Client::call`] is Go's `Client.Call`; [`Client::go`] is `Client.Go`: the request is
//!   on its way when `go` returns, and the returned [`Call`] completes later;
//!   [`Client::go_done`] fans many calls into one [`done_channel`], like Go's shared `Done`
//!   channel, but never drops a completion.
//! - One connection carries any number of concurrent calls (a long-poll such as a `Watch`
//!   does not block the others); replies are matched by sequence number.
//! - Transports: TCP, Unix sockets, HTTP `CONNECT` (Go's `DialHTTP`), TLS (feature `tls`),
//!   and any stream you hand to [`Client::new`], including one the Rust side *accepted* from a
//!   Go process that dialed in to serve (reverse RPC).
//! - Errors carry Go's texts: [`Error::Server`] verbatim, "connection is shut down",
//!   "unexpected EOF", "reading body …".
//!
//! How it works: one gob encoder and one gob decoder per connection for its whole life (type
//! definitions go out once per direction); a writer task that sends everything queued since
//! its last write in one write (a call that is the only one in flight is written by its
//! caller, as Go writes every call); a reader task that decodes each reply straight into the type
//! its caller asked for; the in-flight calls in a map keyed by sequence number, each completed
//! through a oneshot channel. A call is registered before its request is written; dropping a
//! call removes it, and its late reply is still decoded and discarded so the stream stays in
//! sync.

mod client;
mod codec;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod pending;
pub mod server;
mod transport;
mod writer;

pub use client::{
    done_channel, Call, Client, ClientBuilder, ClientConfig, DoneReceiver, DoneSender,
};
pub use error::{Error, Result};
pub use pending::Completed;
pub use transport::{http_connect, DEFAULT_RPC_PATH};

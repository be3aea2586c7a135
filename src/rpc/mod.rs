//! A Go `net/rpc` client (feature `rpc`, on by default): call a Go server from Rust and get
//! what a Go client gets.
//!
//! - [`Client::call`] is Go's `Client.Call`; [`Client::go`] is `Client.Go`: the request is
//!   on its way when `go` returns, and the returned [`Call`] completes later;
//!   [`Client::go_done`] fans many calls into one [`done_channel`], like Go's shared `Done`
//!   channel, but never drops a completion.
//! - One connection carries any number of concurrent calls (a long-poll such as a `Watch`
//!   does not block the others); replies are matched by sequence number.
//! - Timeouts: none by default, as in Go; [`ClientBuilder::timeout`] sets one for every
//!   call, and each call can set its own or opt out ([`CallBuilder::timeout`],
//!   [`CallBuilder::no_timeout`], and the same on [`Call`]).
//! - Transports: TCP, Unix sockets, HTTP `CONNECT` (Go's `DialHTTP`), TLS (feature `tls`),
//!   and any stream you hand to [`Client::new`], including one the Rust side *accepted* from a
//!   Go process that dialed in to serve (reverse RPC). Dialing has a connect timeout and a
//!   handshake timeout ([`DEFAULT_CONNECT_TIMEOUT`], [`DEFAULT_HANDSHAKE_TIMEOUT`]), and
//!   `dial` checks that a net/rpc server answers ([`ClientConfig::probe`]): dialing an HTTP
//!   port with `dial`, or a plain port with `dial_http`, fails with an error that says so
//!   instead of waiting forever.
//! - [`Client::close`] is Go's `Close`: calls in flight end at once with "connection is shut
//!   down". [`Client::close_gracefully`] lets them finish first, up to a deadline.
//!
//! - Long-running clients: [`Client::closed`] resolves with the error that ended a
//!   connection; [`ReconnectingClient`] dials again whenever it dies, and [`Pool`] spreads
//!   calls over several connections or replicas. Neither ever sends a call twice unless it
//!   is marked idempotent: each failed call says whether it may have run
//!   ([`Error::delivery`], [`Delivery`]). [`ClientConfig::send_cancel`] tells a server with
//!   contexts that a call was abandoned (`_goRPC_.Cancel`); [`TowerClient`] (feature `tower`)
//!   puts tower's layers over calls.
//!
//! # Errors
//!
//! [`Error`]'s texts are Go's: [`Error::Server`] verbatim, "connection is shut down",
//! "unexpected EOF", "reading body …". Which calls an error reaches:
//!
//! - A server error ([`Error::Server`]), a timeout, or a reply that does not fit the
//!   caller's Rust type ([`Error::ReadingBody`] with a type error: a Go `uint64` into an
//!   `i64`, no field in common, an interface holding a type the Rust enum lacks, a field
//!   [strict mode](ClientConfig::strict) rejects, …) ends **that call only**. A reply that
//!   does not fit is skipped by its wire type (the type definitions it carries are kept),
//!   and the connection goes on. Go's client shuts the connection down here instead.
//! - A stream that cannot be read on (bytes that are not gob, a limit exceeded, an I/O
//!   error, the server closing) ends **every call in flight**, and later calls get
//!   [`Error::Shutdown`]. The call whose reply was being read gets "reading body …"; the
//!   others the error itself, as in Go.
//!
//! How it works: one gob encoder and one gob decoder per connection for its whole life (type
//! definitions go out once per direction); a writer task that sends everything queued since
//! its last write in one write (a call that is the only one in flight is written by its
//! caller, as Go writes every call); a reader task that decodes each reply straight into the type
//! its caller asked for; the in-flight calls in a map keyed by sequence number, each completed
//! through a oneshot channel. A call is registered before its request is written; dropping a
//! call removes it, and its late reply is still decoded and discarded so the stream stays in
//! sync.

mod borrowed;
mod busy_poll;
mod call;
mod client;
mod codec;
mod config;
mod error;
#[doc(hidden)]
pub mod fuzzing;
mod header;
mod pending;
mod pool;
mod reconnect;
mod retry;
pub mod server;
#[cfg(feature = "tower")]
mod tower;
mod transport;
mod writer;

pub use borrowed::ReplyBody;
pub use call::{Call, CallBuilder};
pub use client::{done_channel, Client, DoneReceiver, DoneSender};
pub use config::{
    ClientBuilder, ClientConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_KEEPALIVE,
};
pub use error::{Delivery, Error, Result};
pub use pending::Completed;
pub use pool::{Balance, MemberStats, Pool, PoolBuilder};
pub use reconnect::{Backoff, ConnectFuture, ReconnectBuilder, ReconnectingClient};
pub use retry::RetryCall;
#[cfg(feature = "tower")]
pub use tower::{Backend, CallFuture, MethodCall, TowerClient};
pub use transport::{http_connect, DEFAULT_RPC_PATH};

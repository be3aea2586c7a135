//! Replies that borrow from the connection's read buffer: [`Client::call_with`] hands the
//! reply body to a closure, which decodes it into a type holding `&str` and `&[u8]` (see
//! [Borrowed decoding](crate#borrowed-decoding)) and returns what the caller keeps.
//!
//! The closure runs on the connection's reader, once the whole body has arrived, while the
//! body is still in the read buffer: that is what makes borrowing sound without `unsafe`
//! (the borrowed value cannot outlive the closure).

use super::client::Client;
use super::error::{Error, Result};
use super::pending::{Body, Sink, Waiting};
use super::Call;
use crate::{DecoderState, GobType};
use serde::{Deserialize, Serialize};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use tokio::time::Instant;

/// A reply body in the connection's read buffer, handed to the closure of
/// [`Client::call_with`]: [`decode`](Self::decode) it into a type that borrows from it.
///
/// ```
/// use gobrpc::rpc::{Client, ReplyBody};
/// # use gobrpc::rpc::server::{Context, Server, Service};
///
/// /// Reads a Go `string` reply without copying it, keeping only its length.
/// fn length(body: ReplyBody<'_>) -> gobrpc::Result<usize> {
///     let s: &str = body.decode()?;
///     Ok(s.len())
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let hello = Service::named("HelloService").method("Hello", |_: Context, name: String| async move {
/// #     Ok::<_, String>(format!("hello, {name}"))
/// # });
/// # let server = Server::builder().service(hello).build();
/// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// # let addr = listener.local_addr()?;
/// # tokio::spawn(async move { server.serve(listener).await });
/// let client = Client::dial(addr).await?;
/// let n = client.call_with("HelloService.Hello", "gopher", length).await?;
/// assert_eq!(n, "hello, gopher".len());
/// # Ok(()) }
/// ```
pub struct ReplyBody<'a> {
    st: &'a mut DecoderState,
    bytes: &'a [u8],
    decoded: &'a mut Decoded,
}

/// What the closure did with the body.
enum Decoded {
    /// It did not decode it (the body is skipped).
    Not,
    /// It decoded it from these many bytes.
    Used(usize),
    /// Decoding failed with this error.
    Failed(crate::Error),
}

impl std::fmt::Debug for ReplyBody<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReplyBody")
            .field("buffered", &self.bytes.len())
            .finish()
    }
}

impl<'a> ReplyBody<'a> {
    /// Decodes the reply into `T`, which may borrow from the read buffer (`&'a str`,
    /// `&'a [u8]`, `Cow<'a, str>` with `#[serde(borrow)]`). Every check of an owned decode
    /// runs, and the connection's [strict mode](super::ClientConfig::strict) applies. An
    /// error here is the call's ([`Error::ReadingBody`]), whatever the closure returns;
    /// as with [`Client::call`], a reply that does not fit `T` fails only this call.
    /// (Examples: [`ReplyBody`], [`Client::call_with`].)
    pub fn decode<T: Deserialize<'a>>(self) -> crate::Result<T> {
        match self.st.decode::<T>(self.bytes) {
            Ok(Some((v, used))) => {
                *self.decoded = Decoded::Used(used);
                Ok(v)
            }
            Ok(None) => {
                // Not reached: the body was measured whole before the closure ran.
                *self.decoded = Decoded::Failed(crate::Error::unexpected_eof());
                Err(crate::Error::unexpected_eof())
            }
            Err(e) => {
                *self.decoded = Decoded::Failed(copy(&e));
                Err(e)
            }
        }
    }
}

/// A decode error, again (decode errors carry no I/O source).
fn copy(e: &crate::Error) -> crate::Error {
    let c = crate::Error::new(e.category(), e.message().to_string());
    match e.offset() {
        Some(at) => c.at(at),
        None => c,
    }
}

/// A call whose reply a closure reads in place.
struct WithBody<F, U> {
    read: Option<F>,
    outcome: Option<Result<U>>,
    sink: Sink<U>,
}

impl<F, U> Waiting for WithBody<F, U>
where
    F: FnOnce(ReplyBody<'_>) -> crate::Result<U> + Send,
    U: Send,
{
    fn decode(&mut self, st: &mut DecoderState, body: Body<'_>) -> crate::Result<Option<usize>> {
        let bytes = body.bytes();
        // The closure runs once, on the whole body.
        if st.measure(bytes)?.is_none() {
            return Ok(None);
        }
        let Some(read) = self.read.take() else {
            return Err(crate::Error::unexpected_eof());
        };
        let mut decoded = Decoded::Not;
        let body = ReplyBody {
            st: &mut *st,
            bytes,
            decoded: &mut decoded,
        };
        let result = catch_unwind(AssertUnwindSafe(|| read(body)));
        let used = match decoded {
            Decoded::Used(n) => n,
            Decoded::Failed(e) => return Err(e),
            Decoded::Not => st.skip(bytes)?.ok_or_else(crate::Error::unexpected_eof)?,
        };
        self.outcome = Some(match result {
            Ok(Ok(u)) => Ok(u),
            Ok(Err(e)) => Err(Error::ReadingBody(Arc::new(e))),
            Err(_) => Err(Error::ReadingBody(Arc::new(crate::Error::new(
                crate::Category::Custom,
                "gob rpc: the reply closure panicked",
            )))),
        });
        Ok(Some(used))
    }

    fn complete(self: Box<Self>, outcome: Result<()>) {
        let WithBody {
            outcome: r, sink, ..
        } = *self;
        sink.send(outcome.and_then(|()| r.unwrap_or(Err(Error::Shutdown))));
    }
}

impl Client {
    /// Calls `service_method` with `args` and hands the reply body to `read`, which decodes
    /// it into a type that borrows from the connection's read buffer (`&str`, `&[u8]`, …:
    /// no copy, no allocation per string) and returns what the caller gets. For large,
    /// string-heavy replies (log lines, keys, listings) that the caller reduces or
    /// inspects rather than keeps whole.
    ///
    /// Like [`go`](Self::go), the request is sent before this returns; `.await` the
    /// returned [`Call`] for `read`'s result. It has the client's default timeout, which
    /// [`Call::timeout`] and [`Call::no_timeout`] change.
    ///
    /// `read` runs on the connection's reader task, once, when the whole reply has
    /// arrived: keep it short (every reply on the connection waits for it) and never block
    /// in it. If it does not decode the body, the body is skipped. A decode error fails
    /// the call as [`Error::ReadingBody`] (a reply that does not fit fails only this call,
    /// as with [`call`](Self::call)); so does an error `read` returns, or a panic in it.
    ///
    /// ```
    /// use gobrpc::rpc::Client;
    /// use serde::Deserialize;
    /// # use gobrpc::rpc::server::{Context, Server, Service};
    ///
    /// /// Go: `type Listing struct { Dir string; Names []string }`
    /// #[derive(Deserialize)]
    /// struct Listing<'a> {
    ///     #[serde(rename = "Names", borrow)]
    ///     names: Vec<&'a str>,
    /// }
    ///
    /// # #[derive(serde::Serialize, gobrpc::GobType)]
    /// # #[gob(name = "main.Listing")]
    /// # struct Sent { #[serde(rename = "Dir")] dir: String, #[serde(rename = "Names")] names: Vec<String> }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let files = Service::named("Files").method("List", |_: Context, dir: String| async move {
    /// #     Ok::<_, String>(Sent { dir, names: vec!["a.log".into(), "b.txt".into(), "c.log".into()] })
    /// # });
    /// # let server = Server::builder().service(files).build();
    /// # let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// # let addr = listener.local_addr()?;
    /// # tokio::spawn(async move { server.serve(listener).await });
    /// let client = Client::dial(addr).await?;
    /// let logs = client
    ///     .call_with("Files.List", "/var/log", |body| {
    ///         let listing: Listing = body.decode()?;
    ///         Ok(listing.names.iter().filter(|n| n.ends_with(".log")).count())
    ///     })
    ///     .await?;
    /// assert_eq!(logs, 2);
    /// # Ok(()) }
    /// ```
    pub fn call_with<A, U, F>(&self, service_method: &str, args: &A, read: F) -> Call<U>
    where
        A: Serialize + GobType + ?Sized,
        U: Send + 'static,
        F: FnOnce(ReplyBody<'_>) -> crate::Result<U> + Send + 'static,
    {
        let deadline = self.default_timeout().map(|d| Instant::now() + d);
        self.go_waiting(
            service_method,
            |enc, header, out| enc.encode_pair(header, args, out),
            deadline,
            |sink| {
                Box::new(WithBody {
                    read: Some(read),
                    outcome: None,
                    sink,
                })
            },
        )
    }
}

//! What a handler can reach besides its arguments: the call, its connection, the peer.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

/// Where a connection comes from ([`Context::peer`]); it prints as an address.
///
/// ```
/// use gobrpc::rpc::server::Peer;
///
/// let peer = Peer::Tcp("127.0.0.1:5000".parse().unwrap());
/// assert_eq!(peer.to_string(), "127.0.0.1:5000");
/// assert_eq!(Peer::Unknown.to_string(), "unknown");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Peer {
    /// A TCP peer.
    Tcp(std::net::SocketAddr),
    /// A Unix socket peer (usually unnamed).
    Unix(Option<std::path::PathBuf>),
    /// A stream handed to [`Server::serve_conn`](super::Server::serve_conn) with no address.
    Unknown,
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Tcp(a) => write!(f, "{a}"),
            Peer::Unix(Some(p)) => write!(f, "unix:{}", p.display()),
            Peer::Unix(None) => f.write_str("unix"),
            Peer::Unknown => f.write_str("unknown"),
        }
    }
}

/// One connection's state, shared by every call on it and dropped with it: the place for
/// what a Go service keeps per connection, such as a login.
///
/// Values are keyed by their type (one value per type), like `http::Extensions`.
///
/// ```
/// use gobrpc::rpc::server::Connection;
///
/// #[derive(Clone, PartialEq, Debug)]
/// struct LoggedIn(String);
///
/// let conn = Connection::default();
/// assert_eq!(conn.get::<LoggedIn>(), None);
/// conn.insert(LoggedIn("gopher".into()));
/// assert_eq!(conn.get::<LoggedIn>(), Some(LoggedIn("gopher".into())));
/// ```
#[derive(Default)]
pub struct Connection {
    values: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("values", &self.lock().len())
            .finish()
    }
}

impl Connection {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TypeId, Box<dyn Any + Send + Sync>>> {
        self.values.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stores `value`, replacing (and returning) the one of its type stored before.
    pub fn insert<T: Any + Send + Sync>(&self, value: T) -> Option<T> {
        self.lock()
            .insert(TypeId::of::<T>(), Box::new(value))
            .and_then(|old| old.downcast().ok().map(|b| *b))
    }

    /// A clone of the value of type `T`, if one is stored.
    pub fn get<T: Any + Send + Sync + Clone>(&self) -> Option<T> {
        self.lock()
            .get(&TypeId::of::<T>())
            .and_then(|v| v.downcast_ref::<T>())
            .cloned()
    }

    /// Removes and returns the value of type `T`.
    pub fn remove<T: Any + Send + Sync>(&self) -> Option<T> {
        self.lock()
            .remove(&TypeId::of::<T>())
            .and_then(|old| old.downcast().ok().map(|b| *b))
    }

    /// Runs `f` on the value of type `T`, inserting `T::default()` first if there is none
    /// (for counters and other state a call updates in place).
    pub fn with<T: Any + Send + Sync + Default, O>(&self, f: impl FnOnce(&mut T) -> O) -> O {
        let mut values = self.lock();
        let slot = values
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Box::new(T::default()));
        f(slot.downcast_mut::<T>().expect("keyed by its own type"))
    }
}

/// What a handler knows about the call it serves: its connection's state, the peer, the
/// sequence number. Cheap to clone.
///
/// ```
/// use gobrpc::rpc::server::{Context, Service};
///
/// #[derive(Clone)]
/// struct User(String);
///
/// // Go: one `Auth` receiver per connection, as `rpc.ServeConn` with a fresh server does.
/// let auth = Service::new()
///     .method("Login", |ctx: Context, name: String| async move {
///         ctx.connection().insert(User(name.clone()));
///         Ok::<_, String>(format!("welcome {name} from {}", ctx.peer()))
///     })
///     .method("Whoami", |ctx: Context, _: i64| async move {
///         ctx.connection().get::<User>().map(|u| u.0).ok_or("not logged in")
///     });
/// ```
#[derive(Debug, Clone)]
pub struct Context {
    pub(crate) inner: Arc<ConnInfo>,
    pub(crate) seq: u64,
    pub(crate) service_method: Arc<str>,
}

/// The per-connection part of a [`Context`].
#[derive(Debug)]
pub(crate) struct ConnInfo {
    pub(crate) peer: Peer,
    pub(crate) connection: Connection,
}

impl Context {
    /// The peer's address.
    pub fn peer(&self) -> &Peer {
        &self.inner.peer
    }

    /// The connection's state, shared by the calls on it.
    pub fn connection(&self) -> &Connection {
        &self.inner.connection
    }

    /// The call's sequence number (the client's `Seq`).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// `Service.Method` as the client sent it.
    pub fn service_method(&self) -> &str {
        &self.service_method
    }
}

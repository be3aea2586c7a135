//! Ways to reach a Go server: TCP, Unix sockets, HTTP `CONNECT`, TLS.

use super::client::Client;
use super::config::ClientBuilder;
use super::error::{Error, Result};
use super::pending::DynamicReply;
use std::io;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, ToSocketAddrs};
use tokio::time::Instant;

/// Go's `rpc.DefaultRPCPath`.
pub const DEFAULT_RPC_PATH: &str = "/_goRPC_";

/// The status line Go's server answers a `CONNECT` with (Go's `connected`).
const CONNECTED: &str = "200 Connected to Go RPC";

/// The method of the dial-time probe ([`ClientConfig::probe`](super::ClientConfig::probe)):
/// without a dot, so Go's server answers it at once with "rpc: service/method request
/// ill-formed: …" and runs nothing; with a line break, so an HTTP server answers it too
/// (Go's waits for a line end before it answers anything).
const PROBE: &str = "gobrpc probe\n";

/// `Some(now + d)`, or `None` for no timeout.
fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|d| Instant::now() + d)
}

/// Runs `f` until `at` (forever if `None`); `None` if it did not finish in time.
async fn until<F: std::future::Future>(at: Option<Instant>, f: F) -> Option<F::Output> {
    match at {
        Some(at) => tokio::time::timeout_at(at, f).await.ok(),
        None => Some(f.await),
    }
}

fn timed_out(what: &str, timeout: Option<Duration>) -> io::Error {
    let d = timeout.unwrap_or_default();
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("{what} timed out after {d:?}"),
    )
}

impl ClientBuilder {
    /// Connects over TCP (Go's `rpc.Dial("tcp", addr)`), within the
    /// [connect timeout](super::ClientConfig::connect_timeout), then
    /// [probes](super::ClientConfig::probe) the server.
    pub async fn dial(self, addr: impl ToSocketAddrs) -> Result<Client> {
        let (stream, addr) = self.tcp(addr).await?;
        self.start_probed(stream, &addr).await
    }

    /// Connects over a Unix socket (Go's `rpc.Dial("unix", path)`), within the
    /// [connect timeout](super::ClientConfig::connect_timeout), then
    /// [probes](super::ClientConfig::probe) the server.
    #[cfg(unix)]
    pub async fn dial_unix(self, path: impl AsRef<std::path::Path>) -> Result<Client> {
        let path = path.as_ref();
        let timeout = self.config.connect_timeout;
        let stream = match until(deadline(timeout), tokio::net::UnixStream::connect(path)).await {
            Some(Ok(s)) => s,
            Some(Err(e)) => return Err(Error::connect(path.display(), e)),
            None => {
                return Err(Error::connect(
                    path.display(),
                    timed_out("connect", timeout),
                ))
            }
        };
        self.start_probed(stream, &path.display().to_string()).await
    }

    /// Connects through HTTP `CONNECT` at Go's default path (Go's `rpc.DialHTTP`), within
    /// the connect and handshake timeouts.
    pub async fn dial_http(self, addr: impl ToSocketAddrs) -> Result<Client> {
        self.dial_http_path(addr, DEFAULT_RPC_PATH).await
    }

    /// Connects through HTTP `CONNECT` at `path` (Go's `rpc.DialHTTPPath`), within the
    /// connect and handshake timeouts. A server that does not answer the `CONNECT` in time,
    /// or answers it with something other than HTTP, is taken for a plain net/rpc port
    /// (Go's server waits silently for the rest of what it takes for a gob message): the
    /// error says to use [`dial`](Self::dial).
    pub async fn dial_http_path(self, addr: impl ToSocketAddrs, path: &str) -> Result<Client> {
        let (mut stream, _) = self.tcp(addr).await?;
        let timeout = self.config.handshake_timeout;
        match until(deadline(timeout), http_connect(&mut stream, path)).await {
            Some(result) => result?,
            None => {
                return Err(Error::Http(format!(
                    "no answer to HTTP CONNECT within {:?}: this looks like a plain net/rpc \
                     port: use `dial`",
                    timeout.unwrap_or_default()
                )))
            }
        }
        Ok(self.connect(stream))
    }

    /// Connects over TLS (feature `tls`): `server_name` is checked against the certificate.
    /// The TLS handshake has the [handshake timeout](super::ClientConfig::handshake_timeout);
    /// then the server is [probed](super::ClientConfig::probe).
    #[cfg(feature = "tls")]
    pub async fn dial_tls(
        self,
        addr: impl ToSocketAddrs,
        server_name: &str,
        config: std::sync::Arc<tokio_rustls::rustls::ClientConfig>,
    ) -> Result<Client> {
        let (stream, addr) = self.tcp(addr).await?;
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(server_name.to_string())
            .map_err(|e| Error::Io(std::sync::Arc::new(io::Error::other(e))))?;
        let timeout = self.config.handshake_timeout;
        let handshake = tokio_rustls::TlsConnector::from(config).connect(name, stream);
        let tls = match until(deadline(timeout), handshake).await {
            Some(Ok(tls)) => tls,
            Some(Err(e)) => return Err(Error::connect(addr, e)),
            None => return Err(Error::connect(addr, timed_out("TLS handshake", timeout))),
        };
        self.start_probed(tls, &addr).await
    }

    /// Resolves `addr` and connects to the first address that takes the connection, all
    /// within the connect timeout. Returns the stream and the address connected to.
    async fn tcp(&self, addr: impl ToSocketAddrs) -> Result<(TcpStream, String)> {
        let timeout = self.config.connect_timeout;
        let at = deadline(timeout);
        let addrs = match until(at, tokio::net::lookup_host(addr)).await {
            Some(Ok(addrs)) => addrs,
            Some(Err(e)) => {
                let kind = e.kind();
                return Err(Error::Io(std::sync::Arc::new(io::Error::new(
                    kind,
                    format!("resolving the address to dial: {e}"),
                ))));
            }
            None => return Err(timed_out("resolving the address to dial", timeout).into()),
        };
        let mut last = None;
        for a in addrs {
            match until(at, TcpStream::connect(a)).await {
                Some(Ok(stream)) => {
                    self.tune(&stream).map_err(|e| Error::connect(a, e))?;
                    return Ok((stream, a.to_string()));
                }
                Some(Err(e)) => last = Some(Error::connect(a, e)),
                None => return Err(Error::connect(a, timed_out("connect", timeout))),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(io::ErrorKind::InvalidInput, "no address to dial").into()
        }))
    }

    /// Applies the TCP options ([`ClientConfig::nodelay`], [`ClientConfig::keepalive`]).
    fn tune(&self, stream: &TcpStream) -> io::Result<()> {
        stream.set_nodelay(self.config.nodelay)?;
        if let Some(idle) = self.config.keepalive {
            let ka = socket2::TcpKeepalive::new().with_time(idle);
            socket2::SockRef::from(stream).set_tcp_keepalive(&ka)?;
        }
        Ok(())
    }

    /// Starts the client on a connected stream and, if so configured, probes the server.
    async fn start_probed<S>(self, stream: S, addr: &str) -> Result<Client>
    where
        S: AsyncRead + AsyncWrite + Send + 'static,
    {
        let probe = self.config.probe;
        let timeout = self.config.handshake_timeout;
        let client = self.connect(stream);
        if probe {
            if let Err(e) = client.probe(addr, timeout).await {
                client.close().await;
                return Err(e);
            }
        }
        Ok(client)
    }
}

impl Client {
    /// Sends the [probe](super::ClientConfig::probe) and waits for its answer: any net/rpc
    /// reply (normally Go's error for an ill-formed method) is a pass.
    async fn probe(&self, addr: &str, timeout: Option<Duration>) -> Result<()> {
        let call: super::Call<DynamicReply> = self.go_with(
            PROBE,
            |enc, header, out| enc.encode_pair(header, &0i64, out),
            deadline(timeout),
        );
        let not_rpc = |what: String| {
            let e = io::Error::new(io::ErrorKind::InvalidData, what);
            Error::connect(addr, e)
        };
        match call.await {
            Ok(_) | Err(Error::Server(_)) => Ok(()),
            Err(e @ Error::Http(_)) => Err(e),
            Err(Error::Timeout) => Err(Error::connect(
                addr,
                timed_out(
                    "waiting for a net/rpc answer (is this a Go net/rpc server?)",
                    timeout,
                ),
            )),
            Err(e) => Err(not_rpc(format!(
                "no net/rpc answer ({e}): is this a Go net/rpc server?"
            ))),
        }
    }
}

impl Client {
    /// Connects over TCP with default settings.
    pub async fn dial(addr: impl ToSocketAddrs) -> Result<Client> {
        Client::builder().dial(addr).await
    }

    /// Connects over a Unix socket with default settings.
    #[cfg(unix)]
    pub async fn dial_unix(path: impl AsRef<std::path::Path>) -> Result<Client> {
        Client::builder().dial_unix(path).await
    }

    /// Connects through HTTP `CONNECT` at Go's default path, with default settings.
    pub async fn dial_http(addr: impl ToSocketAddrs) -> Result<Client> {
        Client::builder().dial_http(addr).await
    }

    /// Connects through HTTP `CONNECT` at `path`, with default settings.
    pub async fn dial_http_path(addr: impl ToSocketAddrs, path: &str) -> Result<Client> {
        Client::builder().dial_http_path(addr, path).await
    }
}

/// How every HTTP response starts.
const HTTP: &[u8] = b"HTTP/";

/// The longest HTTP response head accepted before the gob stream starts.
const MAX_HTTP_HEAD: usize = 4096;

/// Performs Go's `CONNECT` handshake on `stream`: sends `CONNECT <path> HTTP/1.0\n\n` and
/// reads the response head, which must carry the status `200 Connected to Go RPC`. Reads
/// byte by byte so that nothing of the gob stream after the head is consumed. An answer that
/// does not start as HTTP does fails at once ("this looks like a plain net/rpc port"). No
/// timeout: [`ClientBuilder::dial_http`] puts its handshake timeout around this.
pub async fn http_connect<S>(stream: &mut S, path: &str) -> Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    stream
        .write_all(format!("CONNECT {path} HTTP/1.0\n\n").as_bytes())
        .await?;
    stream.flush().await?;
    let mut head = Vec::with_capacity(64);
    loop {
        let b = match stream.read_u8().await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(Error::Http(
                    "unexpected EOF reading the HTTP CONNECT response".into(),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        head.push(b);
        if head.len() <= HTTP.len() && !HTTP.starts_with(&head) {
            return Err(Error::Http(format!(
                "the server answered HTTP CONNECT with {head:02x?}, not HTTP: this looks like a \
                 plain net/rpc port: use `dial`"
            )));
        }
        if head.ends_with(b"\n\n") || head.ends_with(b"\r\n\r\n") {
            break;
        }
        if head.len() >= MAX_HTTP_HEAD {
            return Err(Error::Http("HTTP CONNECT response head too long".into()));
        }
    }
    check_connect_response(&head)
}

/// Checks a `CONNECT` response head the way Go's `DialHTTPPath` does (status text exact).
pub(crate) fn check_connect_response(head: &[u8]) -> Result<()> {
    let text = String::from_utf8_lossy(head);
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    let status = match line.split_once(' ') {
        Some((proto, status)) if proto.starts_with("HTTP/") => status,
        _ => return Err(Error::Http(format!("malformed HTTP response {line:?}"))),
    };
    if status == CONNECTED {
        Ok(())
    } else {
        Err(Error::Http(format!("unexpected HTTP response: {status}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_lines() {
        assert!(check_connect_response(b"HTTP/1.0 200 Connected to Go RPC\n\n").is_ok());
        assert!(check_connect_response(b"HTTP/1.1 200 Connected to Go RPC\r\n\r\n").is_ok());
        let e = check_connect_response(b"HTTP/1.0 405 Method Not Allowed\n\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unexpected HTTP response: 405 Method Not Allowed"
        );
        assert!(check_connect_response(b"garbage\n\n").is_err());
    }
}

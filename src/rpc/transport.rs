//! Ways to reach a Go server: TCP, Unix sockets, HTTP `CONNECT`, TLS.

use super::client::{Client, ClientBuilder};
use super::error::{Error, Result};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpStream, ToSocketAddrs};

/// Go's `rpc.DefaultRPCPath`.
pub const DEFAULT_RPC_PATH: &str = "/_goRPC_";

/// The status line Go's server answers a `CONNECT` with (Go's `connected`).
const CONNECTED: &str = "200 Connected to Go RPC";

impl ClientBuilder {
    /// Connects over TCP (Go's `rpc.Dial("tcp", addr)`).
    pub async fn dial(self, addr: impl ToSocketAddrs) -> Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(self.connect(stream))
    }

    /// Connects over a Unix socket (Go's `rpc.Dial("unix", path)`).
    #[cfg(unix)]
    pub async fn dial_unix(self, path: impl AsRef<std::path::Path>) -> Result<Client> {
        let stream = tokio::net::UnixStream::connect(path).await?;
        Ok(self.connect(stream))
    }

    /// Connects through HTTP `CONNECT` at Go's default path (Go's `rpc.DialHTTP`).
    pub async fn dial_http(self, addr: impl ToSocketAddrs) -> Result<Client> {
        self.dial_http_path(addr, DEFAULT_RPC_PATH).await
    }

    /// Connects through HTTP `CONNECT` at `path` (Go's `rpc.DialHTTPPath`).
    pub async fn dial_http_path(self, addr: impl ToSocketAddrs, path: &str) -> Result<Client> {
        let mut stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        http_connect(&mut stream, path).await?;
        Ok(self.connect(stream))
    }

    /// Connects over TLS (feature `tls`): `server_name` is checked against the certificate.
    #[cfg(feature = "tls")]
    pub async fn dial_tls(
        self,
        addr: impl ToSocketAddrs,
        server_name: &str,
        config: std::sync::Arc<tokio_rustls::rustls::ClientConfig>,
    ) -> Result<Client> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let name = tokio_rustls::rustls::pki_types::ServerName::try_from(server_name.to_string())
            .map_err(|e| Error::Io(std::sync::Arc::new(std::io::Error::other(e))))?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, stream)
            .await?;
        Ok(self.connect(tls))
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

/// The longest HTTP response head accepted before the gob stream starts.
const MAX_HTTP_HEAD: usize = 4096;

/// Performs Go's `CONNECT` handshake on `stream`: sends `CONNECT <path> HTTP/1.0\n\n` and
/// reads the response head, which must carry the status `200 Connected to Go RPC`. Reads
/// byte by byte so that nothing of the gob stream after the head is consumed.
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

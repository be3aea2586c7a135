//! Go's `HandleHTTP`: net/rpc over HTTP `CONNECT`, and the `/debug/rpc` page.

use super::context::Peer;
use super::registry::Registry;
use super::Server;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Where [`Server::serve_http`] answers: RPC paths take `CONNECT`, debug paths show the
/// services page. The default is Go's `HandleHTTP()`: `/_goRPC_` and `/debug/rpc`.
///
/// ```
/// use gobrpc::rpc::server::HttpPaths;
///
/// // Go's `server.HandleHTTP("/foo", "/bar")` next to the default paths:
/// let paths = HttpPaths::default().rpc("/foo").debug("/bar");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct HttpPaths {
    rpc: Vec<String>,
    debug: Vec<String>,
    head_timeout: Duration,
}

impl Default for HttpPaths {
    fn default() -> Self {
        HttpPaths {
            rpc: vec![crate::rpc::DEFAULT_RPC_PATH.to_string()],
            debug: vec![DEFAULT_DEBUG_PATH.to_string()],
            head_timeout: Duration::from_secs(10),
        }
    }
}

/// Go's `rpc.DefaultDebugPath`.
pub const DEFAULT_DEBUG_PATH: &str = "/debug/rpc";

impl HttpPaths {
    /// No paths at all (add them with [`rpc`](Self::rpc) and [`debug`](Self::debug)).
    pub fn none() -> Self {
        HttpPaths {
            rpc: Vec::new(),
            debug: Vec::new(),
            ..Self::default()
        }
    }

    /// Also answers `CONNECT` on `path`.
    pub fn rpc(mut self, path: &str) -> Self {
        self.rpc.push(path.to_string());
        self
    }

    /// Also shows the debug page on `path`.
    pub fn debug(mut self, path: &str) -> Self {
        self.debug.push(path.to_string());
        self
    }

    /// How long a client may take to send its request head (default 10 s).
    pub fn head_timeout(mut self, timeout: Duration) -> Self {
        self.head_timeout = timeout;
        self
    }
}

/// The longest request head read.
const MAX_HEAD: usize = 16 << 10;

/// The response to a `CONNECT` (Go's, byte for byte).
const CONNECTED: &[u8] = b"HTTP/1.0 200 Connected to Go RPC\n\n";

impl Server {
    /// Accepts TCP connections that speak HTTP: `CONNECT` on an RPC path switches the
    /// connection to net/rpc (Go's `DialHTTP`), `GET` on a debug path shows Go's debug page,
    /// any other method on an RPC path gets Go's `405 must CONNECT`.
    ///
    /// ```
    /// use gobrpc::rpc::{server::{Context, HttpPaths, Server, Service}, Client};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let server = Server::builder()
    ///     .register("Echo", Service::new().method("Echo", |_: Context, s: String| async move {
    ///         Ok::<_, String>(s)
    ///     }))
    ///     .build();
    /// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let addr = listener.local_addr()?;
    /// tokio::spawn(async move { server.serve_http(listener, HttpPaths::default()).await });
    /// let client = Client::dial_http(addr).await?; // Go: rpc.DialHTTP("tcp", addr)
    /// assert_eq!(client.call::<_, String>("Echo.Echo", "hi").await?, "hi");
    /// # Ok(()) }
    /// ```
    pub async fn serve_http(
        &self,
        listener: tokio::net::TcpListener,
        paths: HttpPaths,
    ) -> std::io::Result<()> {
        let paths = std::sync::Arc::new(paths);
        let handle = |stream, peer| {
            let (server, paths) = (self.clone(), paths.clone());
            async move { server.serve_http_conn(stream, peer, &paths).await }
        };
        self.accept_loop(|| super::accept_tcp(&listener), handle)
            .await
    }

    /// Serves one HTTP connection (see [`serve_http`](Self::serve_http)).
    pub async fn serve_http_conn<S>(&self, mut stream: S, peer: Peer, paths: &HttpPaths)
    where
        S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
    {
        let head = match tokio::time::timeout(paths.head_timeout, read_head(&mut stream)).await {
            Ok(Ok(head)) => head,
            Ok(Err(e)) => {
                tracing::debug!(%peer, error = %e, "rpc: reading HTTP request");
                let _ = respond(
                    &mut stream,
                    "400 Bad Request",
                    "text/plain; charset=utf-8",
                    "400 Bad Request",
                )
                .await;
                return;
            }
            Err(_) => return,
        };
        let mut words = head.split(' ');
        let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let path = target.split('?').next().unwrap_or("");
        if paths.rpc.iter().any(|p| p == path) {
            if method != "CONNECT" {
                let _ = respond(
                    &mut stream,
                    "405 Method Not Allowed",
                    "text/plain; charset=utf-8",
                    "405 must CONNECT\n",
                )
                .await;
                return;
            }
            if stream.write_all(CONNECTED).await.is_err() {
                return;
            }
            self.serve_conn_from(stream, peer).await;
        } else if paths.debug.iter().any(|p| p == path) {
            let page = debug_page(&self.inner.registry);
            let _ = respond(&mut stream, "200 OK", "text/html; charset=utf-8", &page).await;
        } else {
            let _ = respond(
                &mut stream,
                "404 Not Found",
                "text/plain; charset=utf-8",
                "404 page not found\n",
            )
            .await;
        }
    }
}

/// Reads the request head and returns its request line. Reads byte by byte up to the
/// blank line, so that nothing of a gob stream after a `CONNECT` is consumed.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> std::io::Result<String> {
    let mut head = Vec::with_capacity(128);
    loop {
        let b = stream.read_u8().await?;
        head.push(b);
        if head.ends_with(b"\n\n") || head.ends_with(b"\r\n\r\n") {
            break;
        }
        if head.len() >= MAX_HEAD {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "request head too large",
            ));
        }
    }
    let text = String::from_utf8_lossy(&head);
    let line = text.lines().next().unwrap_or("").trim_end_matches('\r');
    Ok(line.to_string())
}

async fn respond<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nX-Content-Type-Options: nosniff\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Go's debug page (`src/net/rpc/debug.go`), rendered as its template renders it: services
/// and methods sorted by name, each method as `Name(ArgType, ReplyType) error` with its
/// call count.
pub(crate) fn debug_page(registry: &Registry) -> String {
    let mut page = String::from("<html>\n\t<body>\n\t<title>Services</title>\n\t");
    for (name, methods) in registry.sorted() {
        page.push_str("\n\t<hr>\n\tService ");
        page.push_str(&escape(name));
        page.push_str("\n\t<hr>\n\t\t<table>\n\t\t<th align=center>Method</th><th align=center>Calls</th>\n\t\t");
        for (method, entry) in methods {
            let sig = entry.signature();
            page.push_str(&format!(
                "\n\t\t\t<tr>\n\t\t\t<td align=left font=fixed>{}({}, {}) error</td>\n\t\t\t<td align=center>{}</td>\n\t\t\t</tr>\n\t\t",
                escape(method),
                escape(&sig.arg),
                escape(&sig.reply),
                entry.calls()
            ));
        }
        page.push_str("\n\t\t</table>\n\t");
    }
    page.push_str("\n\t</body>\n\t</html>");
    page
}

/// html/template's escaping of text in an element body.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '+' => out.push_str("&#43;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

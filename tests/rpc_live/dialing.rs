//! Dialing the wrong thing (issue 11, item 3): no hang, and an error that says which mistake
//! it is. What the Go side does, found by experiment against `gointerop server`:
//!
//! - Go's net/rpc server, sent `CONNECT /_goRPC_ HTTP/1.0\n\n`, reads `C` (0x43) as the
//!   length of a 67-byte gob message and waits, silently, for the rest.
//! - Go's HTTP server, sent gob, waits for the end of the request line; gob has no line
//!   break unless a value carries one. Given one, it answers at once with `HTTP/1.1 400 Bad
//!   Request` and closes. (The dial-time probe carries one.)

use super::*;
use gobrpc::rpc::Error;
use std::io::ErrorKind;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A scripted server on loopback: it accepts one connection, reads what comes, answers
/// `answer`, then reads on until the client goes.
async fn answering_server(
    answer: &'static [u8],
) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).await.unwrap();
        s.write_all(answer).await.unwrap();
        while s.read(&mut buf).await.is_ok_and(|n| n > 0) {}
    });
    (addr, server)
}

/// `dial_http` on a plain net/rpc port: the server stays silent; the default handshake
/// timeout ends the wait with a hint to use `dial`.
#[tokio::test]
async fn dial_http_on_a_plain_rpc_port() {
    timed(40, async {
        let srv = GoServer::tcp();
        let e = Client::dial_http(srv.tcp_addr()).await.unwrap_err();
        assert!(matches!(e, Error::Http(_)), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("plain net/rpc port: use `dial`"), "{text}");
        assert!(
            text.starts_with("no answer to HTTP CONNECT within 10s"),
            "{text}"
        );
        // A shorter handshake timeout, as set on the builder.
        let e = Client::builder()
            .handshake_timeout(Duration::from_millis(200))
            .dial_http(srv.tcp_addr())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("within 200ms"), "{e}");
        // The server is fine.
        add(&connect(&srv).await, 1, 2).await;
    })
    .await
}

/// `dial` on Go's HTTP port: the probe makes Go's HTTP server answer at once, and the
/// answer, HTTP on a gob stream, says to use `dial_http`.
#[tokio::test]
async fn dial_on_an_http_port() {
    timed(20, async {
        let srv = GoServer::start(&["-tcp", "", "-http", "127.0.0.1:0"]);
        let addr = srv.info.http.clone().expect("HTTP listener");
        let e = Client::dial(&addr).await.unwrap_err();
        assert!(matches!(e, Error::Http(_)), "{e:?}");
        let text = e.to_string();
        assert!(
            text.contains("this looks like an HTTP server: use `dial_http`"),
            "{text}"
        );
        // Go's answer, quoted.
        assert!(text.contains("HTTP/1.1 400 Bad Request"), "{text}");
        add(&Client::dial_http(&addr).await.unwrap(), 1, 2).await;
    })
    .await
}

/// An HTTP answer on a client's gob stream, without the probe: every pending call fails
/// with the same hint (here from a scripted server answering anything with a 400).
#[tokio::test]
async fn http_answer_on_a_gob_stream() {
    timed(20, async {
        let (addr, server) =
            answering_server(b"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n").await;
        let client = Client::builder().probe(false).dial(addr).await.unwrap();
        let e = client
            .call::<_, String>("HelloService.Hello", "gopher")
            .await
            .unwrap_err();
        assert!(
            e.to_string()
                .contains("this looks like an HTTP server: use `dial_http`"),
            "{e}"
        );
        assert!(client.is_shut_down());
        server.abort();
    })
    .await
}

/// Gob bytes at the HTTP handshake: the hint to use `dial` (a scripted server answering
/// the CONNECT with the start of a net/rpc reply stream).
#[tokio::test]
async fn gob_answer_to_http_connect() {
    timed(20, async {
        // What Go's server sends first: the rpc.Response type definition.
        let (addr, server) =
            answering_server(b"9\x7f\x03\x01\x01\x08Response\x01\xff\x80\x00").await;
        let e = Client::dial_http(addr).await.unwrap_err();
        assert!(matches!(e, Error::Http(_)), "{e:?}");
        assert!(
            e.to_string()
                .contains("not HTTP: this looks like a plain net/rpc port: use `dial`"),
            "{e}"
        );
        server.abort();
    })
    .await
}

/// A refused connection names the address dialed; the I/O error stays reachable.
#[tokio::test]
async fn connection_refused_names_the_address() {
    timed(20, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        for e in [
            Client::dial(addr).await.unwrap_err(),
            Client::dial_http(addr).await.unwrap_err(),
        ] {
            assert!(matches!(e, Error::Connect { .. }), "{e:?}");
            let text = e.to_string();
            assert!(
                text.starts_with(&format!("connecting to {addr}: ")),
                "{text}"
            );
            assert_eq!(e.io_error().unwrap().kind(), ErrorKind::ConnectionRefused);
            let source = std::error::Error::source(&e).expect("a source");
            let io = source
                .downcast_ref::<std::io::Error>()
                .expect("an io::Error");
            assert_eq!(io.kind(), ErrorKind::ConnectionRefused);
        }
    })
    .await
}

#[cfg(unix)]
#[tokio::test]
async fn unix_socket_missing_names_the_path() {
    timed(20, async {
        let path = std::env::temp_dir().join(format!("gobrpc-missing-{}.sock", std::process::id()));
        let e = Client::dial_unix(&path).await.unwrap_err();
        assert_eq!(
            e.to_string().split(": ").next().expect("a prefix"),
            format!("connecting to {}", path.display())
        );
        assert_eq!(e.io_error().unwrap().kind(), ErrorKind::NotFound);
    })
    .await
}

/// A server that accepts and never answers: the probe of `dial` (and the TLS handshake of
/// `dial_tls`) end at the handshake timeout, with an error naming the address.
#[tokio::test]
async fn silent_server_handshake_timeout() {
    timed(20, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let (s, _) = listener.accept().await.unwrap();
                held.push(s);
            }
        });
        let quick = || Client::builder().handshake_timeout(Duration::from_millis(200));
        let e = quick().dial(addr).await.unwrap_err();
        assert!(matches!(e, Error::Connect { .. }), "{e:?}");
        assert_eq!(e.io_error().unwrap().kind(), ErrorKind::TimedOut);
        assert!(
            e.to_string()
                .starts_with(&format!("connecting to {addr}: ")),
            "{e}"
        );
        assert!(e.to_string().contains("net/rpc server"), "{e}");
        #[cfg(feature = "tls")]
        {
            use tokio_rustls::rustls;
            let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(rustls::RootCertStore::empty())
            .with_no_client_auth();
            let e = quick()
                .dial_tls(addr, "localhost", std::sync::Arc::new(config))
                .await
                .unwrap_err();
            assert_eq!(
                e.io_error().map(|e| e.kind()),
                Some(ErrorKind::TimedOut),
                "{e:?}"
            );
            assert!(e.to_string().contains("TLS handshake timed out"), "{e}");
        }
        // Without the probe, `dial` connects (the server might be a quiet net/rpc one).
        let client = quick().probe(false).dial(addr).await.unwrap();
        assert!(!client.is_shut_down());
        server.abort();
    })
    .await
}

//! A `ReconnectingClient` over every transport, through the usual builders in its connect
//! function: Unix socket, HTTP `CONNECT`, TLS, and a stream the caller dials itself. The Go
//! server closes the connection (`Control.CloseConn`); the client dials again and goes on.

use crate::common::gotypes::{args, Reply};
use crate::common::rpc::timed;
use crate::common::server::GoServer;
use gobrpc::rpc::{Client, ConnectFuture, Error, ReconnectingClient};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Connects with `dial`, counting connections; checks a call, has the server close the
/// connection, checks that the next idempotent call succeeds on a new connection.
async fn survives_a_closed_connection(dial: impl Fn() -> ConnectFuture + Send + Sync + 'static) {
    let dials = Arc::new(AtomicUsize::new(0));
    let counted = {
        let dials = dials.clone();
        move || {
            dials.fetch_add(1, Ordering::Relaxed);
            dial()
        }
    };
    let client = ReconnectingClient::builder()
        .timeout(Duration::from_secs(10))
        .connect(counted)
        .await
        .expect("first connection");
    let r: Reply = client.call("Arith.Add", &args(1, 2)).await.unwrap();
    assert_eq!(r.c, 3);
    let closed = client.current().expect("connected").closed();
    // The server closes the connection without answering: the call was sent, and it is not
    // idempotent, so it is not sent again.
    let e = client
        .call::<_, i64>("Control.CloseConn", &0i64)
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::MayHaveRun(_) | Error::Server(_)),
        "CloseConn: {e:?}"
    );
    closed.await;
    let r: Reply = client
        .call("Arith.Add", &args(2, 3))
        .idempotent()
        .await
        .unwrap();
    assert_eq!(r.c, 5);
    assert_eq!(dials.load(Ordering::Relaxed), 2, "one new connection");
}

#[cfg(unix)]
#[tokio::test]
async fn unix_socket() {
    timed(30, async {
        let dir = std::env::temp_dir().join(format!("gobrpc-ll-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sock = dir.join("rpc.sock");
        let srv = GoServer::start(&["-tcp", "", "-unix", sock.to_str().unwrap()]);
        survives_a_closed_connection(move || {
            let sock = sock.clone();
            Box::pin(async move { Client::dial_unix(sock).await })
        })
        .await;
        drop(srv);
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

#[tokio::test]
async fn http_connect() {
    timed(30, async {
        let srv = GoServer::start(&["-tcp", "", "-http", "127.0.0.1:0"]);
        let addr = srv.info.http.clone().expect("HTTP listener");
        survives_a_closed_connection(move || {
            let addr = addr.clone();
            Box::pin(async move { Client::dial_http(addr).await })
        })
        .await;
    })
    .await;
}

/// A stream the caller dials and hands over (no probe).
#[tokio::test]
async fn user_stream() {
    timed(30, async {
        let srv = GoServer::tcp();
        let addr = srv.tcp_addr();
        survives_a_closed_connection(move || {
            let addr = addr.clone();
            Box::pin(async move {
                let stream = tokio::net::TcpStream::connect(&addr).await?;
                Ok(Client::builder().connect(stream))
            })
        })
        .await;
    })
    .await;
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn tls() {
    use tokio_rustls::rustls;
    timed(30, async {
        let srv = GoServer::start(&["-tcp", "", "-tls", "127.0.0.1:0"]);
        let addr = srv.info.tls.clone().expect("TLS listener");
        let pem = std::fs::read(srv.info.tls_ca.clone().expect("CA path")).unwrap();
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = Arc::new(
            rustls::ClientConfig::builder_with_provider(Arc::new(
                rustls::crypto::ring::default_provider(),
            ))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth(),
        );
        survives_a_closed_connection(move || {
            let (addr, config) = (addr.clone(), config.clone());
            Box::pin(async move { Client::builder().dial_tls(addr, "localhost", config).await })
        })
        .await;
    })
    .await;
}

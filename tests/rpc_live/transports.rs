//! The same calls over Unix sockets, HTTP CONNECT (default and custom path), TLS and
//! reverse RPC (Go dials in, Rust calls).

use super::*;
use tokio::net::TcpListener;

#[cfg(unix)]
#[tokio::test]
async fn unix_socket() {
    timed(20, async {
        let dir = std::env::temp_dir().join(format!("gobrpc-rpc-live-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let sock = dir.join("s.sock");
        let sock_str = sock.to_str().expect("UTF-8 temp path");
        let srv = GoServer::start(&["-tcp", "", "-unix", sock_str]);
        assert_eq!(srv.info.unix.as_deref(), Some(sock_str));
        assert!(srv.info.tcp.is_none());
        let client = Client::dial_unix(&sock).await.unwrap();
        smoke(&client).await;
        drop(client);
        drop(srv);
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await
}

#[tokio::test]
async fn http_connect_default_and_custom_path() {
    timed(20, async {
        let srv = GoServer::start(&["-tcp", "", "-http", "127.0.0.1:0"]);
        let addr = srv.info.http.clone().expect("HTTP listener");
        let path = srv.info.http_path.clone().expect("custom HTTP path");
        assert_eq!(path, "/custom_rpc");

        let client = Client::dial_http(&addr).await.unwrap();
        smoke(&client).await;
        let custom = Client::dial_http_path(&addr, &path).await.unwrap();
        smoke(&custom).await;
        let explicit = Client::dial_http_path(&addr, rpc::DEFAULT_RPC_PATH)
            .await
            .unwrap();
        add(&explicit, 2, 3).await;

        // An unknown path gets the mux's 404: Go's DialHTTPPath error text.
        let e = Client::dial_http_path(&addr, "/nope").await.unwrap_err();
        assert!(matches!(e, rpc::Error::Http(_)), "{e:?}");
        assert!(
            e.to_string()
                .contains("unexpected HTTP response: 404 Not Found"),
            "{e}"
        );
        // The good connections are unaffected.
        add(&client, 1, 1).await;
        add(&custom, 1, 1).await;
    })
    .await
}

#[cfg(feature = "tls")]
#[tokio::test]
async fn tls() {
    use std::sync::Arc;
    use tokio_rustls::rustls;

    timed(20, async {
        let srv = GoServer::start(&["-tcp", "", "-tls", "127.0.0.1:0"]);
        let addr = srv.info.tls.clone().expect("TLS listener");
        let ca = srv.info.tls_ca.clone().expect("CA certificate path");
        let mut roots = rustls::RootCertStore::empty();
        let pem = std::fs::read(&ca).unwrap();
        for cert in rustls_pemfile::certs(&mut pem.as_slice()) {
            roots.add(cert.unwrap()).unwrap();
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
        let config = Arc::new(config);

        let client = Client::builder()
            .dial_tls(&addr, "localhost", config.clone())
            .await
            .unwrap();
        smoke(&client).await;
        // The leaf also names the IP address.
        let by_ip = Client::builder()
            .dial_tls(&addr, "127.0.0.1", config.clone())
            .await
            .unwrap();
        add(&by_ip, 4, 5).await;
        // A name the certificate does not carry is refused.
        let wrong = Client::builder()
            .dial_tls(&addr, "example.com", config)
            .await;
        assert!(wrong.is_err(), "TLS with a wrong server name connected");
        add(&client, 1, 1).await;
    })
    .await
}

/// Reverse RPC: the Go process dials the Rust listener (twice) and serves on each
/// connection; each connection has its own per-connection state.
#[tokio::test]
async fn reverse() {
    timed(20, async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        // Go's connects complete in the listen backlog; the server reports once both are up.
        let srv = GoServer::start(&["-tcp", "", "-reverse", &addr, "-reverse-count", "2"]);
        let (s1, _) = listener.accept().await.unwrap();
        let (s2, _) = listener.accept().await.unwrap();
        let c1 = Client::new(s1);
        let c2 = Client::builder().connect(s2);
        smoke(&c1).await;
        smoke(&c2).await;
        log_in(&c1).await;
        call_fails::<_, String>(&c2, "Auth.Secret", &0i64, "not logged in").await;
        drop(srv);
    })
    .await
}

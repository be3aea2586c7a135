//! Live net/rpc tests: a deadline for each test body, and a client on a fresh Go server.
#![allow(dead_code)]

use super::server::GoServer;
use gobrpc::rpc::Client;
use std::future::Future;
use std::time::Duration;

/// Runs a test body with a deadline: a hang fails the test.
pub async fn timed<F: Future>(secs: u64, body: F) -> F::Output {
    match tokio::time::timeout(Duration::from_secs(secs), body).await {
        Ok(v) => v,
        Err(_) => panic!("test did not finish within {secs} s (hang?)"),
    }
}

/// A client on the server's TCP listener.
pub async fn connect(srv: &GoServer) -> Client {
    Client::dial(srv.tcp_addr())
        .await
        .expect("dial the Go server over TCP")
}

/// Starts a Go server (TCP only), dials it and runs `test` with the client, all within
/// `secs` seconds; the server is killed when `test` is done.
pub async fn with_client<F, Fut>(secs: u64, test: F) -> Fut::Output
where
    F: FnOnce(Client) -> Fut,
    Fut: Future,
{
    timed(secs, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let out = test(client).await;
        drop(srv);
        out
    })
    .await
}

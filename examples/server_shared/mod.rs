//! What the server examples share: Go's client (`gointerop client-scenario`) run against a
//! Rust server, its lines printed and returned.
#![allow(dead_code)] // each example uses part of it

use gobrpc::rpc::server::Server;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, ChildStdout};

/// Starts `gointerop client-scenario -scenario SCENARIO ARGS…` (the binary is the example's
/// first argument), with its stdout piped.
pub fn start_go_client(scenario: &str, args: &[&str]) -> anyhow::Result<Child> {
    let gointerop = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: missing argument 1: path to gointerop"))?;
    let child = tokio::process::Command::new(gointerop)
        .args(["client-scenario", "-scenario", scenario])
        .args(args)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()?;
    Ok(child)
}

/// Prints the rest of the Go client's lines as they come, waits for it to exit, and returns
/// the lines; an error if it failed (it checks the replies it gets).
pub async fn finish_go_client(
    mut go: Child,
    mut lines: tokio::io::Lines<BufReader<ChildStdout>>,
) -> anyhow::Result<Vec<String>> {
    let mut got = Vec::new();
    while let Some(line) = lines.next_line().await? {
        println!("go: {line}");
        got.push(line);
    }
    let status = go.wait().await?;
    anyhow::ensure!(status.success(), "Go's client failed: {status}");
    Ok(got)
}

/// Serves `server` on a loopback TCP listener while Go's client plays `scenario` against
/// it, then shuts the server down. Returns the client's lines.
pub async fn run_go_client(server: Server, scenario: &str) -> anyhow::Result<Vec<String>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    let serving = tokio::spawn({
        let server = server.clone();
        async move { server.serve(listener).await }
    });
    let mut go = start_go_client(scenario, &["-addr", &addr])?;
    let lines = BufReader::new(go.stdout.take().expect("piped")).lines();
    let got = finish_go_client(go, lines).await?;
    server.shutdown(Duration::from_secs(1)).await;
    serving.await??;
    Ok(got)
}

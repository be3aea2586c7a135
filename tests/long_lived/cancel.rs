//! `_goRPC_.Cancel` (opt-in): a Go server with contexts (`gointerop ctx-server`, the
//! convention of github.com/keegancsmith/rpc) sees a dropped or timed-out call's context
//! cancelled; a stdlib Go server answers the extra call with an error nobody sees.

use crate::common::gotypes::{args, Reply};
use crate::common::rpc::{connect, timed};
use crate::common::server::GoServer;
use gobrpc::rpc::{Call, Client, Error};
use std::time::Duration;

async fn ctx_client(srv: &GoServer, send_cancel: bool) -> Client {
    Client::builder()
        .send_cancel(send_cancel)
        .dial(srv.tcp_addr())
        .await
        .expect("dial ctx-server")
}

/// Whether the Go handler of `Ctx.Wait(tag)` saw its context cancelled (the server waits
/// up to 5 s for it).
async fn was_cancelled(client: &Client, tag: &str) -> bool {
    client.call("Ctx.WasCancelled", tag).await.unwrap()
}

#[tokio::test]
async fn a_dropped_call_cancels_its_handler() {
    timed(30, async {
        let srv = GoServer::start_sub("ctx-server", &[]);
        let client = ctx_client(&srv, true).await;
        let call: Call<String> = client.go("Ctx.Wait", "dropped");
        // The call is on the wire once a later call is answered.
        let r: Reply = client.call("Arith.Add", &args(2, 3)).await.unwrap();
        assert_eq!(r.c, 5);
        drop(call);
        assert!(was_cancelled(&client, "dropped").await);
        assert_eq!(client.pending(), 0);
    })
    .await;
}

#[tokio::test]
async fn a_timed_out_call_cancels_its_handler() {
    timed(30, async {
        let srv = GoServer::start_sub("ctx-server", &[]);
        let client = ctx_client(&srv, true).await;
        let r = client
            .call::<_, String>("Ctx.Wait", "timed-out")
            .timeout(Duration::from_millis(200))
            .await;
        assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
        assert!(was_cancelled(&client, "timed-out").await);
        // The connection goes on.
        let r: Reply = client.call("Arith.Add", &args(4, 5)).await.unwrap();
        assert_eq!(r.c, 9);
    })
    .await;
}

/// Off by default: without `send_cancel` the handler is not cancelled.
#[tokio::test]
async fn no_cancel_unless_asked() {
    timed(30, async {
        let srv = GoServer::start_sub("ctx-server", &[]);
        let client = ctx_client(&srv, false).await;
        let call: Call<String> = client.go("Ctx.Wait", "kept");
        let _: Reply = client.call("Arith.Add", &args(1, 1)).await.unwrap();
        drop(call);
        assert!(!was_cancelled(&client, "kept").await);
    })
    .await;
}

/// Against the stdlib server: dropped and timed-out calls send `_goRPC_.Cancel`, which the
/// server answers with "can't find service"; that reply is discarded and every other call
/// on the connection goes on as before.
#[tokio::test]
async fn stdlib_server_ignores_cancel() {
    timed(30, async {
        let srv = GoServer::tcp();
        let client = Client::builder()
            .send_cancel(true)
            .dial(srv.tcp_addr())
            .await
            .unwrap();
        for i in 0..20 {
            let dropped: Call<Reply> = client.go("Arith.SleepMilli", &args(50, i));
            if i % 2 == 0 {
                drop(dropped);
            } else {
                let r = dropped.timeout(Duration::from_millis(1)).await;
                assert!(matches!(r, Err(Error::Timeout)), "{r:?}");
            }
            let r: Reply = client.call("Arith.Add", &args(i, 1)).await.unwrap();
            assert_eq!(r.c, i + 1);
        }
        // The late replies (and the cancel answers) come and are discarded.
        let r: Reply = client
            .call("Arith.SleepMilli", &args(100, 7))
            .await
            .unwrap();
        assert_eq!(r.c, 7);
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
        // A plain connection still works too.
        let plain = connect(&srv).await;
        let r: Reply = plain.call("Arith.Add", &args(1, 2)).await.unwrap();
        assert_eq!(r.c, 3);
    })
    .await;
}

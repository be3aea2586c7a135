//! tower layers over a client against the Go server: a concurrency limit holds the calls in
//! flight on the connection to its bound, and a timeout layer ends a slow call while the
//! connection goes on.

use crate::common::gotypes::{args, Args, Reply};
use crate::common::rpc::{connect, timed};
use crate::common::server::GoServer;
use gobrpc::rpc::{Client, MethodCall, TowerClient};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::{Service, ServiceBuilder, ServiceExt};

const LIMIT: usize = 3;

/// One call through the layers.
async fn call_one<S>(svc: &mut S, method: &str, a: Args) -> Result<Reply, tower::BoxError>
where
    S: Service<MethodCall<Args>, Response = Reply, Error = tower::BoxError>,
{
    ServiceExt::<MethodCall<Args>>::ready(svc)
        .await?
        .call(MethodCall::new(method, a))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_and_concurrency_limit() {
    timed(60, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let svc = ServiceBuilder::new()
            .concurrency_limit(LIMIT)
            .timeout(Duration::from_millis(300))
            .service(TowerClient::<Client, Reply>::new(client.clone()));

        // Watch the connection's calls in flight while 24 sleepers go through the limit.
        let stop = Arc::new(AtomicBool::new(false));
        let most = Arc::new(AtomicUsize::new(0));
        let watcher = {
            let (client, stop, most) = (client.clone(), stop.clone(), most.clone());
            tokio::spawn(async move {
                while !stop.load(Ordering::Relaxed) {
                    most.fetch_max(client.pending(), Ordering::Relaxed);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            })
        };
        let calls = (0..24).map(|i| {
            let svc = svc.clone();
            async move {
                svc.oneshot(MethodCall::new("Arith.SleepMilli", args(20, i)))
                    .await
                    .map(|r| (i, r.c))
            }
        });
        for r in futures::future::join_all(calls).await {
            let (i, c) = r.unwrap_or_else(|e| panic!("call failed: {e}"));
            assert_eq!(c, i, "each reply is its own call's");
        }
        stop.store(true, Ordering::Relaxed);
        watcher.await.unwrap();
        let most = most.load(Ordering::Relaxed);
        println!("most calls in flight under concurrency_limit({LIMIT}): {most}");
        assert!(most <= LIMIT, "{most} calls in flight, limit {LIMIT}");
        assert!(most > 0, "the watcher saw calls in flight");

        // The timeout layer ends a call the server takes 5 s over.
        let mut svc = svc;
        let slow = call_one(&mut svc, "Arith.SleepMilli", args(5000, 1)).await;
        let err = slow.expect_err("the slow call times out");
        assert!(err.is::<tower::timeout::error::Elapsed>(), "{err}");
        // The abandoned call left the connection's map, and the connection goes on.
        assert_eq!(client.pending(), 0);
        let r = call_one(&mut svc, "Arith.Add", args(2, 3)).await.unwrap();
        assert_eq!(r.c, 5);

        // A server error comes through as the client's error.
        let err = call_one(&mut svc, "Arith.Div", args(1, 0))
            .await
            .unwrap_err();
        let err = err.downcast::<gobrpc::rpc::Error>().expect("an rpc error");
        assert_eq!(err.to_string(), "divide by zero");
    })
    .await;
}

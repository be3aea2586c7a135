//! `Client::call_with` live against the bundled Go server: replies decoded into types that
//! borrow from the connection's read buffer (strings, maps with borrowed keys, a 1 MiB
//! `[]byte` that arrives in many reads), and how such a call fails: a reply that does not
//! fit, an error or a panic in the closure, a server error. In each case only that call
//! fails and the connection carries on.

mod common;

use common::gotypes::args;
use common::rpc::with_client;
use gobrpc::rpc::{self, Client};
use gobrpc::Category;
use serde::Deserialize;
use std::collections::HashMap;

/// The connection still works: an ordinary call on it gets Go's answer.
async fn still_works(client: &Client) {
    let s: String = client.call("Arith.String", &args(2, 3)).await.unwrap();
    assert_eq!(s, "2+3=5");
}

#[tokio::test]
async fn a_string_reply_borrowed() {
    with_client(30, |client| async move {
        // Go: fmt.Sprintf("%d+%d=%d", A, B, A+B)
        let got = client
            .call_with("Arith.String", &args(7, 8), |body| {
                let s: &str = body.decode()?;
                Ok(s.to_uppercase() + "!")
            })
            .await
            .unwrap();
        assert_eq!(got, "7+8=15!");
        still_works(&client).await;
    })
    .await;
}

/// `map[string]map[string][]int`, echoed by Go, into maps whose keys borrow.
#[tokio::test]
async fn maps_with_borrowed_keys() {
    with_client(30, |client| async move {
        let sent: HashMap<String, HashMap<String, Vec<i64>>> = HashMap::from([
            (
                "outer".into(),
                HashMap::from([("inner".into(), vec![1, 2])]),
            ),
            ("empty".into(), HashMap::new()),
        ]);
        let got = client
            .call_with("Echo.Nested", &sent, |body| {
                let m: HashMap<&str, HashMap<&str, Vec<i64>>> = body.decode()?;
                let mut flat: Vec<String> = m
                    .iter()
                    .flat_map(|(k, inner)| inner.iter().map(move |(j, v)| format!("{k}.{j}={v:?}")))
                    .collect();
                flat.push(format!("{} keys", m.len()));
                Ok(flat)
            })
            .await
            .unwrap();
        assert_eq!(got, ["outer.inner=[1, 2]", "2 keys"]);
    })
    .await;
}

/// A 1 MiB reply arrives in many reads (and is decoded from the shared read buffer); the
/// closure sees it whole, once. Go's bytes: b[i] = byte(uint32(i)*2654435761>>24).
#[tokio::test]
async fn a_large_reply_arrives_whole() {
    with_client(60, |client| async move {
        let n: i64 = 1 << 20;
        let mut calls = 0;
        let sum = client
            .call_with("Echo.Fill", &n, move |body| {
                calls += 1;
                let b: &[u8] = body.decode()?;
                let want = (0..b.len() as u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8);
                assert!(b.iter().copied().eq(want), "bytes differ from Go's pattern");
                Ok((b.len(), calls))
            })
            .await
            .unwrap();
        assert_eq!(sum, (1 << 20, 1));
        still_works(&client).await;
    })
    .await;
}

/// A reply that does not fit the borrowed type fails that call only, with the decode error;
/// a closure that does not decode gets its result and the body is skipped.
#[tokio::test]
async fn a_misfit_fails_only_its_call() {
    with_client(30, |client| async move {
        #[derive(Deserialize, Debug)]
        struct NotAString<'a> {
            #[serde(rename = "X")]
            _x: &'a str,
        }
        let err = client
            .call_with("Arith.String", &args(1, 1), |body| {
                body.decode::<NotAString>().map(|_| ())
            })
            .await
            .unwrap_err();
        match &err {
            rpc::Error::ReadingBody(e) => assert_eq!(e.category(), Category::Type, "{e}"),
            other => panic!("want a type error, got {other:?}"),
        }
        // Errors the closure swallows are still the call's.
        let err = client
            .call_with("Arith.String", &args(1, 1), |body| {
                let _ = body.decode::<i64>();
                Ok(())
            })
            .await
            .unwrap_err();
        assert!(matches!(err, rpc::Error::ReadingBody(_)), "{err:?}");
        let skipped = client
            .call_with("Arith.String", &args(1, 1), |_body| Ok("not read"))
            .await
            .unwrap();
        assert_eq!(skipped, "not read");
        still_works(&client).await;
    })
    .await;
}

/// The closure's own error, or a panic in it, fails its call; a server error is Go's.
#[tokio::test]
async fn closure_errors_and_server_errors() {
    with_client(30, |client| async move {
        let err = client
            .call_with("Arith.String", &args(1, 2), |body| {
                let s: &str = body.decode()?;
                Err::<(), _>(serde::de::Error::custom(format!("refused {s}")))
            })
            .await
            .unwrap_err();
        assert_eq!(err.to_string(), "reading body refused 1+2=3");
        let err = client
            .call_with("Arith.String", &args(1, 2), |body| -> gobrpc::Result<()> {
                let _: &str = body.decode()?;
                panic!("boom")
            })
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "reading body gob rpc: the reply closure panicked"
        );
        let err = client
            .call_with("Arith.Div", &args(1, 0), |body| {
                body.decode::<HashMap<&str, i64>>().map(|m| m.len())
            })
            .await
            .unwrap_err();
        assert_eq!(err.server_error(), Some("divide by zero"));
        still_works(&client).await;
    })
    .await;
}

/// Borrowed and owned calls in flight together on one connection each get their reply.
#[tokio::test]
async fn concurrent_with_ordinary_calls() {
    with_client(60, |client| async move {
        let mut borrowed = Vec::new();
        let mut owned = Vec::new();
        for i in 0..50i64 {
            borrowed.push(client.call_with("Arith.String", &args(i, 1), |body| {
                Ok(body.decode::<&str>()?.len())
            }));
            owned.push(client.go::<_, String>("Arith.String", &args(i, 2)));
        }
        for (i, (b, o)) in borrowed.into_iter().zip(owned).enumerate() {
            let i = i as i64;
            assert_eq!(b.await.unwrap(), format!("{i}+1={}", i + 1).len());
            assert_eq!(o.await.unwrap(), format!("{i}+2={}", i + 2));
        }
    })
    .await;
}

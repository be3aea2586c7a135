//! Every service of the Go server, over TCP.

use super::*;
use gobrpc::types::{BigInt, GoTime};
use serde_bytes::ByteBuf;
use std::collections::HashMap;

#[tokio::test]
async fn hello_service() {
    with_client(20, |client| async move {
        for name in ["gopher", "", "héllo, 世界"] {
            let s: String = call_ok(&client, "HelloService.Hello", name).await;
            assert_eq!(s, format!("hello, {name}"));
        }
    })
    .await
}

#[tokio::test]
async fn arith() {
    with_client(20, |client| async move {
        for (a, b) in [(7, 8), (0, 0), (i64::MIN + 1, -1)] {
            add(&client, a, b).await;
        }
        for (method, a, b, want) in [
            ("Arith.Mul", -3, 5, -15),
            ("Arith.Div", 17, 5, 3),
            // Go's integer division truncates toward zero.
            ("Arith.Div", -7, 2, -3),
        ] {
            let r: Reply = call_ok(&client, method, &args(a, b)).await;
            assert_eq!(r.c, want, "{method}({a}, {b})");
        }
        call_fails::<_, Reply>(&client, "Arith.Div", &args(1, 0), "divide by zero").await;
        let s: String = client.call("Arith.String", &args(27, 35)).await.unwrap();
        assert_eq!(s, "27+35=62");
        let r: Reply = client.call("Arith.Scan", "12345").await.unwrap();
        assert_eq!(r, Reply { c: 12345 });
        // fmt.Sscan's own error comes back verbatim (whatever its text, it is a server error).
        let e = server_error(client.call::<_, Reply>("Arith.Scan", "twelve").await);
        assert!(!e.is_empty());
        call_fails::<_, Reply>(&client, "Arith.Error", &args(1, 2), "ERROR").await;
        add(&client, 1, 2).await;
    })
    .await
}

/// The error body (the server's `struct{}`) carries a type definition the first time only:
/// the client registers it once and decodes later error bodies with it.
#[tokio::test]
async fn div_error_twice_then_success() {
    with_client(20, |client| async move {
        for _ in 0..2 {
            call_fails::<_, Reply>(&client, "Arith.Div", &args(1, 0), "divide by zero").await;
        }
        let r: Reply = client.call("Arith.Div", &args(10, 2)).await.unwrap();
        assert_eq!(r.c, 5);
        call_fails::<_, Reply>(&client, "Arith.Error", &args(0, 0), "ERROR").await;
        add(&client, 20, 22).await;
    })
    .await
}

#[tokio::test]
async fn builtin_types() {
    with_client(20, |client| async move {
        for (a, b) in [(3, 4), (0, 0)] {
            let m: HashMap<i64, i64> = call_ok(&client, "BuiltinTypes.Map", &args(a, b)).await;
            assert_eq!(m, HashMap::from([(a, b)]), "BuiltinTypes.Map({a}, {b})");
        }
        for (a, b) in [(3, 4), (0, -9)] {
            let v: Vec<i64> = call_ok(&client, "BuiltinTypes.Slice", &args(a, b)).await;
            assert_eq!(v, [a, b], "BuiltinTypes.Slice({a}, {b})");
        }
        for (a, b) in [(3, 4), (0, 0)] {
            let v: [i64; 2] = call_ok(&client, "BuiltinTypes.Array", &args(a, b)).await;
            assert_eq!(v, [a, b], "BuiltinTypes.Array({a}, {b})");
        }
        add(&client, 1, 1).await;
    })
    .await
}

#[tokio::test]
async fn kv_get_set() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        call_fails::<_, String>(
            &client,
            "KVStoreService.Get",
            "missing",
            "key not found: missing",
        )
        .await;
        for value in ["v1", ""] {
            call_ok::<_, ()>(&client, "KVStoreService.Set", &KV { key: "k", value }).await;
            let v: String = call_ok(&client, "KVStoreService.Get", "k").await;
            assert_eq!(v, value);
        }
        // The store is per process: another connection sees it.
        let other = connect(&srv).await;
        let v: String = other.call("KVStoreService.Get", "k").await.unwrap();
        assert_eq!(v, "");
        call_fails::<_, String>(&other, "KVStoreService.Get", "", "key not found: ").await;
    })
    .await
}

/// A long-poll Watch does not block other calls on the same connection.
#[tokio::test]
async fn kv_watch_long_poll() {
    with_client(20, |client| async move {
        let watch = client.go::<_, String>("KVStoreService.Watch", &10i64);
        assert!(watch.seq().is_some());
        let setter = client.clone();
        let set = tokio::spawn(async move {
            // The Watch only sees Sets processed after it started (SERVER.md).
            tokio::time::sleep(Duration::from_millis(150)).await;
            let hello: String = setter
                .call("HelloService.Hello", "while watching")
                .await
                .unwrap();
            assert_eq!(hello, "hello, while watching");
            let kv = KV {
                key: "color",
                value: "blue",
            };
            setter
                .call::<_, ()>("KVStoreService.Set", &kv)
                .await
                .unwrap();
        });
        assert_eq!(watch.await.unwrap(), "color");
        set.await.unwrap();
        let v: String = client.call("KVStoreService.Get", "color").await.unwrap();
        assert_eq!(v, "blue");
        call_fails::<_, String>(&client, "KVStoreService.Watch", &0i64, "watch timeout").await;
        assert_eq!(client.pending(), 0);
    })
    .await
}

/// Auth state lives on the server per connection.
#[tokio::test]
async fn auth_per_connection() {
    timed(20, async {
        let srv = GoServer::tcp();
        let c1 = connect(&srv).await;
        let c2 = connect(&srv).await;
        call_fails::<_, String>(&c1, "Auth.Secret", &0i64, "not logged in").await;
        log_in(&c1).await;
        let bad = Creds {
            user: "gopher",
            password: "hunter2",
        };
        let who: String = c1.call("Auth.Whoami", &0i64).await.unwrap();
        assert_eq!(who, "gopher");

        call_fails::<_, String>(&c2, "Auth.Secret", &0i64, "not logged in").await;
        call_fails::<_, String>(&c2, "Auth.Login", &bad, "invalid credentials").await;
        call_fails::<_, String>(&c2, "Auth.Whoami", &0i64, "not logged in").await;

        // A failed login does not log out the connection that is logged in.
        call_fails::<_, String>(&c1, "Auth.Login", &bad, "invalid credentials").await;
        let s: String = c1.call("Auth.Secret", &0i64).await.unwrap();
        assert_eq!(s, "the cake is a lie");
    })
    .await
}

#[tokio::test]
async fn echo_time() {
    with_client(20, |client| async move {
        let base = GoTime::from_unix(1_257_890_400, 123_456_789);
        let times = [
            GoTime::from_unix(1_257_890_400, 0)
                .with_offset(3600)
                .unwrap(),
            base,
            base.with_offset(-7 * 3600).unwrap(),
            base.with_offset(5 * 3600 + 30 * 60).unwrap(),
            // An offset with seconds: MarshalBinary version 2.
            base.with_offset(3600 + 30).unwrap(),
            GoTime::from_unix(-1_000_000_000_000, 999_999_999),
            GoTime::default(),
        ];
        for t in times {
            let back: GoTime = client.call("Echo.Time", &t).await.unwrap();
            assert_eq!(back, t, "Echo.Time({t})");
            assert_eq!(back.offset_seconds(), t.offset_seconds(), "offset of {t}");
            assert_eq!(back.to_string(), t.to_string());
        }
        let t = GoTime::from_unix(1_257_890_400, 0)
            .with_offset(3600)
            .unwrap();
        let back: GoTime = client.call("Echo.Time", &t).await.unwrap();
        assert_eq!(back.to_string(), "2009-11-10T23:00:00+01:00");
    })
    .await
}

/// A cheap checksum that notices reordered bytes, not only changed ones.
fn checksum(b: &[u8]) -> (u64, u64) {
    let sum = b.iter().map(|&x| x as u64).sum();
    let weighted = b
        .iter()
        .fold(0u64, |acc, &x| acc.wrapping_mul(31).wrapping_add(x as u64));
    (sum, weighted)
}

#[tokio::test]
async fn echo_bytes_64mib() {
    timed(60, async {
        let srv = GoServer::tcp();
        // The reply is one 64 MiB message plus its header: above the default limit.
        let client = Client::builder()
            .limits(gobrpc::Limits::default().max_message(80 << 20))
            .dial(srv.tcp_addr())
            .await
            .unwrap();
        let n = 64 << 20;
        let data: Vec<u8> = (0..n as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect();
        let want = checksum(&data);
        let data = ByteBuf::from(data);
        let back: ByteBuf = client.call("Echo.Bytes", &data).await.unwrap();
        assert_eq!(back.len(), n);
        for i in [0, 1, 2, 1000, n / 2, n - 2, n - 1] {
            assert_eq!(back[i], data[i], "byte {i}");
        }
        assert_eq!(checksum(&back), want);
        assert!(back[..] == data[..]);
        // Small and empty slices, on the same connection afterwards.
        let small = ByteBuf::from(vec![1u8, 2, 3, 0, 255]);
        let back: ByteBuf = client.call("Echo.Bytes", &small).await.unwrap();
        assert_eq!(back, small);
        let back: ByteBuf = client.call("Echo.Bytes", &ByteBuf::new()).await.unwrap();
        assert!(back.is_empty());
        add(&client, 1, 2).await;
    })
    .await
}

#[tokio::test]
async fn echo_any() {
    with_client(20, |client| async move {
        let p = |x, y| Any::Point(Point { x, y });
        let s = |v: &str| Any::Str(v.to_string());
        let map = |kv: Vec<(&str, Any)>| {
            Any::Map(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        };
        let cases = vec![
            p(1, 2),
            Any::Int(-42),
            Any::Int(0),
            s("héllo"),
            s(""),
            Any::List(vec![
                Any::Int(1),
                s("two"),
                p(3, 4),
                Any::List(vec![Any::Int(5), Any::List(vec![])]),
                map(vec![("k", Any::Int(6))]),
            ]),
            map(vec![
                ("a", Any::Int(1)),
                ("b", s("x")),
                ("p", p(-1, 0)),
                ("l", Any::List(vec![s("y"), p(0, 0)])),
                ("m", map(vec![("deep", map(vec![("er", Any::Int(7))]))])),
            ]),
            Any::Nil,
        ];
        for v in cases {
            let back: AnyHolder = client
                .call("Echo.Any", &AnyHolder { v: v.clone() })
                .await
                .unwrap_or_else(|e| panic!("Echo.Any({v:?}): {e}"));
            assert_eq!(back.v, v);
        }
        add(&client, 1, 2).await;
    })
    .await
}

#[tokio::test]
async fn echo_nested() {
    with_client(20, |client| async move {
        type Nested = HashMap<String, HashMap<String, Vec<i64>>>;
        let mut m: Nested = HashMap::new();
        for i in 0..20i64 {
            let inner = (0..i % 4)
                .map(|j| (format!("k{j}"), (0..j * 3).map(|x| x * i - 7).collect()))
                .collect();
            m.insert(format!("outer{i}"), inner);
        }
        let back: Nested = client.call("Echo.Nested", &m).await.unwrap();
        assert_eq!(back, m);
        let back: Nested = client.call("Echo.Nested", &Nested::new()).await.unwrap();
        assert!(back.is_empty());
    })
    .await
}

#[tokio::test]
async fn echo_big() {
    with_client(20, |client| async move {
        let huge: Vec<u8> = (0..400u32).map(|i| (i * 37 + 11) as u8).collect();
        let cases = [
            BigInt::from_be_bytes(false, &huge),
            BigInt::from_be_bytes(true, &huge),
            BigInt::from(u64::MAX),
            BigInt::from(i64::MIN),
            BigInt::from(-1000i64),
            BigInt::default(),
        ];
        for n in cases {
            let back: BigInt = client.call("Echo.Big", &n).await.unwrap();
            assert_eq!(back, n);
        }
        let back: BigInt = client
            .call("Echo.Big", &BigInt::from(u64::MAX))
            .await
            .unwrap();
        assert_eq!(back.to_string(), "18446744073709551615");
        let two_pow_100 = BigInt::from(1i128 << 100);
        let back: BigInt = client.call("Echo.Big", &two_pow_100).await.unwrap();
        assert_eq!(back.to_i128(), Some(1i128 << 100));
        assert_eq!(back.magnitude().len(), 13);
    })
    .await
}

#[tokio::test]
async fn echo_point() {
    with_client(20, |client| async move {
        for p in [
            Point { x: 1, y: 2 },
            Point { x: -5, y: 1 << 40 },
            Point { x: 0, y: 0 },
            Point { x: 0, y: 9 },
        ] {
            let back: Point = client.call("Echo.Point", &p).await.unwrap();
            assert_eq!(back, p);
        }
    })
    .await
}

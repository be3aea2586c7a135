//! Every service of the Go server, over TCP.

use super::*;
use gobrpc::types::{BigInt, GoTime};
use serde_bytes::ByteBuf;
use std::collections::HashMap;

#[tokio::test]
async fn hello_service() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let s: String = client.call("HelloService.Hello", "gopher").await.unwrap();
        assert_eq!(s, "hello, gopher");
        let s: String = client.call("HelloService.Hello", "").await.unwrap();
        assert_eq!(s, "hello, ");
        let name = String::from("héllo, 世界");
        let s: String = client.call("HelloService.Hello", &name).await.unwrap();
        assert_eq!(s, "hello, héllo, 世界");
    })
    .await
}

#[tokio::test]
async fn arith() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        add(&client, 7, 8).await;
        add(&client, 0, 0).await;
        add(&client, i64::MIN + 1, -1).await;
        let r: Reply = client.call("Arith.Mul", &args(-3, 5)).await.unwrap();
        assert_eq!(r.c, -15);
        let r: Reply = client.call("Arith.Div", &args(17, 5)).await.unwrap();
        assert_eq!(r.c, 3);
        // Go's integer division truncates toward zero.
        let r: Reply = client.call("Arith.Div", &args(-7, 2)).await.unwrap();
        assert_eq!(r.c, -3);
        let e = server_error(client.call::<_, Reply>("Arith.Div", &args(1, 0)).await);
        assert_eq!(e, "divide by zero");
        let s: String = client.call("Arith.String", &args(27, 35)).await.unwrap();
        assert_eq!(s, "27+35=62");
        let r: Reply = client.call("Arith.Scan", "12345").await.unwrap();
        assert_eq!(r, Reply { c: 12345 });
        // fmt.Sscan's own error comes back verbatim (whatever its text, it is a server error).
        let e = server_error(client.call::<_, Reply>("Arith.Scan", "twelve").await);
        assert!(!e.is_empty());
        let e = server_error(client.call::<_, Reply>("Arith.Error", &args(1, 2)).await);
        assert_eq!(e, "ERROR");
        add(&client, 1, 2).await;
    })
    .await
}

/// The error body (the server's `struct{}`) carries a type definition the first time only:
/// the client registers it once and decodes later error bodies with it.
#[tokio::test]
async fn div_error_twice_then_success() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        for _ in 0..2 {
            let e = server_error(client.call::<_, Reply>("Arith.Div", &args(1, 0)).await);
            assert_eq!(e, "divide by zero");
        }
        let r: Reply = client.call("Arith.Div", &args(10, 2)).await.unwrap();
        assert_eq!(r.c, 5);
        let e = server_error(client.call::<_, Reply>("Arith.Error", &args(0, 0)).await);
        assert_eq!(e, "ERROR");
        add(&client, 20, 22).await;
    })
    .await
}

#[tokio::test]
async fn builtin_types() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let m: HashMap<i64, i64> = client.call("BuiltinTypes.Map", &args(3, 4)).await.unwrap();
        assert_eq!(m, HashMap::from([(3, 4)]));
        let m: HashMap<i64, i64> = client.call("BuiltinTypes.Map", &args(0, 0)).await.unwrap();
        assert_eq!(m, HashMap::from([(0, 0)]));
        let v: Vec<i64> = client
            .call("BuiltinTypes.Slice", &args(3, 4))
            .await
            .unwrap();
        assert_eq!(v, [3, 4]);
        let v: Vec<i64> = client
            .call("BuiltinTypes.Slice", &args(0, -9))
            .await
            .unwrap();
        assert_eq!(v, [0, -9]);
        let a: [i64; 2] = client
            .call("BuiltinTypes.Array", &args(3, 4))
            .await
            .unwrap();
        assert_eq!(a, [3, 4]);
        let a: [i64; 2] = client
            .call("BuiltinTypes.Array", &args(0, 0))
            .await
            .unwrap();
        assert_eq!(a, [0, 0]);
        add(&client, 1, 1).await;
    })
    .await
}

#[tokio::test]
async fn kv_get_set() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let e = server_error(
            client
                .call::<_, String>("KVStoreService.Get", "missing")
                .await,
        );
        assert_eq!(e, "key not found: missing");
        let kv = KV {
            key: "k",
            value: "v1",
        };
        client
            .call::<_, ()>("KVStoreService.Set", &kv)
            .await
            .unwrap();
        let v: String = client.call("KVStoreService.Get", "k").await.unwrap();
        assert_eq!(v, "v1");
        let kv = KV {
            key: "k",
            value: "",
        };
        client
            .call::<_, ()>("KVStoreService.Set", &kv)
            .await
            .unwrap();
        let v: String = client.call("KVStoreService.Get", "k").await.unwrap();
        assert_eq!(v, "");
        // The store is per process: another connection sees it.
        let other = connect(&srv).await;
        let v: String = other.call("KVStoreService.Get", "k").await.unwrap();
        assert_eq!(v, "");
        let e = server_error(other.call::<_, String>("KVStoreService.Get", "").await);
        assert_eq!(e, "key not found: ");
    })
    .await
}

/// A long-poll Watch does not block other calls on the same connection.
#[tokio::test]
async fn kv_watch_long_poll() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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
        let e = server_error(
            client
                .call::<_, String>("KVStoreService.Watch", &0i64)
                .await,
        );
        assert_eq!(e, "watch timeout");
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
        let e = server_error(c1.call::<_, String>("Auth.Secret", &0i64).await);
        assert_eq!(e, "not logged in");
        let good = Creds {
            user: "gopher",
            password: "secret",
        };
        let bad = Creds {
            user: "gopher",
            password: "hunter2",
        };
        let w: String = c1.call("Auth.Login", &good).await.unwrap();
        assert_eq!(w, "welcome gopher");
        let s: String = c1.call("Auth.Secret", &0i64).await.unwrap();
        assert_eq!(s, "the cake is a lie");
        let who: String = c1.call("Auth.Whoami", &0i64).await.unwrap();
        assert_eq!(who, "gopher");

        let e = server_error(c2.call::<_, String>("Auth.Secret", &0i64).await);
        assert_eq!(e, "not logged in");
        let e = server_error(c2.call::<_, String>("Auth.Login", &bad).await);
        assert_eq!(e, "invalid credentials");
        let e = server_error(c2.call::<_, String>("Auth.Whoami", &0i64).await);
        assert_eq!(e, "not logged in");

        // A failed login does not log out the connection that is logged in.
        let e = server_error(c1.call::<_, String>("Auth.Login", &bad).await);
        assert_eq!(e, "invalid credentials");
        let s: String = c1.call("Auth.Secret", &0i64).await.unwrap();
        assert_eq!(s, "the cake is a lie");
    })
    .await
}

#[tokio::test]
async fn echo_time() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
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

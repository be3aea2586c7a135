//! Replies that do not fit the caller's Rust type (issue 11, item 2): only that call fails,
//! with Go's "reading body …" and the type error; the body is skipped by its wire type; the
//! connection and every other call carry on. (Go shuts the connection down here.)

use super::*;
use futures::future::join_all;
use gobrpc::rpc::{Call, Error};
use gobrpc::Category;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// No field in common with Go's `Reply{C int}` or `Point{X, Y int}`.
#[derive(Deserialize, Debug)]
struct NoCommon {
    #[serde(rename = "Z", default)]
    _z: i64,
}

/// Go's `interface{}` without `main.Point` among its concrete types.
#[derive(Serialize, Deserialize, GobType, Debug, Clone, PartialEq, Default)]
#[gob(interface)]
enum AnyNoPoint {
    #[default]
    Nil,
    #[serde(rename = "int")]
    Int(i64),
}

/// Go's `AnyHolder` as a caller sees it who forgot `main.Point`.
#[derive(Deserialize, Debug)]
struct HolderNoPoint {
    #[serde(rename = "V", default)]
    _v: AnyNoPoint,
}

/// What `Echo.Fill(n)` sends (go-interop/SERVER.md): `b[i] = byte(uint32(i)*2654435761>>24)`.
fn fill_pattern(n: usize) -> Vec<u8> {
    (0..n as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

/// The call failed because its reply did not fit its type, and only that: "reading body"
/// with a type error. Returns the inner error's text.
fn assert_misfit<T: Debug>(r: rpc::Result<T>, what: &str) -> String {
    match r {
        Err(Error::ReadingBody(e)) => {
            assert!(
                matches!(e.category(), Category::Type | Category::Custom),
                "{what}: want a type error, got {e:?}"
            );
            let inner = e.to_string();
            assert_eq!(
                Error::ReadingBody(e).to_string(),
                format!("reading body {inner}")
            );
            inner
        }
        other => panic!("{what}: want \"reading body\" with a type error, got {other:?}"),
    }
}

/// Starts a Watch and Sets `key` until the Watch returns it (the Watch only sees Sets that
/// come after it started: SERVER.md), while `during` runs on the same client.
async fn watch_while<F: Future>(client: &Client, key: &str, during: F) -> F::Output {
    let watch = client.go::<_, String>("KVStoreService.Watch", &60i64);
    let out = during.await;
    assert_eq!(client.pending(), 1, "only the Watch is pending");
    let setter = client.clone();
    let key2 = key.to_string();
    let set = tokio::spawn(async move {
        loop {
            let kv = KV {
                key: &key2,
                value: "v",
            };
            setter
                .call::<_, ()>("KVStoreService.Set", &kv)
                .await
                .expect("KVStoreService.Set");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let got = watch.await;
    set.abort();
    assert_eq!(got.expect("the Watch completes normally"), key);
    out
}

/// The acceptance test: mismatched replies (a Go `uint64` into `i64`, no fields in common,
/// an interface holding a type the Rust enum lacks, a struct into `String`) while a Watch is
/// pending on the same client: each fails alone, the Watch completes normally, and 1,000
/// later calls succeed.
#[tokio::test]
async fn mismatch_while_watch_pending() {
    with_client(60, |client| async move {
        watch_while(&client, "after-mismatch", async {
            let e = assert_misfit(
                client.call::<_, i64>("Mismatch.Uint64", &5i64).await,
                "uint64 into i64",
            );
            println!("uint64 into i64: {e}");
            let e = assert_misfit(
                client.call::<_, NoCommon>("Arith.Add", &args(1, 2)).await,
                "Reply into NoCommon",
            );
            assert!(e.contains("no fields matched"), "{e}");
            let holder = AnyHolder {
                v: Any::Point(Point { x: 1, y: 2 }),
            };
            let e = assert_misfit(
                client.call::<_, HolderNoPoint>("Echo.Any", &holder).await,
                "unlisted concrete type",
            );
            assert!(e.contains("main.Point"), "{e}");
            assert_misfit(
                client.call::<_, String>("Arith.Add", &args(1, 2)).await,
                "Reply into String",
            );
            // The same replies into the right types.
            let u: u64 = call_ok(&client, "Mismatch.Uint64", &5i64).await;
            assert_eq!(u, (1u64 << 63) + 5);
            let back: AnyHolder = call_ok(&client, "Echo.Any", &holder).await;
            assert_eq!(back, holder);
        })
        .await;
        // 1,000 later calls, 100 at a time, all succeed.
        for round in 0..10i64 {
            let calls: Vec<Call<Reply>> = (0..100)
                .map(|i| client.go("Arith.Add", &args(round, i)))
                .collect();
            for (i, r) in join_all(calls).await.into_iter().enumerate() {
                let r = r.unwrap_or_else(|e| panic!("call {round}/{i}: {e} ({e:?})"));
                assert_eq!(r.c, round + i as i64);
            }
        }
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
    })
    .await
}

/// The call right after a mismatched one gets its own reply, every time (it used to get the
/// previous call's decode error, or "connection is shut down").
#[tokio::test]
async fn next_call_gets_its_own_reply() {
    with_client(30, |client| async move {
        for i in 0..200i64 {
            assert_misfit(
                client.call::<_, NoCommon>("Arith.Add", &args(i, 1)).await,
                "Reply into NoCommon",
            );
            add(&client, i, 2).await;
        }
    })
    .await
}

/// A reply value its Rust type's own `Deserialize` rejects (a serde custom error, as from
/// `try_from`): that call fails alone too.
#[tokio::test]
async fn custom_error_fails_only_its_call() {
    /// A positive number, checked on decoding.
    #[derive(Deserialize, Debug)]
    #[serde(try_from = "i64")]
    struct Positive(#[allow(dead_code)] i64);

    impl TryFrom<i64> for Positive {
        type Error = String;
        fn try_from(v: i64) -> Result<Self, String> {
            if v > 0 {
                Ok(Positive(v))
            } else {
                Err(format!("{v} is not positive"))
            }
        }
    }

    #[derive(Deserialize, Debug)]
    struct Checked {
        #[serde(rename = "C")]
        _c: Positive,
    }

    with_client(20, |client| async move {
        let e = assert_misfit(
            client.call::<_, Checked>("Arith.Add", &args(-5, 1)).await,
            "custom error",
        );
        assert!(e.contains("-4 is not positive"), "{e}");
        let ok: Checked = call_ok(&client, "Arith.Add", &args(5, 1)).await;
        println!("{ok:?}");
        add(&client, 1, 2).await;
    })
    .await
}

/// A mismatched reply that is the first to define its type on the stream: the definition
/// is registered all the same (the skip registers it), so later replies of that type, which
/// Go sends without it, decode.
#[tokio::test]
async fn mismatch_defines_a_type() {
    with_client(20, |client| async move {
        let p = Point { x: 3, y: 4 };
        assert_misfit(
            client.call::<_, NoCommon>("Echo.Point", &p).await,
            "Point into NoCommon",
        );
        assert_misfit(
            client.call::<_, Reply>("Echo.Point", &p).await,
            "Point into Reply",
        );
        let back: Point = call_ok(&client, "Echo.Point", &p).await;
        assert_eq!(back, p);
    })
    .await
}

/// A large mismatched reply (decoded from a shared view of the read buffer) is skipped the
/// same way; the buffer is whole again for the next reply.
#[tokio::test]
async fn large_mismatch() {
    with_client(30, |client| async move {
        let n = 400usize << 10;
        let big = client.go::<_, NoCommon>("Echo.Fill", &(n as i64));
        let small = client.go::<_, Reply>("Arith.Add", &args(4, 5));
        assert_misfit(big.await, "[]byte into NoCommon");
        assert_eq!(small.await.unwrap().c, 9);
        let b: gobrpc::types::Bytes = call_ok(&client, "Echo.Fill", &(n as i64)).await;
        assert!(b[..] == fill_pattern(n)[..]);
    })
    .await
}

/// Go's reply types, and Rust types that fit them or not.
#[derive(Debug, Clone, Copy)]
enum Case {
    /// `Arith.Add(a, b)` into `Reply` (fits: C = a + b).
    Add(i64, i64),
    /// `Arith.Add` into `String` (does not fit).
    AddIntoString(i64),
    /// `Arith.Add` into a struct with no field in common (does not fit).
    AddIntoNoCommon(i64),
    /// `Mismatch.Uint64(n)` into `u64` (fits: 1<<63 + n).
    Uint64(i64),
    /// `Mismatch.Uint64(n)` into `i64` (does not fit).
    Uint64IntoI64(i64),
    /// `Echo.Any(Point)` into `AnyHolder` (fits).
    Any(i64),
    /// `Echo.Any(Point)` into an interface enum without `main.Point` (does not fit).
    AnyUnlisted(i64),
    /// `Echo.Fill(n)` into `Bytes` (fits: the fill pattern).
    Fill(usize),
    /// `Echo.Fill(n)` into a struct (does not fit).
    FillIntoStruct(usize),
}

impl Case {
    fn random(rng: &mut StdRng) -> Case {
        let n = rng.gen_range(-1000..1000i64);
        let size = if rng.gen_ratio(1, 8) {
            rng.gen_range(260usize << 10..400 << 10)
        } else {
            rng.gen_range(0..2000)
        };
        match rng.gen_range(0..9) {
            0 => Case::Add(n, rng.gen_range(-1000..1000)),
            1 => Case::AddIntoString(n),
            2 => Case::AddIntoNoCommon(n),
            3 => Case::Uint64(n.abs()),
            4 => Case::Uint64IntoI64(n.abs()),
            5 => Case::Any(n),
            6 => Case::AnyUnlisted(n),
            7 => Case::Fill(size),
            _ => Case::FillIntoStruct(size),
        }
    }

    /// Makes the call (through `go`, or `call` if `direct`) and checks its outcome.
    async fn check(self, client: &Client, direct: bool) {
        let what = format!("{self:?}");
        fn via<A, R>(client: &Client, direct: bool, m: &'static str, a: A) -> CallOf<R>
        where
            A: Serialize + GobType + Send + Sync + 'static,
            R: DeserializeOwned + Send + 'static,
        {
            if direct {
                let client = client.clone();
                Box::pin(async move { client.call::<A, R>(m, &a).await })
            } else {
                let call = client.go::<A, R>(m, &a);
                Box::pin(call)
            }
        }
        let point = |n| AnyHolder {
            v: Any::Point(Point { x: n, y: -n }),
        };
        match self {
            Case::Add(a, b) => {
                let r: Reply = via(client, direct, "Arith.Add", args(a, b)).await.unwrap();
                assert_eq!(r.c, a + b, "{what}");
            }
            Case::AddIntoString(a) => {
                let r = via::<_, String>(client, direct, "Arith.Add", args(a, 1)).await;
                assert_misfit(r, &what);
            }
            Case::AddIntoNoCommon(a) => {
                let r = via::<_, NoCommon>(client, direct, "Arith.Add", args(a, 1)).await;
                assert!(assert_misfit(r, &what).contains("no fields matched"));
            }
            Case::Uint64(n) => {
                let r: u64 = via(client, direct, "Mismatch.Uint64", n).await.unwrap();
                assert_eq!(r, (1u64 << 63) + n as u64, "{what}");
            }
            Case::Uint64IntoI64(n) => {
                let r = via::<_, i64>(client, direct, "Mismatch.Uint64", n).await;
                assert_misfit(r, &what);
            }
            Case::Any(n) => {
                let r: AnyHolder = via(client, direct, "Echo.Any", point(n)).await.unwrap();
                assert_eq!(r, point(n), "{what}");
            }
            Case::AnyUnlisted(n) => {
                let r = via::<_, HolderNoPoint>(client, direct, "Echo.Any", point(n)).await;
                assert!(assert_misfit(r, &what).contains("main.Point"));
            }
            Case::Fill(size) => {
                let r: gobrpc::types::Bytes =
                    via(client, direct, "Echo.Fill", size as i64).await.unwrap();
                assert!(r[..] == fill_pattern(size)[..], "{what}");
            }
            Case::FillIntoStruct(size) => {
                let r = via::<_, NoCommon>(client, direct, "Echo.Fill", size as i64).await;
                assert_misfit(r, &what);
            }
        }
    }
}

type CallOf<R> = std::pin::Pin<Box<dyn Future<Output = rpc::Result<R>> + Send>>;

/// Fuzz-style: tasks make random mixes of fitting and non-fitting calls concurrently on one
/// connection (some through `call`, some batched through `go`), with a Watch pending; every
/// call must get its own outcome, and the connection must survive all of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_mismatches_concurrent() {
    const TASKS: u64 = 8;
    const BATCHES: usize = 12;
    let seed: u64 = rand::random();
    println!("seed {seed}");
    with_client(120, |client| async move {
        let tasks = (0..TASKS).map(|t| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(seed.wrapping_add(t));
                for _ in 0..BATCHES {
                    let n = rng.gen_range(1..12);
                    let cases: Vec<(Case, bool)> = (0..n)
                        .map(|_| (Case::random(&mut rng), rng.gen_bool(0.3)))
                        .collect();
                    join_all(cases.iter().map(|&(c, direct)| c.check(&client, direct))).await;
                }
            })
        });
        let tasks: Vec<_> = tasks.collect();
        watch_while(&client, "after-random", async {
            for t in join_all(tasks).await {
                t.expect("a task panicked (see its message above; seed printed)");
            }
        })
        .await;
        add(&client, 40, 2).await;
        assert_eq!(client.pending(), 0);
    })
    .await
}

//! Every error text the Go server sends (exact), each twice, and the connection keeps
//! working after each.

use super::*;

/// Calls whose arguments are an `Args`, with the server's exact error text.
const WITH_ARGS: &[(&str, &str)] = &[
    ("Nope.Add", "rpc: can't find service Nope.Add"),
    ("Arith.Nope", "rpc: can't find method Arith.Nope"),
    ("NoDot", "rpc: service/method request ill-formed: NoDot"),
    ("", "rpc: service/method request ill-formed: "),
    // Split at the last dot: the service is "net.rpc.Arith".
    (
        "net.rpc.Arith.Add",
        "rpc: can't find service net.rpc.Arith.Add",
    ),
];

/// `method(args)` must fail with the server error `want`; then the connection still works.
async fn fails_then_works<A>(client: &Client, method: &str, args: &A, want: &str, next: (i64, i64))
where
    A: Serialize + GobType + Debug + ?Sized,
{
    call_fails::<_, Reply>(client, method, args, want).await;
    add(client, next.0, next.1).await;
}

#[tokio::test]
async fn server_error_strings() {
    with_client(20, |client| async move {
        let a = args(1, 2);
        for round in 0..2 {
            for (k, (method, want)) in (1..).zip(WITH_ARGS) {
                fails_then_works(&client, method, &a, want, (round, k)).await;
            }

            // A struct with no field in common with Args (Go's text, from the spec).
            let want = "gob: type mismatch: no fields matched compiling decoder for Args";
            fails_then_works(&client, "Arith.Add", &Reply { c: 5 }, want, (round, 6)).await;

            // A string where Args is expected (text observed from a Go client against the
            // same server: `c.Call("Arith.Add", "x", &reply)`).
            let want = "gob: type mismatch in decoder: want struct type main.Args; got non-struct";
            fails_then_works(&client, "Arith.Add", "x", want, (round, 7)).await;

            // An unknown method with arguments of a type the server has not seen yet.
            let p = Point { x: 1, y: 1 };
            let want = "rpc: can't find method Arith.Nope2";
            fails_then_works(&client, "Arith.Nope2", &p, want, (round, 8)).await;
        }
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
    })
    .await
}

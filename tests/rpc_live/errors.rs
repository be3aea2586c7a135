//! Every error text the Go server sends (exact), each twice, and the connection keeps
//! working after each.

use super::*;

#[tokio::test]
async fn server_error_strings() {
    timed(20, async {
        let srv = GoServer::tcp();
        let client = connect(&srv).await;
        let a = args(1, 2);
        for round in 0..2 {
            let e = server_error(client.call::<_, Reply>("Nope.Add", &a).await);
            assert_eq!(e, "rpc: can't find service Nope.Add");
            add(&client, round, 1).await;

            let e = server_error(client.call::<_, Reply>("Arith.Nope", &a).await);
            assert_eq!(e, "rpc: can't find method Arith.Nope");
            add(&client, round, 2).await;

            let e = server_error(client.call::<_, Reply>("NoDot", &a).await);
            assert_eq!(e, "rpc: service/method request ill-formed: NoDot");
            add(&client, round, 3).await;

            let e = server_error(client.call::<_, Reply>("", &a).await);
            assert_eq!(e, "rpc: service/method request ill-formed: ");
            add(&client, round, 4).await;

            // Split at the last dot: the service is "net.rpc.Arith".
            let e = server_error(client.call::<_, Reply>("net.rpc.Arith.Add", &a).await);
            assert_eq!(e, "rpc: can't find service net.rpc.Arith.Add");
            add(&client, round, 5).await;

            // A struct with no field in common with Args (Go's text, from the spec).
            let e = server_error(client.call::<_, Reply>("Arith.Add", &Reply { c: 5 }).await);
            assert_eq!(
                e,
                "gob: type mismatch: no fields matched compiling decoder for Args"
            );
            add(&client, round, 6).await;

            // A string where Args is expected (text observed from a Go client against the
            // same server: `c.Call("Arith.Add", "x", &reply)`).
            let e = server_error(client.call::<_, Reply>("Arith.Add", "x").await);
            assert_eq!(
                e,
                "gob: type mismatch in decoder: want struct type main.Args; got non-struct"
            );
            add(&client, round, 7).await;

            // An unknown method with arguments of a type the server has not seen yet.
            let e = server_error(
                client
                    .call::<_, Reply>("Arith.Nope2", &Point { x: 1, y: 1 })
                    .await,
            );
            assert_eq!(e, "rpc: can't find method Arith.Nope2");
            add(&client, round, 8).await;
        }
        assert_eq!(client.pending(), 0);
        assert!(!client.is_shut_down());
    })
    .await
}

//! Calls with no Rust types: dynamic arguments and replies that keep their Go types.

mod common;

use common::rpc::with_client;
use gobrpc::{TypedValue, Value};

#[tokio::test]
async fn call_value_round_trip() {
    with_client(30, |client| async move {
        // An anonymous struct{A, B int}: Go's server matches fields by name.
        let args = TypedValue::infer(Value::Struct(vec![
            ("A".into(), Value::Int(7)),
            ("B".into(), Value::Int(8)),
        ]));
        let reply = client.call_value("Arith.Add", &args).await.unwrap();
        assert_eq!(reply.value.field("C"), Some(&Value::Int(15)));
        // The reply's type is Go's Reply struct, as the server defined it.
        match reply.types.get(reply.ty) {
            Some(gobrpc::wire::WireType::Struct { common, fields }) => {
                assert_eq!(common.name, "Reply");
                assert_eq!(fields[0].name, "C");
            }
            other => panic!("reply type {other:?}"),
        }
        let hello = client
            .call_value(
                "HelloService.Hello",
                &TypedValue::infer(Value::String("x".into())),
            )
            .await
            .unwrap();
        assert_eq!(hello.value, Value::String("hello, x".into()));
        // Dynamic and typed calls share the connection's one encoder and decoder.
        let typed: String = client.call("HelloService.Hello", "y").await.unwrap();
        assert_eq!(typed, "hello, y");
    })
    .await
}

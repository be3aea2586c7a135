//! `Value` and `TypedValue` as serde types: embedded in typed structs (Go `interface{}`
//! fields), as whole values, and in serde_json.
//!
//! Against Go's fixtures: what a `Value` field receives equals what the dynamic decoder
//! gives for that position; a `TypedValue` field re-encodes Go's bytes exactly; a `Value`
//! field (types inferred) is read back by Go (`gointerop decode`) as the value it holds.

mod common;

use gobrpc::value::Interface;
use gobrpc::{DecoderState, GobType, TypedValue, Value};
use serde::{Deserialize, Serialize};

fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(common::fixtures_dir().join(path)).unwrap()
}

/// The dynamic decoder's view of a fixture's first value.
fn dynamic(bytes: &[u8]) -> TypedValue {
    DecoderState::new().decode_value(bytes).unwrap().unwrap().0
}

use common::kv::KvEntry;

/// `type Two struct { I interface{}; N int }`
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.Two")]
struct Two<V> {
    #[serde(rename = "I")]
    i: V,
    #[serde(rename = "N")]
    n: i64,
}

/// `type IfaceHolder struct { I interface{} }`
#[derive(Serialize, Deserialize, GobType, Debug, PartialEq)]
#[gob(name = "main.IfaceHolder")]
struct IfaceHolder<V> {
    #[serde(rename = "I")]
    i: V,
}

#[test]
fn value_field_is_what_the_dynamic_decoder_gives() {
    for (path, field) in [
        ("time/kv_entry.gob", "Extra"),
        ("gob/iface_struct.gob", "I"),
        ("gob/iface_nested_3.gob", "I"),
        ("gob/iface_time.gob", "I"),
        ("gob/iface_holds_map_string_any.gob", "I"),
    ] {
        let bytes = fixture(path);
        let want = dynamic(&bytes).value.field(field).cloned().unwrap();
        let got = if field == "Extra" {
            gobrpc::from_slice::<KvEntry<Value>>(&bytes).unwrap().extra
        } else {
            gobrpc::from_slice::<IfaceHolder<Value>>(&bytes).unwrap().i
        };
        assert_eq!(got, want, "{path}");
        assert!(matches!(got, Value::Interface(Some(_))), "{path}: {got:?}");
    }
    // The nil interface: absent from the wire (Go omits it), Go's zero value.
    let nil = gobrpc::from_slice::<IfaceHolder<Value>>(&fixture("gob/iface_nil.gob")).unwrap();
    assert_eq!(nil.i, Value::Interface(None));
}

#[test]
fn typed_value_field_reencodes_go_bytes() {
    let bytes = fixture("time/kv_entry.gob");
    let e: KvEntry<TypedValue> = gobrpc::from_slice(&bytes).unwrap();
    assert_eq!(e.ttl, 30);
    let Value::Interface(Some(i)) = &e.extra.value else {
        panic!("{:?}", e.extra)
    };
    assert_eq!(i.name, "main.Label");
    assert_eq!(
        hex::encode(gobrpc::to_vec(&e).unwrap()),
        hex::encode(&bytes)
    );

    for path in [
        "gob/iface_struct.gob",
        "gob/iface_time.gob",
        "gob/iface_int.gob",
        "gob/iface_nil.gob",
        "gob/iface_struct_two_typedefs.gob",
        "gob/iface_holds_slice_any.gob",
    ] {
        let bytes = fixture(path);
        let again = if path.ends_with("iface_struct.gob") {
            gobrpc::to_vec(&gobrpc::from_slice::<Two<TypedValue>>(&bytes).unwrap())
        } else {
            gobrpc::to_vec(&gobrpc::from_slice::<IfaceHolder<TypedValue>>(&bytes).unwrap())
        };
        assert_eq!(hex::encode(again.unwrap()), hex::encode(&bytes), "{path}");
    }
}

/// Every positive fixture's first value, decoded as a whole into `Value` and `TypedValue`,
/// is the dynamic decoder's (as `client.call::<_, Value>` decodes a reply).
#[test]
fn whole_values_match_the_dynamic_decoder() {
    let mut n = 0;
    for (meta, bytes) in common::load("gob") {
        if meta.kind != "positive" {
            continue;
        }
        let want = dynamic(&bytes);
        let v: Value = gobrpc::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", meta.name));
        // (Debug text: NaN is not equal to itself.)
        assert_eq!(
            format!("{v:?}"),
            format!("{:?}", want.value),
            "{}",
            meta.name
        );
        let tv: TypedValue = gobrpc::from_slice(&bytes).unwrap();
        assert_eq!(
            format!("{:?}", tv.value),
            format!("{:?}", want.value),
            "{}",
            meta.name
        );
        assert_eq!((tv.ty, &tv.types), (want.ty, &want.types), "{}", meta.name);
        n += 1;
    }
    assert!(n > 200, "{n} fixtures");
}

/// A `Value` field carries no type definitions: its concrete types are inferred from its
/// shape. Go reads such bytes back as the value the field holds. So does a `TypedValue`
/// that holds the enclosing Go type again (whose definition it re-sends under an id of its
/// own, so these bytes are not Go's).
#[test]
fn value_field_encodes_for_go() {
    let two: Two<Value> = gobrpc::from_slice(&fixture("gob/iface_struct.gob")).unwrap();
    let point = Value::Interface(Some(Box::new(Interface {
        name: "main.Point".into(),
        ty: None,
        value: Value::Struct(vec![
            ("X".into(), Value::Int(5)),
            ("Y".into(), Value::Int(6)),
        ]),
    })));
    let nested = IfaceHolder {
        i: Value::Interface(Some(Box::new(Interface {
            name: "main.IfaceHolder".into(),
            ty: None,
            value: Value::Struct(vec![("I".into(), point.clone())]),
        }))),
    };
    let inputs = vec![
        ("two".to_string(), gobrpc::to_vec(&two).unwrap()),
        ("iface_holder".to_string(), gobrpc::to_vec(&nested).unwrap()),
        (
            "iface_holder".to_string(),
            gobrpc::to_vec(&IfaceHolder {
                i: Value::Interface(None),
            })
            .unwrap(),
        ),
        (
            "iface_holder".to_string(),
            gobrpc::to_vec(
                &gobrpc::from_slice::<IfaceHolder<TypedValue>>(&fixture("gob/iface_nested_3.gob"))
                    .unwrap(),
            )
            .unwrap(),
        ),
    ];
    let reports = common::go_decode(&inputs);
    let got: Vec<String> = reports
        .iter()
        .map(|r| {
            assert_eq!(r.error, None, "{}", r.shape);
            r.values[0].gov.clone()
        })
        .collect();
    assert_eq!(
        got,
        [
            "main.Two{I:main.Point{X:1, Y:2}, N:9}",
            "main.IfaceHolder{I:main.IfaceHolder{I:main.Point{X:5, Y:6}}}",
            "main.IfaceHolder{I:interface {}(nil)}",
            "main.IfaceHolder{I:main.IfaceHolder{I:main.IfaceHolder{I:main.Point{X:1, Y:2}}}}",
        ]
    );
}

#[test]
fn a_value_that_is_not_an_interface_is_an_encode_error() {
    let err = gobrpc::to_vec(&IfaceHolder { i: Value::Int(1) }).unwrap_err();
    assert_eq!(err.category(), gobrpc::Category::Encode);
    assert!(
        err.to_string().contains("must be an interface value"),
        "{err}"
    );
}

#[test]
fn other_formats_use_the_data_model() {
    let two: Two<Value> = gobrpc::from_slice(&fixture("gob/iface_struct.gob")).unwrap();
    assert_eq!(
        serde_json::to_string(&two).unwrap(),
        r#"{"I":{"X":1,"Y":2},"N":9}"#
    );
    let v: Value = serde_json::from_str(r#"{"a": [1, -2, 2.5, "x", null, true]}"#).unwrap();
    assert_eq!(
        v,
        Value::Map(vec![(
            Value::String("a".into()),
            Value::Slice(vec![
                Value::Uint(1),
                Value::Int(-2),
                Value::Float(2.5),
                Value::String("x".into()),
                Value::Interface(None),
                Value::Bool(true),
            ])
        )])
    );
    let tv: TypedValue = serde_json::from_str("[1, 2]").unwrap();
    assert_eq!(tv.value, Value::Slice(vec![Value::Uint(1), Value::Uint(2)]));
}

/// `client.call::<_, Value>` against a live Go net/rpc server: the reply as Go sent it.
#[cfg(feature = "rpc")]
#[tokio::test]
async fn call_replies_as_values() {
    use common::gotypes::args;
    common::rpc::with_client(30, |client| async move {
        let v: Value = client.call("Arith.Mul", &args(6, 7)).await.unwrap();
        assert_eq!(v, Value::Struct(vec![("C".into(), Value::Int(42))]));
        let m: Value = client.call("BuiltinTypes.Map", &args(6, 7)).await.unwrap();
        assert_eq!(
            m,
            Value::Map(vec![(Value::Int(6), Value::Int(7))]),
            "Go: reply[args.A] = args.B"
        );
    })
    .await;
}

//! netip, net/rpc headers and bodies, multi-value streams, `[]any` of `Z{}`, and the
//! encode-error cases (`go-interop/cases_marshal.go`, `cases_structs.go`, `cases_iface.go`).

use crate::common::gotypes::{
    pt, s, Addr, Args, Point, Reply, Request, Response, RpcRequest, AB, Z,
};
use gobrpc::types::GoTime;
use gobrpc::GobType;
use serde::{Deserialize, Serialize};

/// `type NetipHolder struct { A netip.Addr; N int }`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[serde(rename_all = "UPPERCASE")]
#[gob(name = "main.NetipHolder")]
struct NetipHolder {
    a: Addr,
    n: i64,
}

/// `interface{}` holding `Z` (registered as "main.Z").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
#[gob(interface)]
enum AnyZ {
    Nil,
    #[serde(rename = "main.Z")]
    Z(Z),
}

fn req(method: &str, seq: u64) -> Request {
    Request {
        service_method: s(method),
        seq,
    }
}

fn resp(method: &str, seq: u64, error: &str) -> Response {
    Response {
        service_method: s(method),
        seq,
        error: s(error),
    }
}

fn addr(b: &[u8]) -> Addr {
    Addr(b.to_vec())
}

fn fe80_1_eth0() -> Addr {
    let mut b = vec![0xfe, 0x80];
    b.extend([0; 13]);
    b.push(1);
    b.extend(b"eth0");
    Addr(b)
}

cases! {
    // netip
    netip_addr: det [Addr => addr(&[1, 2, 3, 4])];
    netip_addr_v6_zone: det [Addr => fe80_1_eth0()];
    netip_addr_zero: det [Addr => addr(&[])];
    netip_in_struct: det [NetipHolder => NetipHolder { a: addr(&[10, 0, 0, 1]), n: 2 }];
    netip_zero_in_struct: det [NetipHolder => NetipHolder { a: addr(&[]), n: 1 }];

    // net/rpc
    rpc_request_hdr: det [RpcRequest => RpcRequest { service_method: s("Arith.Add"), seq: 0 }];
    rpc_request_seq1: det [Request => req("Arith.Add", 1)];
    rpc_response_ok: det [Response => resp("Arith.Add", 1, "")];
    rpc_response_error: det [Response => resp("Arith.Div", 2, "divide by zero")];
    rpc_call_add: det [Request => req("Arith.Add", 0), Args => Args { a: 7, b: 8 }];
    rpc_reply_add: det [Response => resp("Arith.Add", 0, ""), Reply => Reply { c: 15 }];
    // The error reply's body is Go's `struct{}{}`, Rust's `()`.
    rpc_error_reply: det [Response => resp("Arith.Div", 2, "divide by zero"), () => ()];
    rpc_two_calls: det [
        Request => req("Arith.Add", 0),
        Args => Args { a: 7, b: 8 },
        Request => req("Arith.Add", 1),
        Args => Args { a: 1, b: 2 },
    ];
    rpc_string_args: det [Request => req("Arith.Scan", 0), String => s("12345")];

    // multi-value streams
    multi_values_mixed: det [
        i64 => 1,
        String => s("s"),
        Point => pt(1, 2),
        Vec<i64> => vec![1],
        Point => pt(3, 4),
        i64 => 2,
    ];
    multi_same_slice_type: det [Vec<i64> => vec![1], Vec<i64> => vec![], Vec<i64> => vec![2, 3]];
    multi_time_twice: det [GoTime => GoTime::from_unix(1, 0), GoTime => GoTime::from_unix(2, 0)];
    two_types_one_stream: det [Point => pt(1, 2), AB => AB { a: 3, b: 4 }, Point => pt(5, 6)];

    // []any of three Z{}
    slice_iface_100_z = "slice_iface_100_Z": det [Vec<AnyZ> => vec![AnyZ::Z(Z), AnyZ::Z(Z), AnyZ::Z(Z)]];
}

/// Encode errors of values Rust can express.
pub(crate) mod errors {
    use crate::common::gotypes::Point;
    use gobrpc::GobType;
    use serde::{Deserialize, Serialize};
    use std::collections::HashMap;

    /// `interface{}` that may hold an `*int`.
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
    #[gob(interface)]
    pub enum AnyPtr {
        Nil,
        #[serde(rename = "*int")]
        IntPtr(Option<i64>),
    }

    /// `type IfaceHolder struct { I interface{} }`
    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, GobType)]
    #[gob(name = "main.IfaceHolder")]
    pub struct IfaceHolder {
        #[serde(rename = "I")]
        pub i: AnyPtr,
    }

    encode_errors! {
        // []*Point{nil}
        nil_elem_in_slice: Vec<Option<Point>> => vec![None];
        // map[string]*int{"a": nil}
        nil_elem_in_map: HashMap<String, Option<i64>> => HashMap::from([("a".to_string(), None)]);
        // IfaceHolder{(*int)(nil)}
        nil_ptr_in_iface: IfaceHolder => IfaceHolder { i: AnyPtr::IntPtr(None) };
        // Go's Encode(nil): Rust has no untyped nil; the nearest value is a top-level nil
        // pointer, which Go rejects too ("gob: cannot encode nil pointer of type *int").
        encode_nil_untyped: Option<i64> => None;
    }
}

/// encode_error cases whose Go value has no Rust counterpart.
pub(crate) const NOT_EXPRESSIBLE: &[&str] = &["chan_top", "func_top"];

/// Go wrote nothing before failing: the bytes hold no value, and decoding them is not an error.
fn go_prefix_is_empty(name: &str) {
    let go = crate::common::typed_fixtures::encode_error_prefix(name, 0);
    assert!(go.is_empty(), "{name}: {}", hex::encode(&go));
}

// A Go `chan int` has no Rust/serde counterpart (gob cannot send channels).
#[test]
fn chan_top() {
    go_prefix_is_empty("chan_top");
}

// A Go `func()` has no Rust/serde counterpart (gob cannot send functions).
#[test]
fn func_top() {
    go_prefix_is_empty("func_top");
}

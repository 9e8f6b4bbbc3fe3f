//! A node behind the chain: how one whose head is an older block answers the requests that read
//! the head ([`super::Fault::Stale`]). The proxy learns the chain's head from the node, takes the
//! stale head that many blocks below it, and for each request:
//!
//! - `eth_blockNumber`: the stale head;
//! - `eth_getBlockByNumber`, `eth_getBlockReceipts`: `latest` (and `pending`, `safe`,
//!   `finalized`) is the stale head's block; a block above it is unknown (`null`);
//! - `eth_getLogs`: a range open at `latest` ends at the stale head; one that names a block above
//!   it is refused with the error the devnet gives for a block it does not have (`header not
//!   found`);
//! - `eth_getTransactionReceipt`, `eth_getTransactionByHash`: a transaction mined above the stale
//!   head is unknown (`null`).
//!
//! Other methods (state reads at `latest` included) are answered by the node as they are.

use serde_json::{json, Value};

/// How a stale node answers one request.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum StaleCall {
    /// With this result, without asking the node.
    Result(Value),
    /// With this JSON-RPC error, without asking the node.
    Error(&'static str),
    /// As the node answers this request (the original, or one rewritten to the stale head);
    /// whether it was rewritten.
    Forward(Value, bool),
    /// As the node answers it, but a transaction mined above the stale head is unknown: see
    /// [`hide_above`].
    ForwardHidingAbove(Value),
}

/// The block tags that name the head.
const HEAD_TAGS: [&str; 4] = ["latest", "pending", "safe", "finalized"];

/// How a node whose head is `stale_head` answers `request` (a JSON-RPC request object).
pub(super) fn stale_call(request: &Value, stale_head: u64) -> StaleCall {
    let method = request.get("method").and_then(Value::as_str).unwrap_or_default();
    let mut rewritten = request.clone();
    match method {
        "eth_blockNumber" => StaleCall::Result(json!(hex(stale_head))),
        "eth_getBlockByNumber" | "eth_getBlockReceipts" => {
            let Some(tag) = rewritten.pointer_mut("/params/0") else { return StaleCall::Forward(rewritten, false) };
            match resolve(tag, stale_head) {
                Block::Above => StaleCall::Result(Value::Null),
                Block::Head => StaleCall::Forward(rewritten, true),
                Block::Known => StaleCall::Forward(rewritten, false),
            }
        }
        "eth_getLogs" => {
            let Some(filter) = rewritten.pointer_mut("/params/0").and_then(Value::as_object_mut) else {
                return StaleCall::Forward(rewritten, false);
            };
            if filter.contains_key("blockHash") {
                return StaleCall::Forward(rewritten, false);
            }
            let mut changed = false;
            for bound in ["fromBlock", "toBlock"] {
                let tag = filter.entry(bound).or_insert_with(|| json!("latest"));
                match resolve(tag, stale_head) {
                    Block::Above => return StaleCall::Error("header not found"),
                    Block::Head => changed = true,
                    Block::Known => {}
                }
            }
            StaleCall::Forward(rewritten, changed)
        }
        "eth_getTransactionReceipt" | "eth_getTransactionByHash" => StaleCall::ForwardHidingAbove(rewritten),
        _ => StaleCall::Forward(rewritten, false),
    }
}

/// A node's `result` for a transaction, as a node whose head is `stale_head` gives it: `null`
/// when the transaction was mined above that head; whether it was hidden.
pub(super) fn hide_above(result: Value, stale_head: u64) -> (Value, bool) {
    let mined_at = result.get("blockNumber").and_then(Value::as_str).and_then(parse_hex);
    match mined_at {
        Some(block) if block > stale_head => (Value::Null, true),
        _ => (result, false),
    }
}

/// Where a block parameter points, seen from the stale head.
enum Block {
    /// A block tag naming the head: rewritten to the stale head.
    Head,
    /// A block above the stale head.
    Above,
    /// A block the stale node has (or a parameter it reads as it is).
    Known,
}

/// Resolves a block parameter against `stale_head`, rewriting a head tag to it.
fn resolve(tag: &mut Value, stale_head: u64) -> Block {
    let Some(text) = tag.as_str() else { return Block::Known };
    if HEAD_TAGS.contains(&text) {
        *tag = json!(hex(stale_head));
        return Block::Head;
    }
    match parse_hex(text) {
        Some(number) if number > stale_head => Block::Above,
        _ => Block::Known,
    }
}

/// `number` as a JSON-RPC quantity.
pub(super) fn hex(number: u64) -> String {
    format!("{number:#x}")
}

/// A JSON-RPC quantity (`0x…`).
pub(super) fn parse_hex(text: &str) -> Option<u64> {
    u64::from_str_radix(text.strip_prefix("0x")?, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, params: Value) -> Value {
        json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
    }

    #[test]
    fn head_reads_are_answered_from_the_stale_head() {
        assert_eq!(stale_call(&request("eth_blockNumber", json!([])), 17), StaleCall::Result(json!("0x11")));
        let latest = request("eth_getBlockByNumber", json!(["latest", false]));
        assert_eq!(
            stale_call(&latest, 17),
            StaleCall::Forward(request("eth_getBlockByNumber", json!(["0x11", false])), true)
        );
        let above = request("eth_getBlockReceipts", json!(["0x12"]));
        assert_eq!(stale_call(&above, 17), StaleCall::Result(Value::Null));
        let known = request("eth_getBlockByNumber", json!(["0x11", true]));
        assert_eq!(stale_call(&known, 17), StaleCall::Forward(known.clone(), false));
        let call = request("eth_call", json!([{}, "latest"]));
        assert_eq!(stale_call(&call, 17), StaleCall::Forward(call.clone(), false));
    }

    #[test]
    fn logs_end_at_the_stale_head_and_a_range_above_it_is_refused() {
        let open = request("eth_getLogs", json!([{"fromBlock": "0x10", "address": "0x01"}]));
        let ended = request("eth_getLogs", json!([{"fromBlock": "0x10", "address": "0x01", "toBlock": "0x11"}]));
        assert_eq!(stale_call(&open, 17), StaleCall::Forward(ended.clone(), true));
        assert_eq!(stale_call(&ended, 17), StaleCall::Forward(ended.clone(), false));
        let above = request("eth_getLogs", json!([{"fromBlock": "0x10", "toBlock": "0x12"}]));
        assert_eq!(stale_call(&above, 17), StaleCall::Error("header not found"));
        let by_hash = request("eth_getLogs", json!([{"blockHash": "0xab"}]));
        assert_eq!(stale_call(&by_hash, 17), StaleCall::Forward(by_hash.clone(), false));
    }

    #[test]
    fn a_transaction_mined_above_the_stale_head_is_unknown() {
        let receipt = request("eth_getTransactionReceipt", json!(["0xab"]));
        assert_eq!(stale_call(&receipt, 17), StaleCall::ForwardHidingAbove(receipt.clone()));
        assert_eq!(hide_above(json!({"blockNumber": "0x12"}), 17), (Value::Null, true));
        assert_eq!(hide_above(json!({"blockNumber": "0x11"}), 17), (json!({"blockNumber": "0x11"}), false));
        assert_eq!(hide_above(Value::Null, 17), (Value::Null, false));
    }
}

//! What the devnet reads from its clients: JSON-RPC request bodies and raw transactions.

use std::sync::{Mutex, OnceLock};

use alloy_eips::eip2718::Encodable2718;
use devnet::{
    rpc::handle_body,
    tx::{decode_raw, TxError},
    Chain, ChainConfig,
};
use serde_json::Value;

/// The chain every [`rpc_request`] is sent to: a devnet with its defaults, shared by the calls
/// of a run (state the requests change stays, as on a node a fuzzer talks to).
fn chain() -> &'static Mutex<Chain> {
    static CHAIN: OnceLock<Mutex<Chain>> = OnceLock::new();
    CHAIN.get_or_init(|| Mutex::new(Chain::new(ChainConfig::default())))
}

/// `handle_body`: any body gets a JSON-RPC 2.0 answer (a batch an array of them), each with an
/// id and exactly one of `result` and `error`, an error with an integer code and a message; only
/// a body of notifications (requests without an id) is answered with nothing. Accepted: an answer
/// holds a result.
pub fn rpc_request(body: &[u8]) -> bool {
    let parsed: Option<Value> = serde_json::from_slice(body).ok();
    let answer = handle_body(chain(), body);
    let Some(answer) = answer else {
        let notification = |request: &Value| {
            request.is_object() && request.get("method").is_some_and(Value::is_string) && request.get("id").is_none()
        };
        let only_notifications = match &parsed {
            Some(Value::Array(requests)) => !requests.is_empty() && requests.iter().all(notification),
            Some(request) => notification(request),
            None => false,
        };
        assert!(only_notifications, "no answer to {}", String::from_utf8_lossy(body));
        return true;
    };
    match (&parsed, &answer) {
        (Some(Value::Array(requests)), Value::Array(answers)) if !requests.is_empty() => {
            assert!(answers.len() <= requests.len(), "more answers than requests");
            // Every answer is checked, not only up to the first with a result.
            answers.iter().filter(|answer| well_formed(answer)).count() > 0
        }
        (_, Value::Array(_)) => panic!("a batch answer to a body that is not a batch"),
        (_, single) => well_formed(single),
    }
}

/// Checks one JSON-RPC answer's shape; whether it holds a result.
fn well_formed(answer: &Value) -> bool {
    assert_eq!(answer["jsonrpc"], "2.0", "{answer}");
    assert!(answer.get("id").is_some(), "an answer without an id: {answer}");
    match (answer.get("result"), answer.get("error")) {
        (Some(_), None) => true,
        (None, Some(error)) => {
            assert!(error["code"].is_i64(), "an error without an integer code: {answer}");
            assert!(error["message"].is_string(), "an error without a message: {answer}");
            false
        }
        _ => panic!("not exactly one of result and error: {answer}"),
    }
}

/// `decode_raw`: an accepted transaction re-encodes (EIP-2718) to the input, and decoding it
/// again recovers the same sender. Accepted: it decoded, and its sender was recovered or its type
/// is one the devnet refuses (blob and set-code transactions, which a Nitro chain refuses too).
pub fn raw_transaction(raw: &[u8]) -> bool {
    let (envelope, sender) = match decode_raw(raw) {
        Ok(decoded) => decoded,
        Err(TxError::UnsupportedType) => return true,
        Err(_) => return false,
    };
    assert_eq!(envelope.encoded_2718(), raw, "an accepted transaction re-encodes differently");
    let again = decode_raw(raw).expect("decoded once").1;
    assert_eq!(again, sender, "the same transaction recovered two senders");
    true
}

//! Why a request, a call or a transaction failed, and revert data as a person reads it.

use std::time::Duration;

use alloy_primitives::{Bytes, B256};
use alloy_provider::transport::TransportError;
use alloy_sol_types::SolError;

/// Why a request, a call or a transaction failed.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// A request failed: the node is unreachable, refused it, or answered something unreadable.
    #[error("{method} failed: {source}")]
    Rpc {
        /// The JSON-RPC method.
        method: &'static str,
        /// What the transport or the node reported.
        #[source]
        source: TransportError,
    },
    /// The call reverts (for a transaction: its simulation does, so nothing was sent).
    #[error("reverts: {reason}")]
    Revert {
        /// `Error(string)`'s string, a panic's meaning, or the revert data in hex.
        reason: String,
        /// The revert data.
        data: Bytes,
    },
    /// The transaction was mined and failed (out of gas, or the state changed since it was
    /// simulated).
    #[error("transaction {transaction} failed in block {block}")]
    Failed {
        /// The transaction.
        transaction: B256,
        /// Its block.
        block: u64,
    },
    /// The transaction was not mined in time.
    #[error("transaction {transaction} was not mined within {waited:?}")]
    Unconfirmed {
        /// The transaction.
        transaction: B256,
        /// How long it was waited for.
        waited: Duration,
    },
    /// A call answered bytes that are not its return type.
    #[error("{call} answered {returned}, which is not what it returns")]
    Undecodable {
        /// The function's signature.
        call: &'static str,
        /// What came back.
        returned: Bytes,
    },
    /// The transaction could not be signed.
    #[error("cannot sign the transaction: {0}")]
    Signing(String),
}

/// Why a node refused a transaction, as geth (and Nitro, which is geth underneath) words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// `nonce too low`: the nonce is used already.
    NonceTooLow,
    /// `nonce too high`: a nonce below it is not taken yet.
    NonceTooHigh,
    /// `already known`: the node holds this very transaction.
    AlreadyKnown,
    /// The fees are too low: below the base fee, or a replacement that does not raise them enough.
    Underpriced,
}

impl ChainError {
    /// Why the node refused the transaction, when this is a refusal it words in one of the known
    /// ways.
    pub fn refusal(&self) -> Option<Refusal> {
        let Self::Rpc { source, .. } = self else { return None };
        let message = source.as_error_resp()?.message.to_ascii_lowercase();
        [
            ("nonce too low", Refusal::NonceTooLow),
            ("nonce too high", Refusal::NonceTooHigh),
            ("already known", Refusal::AlreadyKnown),
            ("underpriced", Refusal::Underpriced),
            ("less than block base fee", Refusal::Underpriced),
            ("fee cap too low", Refusal::Underpriced),
        ]
        .into_iter()
        .find_map(|(words, refusal)| message.contains(words).then_some(refusal))
    }

    pub(crate) fn rpc(method: &'static str) -> impl FnOnce(TransportError) -> Self {
        move |source| Self::Rpc { method, source }
    }

    /// A node's error answer: a revert when the node says so, otherwise a failed request.
    pub(crate) fn from_answer(method: &'static str, source: TransportError) -> Self {
        match source.as_error_resp() {
            Some(payload) if payload.code == 3 || payload.message.contains("revert") => {
                let data = payload.as_revert_data().unwrap_or_default();
                let reason = if data.is_empty() { payload.message.to_string() } else { revert_reason(&data) };
                Self::Revert { reason, data }
            }
            _ => Self::Rpc { method, source },
        }
    }
}

/// Revert data as a person reads it: `Error(string)`'s string exactly (what the MOS's revert
/// strings are matched against), a panic's meaning, or the data.
pub fn revert_reason(data: &[u8]) -> String {
    if data.is_empty() {
        return "reverted without a reason".into();
    }
    if let Ok(revert) = alloy_sol_types::Revert::abi_decode(data) {
        return revert.reason;
    }
    if let Ok(panic) = alloy_sol_types::Panic::abi_decode(data) {
        return panic.kind().map_or_else(|| format!("panic {}", panic.code), |kind| format!("panic: {kind}"));
    }
    format!("reverted with {}", Bytes::copy_from_slice(data))
}

/// Why a node URL is not usable.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {message}")]
pub struct UrlError {
    /// The URL given.
    pub url: String,
    /// What is wrong with it.
    pub message: String,
}

/// `url` parsed as the transport's URL, which must be `http://` or `https://` (what the transport
/// speaks); anything else is refused here rather than at the first request.
///
/// # Errors
/// [`UrlError`] for another scheme or text that is not a URL.
pub fn endpoint<U>(url: &str) -> Result<U, UrlError>
where
    U: std::str::FromStr,
    U::Err: std::fmt::Display,
{
    let scheme = url.split_once("://").map(|(scheme, _)| scheme.to_ascii_lowercase());
    if !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(UrlError { url: url.into(), message: "only http:// and https:// endpoints are supported".into() });
    }
    url.parse().map_err(|e| UrlError { url: url.into(), message: format!("not a URL: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Node;

    #[test]
    fn http_and_https_endpoints_are_accepted() {
        assert!(Node::connect("http://127.0.0.1:8547").is_ok());
        assert!(Node::connect("HTTP://localhost:8547").is_ok());
        assert!(Node::connect("https://arb1.example").is_ok());
        assert_eq!(
            Node::connect("ws://arb1.example").unwrap_err().to_string(),
            "ws://arb1.example: only http:// and https:// endpoints are supported"
        );
        assert_eq!(
            Node::connect("127.0.0.1:8547").unwrap_err().to_string(),
            "127.0.0.1:8547: only http:// and https:// endpoints are supported"
        );
        assert!(Node::connect("http://").unwrap_err().to_string().starts_with("http://: not a URL"));
    }

    #[test]
    fn revert_reasons_read_as_people_write_them() {
        let error = alloy_sol_types::Revert::from("MOSV3: Order exist");
        assert_eq!(revert_reason(&error.abi_encode()), "MOSV3: Order exist");
        let panic = alloy_sol_types::Panic::from(alloy_sol_types::PanicKind::DivisionByZero);
        assert_eq!(revert_reason(&panic.abi_encode()), "panic: division or modulo by zero");
        assert_eq!(revert_reason(&[]), "reverted without a reason");
        assert_eq!(revert_reason(&[0xde, 0xad]), "reverted with 0xdead");
    }
}

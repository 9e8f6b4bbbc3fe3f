//! A block attested to a committee light node: what the committee signs, and its submission.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, B256, U256};
use alloy_provider::{network::TransactionBuilder, Network, Provider, WalletProvider};
use alloy_rpc_types_eth::BlockId;
use alloy_sol_types::{decode_revert_reason, Eip712Domain, Revert, SolCall, SolError, SolEvent};
use light_client_iface::{
    attestation::{domain, HeaderAttestation, SignedHeader},
    interfaces::ICommitteeLightNode,
};
use serde_json::json;

use super::{chain_id, fetch_header, mined_receipt, request, NodeError};
use crate::attest::update_block_header_calldata;

/// How long [`submit_header`] waits for its transaction to be mined.
const CONFIRMATION_TIMEOUT: Duration = Duration::from_secs(120);

/// What a committee signs to attest a block to a light node, and the domain it signs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderToAttest {
    /// The light node's EIP-712 domain: the chain it runs on, its address.
    pub domain: Eip712Domain,
    /// The source chain, the block's number and hash, the committee's epoch.
    pub attestation: HeaderAttestation,
}

/// The attestation of block `block` of the `source` chain for the light node at `light_node` on
/// the `destination` chain.
///
/// The block hash is the hash of the header rebuilt from the source's fields (never the hash the
/// source merely states); the chain ids come from each node's `eth_chainId`; the epoch is `epoch`,
/// or else the light node's `epoch()`.
///
/// # Errors
/// [`NodeError::Rpc`] (naming the method), [`NodeError::BlockNotFound`],
/// [`NodeError::HeaderMismatch`] when the source's header cannot be reproduced,
/// [`NodeError::NotALightNode`] when `epoch()` does not return a uint256.
pub async fn header_to_attest<NS, S, ND, D>(
    source: &S,
    block: u64,
    destination: &D,
    light_node: Address,
    epoch: Option<U256>,
) -> Result<HeaderToAttest, NodeError>
where
    NS: Network,
    S: Provider<NS>,
    ND: Network,
    D: Provider<ND>,
{
    let header = fetch_header(source, BlockId::number(block)).await?;
    let source_chain = chain_id(source).await?;
    let destination_chain = chain_id(destination).await?;
    let epoch = match epoch {
        Some(epoch) => epoch,
        None => {
            let call = ICommitteeLightNode::epochCall {}.abi_encode();
            let returned: Bytes =
                request(destination, "eth_call", json!([{ "to": light_node, "data": Bytes::from(call) }, "latest"]))
                    .await?;
            ICommitteeLightNode::epochCall::abi_decode_returns(&returned).map_err(|_| NodeError::NotALightNode {
                address: light_node,
                call: "epoch()",
                returned,
            })?
        }
    };
    Ok(HeaderToAttest {
        domain: domain(destination_chain, light_node),
        attestation: HeaderAttestation {
            chainId: U256::from(source_chain),
            blockNumber: U256::from(header.number),
            blockHash: header.hash(),
            epoch,
        },
    })
}

/// What the light node did with a submitted attestation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttestationOutcome {
    /// It stored the hash (`HeaderAttested`).
    Attested,
    /// It already holds another hash for the block and keeps it (`ConflictingAttestation`): the
    /// committee has now signed two hashes for one block.
    Conflicting {
        /// The hash the light node keeps.
        attested_hash: B256,
    },
    /// Neither event: the light node accepted the call and changed nothing (the same hash again).
    Unchanged,
}

/// A mined `updateBlockHeader` transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Submission {
    /// The transaction.
    pub transaction_hash: B256,
    /// The block it was mined in.
    pub block_number: u64,
    /// What the light node did.
    pub outcome: AttestationOutcome,
}

/// Sends `updateBlockHeader(abi.encode(signed))` to `light_node` from the provider's wallet, after
/// simulating it, and waits (up to two minutes) for it to be mined.
///
/// # Errors
/// [`NodeError::Refused`] with the revert reason when the simulation reverts (nothing is sent),
/// [`NodeError::Rpc`] when a request fails, [`NodeError::Unconfirmed`] when the transaction is not
/// mined in time, [`NodeError::Reverted`] when it is mined and reverts.
pub async fn submit_header<N, P>(
    provider: &P,
    light_node: Address,
    signed: &SignedHeader,
) -> Result<Submission, NodeError>
where
    N: Network,
    P: Provider<N> + WalletProvider<N>,
{
    let calldata = update_block_header_calldata(signed);
    let from = provider.default_signer_address();
    let simulation = json!([{ "from": from, "to": light_node, "data": calldata }, "latest"]);
    if let Err(error) = provider.raw_request::<_, Bytes>("eth_call".into(), simulation).await {
        let refusal = error.as_error_resp().filter(|payload| payload.message.contains("revert")).map(|payload| {
            payload.as_revert_data().map_or_else(|| payload.message.to_string(), |data| revert_reason(&data))
        });
        return Err(match refusal {
            Some(reason) => NodeError::Refused { light_node, reason },
            None => NodeError::Rpc { method: "eth_call", source: error },
        });
    }
    let transaction = N::TransactionRequest::default().with_from(from).with_to(light_node).with_input(calldata);
    let pending = provider
        .send_transaction(transaction)
        .await
        .map_err(|source| NodeError::Rpc { method: "eth_sendRawTransaction", source })?;
    let transaction_hash = *pending.tx_hash();
    pending
        .with_timeout(Some(CONFIRMATION_TIMEOUT))
        .watch()
        .await
        .map_err(|source| NodeError::Unconfirmed { transaction: transaction_hash, source })?;
    let receipt = mined_receipt(provider, transaction_hash).await?;
    let block_number = receipt.block_number.unwrap_or_default();
    if !receipt.inner.status() {
        return Err(NodeError::Reverted { transaction: transaction_hash, block: block_number });
    }
    let outcome = receipt
        .inner
        .inner
        .receipt
        .logs
        .iter()
        .filter(|log| log.address() == light_node)
        .find_map(|log| {
            if ICommitteeLightNode::HeaderAttested::decode_log_data(log.data()).is_ok() {
                return Some(AttestationOutcome::Attested);
            }
            ICommitteeLightNode::ConflictingAttestation::decode_log_data(log.data())
                .ok()
                .map(|event| AttestationOutcome::Conflicting { attested_hash: event.attestedHash })
        })
        .unwrap_or(AttestationOutcome::Unchanged);
    Ok(Submission { transaction_hash, block_number, outcome })
}

/// A revert reason a person can read: `Error(string)`'s string, a panic's meaning, or the data.
fn revert_reason(data: &[u8]) -> String {
    if let Ok(revert) = Revert::abi_decode(data) {
        return revert.reason;
    }
    match decode_revert_reason(data) {
        Some(reason) => reason,
        None if data.is_empty() => "reverted without a reason".into(),
        None => format!("reverted with {}", Bytes::copy_from_slice(data)),
    }
}

//! A block attested to a committee light node: what the committee signs, and its submission.

use alloy_primitives::{Address, TxKind, B256, U256};
use alloy_rpc_types_eth::BlockId;
use alloy_sol_types::{Eip712Domain, SolEvent};
use light_client_iface::{
    attestation::{domain, HeaderAttestation, SignedHeader},
    interfaces::ICommitteeLightNode,
    Header,
};
use mos_rpc::{Chain, ChainError, ChainExt, Sender};

use super::{fetch_header, NodeError};
use crate::attest::update_block_header_calldata;

/// What a committee signs to attest a block to a light node, and the domain it signs under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderToAttest {
    /// The light node's EIP-712 domain: the chain it runs on, its address.
    pub domain: Eip712Domain,
    /// The source chain, the block's number and hash, the committee's epoch.
    pub attestation: HeaderAttestation,
}

impl HeaderToAttest {
    /// The attestation of `header` (already checked against its hash) of chain `source_chain`,
    /// for the light node `light_node` on chain `destination_chain` in committee epoch `epoch`.
    pub fn new(source_chain: u64, header: &Header, destination_chain: u64, light_node: Address, epoch: U256) -> Self {
        Self {
            domain: domain(destination_chain, light_node),
            attestation: HeaderAttestation {
                chainId: U256::from(source_chain),
                blockNumber: U256::from(header.number),
                blockHash: header.hash(),
                epoch,
            },
        }
    }
}

/// The attestation of block `block` of the `source` chain for the light node at `light_node` on
/// the `destination` chain.
///
/// The block hash is the hash of the header rebuilt from the source's fields (never the hash the
/// source merely states); the chain ids come from each node's `eth_chainId`; the epoch is `epoch`,
/// or else the light node's `epoch()`.
///
/// # Errors
/// [`NodeError::Chain`] (naming the method), [`NodeError::BlockNotFound`],
/// [`NodeError::HeaderMismatch`] when the source's header cannot be reproduced,
/// [`NodeError::NotALightNode`] when `epoch()` does not return a uint256.
pub async fn header_to_attest<S: Chain + ?Sized, D: Chain + ?Sized>(
    source: &S,
    block: u64,
    destination: &D,
    light_node: Address,
    epoch: Option<U256>,
) -> Result<HeaderToAttest, NodeError> {
    let header = fetch_header(source, BlockId::number(block)).await?;
    let source_chain = source.chain_id().await?;
    let destination_chain = destination.chain_id().await?;
    let epoch = match epoch {
        Some(epoch) => epoch,
        None => match destination.view(light_node, &ICommitteeLightNode::epochCall {}).await {
            Ok(epoch) => epoch,
            Err(ChainError::Undecodable { call, returned }) => {
                return Err(NodeError::NotALightNode { address: light_node, call, returned })
            }
            Err(error) => return Err(error.into()),
        },
    };
    Ok(HeaderToAttest::new(source_chain, &header, destination_chain, light_node, epoch))
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

/// Sends `updateBlockHeader(abi.encode(signed))` to `light_node` from `sender`, after simulating
/// it, and waits (the sender's timeout) for it to be mined.
///
/// # Errors
/// [`NodeError::Refused`] with the revert reason when the simulation reverts (nothing is sent),
/// [`NodeError::Chain`] when a request fails or the transaction is not mined in time
/// ([`ChainError::Unconfirmed`]), [`NodeError::Reverted`] when it is mined and reverts.
pub async fn submit_header(
    sender: &Sender,
    light_node: Address,
    signed: &SignedHeader,
) -> Result<Submission, NodeError> {
    let transaction =
        match sender.sign(TxKind::Call(light_node), update_block_header_calldata(signed), U256::ZERO).await {
            Ok(transaction) => transaction,
            Err(ChainError::Revert { reason, .. }) => return Err(NodeError::Refused { light_node, reason }),
            Err(error) => return Err(error.into()),
        };
    sender.broadcast(&transaction).await?;
    let transaction_hash = transaction.hash;
    // Our own EIP-1559 transaction: its receipt reads as a typed one on any chain.
    let receipt = sender.wait(transaction_hash).await?;
    let block_number = receipt.block_number.unwrap_or_default();
    if !receipt.status() {
        return Err(NodeError::Reverted { transaction: transaction_hash, block: block_number });
    }
    let outcome = receipt
        .inner
        .logs()
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

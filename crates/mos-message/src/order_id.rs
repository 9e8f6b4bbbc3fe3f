//! The orderId every MOS assigns to an outgoing message.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};

/// The identity of one outgoing message.
///
/// `keccak256(abi.encodePacked(mos, nonce, selfChainId, toChain, sender, target))`: the MOS
/// address (the address dApps call) and the sender as 20 bytes, the three numbers as 32-byte words,
/// the target as its raw bytes. `nonce` is the MOS's counter before the send increments it.
///
/// The preimage is hashed in one piece with [`keccak256`], which a Stylus program runs as the
/// host's `native_keccak256` (alloy's streaming hasher would link a software keccak instead).
pub fn order_id(mos: Address, nonce: U256, self_chain: U256, to_chain: U256, sender: Address, target: &[u8]) -> B256 {
    let mut preimage = Vec::with_capacity(20 + 3 * 32 + 20 + target.len());
    preimage.extend_from_slice(mos.as_slice());
    preimage.extend_from_slice(&nonce.to_be_bytes::<32>());
    preimage.extend_from_slice(&self_chain.to_be_bytes::<32>());
    preimage.extend_from_slice(&to_chain.to_be_bytes::<32>());
    preimage.extend_from_slice(sender.as_slice());
    preimage.extend_from_slice(target);
    keccak256(preimage)
}

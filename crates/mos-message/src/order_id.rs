//! The orderId every MOS assigns to an outgoing message.

use alloy_primitives::{Address, Keccak256, B256, U256};

/// The identity of one outgoing message.
///
/// `keccak256(abi.encodePacked(mos, nonce, selfChainId, toChain, sender, target))`: the MOS
/// address (the address dApps call) and the sender as 20 bytes, the three numbers as 32-byte words,
/// the target as its raw bytes. `nonce` is the MOS's counter before the send increments it.
pub fn order_id(mos: Address, nonce: U256, self_chain: U256, to_chain: U256, sender: Address, target: &[u8]) -> B256 {
    let mut hasher = Keccak256::new();
    hasher.update(mos);
    hasher.update(nonce.to_be_bytes::<32>());
    hasher.update(self_chain.to_be_bytes::<32>());
    hasher.update(to_chain.to_be_bytes::<32>());
    hasher.update(sender);
    hasher.update(target);
    hasher.finalize()
}

//! `mos-test-light-node`: stands in for the light client in the MOS tests, as MAP's `LightNodeMock`
//! and `LightClientManagerMock` do in MAP's own tests. It is never deployed anywhere else.
//!
//! It answers both interfaces the MOS calls, `ILightNode` (a chain's MOS) and
//! `ILightClientManager` (the relay's MOS): a "proof" is accepted as it is and returned as the
//! proven logs, so a test proves whatever RLP log list it builds. `setFailure(message)` makes every
//! proof fail with `message` (an empty message accepts proofs again). Notifications emit
//! `ClientNotifySend` / `ManagerNotifySend` as a real light node does, with `block.number`.
//!
//! ```solidity
//! interface IMosTestLightNode {
//!     function verifyProofData(bytes proof) external view returns (bool, string, bytes);
//!     function verifyProofDataWithCache(bytes proof) external returns (bool, string, bytes);
//!     function verifyProofData(uint256 chainId, bytes proof) external view returns (bool, string, bytes);
//!     function verifyProofDataWithCache(uint256 chainId, bytes proof) external returns (bool, string, bytes);
//!     function notifyLightClient(address from, bytes data) external;
//!     function notifyLightClient(uint256 chainId, address from, bytes data) external;
//!     function isVerifiable(uint256 blockHeight, bytes32 hash) external view returns (bool);        // true
//!     function isVerifiable(uint256 chainId, uint256 blockHeight, bytes32 hash) external view returns (bool); // true
//!     function nodeType() external view returns (uint256);                                          // 3
//!     function nodeType(uint256 chainId) external view returns (uint256);                            // 3
//!     function setFailure(string message) external;
//! }
//! ```

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

use light_client_iface::interfaces::{ILightClientManager::ManagerNotifySend, ILightNode::ClientNotifySend};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    prelude::*,
};

/// The failure message lives at this slot (Solidity's layout for `string`).
const FAILURE_SLOT: u64 = 0;

/// What `nodeType` answers: an oracle (committee) light client, as ours.
const NODE_TYPE: u64 = 3;

/// The program; its one value, the failure message, is kept with `storage-bytes`.
#[storage]
#[entrypoint]
pub struct LightNode {}

#[public]
impl LightNode {
    /// `(true, "success", proof)`, or `(false, failure, "")` after `setFailure(failure)`.
    pub fn verify_proof_data(&self, proof: Bytes) -> (bool, String, Bytes) {
        self.verify(proof)
    }

    /// As `verifyProofData`.
    pub fn verify_proof_data_with_cache(&mut self, proof: Bytes) -> (bool, String, Bytes) {
        self.verify(proof)
    }

    /// The manager's `verifyProofData(chainId, proof)`: as the light node's, for every chain.
    #[selector(name = "verifyProofData")]
    pub fn verify_proof_data_of_chain(&self, _chain_id: U256, proof: Bytes) -> (bool, String, Bytes) {
        self.verify(proof)
    }

    /// The manager's `verifyProofDataWithCache(chainId, proof)`.
    #[selector(name = "verifyProofDataWithCache")]
    pub fn verify_proof_data_with_cache_of_chain(&mut self, _chain_id: U256, proof: Bytes) -> (bool, String, Bytes) {
        self.verify(proof)
    }

    /// Emits `ClientNotifySend(from, block.number, data)`.
    pub fn notify_light_client(&mut self, from: Address, data: Bytes) {
        let block = U256::from(self.vm().block_number());
        self.vm().log(ClientNotifySend { sender: from, blockHeight: block, notifyData: data.0.into() });
    }

    /// Emits `ManagerNotifySend(chainId, from, block.number, data)`.
    #[selector(name = "notifyLightClient")]
    pub fn notify_light_client_of_chain(&mut self, chain_id: U256, from: Address, data: Bytes) {
        let block = U256::from(self.vm().block_number());
        self.vm().log(ManagerNotifySend {
            chainId: chain_id,
            sender: from,
            blockHeight: block,
            notifyData: data.0.into(),
        });
    }

    /// Every block is verifiable.
    pub fn is_verifiable(&self, _block_height: U256, _hash: B256) -> bool {
        true
    }

    /// The manager's `isVerifiable(chainId, blockHeight, hash)`: true.
    #[selector(name = "isVerifiable")]
    pub fn is_verifiable_of_chain(&self, _chain_id: U256, _block_height: U256, _hash: B256) -> bool {
        true
    }

    /// 3 (oracle).
    pub fn node_type(&self) -> U256 {
        U256::from(NODE_TYPE)
    }

    /// The manager's `nodeType(chainId)`: 3.
    #[selector(name = "nodeType")]
    pub fn node_type_of_chain(&self, _chain_id: U256) -> U256 {
        U256::from(NODE_TYPE)
    }

    /// Makes every proof fail with `message`; an empty message accepts proofs again.
    pub fn set_failure(&mut self, message: String) {
        storage_bytes::store(self.vm(), U256::from(FAILURE_SLOT), message.as_bytes());
    }
}

impl LightNode {
    fn verify(&self, proof: Bytes) -> (bool, String, Bytes) {
        let failure = storage_bytes::load(self.vm(), U256::from(FAILURE_SLOT));
        if failure.is_empty() {
            return (true, String::from("success"), proof);
        }
        (false, String::from_utf8(failure).unwrap_or_default(), Bytes(Vec::new().into()))
    }
}

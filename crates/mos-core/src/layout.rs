//! The one storage layout of the MOS. Both MOS programs (and every later version of them) read and
//! write their state through this module only, so no two can disagree about a slot.
//!
//! | slot | contents |
//! |---|---|
//! | ERC-1967 admin / implementation | the admin (recorded by the proxy's creation), the program behind the proxy |
//! | 0 | `feeService` (bytes 12..32), `maxPayloadSize` (u64, 4..12), paused (3), initialized (2) |
//! | 1 | `lightNode` (12..32), `nonce` (u96, 0..12) |
//! | 2 | `relayContract` (12..32), `relayChainId` (u96, 0..12) |
//! | 3 | `lightClientManager` |
//! | 4 | `wToken` |
//! | `keccak(orderId ‖ 5)` | the order's status: 0 unknown, 1 delivered, 2 retried, else the hash of the failed message |
//! | `keccak(target ‖ fromChain ‖ 6 ‖ fromAddress)` | `callerList` (the variable-length key last, so preimages are unambiguous) |
//! | `keccak(chainId ‖ 7)` + i | the relay's registry: chain type (byte 0), address length (1), the address from byte 2 on, continued in the following slots |
//!
//! What one operation reads is packed together: `transferOut` reads slots 0 and 1 and writes 1,
//! a destination's `transferIn` reads 0, 1 and 2. Every default is closed: a zero admin, relay
//! contract or fee service, an empty registry entry and a false `callerList` authorise nothing.

use alloc::vec::Vec;

use alloy_primitives::{uint, Address, B256, U256};

use mos_program::{mapping_slot, Host};

/// ERC-1967 admin slot: `bytes32(uint256(keccak256("eip1967.proxy.admin")) - 1)`.
pub const ADMIN_SLOT: U256 = uint!(0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103_U256);
/// ERC-1967 implementation slot: `bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)`.
pub const IMPLEMENTATION_SLOT: U256 = uint!(0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc_U256);

const CONFIG_SLOT: U256 = uint!(0_U256);
const LIGHT_NODE_SLOT: U256 = uint!(1_U256);
const RELAY_SLOT: U256 = uint!(2_U256);
const MANAGER_SLOT: U256 = uint!(3_U256);
const WTOKEN_SLOT: U256 = uint!(4_U256);
const ORDERS: u8 = 5;
const CALLERS: u8 = 6;
const CHAINS: u8 = 7;

/// The largest number the 12-byte fields hold: nonce and relay chain id.
pub const MAX_PACKED_NUMBER: u128 = (1 << 96) - 1;

/// Order status: delivered (or, on the relay, forwarded).
pub const DELIVERED: B256 = B256::with_last_byte(1);
/// Order status: failed once, then delivered by `retryMessageIn`.
pub const RETRIED: B256 = B256::with_last_byte(2);

/// The address in the low 20 bytes of a slot.
pub fn load_address(host: &Host, slot: U256) -> Address {
    Address::from_word(host.load(slot))
}

/// Stores `address` alone in `slot`.
pub fn store_address(host: &Host, slot: U256, address: Address) {
    host.store(slot, address.into_word());
}

/// The ERC-1967 admin.
pub fn admin(host: &Host) -> Address {
    load_address(host, ADMIN_SLOT)
}

/// The `wToken` slot's address.
pub fn w_token(host: &Host) -> Address {
    load_address(host, WTOKEN_SLOT)
}

/// Sets `wToken`.
pub fn set_w_token(host: &Host, token: Address) {
    store_address(host, WTOKEN_SLOT, token);
}

/// The relay chain's light-client manager (zero on other chains).
pub fn light_client_manager(host: &Host) -> Address {
    load_address(host, MANAGER_SLOT)
}

/// Sets the light-client manager.
pub fn set_light_client_manager(host: &Host, manager: Address) {
    store_address(host, MANAGER_SLOT, manager);
}

/// Slot 0: what every send and delivery checks first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// The fee service; zero: no destination is supported.
    pub fee_service: Address,
    /// The largest payload `transferOut` accepts.
    pub max_payload_size: u64,
    /// Sends and deliveries are refused.
    pub paused: bool,
    /// `initialize` has run.
    pub initialized: bool,
}

impl Config {
    /// Reads slot 0.
    pub fn load(host: &Host) -> Self {
        let word = host.load(CONFIG_SLOT);
        let mut size = [0u8; 8];
        size.copy_from_slice(&word[4..12]);
        Self {
            fee_service: Address::from_word(word),
            max_payload_size: u64::from_be_bytes(size),
            paused: word[3] != 0,
            initialized: word[2] != 0,
        }
    }

    /// Writes slot 0.
    pub fn store(&self, host: &Host) {
        let mut word = self.fee_service.into_word();
        word[4..12].copy_from_slice(&self.max_payload_size.to_be_bytes());
        word[3] = u8::from(self.paused);
        word[2] = u8::from(self.initialized);
        host.store(CONFIG_SLOT, word);
    }
}

/// Slot 1: `lightNode` (on the relay, kept only for parity with MAP) and `nonce`, the number of the
/// next order, in bytes 0..12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LightNodeAndNonce {
    /// The chain's light node.
    pub light_node: Address,
    /// The nonce of the next order sent; at most [`MAX_PACKED_NUMBER`].
    pub nonce: u128,
}

impl LightNodeAndNonce {
    /// Reads slot 1.
    pub fn load(host: &Host) -> Self {
        let (light_node, nonce) = unpack(host.load(LIGHT_NODE_SLOT));
        Self { light_node, nonce }
    }

    /// Writes slot 1; callers keep the nonce at most [`MAX_PACKED_NUMBER`].
    pub fn store(&self, host: &Host) {
        host.store(LIGHT_NODE_SLOT, pack(self.light_node, self.nonce));
    }
}

/// `lightNode`.
pub fn light_node(host: &Host) -> Address {
    LightNodeAndNonce::load(host).light_node
}

/// Sets `lightNode`, keeping the nonce.
pub fn set_light_node(host: &Host, light_node: Address) {
    LightNodeAndNonce { light_node, ..LightNodeAndNonce::load(host) }.store(host);
}

/// Slot 2: `relayContract`, the relay chain's MOS whose messages a chain's MOS takes, and
/// `relayChainId` in bytes 0..12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelayMos {
    /// The relay chain's MOS.
    pub address: Address,
    /// The relay chain's id; at most [`MAX_PACKED_NUMBER`].
    pub chain_id: u128,
}

impl RelayMos {
    /// Reads slot 2.
    pub fn load(host: &Host) -> Self {
        let (address, chain_id) = unpack(host.load(RELAY_SLOT));
        Self { address, chain_id }
    }

    /// Writes slot 2; callers keep the chain id at most [`MAX_PACKED_NUMBER`].
    pub fn store(&self, host: &Host) {
        host.store(RELAY_SLOT, pack(self.address, self.chain_id));
    }
}

/// An address in bytes 12..32 and a number below 2^96 in bytes 0..12.
fn unpack(word: B256) -> (Address, u128) {
    let mut number = [0u8; 16];
    number[4..].copy_from_slice(&word[..12]);
    (Address::from_word(word), u128::from_be_bytes(number))
}

/// [`unpack`]'s inverse; the number's bits above 96 are dropped.
fn pack(address: Address, number: u128) -> B256 {
    let mut word = address.into_word();
    word[..12].copy_from_slice(&number.to_be_bytes()[4..]);
    word
}

/// The status word of an order: zero (unknown), [`DELIVERED`], [`RETRIED`], or the hash of the
/// message that failed.
pub fn order_status(host: &Host, order_id: B256) -> B256 {
    host.load(mapping_slot(host, order_id, U256::from(ORDERS)))
}

/// Sets the status word of an order.
pub fn set_order_status(host: &Host, order_id: B256, status: B256) {
    host.store(mapping_slot(host, order_id, U256::from(ORDERS)), status);
}

fn caller_slot(host: &Host, target: Address, from_chain: U256, from_address: &[u8]) -> U256 {
    let mut preimage = Vec::with_capacity(96 + from_address.len());
    preimage.extend_from_slice(target.into_word().as_slice());
    preimage.extend_from_slice(&from_chain.to_be_bytes::<32>());
    preimage.extend_from_slice(&U256::from(CALLERS).to_be_bytes::<32>());
    preimage.extend_from_slice(from_address);
    host.keccak(&preimage).into()
}

/// `callerList[target][fromChain][fromAddress]`.
pub fn caller_allowed(host: &Host, target: Address, from_chain: U256, from_address: &[u8]) -> bool {
    !host.load(caller_slot(host, target, from_chain, from_address)).is_zero()
}

/// Sets `callerList[target][fromChain][fromAddress]`.
pub fn set_caller_allowed(host: &Host, target: Address, from_chain: U256, from_address: &[u8], allowed: bool) {
    host.store(caller_slot(host, target, from_chain, from_address), B256::with_last_byte(u8::from(allowed)));
}

/// Bytes of a registered address the registry's first slot holds.
const FIRST_SLOT_BYTES: usize = 30;

/// A chain in the relay's registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredChain {
    /// The `ChainType` as stored (0 NULL: not registered).
    pub chain_type: u8,
    /// The chain's MOS, as `mosContracts` returns it.
    pub host: Vec<u8>,
}

impl RegisteredChain {
    /// Reads `chainId`'s entry: one slot for an EVM chain.
    pub fn load(host: &Host, chain_id: U256) -> Self {
        let base = mapping_slot(host, chain_id.into(), U256::from(CHAINS));
        let first = host.load(base);
        let len = usize::from(first[1]);
        let mut address = Vec::with_capacity(len);
        address.extend_from_slice(&first[2..2 + len.min(FIRST_SLOT_BYTES)]);
        let mut slot = base;
        while address.len() < len {
            slot = slot.wrapping_add(U256::from(1));
            let word = host.load(slot);
            let take = (len - address.len()).min(32);
            address.extend_from_slice(&word[..take]);
        }
        Self { chain_type: first[0], host: address }
    }

    /// Writes `chainId`'s entry. Words past the new address are not cleared: the length bounds
    /// every read.
    ///
    /// # Errors
    /// `MOSV3: Address too long` above 255 bytes.
    pub fn store(&self, host: &Host, chain_id: U256) -> mos_program::ProgramResult<()> {
        let len = u8::try_from(self.host.len()).map_err(|_| crate::revert::error(crate::revert::ADDRESS_TOO_LONG))?;
        let base = mapping_slot(host, chain_id.into(), U256::from(CHAINS));
        let (head, mut rest) = self.host.split_at(self.host.len().min(FIRST_SLOT_BYTES));
        let mut first = B256::ZERO;
        first[0] = self.chain_type;
        first[1] = len;
        first[2..2 + head.len()].copy_from_slice(head);
        host.store(base, first);
        let mut slot = base;
        while !rest.is_empty() {
            let (chunk, tail) = rest.split_at(rest.len().min(32));
            let mut word = B256::ZERO;
            word[..chunk.len()].copy_from_slice(chunk);
            slot = slot.wrapping_add(U256::from(1));
            host.store(slot, word);
            rest = tail;
        }
        Ok(())
    }
}

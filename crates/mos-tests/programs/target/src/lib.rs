//! `mos-test-target`: the dApp end of the MOS tests. It is never deployed anywhere else.
//!
//! It is MAP's `Echo` (`evm/contracts/mocks/Echo.sol`), with the same functions and revert strings,
//! so MAP's own test scenarios replay against the MOS unchanged: `setList` / `setRelayList` for
//! CALLDATA (only from whitelisted callers), `mapoExecute` for MESSAGE (only if the MOS says the
//! sender may execute here: a view call back into the MOS while it executes this target), `echo`
//! to send. Unlike MAP's Echo it has no owner: anyone may configure it.
//!
//! `setMode(mode, data)` changes what `mapoExecute` does, for the misbehaviours the tests need:
//! 0 Echo (MAP's behaviour), 1 revert with `data` as the raw revert data, 2 burn all its gas,
//! 3 call the MOS with `data` as calldata and return its answer (passing on its revert), 4 return
//! `data` (on the relay chain: the next hop's message). Every `mapoExecute` that returns keeps its
//! arguments for `lastMessage()`. For CALLDATA: `fail(reason)` reverts with `reason` raw, `burn()`
//! runs out of gas, `callMos(data)` calls the MOS.
//!
//! ```solidity
//! interface IMosTestTarget {
//!     function setList(string key, string val) external returns (bool);
//!     function setRelayList(string key, string val) external returns (bytes);
//!     function EchoList(string key) external view returns (string);
//!     function setWhiteList(address executor) external;
//!     function setMapoService(address mos) external;
//!     function addCorrespondence(uint256 fromChain, bytes targetAddress, bool tag) external;
//!     function echo(uint256 toChain, bytes target, string key, string val) external payable;
//!     function mapoExecute(uint256 fromChain, uint256 toChain, bytes fromAddress, bytes32 orderId, bytes message)
//!         external returns (bytes);
//!     function setMode(uint8 mode, bytes data) external;
//!     function lastMessage() external view returns (uint256 fromChain, uint256 toChain, bytes fromAddress, bytes32 orderId, bytes message);
//!     function fail(bytes reason) external;
//!     function burn() external;
//!     function callMos(bytes data) external returns (bytes);
//! }
//! ```

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

use mos_message::interfaces::IMOSV3;
use mos_message::{MessageData, MessageType};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    alloy_sol_types::{Revert, SolCall, SolError, SolValue},
    call::{call, static_call},
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageBool, StorageMap, StorageU256, StorageU8},
};

/// Gas MAP's Echo asks for its messages.
const ECHO_GAS_LIMIT: u64 = 500_000;

/// Slots of the variable-length values, kept with `storage-bytes`, far above the fields'.
const ECHO_LIST_SLOT: u64 = 0x100;
const MODE_DATA_SLOT: u64 = 0x101;
const LAST_FROM_ADDRESS_SLOT: u64 = 0x102;
const LAST_MESSAGE_SLOT: u64 = 0x103;

/// The program's state.
#[storage]
#[entrypoint]
pub struct Target {
    mos: StorageAddress,
    white_list: StorageMap<Address, StorageBool>,
    mode: StorageU8,
    last_from_chain: StorageU256,
    last_to_chain: StorageU256,
    last_order_id: StorageB256,
}

fn fail(reason: &str) -> Vec<u8> {
    Revert::from(reason).abi_encode()
}

#[public]
impl Target {
    /// MAP's `setList`: stores `val` under `key`, for whitelisted callers.
    ///
    /// # Errors
    /// `" have no right "` for anyone else.
    pub fn set_list(&mut self, key: String, val: String) -> Result<bool, Vec<u8>> {
        self.only_white_listed()?;
        self.store_pair(&key, &val);
        Ok(true)
    }

    /// MAP's `setRelayList`: as `setList`, returning `abi.encode("hello", "hellCallData")`.
    ///
    /// # Errors
    /// `" have no right "` for callers not whitelisted.
    pub fn set_relay_list(&mut self, key: String, val: String) -> Result<Bytes, Vec<u8>> {
        self.only_white_listed()?;
        self.store_pair(&key, &val);
        Ok(("hello", "hellCallData").abi_encode_params().into())
    }

    /// MAP's `EchoList(key)`.
    #[selector(name = "EchoList")]
    pub fn echo_list(&self, key: String) -> String {
        let slot = storage_bytes::mapping_slot(key.as_bytes(), U256::from(ECHO_LIST_SLOT));
        String::from_utf8(storage_bytes::load(self.vm(), slot)).unwrap_or_default()
    }

    /// Allows `executor` (the MOS) to call `setList` and `setRelayList`.
    pub fn set_white_list(&mut self, executor: Address) {
        self.white_list.setter(executor).set(true);
    }

    /// The MOS this target sends through and asks for permissions.
    pub fn set_mapo_service(&mut self, mos: Address) {
        self.mos.set(mos);
    }

    /// `addRemoteCaller` on the MOS, with this target as the caller.
    ///
    /// # Errors
    /// The MOS's revert data.
    pub fn add_correspondence(&mut self, from_chain: U256, target_address: Bytes, tag: bool) -> Result<(), Vec<u8>> {
        let data = IMOSV3::addRemoteCallerCall { fromChain: from_chain, fromAddress: target_address.0.into(), tag }
            .abi_encode();
        self.call_mos(data.into()).map(drop)
    }

    /// MAP's `echo`: sends `setList(key, val)` to `target` on `to_chain` as CALLDATA (the flattened
    /// `MessageData` encoding), paying the native fee with the value sent.
    ///
    /// # Errors
    /// The MOS's revert data.
    #[payable]
    pub fn echo(&mut self, to_chain: U256, target: Bytes, key: String, val: String) -> Result<(), Vec<u8>> {
        let payload = set_list_calldata(&key, &val);
        let message = MessageData {
            relay: false,
            msg_type: MessageType::Calldata,
            target: target.0.into(),
            payload: payload.into(),
            gas_limit: U256::from(ECHO_GAS_LIMIT),
            value: U256::ZERO,
        };
        let data = IMOSV3::transferOutCall {
            toChain: to_chain,
            messageData: message.encode_flat().into(),
            feeToken: Address::ZERO,
        }
        .abi_encode();
        let value = self.vm().msg_value();
        let mos = self.mos.get();
        let context = Call::new_payable(self, value);
        call(self.vm(), context, mos, &data).map(drop).map_err(Vec::<u8>::from)
    }

    /// What the MOS calls for a MESSAGE; what it does depends on `setMode`.
    ///
    /// # Errors
    /// Mode 0: `"no permission"` unless the MOS allows the sender, or a message that is not
    /// `(string, string)`; mode 1: `data`; mode 3: the MOS's revert data.
    pub fn mapo_execute(
        &mut self,
        from_chain: U256,
        to_chain: U256,
        from_address: Bytes,
        order_id: B256,
        message: Bytes,
    ) -> Result<Bytes, Vec<u8>> {
        let data = storage_bytes::load(self.vm(), U256::from(MODE_DATA_SLOT));
        let reply = match self.mode.get().to::<u8>() {
            1 => return Err(data),
            2 => self.burn_gas(),
            3 => self.call_mos(data.into())?.0.to_vec(),
            4 => data,
            _ => self.echo_message(from_chain, &from_address, &message)?,
        };
        self.last_from_chain.set(from_chain);
        self.last_to_chain.set(to_chain);
        self.last_order_id.set(order_id);
        storage_bytes::store(self.vm(), U256::from(LAST_FROM_ADDRESS_SLOT), &from_address);
        storage_bytes::store(self.vm(), U256::from(LAST_MESSAGE_SLOT), &message);
        Ok(reply.into())
    }

    /// Sets what `mapoExecute` does (see the crate docs).
    pub fn set_mode(&mut self, mode: u8, data: Bytes) {
        self.mode.set(stylus_sdk::alloy_primitives::Uint::from(mode));
        storage_bytes::store(self.vm(), U256::from(MODE_DATA_SLOT), &data);
    }

    /// The arguments of the last `mapoExecute` that returned.
    pub fn last_message(&self) -> (U256, U256, Bytes, B256, Bytes) {
        (
            self.last_from_chain.get(),
            self.last_to_chain.get(),
            storage_bytes::load(self.vm(), U256::from(LAST_FROM_ADDRESS_SLOT)).into(),
            self.last_order_id.get(),
            storage_bytes::load(self.vm(), U256::from(LAST_MESSAGE_SLOT)).into(),
        )
    }

    /// Reverts with `reason` as the raw revert data.
    ///
    /// # Errors
    /// Always: `reason`.
    pub fn fail(&mut self, reason: Bytes) -> Result<(), Vec<u8>> {
        Err(reason.0.into())
    }

    /// Runs until its gas is gone.
    pub fn burn(&mut self) {
        self.burn_gas();
    }

    /// Calls the MOS with `data`; returns its answer.
    ///
    /// # Errors
    /// The MOS's revert data.
    pub fn call_mos(&mut self, data: Bytes) -> Result<Bytes, Vec<u8>> {
        let mos = self.mos.get();
        let context = Call::new_mutating(self);
        call(self.vm(), context, mos, &data).map(Bytes::from).map_err(Vec::<u8>::from)
    }
}

/// `setList(key, val)` calldata.
fn set_list_calldata(key: &str, val: &str) -> Vec<u8> {
    let mut calldata = stylus_sdk::function_selector!("setList", String, String).to_vec();
    calldata.extend((key, val).abi_encode_params());
    calldata
}

impl Target {
    fn only_white_listed(&self) -> Result<(), Vec<u8>> {
        if self.white_list.get(self.vm().msg_sender()) {
            Ok(())
        } else {
            Err(fail(" have no right "))
        }
    }

    fn store_pair(&mut self, key: &str, val: &str) {
        let slot = storage_bytes::mapping_slot(key.as_bytes(), U256::from(ECHO_LIST_SLOT));
        storage_bytes::store(self.vm(), slot, val.as_bytes());
    }

    /// MAP's `mapoExecute`: asks the MOS for permission, stores the pair, returns
    /// `abi.encode("hello-Target-address", key)`.
    fn echo_message(&mut self, from_chain: U256, from_address: &[u8], message: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        let this = self.vm().contract_address();
        let ask = IMOSV3::getExecutePermissionCall {
            targetAddress: this,
            fromChain: from_chain,
            fromAddress: from_address.to_vec().into(),
        }
        .abi_encode();
        let mos = self.mos.get();
        let answer = static_call(self.vm(), Call::new(), mos, &ask).map_err(Vec::<u8>::from)?;
        if !bool::abi_decode(&answer).unwrap_or(false) {
            return Err(fail("no permission"));
        }
        let (key, value) = <(String, String)>::abi_decode_params(message).map_err(|_| Vec::new())?;
        self.store_pair(&key, &value);
        Ok(("hello-Target-address", key).abi_encode_params())
    }

    fn burn_gas(&self) -> ! {
        loop {
            self.vm().evm_gas_left();
        }
    }
}

//! Echo: the dApp to copy when you build on the MOS.
//!
//! It does what MAP's Solidity `Echo` does, as a Stylus program:
//!
//! - `echo(toChain, target, key, value)` sends a CALLDATA message: on the destination the MOS calls
//!   `target.setList(key, value)`, which the target accepts only from its MOS and only if the
//!   sender was allowed with `addCorrespondence` (the MOS's `callerList`).
//! - `echoMessage(toChain, target, key, value, relay)` sends a MESSAGE: the MOS calls
//!   `target.mapoExecute(...)`, and the target asks the MOS `getExecutePermission` before it
//!   stores the pair (a view call back into the MOS while the MOS is executing it). With `relay`,
//!   the Echo on the relay chain executes it first and forwards it to the Echo it knows for the
//!   destination (`setTarget`).
//! - `echoList(key)` reads what arrived.
//!
//! The owner is whoever deployed it: deploy with `stylus_wasm::deploy::init_code_recording_deployer`
//! and slot 0 (the `owner` field), so no one can take the program between deployment and setup.
//!
//! Its interface is [`IEcho.sol`](../IEcho.sol) (what a Solidity or Rust caller compiles against).

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::{string::String, vec::Vec};

use alloy_sol_types::{sol, SolCall, SolError, SolValue};
use mos_message::{interfaces::IMOSV3, MessageData, MessageType};
use stylus_sdk::{
    abi::Bytes,
    alloy_primitives::{Address, B256, U256},
    call::{call, static_call},
    prelude::*,
    storage::{StorageAddress, StorageMap},
};

/// Gas the destination gives the Echo call, as MAP's Echo asks.
const ECHO_GAS_LIMIT: u64 = 500_000;

sol! {
    /// The call a CALLDATA echo asks the destination MOS to make.
    function setList(string key, string value);
}

/// The program's state. `owner` is the first field, slot 0, written by the deployment.
#[storage]
#[entrypoint]
pub struct Echo {
    owner: StorageAddress,
    mos: StorageAddress,
    targets: StorageMap<U256, StorageAddress>,
}

/// The echo list is a Solidity `mapping(string => string)` at this slot, kept with `storage-bytes`
/// rather than the SDK's `StorageString`, which costs a program 5 KB of code (see that crate).
/// Far above the slots the `#[storage]` fields use.
const ECHO_LIST_SLOT: u64 = 0x0100;

/// Reverts with Solidity's `Error(string)`, as `require` does.
fn fail(reason: &str) -> Vec<u8> {
    alloy_sol_types::Revert::from(reason).abi_encode()
}

#[public]
impl Echo {
    /// Sets the MOS this Echo sends through and accepts deliveries from.
    ///
    /// # Errors
    /// Reverts `Echo: only owner` for anyone but the owner.
    pub fn set_mapo_service(&mut self, mos: Address) -> Result<(), Vec<u8>> {
        self.only_owner()?;
        self.mos.set(mos);
        Ok(())
    }

    /// Allows (or with `tag` false, revokes) `from_address` on `from_chain` to send CALLDATA to
    /// this Echo: `addRemoteCaller` on the MOS, with this Echo as the caller.
    ///
    /// # Errors
    /// Reverts `Echo: only owner`, or with the MOS's revert data.
    pub fn add_correspondence(&mut self, from_chain: U256, from_address: Bytes, tag: bool) -> Result<(), Vec<u8>> {
        self.only_owner()?;
        let data = IMOSV3::addRemoteCallerCall { fromChain: from_chain, fromAddress: from_address.0.into(), tag };
        let mos = self.mos.get();
        let context = Call::new_mutating(self);
        call(self.vm(), context, mos, &data.abi_encode())?;
        Ok(())
    }

    /// Sets the Echo on `chain_id` that relayed messages are forwarded to.
    ///
    /// # Errors
    /// Reverts `Echo: only owner`.
    pub fn set_target(&mut self, chain_id: U256, target: Address) -> Result<(), Vec<u8>> {
        self.only_owner()?;
        self.targets.setter(chain_id).set(target);
        Ok(())
    }

    /// Sends `setList(key, value)` to `target` on `to_chain` as a CALLDATA message, paying the
    /// MOS's native fee with the value sent.
    ///
    /// # Errors
    /// Reverts with the MOS's revert data (`MOSV3: Need message fee`, ...).
    #[payable]
    pub fn echo(&mut self, to_chain: U256, target: Bytes, key: String, value: String) -> Result<B256, Vec<u8>> {
        let payload = setListCall { key, value }.abi_encode();
        self.send(to_chain, MessageType::Calldata, false, target, payload)
    }

    /// Sends `(key, value)` to `target` on `to_chain` as a MESSAGE; with `relay`, the Echo on the
    /// relay chain executes it first and forwards it.
    ///
    /// # Errors
    /// Reverts with the MOS's revert data.
    #[payable]
    pub fn echo_message(
        &mut self,
        to_chain: U256,
        target: Bytes,
        key: String,
        value: String,
        relay: bool,
    ) -> Result<B256, Vec<u8>> {
        let payload = (key, value).abi_encode_params();
        self.send(to_chain, MessageType::Message, relay, target, payload)
    }

    /// Stores a pair delivered as CALLDATA.
    ///
    /// # Errors
    /// Reverts `Echo: only MOS` unless called by the MOS.
    pub fn set_list(&mut self, key: String, value: String) -> Result<(), Vec<u8>> {
        self.only_mos()?;
        storage_bytes::store(
            self.vm(),
            storage_bytes::mapping_slot(key.as_bytes(), U256::from(ECHO_LIST_SLOT)),
            value.as_bytes(),
        );
        Ok(())
    }

    /// Stores a pair delivered as a MESSAGE, after asking the MOS whether the sender may execute
    /// here. On the relay chain, forwards it to the Echo set for `to_chain` by returning the
    /// MessageData of the next hop.
    ///
    /// # Errors
    /// Reverts `Echo: only MOS`, `Echo: no permission`, `Echo: bad message`.
    pub fn mapo_execute(
        &mut self,
        from_chain: U256,
        to_chain: U256,
        from_address: Bytes,
        _order_id: B256,
        message: Bytes,
    ) -> Result<Bytes, Vec<u8>> {
        self.only_mos()?;
        let this = self.vm().contract_address();
        let ask = IMOSV3::getExecutePermissionCall {
            targetAddress: this,
            fromChain: from_chain,
            fromAddress: from_address.0.into(),
        };
        let mos = self.mos.get();
        let answer = static_call(self.vm(), Call::new(), mos, &ask.abi_encode())?;
        if !bool::abi_decode(&answer).unwrap_or(false) {
            return Err(fail("Echo: no permission"));
        }
        let (key, value) = <(String, String)>::abi_decode_params(&message).map_err(|_| fail("Echo: bad message"))?;
        storage_bytes::store(
            self.vm(),
            storage_bytes::mapping_slot(key.as_bytes(), U256::from(ECHO_LIST_SLOT)),
            value.as_bytes(),
        );
        let next = self.targets.get(to_chain);
        if next.is_zero() {
            return Ok(Bytes::default());
        }
        let forward = MessageData {
            relay: false,
            msg_type: MessageType::Message,
            target: next.as_slice().to_vec().into(),
            payload: message.0.into(),
            gas_limit: U256::from(ECHO_GAS_LIMIT),
            value: U256::ZERO,
        };
        Ok(forward.encode().into())
    }

    /// The value stored for `key`.
    pub fn echo_list(&self, key: String) -> String {
        String::from_utf8(storage_bytes::load(
            self.vm(),
            storage_bytes::mapping_slot(key.as_bytes(), U256::from(ECHO_LIST_SLOT)),
        ))
        .unwrap_or_default()
    }

    /// The owner: the account that deployed the program.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The MOS this Echo uses.
    pub fn mapo_service(&self) -> Address {
        self.mos.get()
    }
}

impl Echo {
    fn only_owner(&self) -> Result<(), Vec<u8>> {
        let owner = self.owner.get();
        if owner.is_zero() || self.vm().msg_sender() != owner {
            return Err(fail("Echo: only owner"));
        }
        Ok(())
    }

    fn only_mos(&self) -> Result<(), Vec<u8>> {
        let mos = self.mos.get();
        if mos.is_zero() || self.vm().msg_sender() != mos {
            return Err(fail("Echo: only MOS"));
        }
        Ok(())
    }

    /// `transferOut(toChain, messageData, native fee)` with all the value sent.
    fn send(
        &mut self,
        to_chain: U256,
        msg_type: MessageType,
        relay: bool,
        target: Bytes,
        payload: Vec<u8>,
    ) -> Result<B256, Vec<u8>> {
        let message = MessageData {
            relay,
            msg_type,
            target: target.0.into(),
            payload: payload.into(),
            gas_limit: U256::from(ECHO_GAS_LIMIT),
            value: U256::ZERO,
        };
        let data = IMOSV3::transferOutCall {
            toChain: to_chain,
            messageData: message.encode().into(),
            feeToken: Address::ZERO,
        };
        let mos = self.mos.get();
        let fee = self.vm().msg_value();
        let context = Call::new_payable(self, fee);
        let output = call(self.vm(), context, mos, &data.abi_encode())?;
        B256::abi_decode(&output).map_err(|_| fail("Echo: bad orderId"))
    }
}

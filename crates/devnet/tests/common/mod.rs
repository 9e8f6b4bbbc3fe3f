//! A chain with helpers to sign, send and deploy from the dev accounts.
#![allow(dead_code)] // each test file uses a different part

use alloy_consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy_eips::eip2718::Encodable2718;
use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_signer::SignerSync;
use alloy_sol_types::SolCall;
use devnet::{
    block::TxReceipt,
    dev_accounts::dev_signer,
    exec::{CallParams, CallResult, StateOverride, ARB_WASM},
    BlockId, Chain, ChainConfig,
};

pub const GAS_PRICE: u128 = 20_000_000;

pub struct Dev {
    pub chain: Chain,
}

impl Dev {
    pub fn new() -> Self {
        Self { chain: Chain::new(ChainConfig::default()) }
    }

    pub fn address(index: u32) -> Address {
        dev_signer(index).unwrap().address()
    }

    /// Signs an EIP-1559 transaction from dev account `from`.
    pub fn sign(&self, from: u32, to: TxKind, value: U256, input: Bytes, gas_limit: u64) -> Vec<u8> {
        let signer = dev_signer(from).unwrap();
        let nonce = self.chain.read_state(BlockId::Latest, |s| s.nonce(&signer.address())).unwrap();
        self.sign_with_nonce(from, nonce, to, value, input, gas_limit)
    }

    pub fn sign_with_nonce(
        &self,
        from: u32,
        nonce: u64,
        to: TxKind,
        value: U256,
        input: Bytes,
        gas_limit: u64,
    ) -> Vec<u8> {
        let signer = dev_signer(from).unwrap();
        let tx = TxEip1559 {
            chain_id: self.chain.config().chain_id,
            nonce,
            gas_limit,
            max_fee_per_gas: GAS_PRICE,
            max_priority_fee_per_gas: 0,
            to,
            value,
            access_list: Default::default(),
            input,
        };
        let signature = signer.sign_hash_sync(&tx.signature_hash()).unwrap();
        TxEnvelope::from(tx.into_signed(signature)).encoded_2718()
    }

    /// Sends a transaction and returns its receipt.
    pub fn send(&mut self, from: u32, to: TxKind, value: U256, input: Bytes, gas_limit: u64) -> TxReceipt {
        let raw = self.sign(from, to, value, input, gas_limit);
        let hash = self.chain.send_raw_transaction(&raw).unwrap();
        self.receipt(hash)
    }

    pub fn receipt(&self, hash: B256) -> TxReceipt {
        let (block, index) = self.chain.transaction(&hash).unwrap();
        block.receipts[index].clone()
    }

    pub fn call(&mut self, to: Address, data: Bytes) -> CallResult {
        self.chain
            .call(&CallParams { to: Some(to), data, ..Default::default() }, BlockId::Latest, &StateOverride::default())
            .unwrap()
    }

    /// Deploys Stylus code (the `EF F0 00` framing) and activates it; returns the program's address.
    pub fn deploy_program(&mut self, code: &[u8]) -> Address {
        let init = stylus_wasm::deploy::init_code(code);
        let receipt = self.send(0, TxKind::Create, U256::ZERO, init.into(), 10_000_000);
        assert!(receipt.receipt.success, "deployment failed");
        let address = receipt.contract_address.unwrap();
        self.activate(address, U256::from(10u64).pow(U256::from(18)));
        address
    }

    /// Activates the program at `address`, paying up to `value`.
    pub fn activate(&mut self, address: Address, value: U256) -> TxReceipt {
        let data = devnet::exec::ArbWasm::activateProgramCall { program: address }.abi_encode();
        let receipt = self.send(0, TxKind::Call(ARB_WASM), value, data.into(), 20_000_000);
        assert!(receipt.receipt.success, "activation failed: {:?}", receipt.output);
        receipt
    }
}

/// A WAT module compiled and framed as a deployable Stylus program.
pub fn program_code(wat: &str) -> Vec<u8> {
    let wasm = wat::parse_str(wat).unwrap();
    let processed = stylus_wasm::deploy::process_wasm(&wasm, [0; 32]).unwrap();
    stylus_wasm::deploy::contract_code(&processed).unwrap()
}

/// Deployable code of a test program, built by `stylus-build` (cached by cargo between tests).
pub fn test_program(package: &str) -> Vec<u8> {
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = stylus_build::BuildSpec::new(package, workspace);
    stylus_build::build_program(&spec).unwrap_or_else(|e| panic!("building {package}: {e}")).code
}

/// Stores a 32-byte argument in slot 0 and logs it as a topic; with no argument returns slot 0;
/// with any other length reverts with the argument as revert data.
pub const STORE_WAT: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (import "vm_hooks" "emit_log" (func $emit (param i32 i32 i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.eq (local.get $len) (i32.const 32))
      (then
        (call $cache (i32.const 256) (i32.const 0))
        (call $flush (i32.const 0))
        (call $emit (i32.const 0) (i32.const 32) (i32.const 1))
        (return (i32.const 0))))
    (if (i32.eqz (local.get $len))
      (then
        (call $load (i32.const 256) (i32.const 512))
        (call $write_result (i32.const 512) (i32.const 32))
        (return (i32.const 0))))
    (call $write_result (i32.const 0) (local.get $len))
    (i32.const 1)))
"#;

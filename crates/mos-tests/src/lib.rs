//! The MOS on the devnet: deploys the real wasm of the MOS programs behind the MOS proxy, with the
//! fee service, the test light node, the test token and the test target, and drives them with dev
//! accounts. The tests in `tests/` and the gas measurements use it.
//!
//! A [`Suite`] is one devnet chain with one MOS: a chain's MOS (`mos-dest`) or the relay chain's
//! (`mos-relay`). Messages from other chains are "proven" by the test light node, which returns
//! whatever RLP log list it is given as the proof ([`proof`]), as MAP's `LightNodeMock` does.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use alloy_consensus::{TxEip1559, TypedTransaction};
use alloy_primitives::{address, b256, Address, Bytes, Log, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use devnet::block::TxReceipt;
use devnet::dev_accounts::dev_addresses;
use devnet::{
    arbos::{ArbWasmCache, ARB_WASM_CACHE},
    exec::{ArbWasm, CallParams, CallResult, StateOverride, ARB_WASM},
};
use devnet::{BlockId, Chain, ChainConfig};
use mos_message::interfaces::{IFeeService, IMOSAdmin, IMOSRelay, IMOSV3};
use mos_message::{MessageData, MessageType};

pub mod light_client;
pub mod map_fixtures;
pub mod sealed_relay;
pub mod seeds;
pub mod state;

sol! {
    /// `mos-test-light-node` (see its crate docs).
    interface IMosTestLightNode {
        function setFailure(string message) external;
    }

    /// `mos-test-token` (see its crate docs).
    interface IMosTestToken {
        function transfer(address to, uint256 amount) external returns (bool);
        function approve(address spender, uint256 amount) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
        function mint(address to, uint256 amount) external;
        function setAnswerFalse(bool answerFalse) external;
        function setTransferFee(uint256 percent) external;
    }

    /// `mos-test-target` (see its crate docs): MAP's Echo and the misbehaviours.
    interface IMosTestTarget {
        function setList(string key, string val) external returns (bool);
        function setRelayList(string key, string val) external returns (bytes);
        function EchoList(string key) external view returns (string);
        function setWhiteList(address executor) external;
        function setMapoService(address mos) external;
        function addCorrespondence(uint256 fromChain, bytes targetAddress, bool tag) external;
        function echo(uint256 toChain, bytes target, string key, string val) external payable;
        function setMode(uint8 mode, bytes data) external;
        function lastMessage() external view returns (uint256 fromChain, uint256 toChain, bytes fromAddress, bytes32 orderId, bytes message);
        function fail(bytes reason) external;
        function burn() external;
        function callMos(bytes data) external returns (bytes);
    }
}

/// What `mos-test-target`'s `mapoExecute` does (`setMode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum TargetMode {
    /// MAP's Echo: ask the MOS for permission, store the pair.
    Echo = 0,
    /// Revert with the mode's data.
    Revert = 1,
    /// Burn all gas.
    Burn = 2,
    /// Call the MOS with the mode's data.
    CallMos = 3,
    /// Return the mode's data.
    Reply = 4,
}

/// The chain id of every suite's chain: what MAP's test vectors were made for.
pub const SELF_CHAIN: u64 = 212;
/// On a chain's MOS, the relay chain; on the relay, the source chain: the chain MAP's vectors come from.
pub const OTHER_CHAIN: u64 = 5;
/// A destination with a fee, as MAP's tests configure it.
pub const FEE_CHAIN: u64 = 97;
/// The MOS of [`OTHER_CHAIN`], the emitter of MAP's vectors.
pub const OTHER_MOS: Address = address!("0x5FC8d32690cc91D4c39d9d3abcBD16989F875707");
/// `baseGas` of [`FEE_CHAIN`] (MAP's tests).
pub const BASE_GAS: u64 = 1_000_000;
/// Native gas price of [`FEE_CHAIN`] (MAP's `MosMessageTest`).
pub const NATIVE_GAS_PRICE: u64 = 10_000;
/// Gas price of [`FEE_CHAIN`] in the test token.
pub const TOKEN_GAS_PRICE: u64 = 3;
/// Where fees go: an account nobody holds, so its balance is exactly the fees.
pub const FEE_RECEIVER: Address = address!("0x000000000000000000000000000000000000fee0");
/// The wrapped native token `initialize` records.
pub const W_TOKEN: Address = address!("0x0000000000000000000000000000000000000777");

/// MAP's Echo in its `MosMessageTest`: the target of its first vector (hardhat's fourth deployment).
pub const MAP_ECHO: Address = address!("0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9");
/// MAP's Echo in its `MosRelayMessageTest`.
pub const MAP_RELAY_ECHO: Address = address!("0x4ed7c70F96B99c776995fB64377f0d4aB3B0e1C1");
/// MAP's owner account, the sender of its MESSAGE vectors.
pub const MAP_OWNER: Address = address!("0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266");

/// Receipt log list `index` of `vectors/map-mos-v3/receipt-logs.json`: what MAP's tests prove to
/// its MOS through its mock light node (0: `MosMessageTest`; 1–5: `MosRelayMessageTest`).
pub fn map_receipt_logs(index: usize) -> Bytes {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../vectors/map-mos-v3/receipt-logs.json");
    let vectors: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    vectors[index]["hex"].as_str().unwrap().parse().unwrap()
}

/// Dev account that deploys the target (so its address can be chosen: MAP's vectors name it).
pub const TARGET_DEPLOYER: u32 = 0;
/// Dev account that deploys the MOS and is its admin.
pub const ADMIN: u32 = 1;
/// Dev account of a dApp user.
pub const USER: u32 = 2;
/// Dev account of a messenger.
pub const MESSENGER: u32 = 3;
/// Dev account that caches programs: the devnet's default cache manager (ArbWasmCache).
pub const CACHE_MANAGER: u32 = 0;
/// Dev account with no role.
pub const STRANGER: u32 = 4;

/// Gas limit of the suite's transactions unless a test says otherwise.
pub const TX_GAS: u64 = 10_000_000;

/// What the MOS address is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Front {
    /// The layout: the EVM ERC-1967 proxy of `mos-proxy` in front of the program.
    EvmProxy,
    /// A proxy that is this Stylus code (framed), with the same slots: for measuring the layout.
    StylusProxy(Vec<u8>),
    /// The program itself, its admin recorded at its creation: no proxy, no upgrades.
    Direct,
}

/// ERC-1967 admin slot, where `Front::Direct` records the deployer.
const ADMIN_SLOT: B256 = b256!("0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103");

/// Which MOS a suite deploys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `mos-dest`: a chain's MOS, with the light node; relay chain [`OTHER_CHAIN`] at [`OTHER_MOS`].
    Chain,
    /// `mos-relay`: the relay chain's MOS, with the manager; [`OTHER_CHAIN`] registered (EVM) at
    /// [`OTHER_MOS`].
    Relay,
}

impl Role {
    /// The program's package.
    pub fn package(self) -> &'static str {
        match self {
            Self::Chain => "mos-dest",
            Self::Relay => "mos-relay",
        }
    }
}

/// The address of a dev account.
pub fn account(index: u32) -> Address {
    dev_addresses()[index as usize]
}

/// The deployable code of a workspace program, built once per test process.
pub fn program(package: &str) -> Vec<u8> {
    static BUILT: OnceLock<Mutex<HashMap<String, Vec<u8>>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    if let Some(code) = built.lock().unwrap().get(package) {
        return code.clone();
    }
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let spec = stylus_build::BuildSpec::new(package, workspace);
    let code = stylus_build::build_program(&spec).unwrap_or_else(|e| panic!("building {package}: {e}")).code;
    built.lock().unwrap().insert(package.to_owned(), code.clone());
    code
}

/// One devnet chain with one MOS and everything around it.
pub struct Suite {
    /// The chain.
    pub chain: Chain,
    /// Which MOS.
    pub role: Role,
    /// The MOS: the proxy dApps call.
    pub mos: Address,
    /// The MOS program behind the proxy.
    pub implementation: Address,
    /// The test light node (on the relay: the manager).
    pub light_client: Address,
    /// The fee service.
    pub fee_service: Address,
    /// The test token, priced for [`FEE_CHAIN`].
    pub token: Address,
    /// The test target.
    pub target: Address,
    /// The gas meter of [`Suite::call_cost`], deployed on first use.
    meter: Address,
}

impl Suite {
    /// A chain's MOS, configured; the target wherever it lands.
    pub fn chain() -> Self {
        Self::new(Role::Chain, None)
    }

    /// The relay chain's MOS, configured; the target wherever it lands.
    pub fn relay() -> Self {
        Self::new(Role::Relay, None)
    }

    /// Deploys and configures the suite; the target at `target_at` (an address [`TARGET_DEPLOYER`]
    /// creates within its first 64 transactions) if given. The MOS is initialised, has the fee
    /// service, and knows [`OTHER_CHAIN`]; the fee service prices [`FEE_CHAIN`] in native value
    /// and the test token; the target uses the MOS and lets it call `setList`.
    pub fn new(role: Role, target_at: Option<Address>) -> Self {
        Self::with_front(role, target_at, Front::EvmProxy)
    }

    /// As [`Suite::new`], with the MOS address in `front` of the program.
    pub fn with_front(role: Role, target_at: Option<Address>, front: Front) -> Self {
        let mut chain = Chain::new(ChainConfig { chain_id: SELF_CHAIN, ..ChainConfig::default() });
        let target = deploy_target(&mut chain, target_at);
        let code = program(role.package());
        let implementation = match front {
            Front::Direct => {
                let init = stylus_wasm::deploy::init_code_recording_deployer(&code, ADMIN_SLOT.0);
                let address = deploy(&mut chain, ADMIN, init);
                activate(&mut chain, address);
                address
            }
            _ => deploy_program(&mut chain, ADMIN, &code),
        };
        let light_client = deploy_program(&mut chain, ADMIN, &program("mos-test-light-node"));
        let fee_code = program("fee-service");
        let fee_service = deploy(
            &mut chain,
            ADMIN,
            stylus_wasm::deploy::init_code_recording_deployer(&fee_code, fee_service::OWNER_SLOT),
        );
        activate(&mut chain, fee_service);
        let token = deploy_program(&mut chain, ADMIN, &program("mos-test-token"));
        let mos = match front {
            Front::EvmProxy => deploy(&mut chain, ADMIN, mos_proxy::init_code(implementation, account(ADMIN))),
            Front::StylusProxy(runtime) => {
                let proxy = deploy(
                    &mut chain,
                    ADMIN,
                    mos_proxy::init_code_with_runtime(implementation, account(ADMIN), &runtime),
                );
                activate(&mut chain, proxy);
                proxy
            }
            Front::Direct => implementation,
        };
        let mut suite =
            Self { chain, role, mos, implementation, light_client, fee_service, token, target, meter: Address::ZERO };
        suite.ok(ADMIN, mos, IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: light_client });
        suite.ok(ADMIN, mos, IMOSV3::setFeeServiceCall { feeServiceAddress: fee_service });
        match role {
            Role::Chain => suite.ok(
                ADMIN,
                mos,
                IMOSV3::setRelayContractCall { chainId: U256::from(OTHER_CHAIN), relay: OTHER_MOS },
            ),
            Role::Relay => suite.ok(
                ADMIN,
                mos,
                IMOSRelay::registerChainCall {
                    chainId: U256::from(OTHER_CHAIN),
                    mosAddress: OTHER_MOS.to_vec().into(),
                    chainType: 1,
                },
            ),
        };
        let fee_chain = U256::from(FEE_CHAIN);
        suite.ok(
            ADMIN,
            fee_service,
            IFeeService::setBaseGasCall { chainId: fee_chain, baseLimit: U256::from(BASE_GAS) },
        );
        for (token, price) in [(Address::ZERO, NATIVE_GAS_PRICE), (token, TOKEN_GAS_PRICE)] {
            let call = IFeeService::setChainGasPriceCall { chainId: fee_chain, token, chainPrice: U256::from(price) };
            suite.ok(ADMIN, fee_service, call);
        }
        suite.ok(ADMIN, fee_service, IFeeService::setFeeReceiverCall { receiver: FEE_RECEIVER });
        suite.ok(TARGET_DEPLOYER, target, IMosTestTarget::setMapoServiceCall { mos });
        suite.ok(TARGET_DEPLOYER, target, IMosTestTarget::setWhiteListCall { executor: mos });
        suite
    }

    /// Sends `data` with `value` from dev account `from` to `to`; the receipt, whatever happened.
    pub fn send_raw(&mut self, from: u32, to: Address, value: U256, data: Vec<u8>, gas: u64) -> TxReceipt {
        send(&mut self.chain, from, TxKind::Call(to), value, data, gas)
    }

    /// Sends `call` from `from` to `to`; the receipt, whatever happened.
    pub fn send<C: SolCall>(&mut self, from: u32, to: Address, call: C) -> TxReceipt {
        self.send_raw(from, to, U256::ZERO, call.abi_encode(), TX_GAS)
    }

    /// Sends `call` and asserts it succeeded.
    pub fn ok<C: SolCall>(&mut self, from: u32, to: Address, call: C) -> TxReceipt {
        let receipt = self.send(from, to, call);
        assert!(receipt.receipt.success, "{} failed: {}", std::any::type_name::<C>(), describe_revert(&receipt.output));
        receipt
    }

    /// Sends `call` and asserts it reverted with `Error(reason)`.
    pub fn reverts<C: SolCall>(&mut self, from: u32, to: Address, call: C, reason: &str) -> TxReceipt {
        let receipt = self.send(from, to, call);
        assert!(!receipt.receipt.success, "{} succeeded; expected `{reason}`", std::any::type_name::<C>());
        assert_eq!(describe_revert(&receipt.output), reason);
        receipt
    }

    /// Calls `call` on `to` (an `eth_call`); the outcome as it is.
    pub fn call_raw(&mut self, from: u32, to: Address, data: Vec<u8>) -> CallResult {
        let params = CallParams { from: Some(account(from)), to: Some(to), data: data.into(), ..Default::default() };
        self.chain.call(&params, BlockId::Latest, &StateOverride::default()).unwrap()
    }

    /// As [`Suite::call_raw`], with a gas limit: would a transaction with `gas` succeed?
    pub fn call_with_gas(&mut self, from: u32, to: Address, data: Vec<u8>, gas: u64) -> CallResult {
        let params = CallParams {
            from: Some(account(from)),
            to: Some(to),
            data: data.into(),
            gas: Some(gas),
            ..Default::default()
        };
        self.chain.call(&params, BlockId::Latest, &StateOverride::default()).unwrap()
    }

    /// The least transaction gas, between `low` (failing) and `high` (succeeding), with which
    /// `data` from `from` to `to` would succeed: what a relayer who sends as little as it can sends.
    pub fn least_gas(&mut self, from: u32, to: Address, data: &[u8], (mut low, mut high): (u64, u64)) -> u64 {
        assert!(self.call_with_gas(from, to, data.to_vec(), high).success, "fails even with {high} gas");
        while low + 1 < high {
            let mid = (low + high) / 2;
            if self.call_with_gas(from, to, data.to_vec(), mid).success {
                high = mid;
            } else {
                low = mid;
            }
        }
        high
    }

    /// Calls a view and decodes its answer.
    pub fn view<C: SolCall>(&mut self, to: Address, call: C) -> C::Return {
        let result = self.call_raw(STRANGER, to, call.abi_encode());
        assert!(result.success, "{} failed: {}", std::any::type_name::<C>(), describe_revert(&result.output));
        C::abi_decode_returns(&result.output).unwrap()
    }

    /// The native balance of `account`.
    pub fn balance(&self, account: Address) -> U256 {
        self.chain.read_state(BlockId::Latest, |state| state.balance(&account)).unwrap()
    }

    /// The word at `slot` of `account`.
    pub fn storage(&self, account: Address, slot: U256) -> U256 {
        self.chain.read_state(BlockId::Latest, |state| state.storage(&account, &slot)).unwrap()
    }

    /// Creates a contract from dev account `from` with `init_code`; the receipt.
    pub fn create(&mut self, from: u32, init_code: Vec<u8>) -> TxReceipt {
        create(&mut self.chain, from, init_code)
    }

    /// Deploys EVM (or Stylus) code from dev account `from` with `init_code`; its address.
    pub fn deploy(&mut self, from: u32, init_code: Vec<u8>) -> Address {
        deploy(&mut self.chain, from, init_code)
    }

    /// [`Suite::deploy`] with `gas` for the creation (up to the block's limit) rather than
    /// [`TX_GAS`]: for a constructor that writes much.
    ///
    /// # Panics
    /// When the creation fails.
    pub fn deploy_with_gas(&mut self, from: u32, init_code: Vec<u8>, gas: u64) -> Address {
        let receipt = send(&mut self.chain, from, TxKind::Create, U256::ZERO, init_code, gas);
        assert!(receipt.receipt.success, "deployment failed: {}", describe_revert(&receipt.output));
        receipt.contract_address.expect("a created contract")
    }

    /// Deploys and activates a workspace program from the admin account; its address.
    pub fn deploy_program(&mut self, package: &str) -> Address {
        self.deploy_code(&program(package))
    }

    /// Deploys and activates Stylus code (`EF F0 00 ‖ brotli`) from the admin account; its address.
    pub fn deploy_code(&mut self, code: &[u8]) -> Address {
        deploy_program(&mut self.chain, ADMIN, code)
    }
}

impl Suite {
    /// Lets `from` on [`OTHER_CHAIN`] call the target (its owner's `addCorrespondence`).
    pub fn allow_remote_caller(&mut self, from: Address) {
        let call = IMosTestTarget::addCorrespondenceCall {
            fromChain: U256::from(OTHER_CHAIN),
            targetAddress: from.to_vec().into(),
            tag: true,
        };
        self.ok(TARGET_DEPLOYER, self.target, call);
    }

    /// What the target stored for `key` (`EchoList`).
    pub fn echo_list(&mut self, key: &str) -> String {
        self.view(self.target, IMosTestTarget::EchoListCall { key: key.into() })
    }

    /// Proves `logs` to the MOS with `transferIn(OTHER_CHAIN, proof)` from the messenger.
    pub fn deliver(&mut self, logs: &[Log]) -> TxReceipt {
        let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof(logs) };
        self.send(MESSENGER, self.mos, call)
    }

    /// A message from [`OTHER_CHAIN`]'s MOS to `to_chain` with `data`, sent by `from`.
    pub fn incoming(&self, order_id: B256, to_chain: u64, from: Address, data: &MessageData) -> Log {
        message_out(OTHER_MOS, OTHER_CHAIN, to_chain, order_id, from.as_slice(), &data.encode())
    }

    /// What the `CALL` of `payload` to `to` costs in the current state (its base cost and all the
    /// callee spends), as the MOS making the same call pays it: measured by an EVM meter
    /// (`GAS ... CALL ... GAS`) in an `eth_call`, so nothing changes. `to` is cold, as in a
    /// transaction that has not touched it.
    pub fn call_cost(&mut self, to: Address, payload: &[u8]) -> u64 {
        if self.meter.is_zero() {
            self.meter = self.deploy(ADMIN, stylus_wasm::deploy::init_code(&GAS_METER));
        }
        let mut input = to.to_vec();
        input.extend_from_slice(payload);
        let result = self.call_raw(STRANGER, self.meter, input);
        assert!(result.success, "the meter failed");
        U256::from_be_slice(&result.output).to::<u64>() - GAS_METER_OVERHEAD
    }

    /// The meter's address, once [`Suite::call_cost`] deployed it.
    pub fn meter(&self) -> Address {
        self.meter
    }

    /// What entering `program` costs: `(uncached, cached)` (reference §4.3, `ArbWasm.programInitGas`).
    pub fn init_gas(&mut self, program: Address) -> (u64, u64) {
        let answer = self.view(ARB_WASM, ArbWasm::programInitGasCall { program });
        (answer.gas, answer.gasWhenCached)
    }

    /// Caches `program` through ArbWasmCache, as the chain's cache manager: from now on it pays
    /// only its cached init gas at entry.
    pub fn cache(&mut self, program: Address) {
        self.ok(CACHE_MANAGER, ARB_WASM_CACHE, ArbWasmCache::cacheProgramCall { addr: program });
    }

    /// The block number of the latest block.
    pub fn block_number(&self) -> u64 {
        self.chain.latest().number()
    }
}

/// EVM code that measures a call: calldata `to (20 bytes) ‖ payload`; copies the payload to memory,
/// then `GAS`, `CALL(gas, to, 0, payload)`, `GAS`, and returns the difference as a word.
const GAS_METER: [u8; 36] = [
    0x60, 0x14, 0x36, 0x03, // size := calldatasize - 20
    0x80, 0x60, 0x14, 0x5f, 0x37, // calldatacopy(0, 20, size)
    0x5f, 0x35, 0x60, 0x60, 0x1c, // to := calldataload(0) >> 96
    0x5a, // g0 := gas
    0x5f, 0x5f, 0x84, 0x5f, 0x5f, 0x86, 0x5a, 0xf1, // call(gas, to, 0, 0, size, 0, 0)
    0x5a, 0x90, 0x50, // g1 := gas; drop the status
    0x90, 0x03, // g0 - g1
    0x5f, 0x52, 0x60, 0x20, 0x5f, 0xf3, // return it as a word
    0x00, 0x00, // padding: never reached
];

/// What the meter's own instructions between its two `GAS` add to a call: `PUSH0` ×4, `DUP` ×2,
/// `GAS` ×2.
const GAS_METER_OVERHEAD: u64 = 4 * 2 + 2 * 3 + 2 * 2;

/// EVM code that, called by `mos`, stores the gas it was given in slot 0 (the gas left after
/// `GAS` itself, 2 gas, so the call's gas minus 2), whatever the calldata; called by anyone else,
/// calls `mos` with its calldata (so it can allow a remote caller).
pub fn gas_recorder(mos: Address) -> Vec<u8> {
    let mut code = vec![0x5a, 0x33, 0x73]; // GAS CALLER PUSH20 mos
    code.extend_from_slice(mos.as_slice());
    code.extend_from_slice(&[0x14, 0x60, 67, 0x57]); // EQ PUSH1 record JUMPI
    code.extend_from_slice(&[0x36, 0x5f, 0x5f, 0x37]); // calldatacopy(0, 0, calldatasize)
    code.extend_from_slice(&[0x5f, 0x5f, 0x36, 0x5f, 0x5f, 0x73]); // call(gas, mos, 0, 0, size, 0, 0)
    code.extend_from_slice(mos.as_slice());
    code.extend_from_slice(&[0x5a, 0xf1, 0x60, 65, 0x57, 0x5f, 0x5f, 0xfd]); // revert unless it succeeded
    code.extend_from_slice(&[0x5b, 0x00]); // 65: JUMPDEST STOP
    code.extend_from_slice(&[0x5b, 0x5f, 0x55, 0x00]); // 67 record: JUMPDEST PUSH0 SSTORE STOP
    assert_eq!(code.len(), 71);
    code
}

/// A `MessageData` with `value` 0.
pub fn message(relay: bool, msg_type: MessageType, target: &[u8], payload: &[u8], gas_limit: u64) -> MessageData {
    MessageData {
        relay,
        msg_type,
        target: target.to_vec().into(),
        payload: payload.to_vec().into(),
        gas_limit: U256::from(gas_limit),
        value: U256::ZERO,
    }
}

/// An order id for tests: `n` as a word.
pub fn order(n: u64) -> B256 {
    B256::from(U256::from(n))
}

/// Every `E` in a receipt, with its emitter, in order.
pub fn events<E: SolEvent>(receipt: &TxReceipt) -> Vec<(Address, E)> {
    receipt.receipt.logs.iter().filter_map(|log| E::decode_log(log).ok().map(|log| (log.address, log.data))).collect()
}

/// The one `E` a receipt holds.
pub fn event<E: SolEvent>(receipt: &TxReceipt) -> (Address, E) {
    let mut found = events::<E>(receipt);
    assert_eq!(found.len(), 1, "expected one {}", E::SIGNATURE);
    found.remove(0)
}

/// Revert data as a person reads it: the `Error(string)` reason, or the hex of anything else.
pub fn describe_revert(output: &[u8]) -> String {
    match alloy_sol_types::Revert::abi_decode(output) {
        Ok(revert) => revert.reason,
        Err(_) => alloy_primitives::hex::encode_prefixed(output),
    }
}

/// `Error(reason)` as revert data.
pub fn error(reason: &str) -> Bytes {
    alloy_sol_types::Revert::from(reason).abi_encode().into()
}

/// A `mapMessageOut` log as `emitter` emits it.
pub fn message_out(
    emitter: Address,
    from_chain: u64,
    to_chain: u64,
    order_id: B256,
    from_address: &[u8],
    message_data: &[u8],
) -> Log {
    let event = IMOSV3::mapMessageOut {
        fromChain: U256::from(from_chain),
        toChain: U256::from(to_chain),
        orderId: order_id,
        fromAddrss: from_address.to_vec().into(),
        callData: message_data.to_vec().into(),
    };
    Log { address: emitter, data: event.encode_log_data() }
}

/// A "proof" for the test light node: the RLP list of `logs`, which it returns as proven.
pub fn proof(logs: &[Log]) -> Bytes {
    light_client_iface::encode_log_list(logs).into()
}

fn send(chain: &mut Chain, from: u32, to: TxKind, value: U256, input: Vec<u8>, gas_limit: u64) -> TxReceipt {
    let hash = submit(chain, from, to, value, input, gas_limit);
    let (block, index) = chain.transaction(&hash).unwrap();
    block.receipts[index].clone()
}

/// Signs and submits an EIP-1559 transaction from dev account `from`; its hash. With auto-mining
/// off it waits in the pool for the next block.
fn submit(chain: &mut Chain, from: u32, to: TxKind, value: U256, input: Vec<u8>, gas_limit: u64) -> B256 {
    let sender = account(from);
    let tx = TxEip1559 {
        chain_id: chain.config().chain_id,
        nonce: chain.next_nonce(&sender),
        gas_limit,
        max_fee_per_gas: u128::from(chain.config().base_fee),
        max_priority_fee_per_gas: 0,
        to,
        value,
        access_list: Default::default(),
        input: input.into(),
    };
    chain.send_transaction(sender, TypedTransaction::Eip1559(tx)).unwrap()
}

fn deploy(chain: &mut Chain, from: u32, init_code: Vec<u8>) -> Address {
    create(chain, from, init_code).contract_address.unwrap()
}

fn create(chain: &mut Chain, from: u32, init_code: Vec<u8>) -> TxReceipt {
    let receipt = send(chain, from, TxKind::Create, U256::ZERO, init_code, TX_GAS);
    assert!(receipt.receipt.success, "deployment failed: {}", describe_revert(&receipt.output));
    receipt
}

fn activate(chain: &mut Chain, program: Address) {
    let data = ArbWasm::activateProgramCall { program }.abi_encode();
    let one_ether = U256::from(10u64).pow(U256::from(18));
    let receipt = send(chain, ADMIN, TxKind::Call(ARB_WASM), one_ether, data, 30_000_000);
    // `ProgramUpToDate()`: the same code (the same code hash) was activated before.
    let up_to_date = receipt.output.as_ref() == ArbWasm::ProgramUpToDate::SELECTOR;
    assert!(receipt.receipt.success || up_to_date, "activation failed: {}", describe_revert(&receipt.output));
}

fn deploy_program(chain: &mut Chain, from: u32, code: &[u8]) -> Address {
    let address = deploy(chain, from, stylus_wasm::deploy::init_code(code));
    activate(chain, address);
    address
}

/// Deploys the target from [`TARGET_DEPLOYER`], first spending its nonces until the creation lands
/// at `at`.
fn deploy_target(chain: &mut Chain, at: Option<Address>) -> Address {
    let deployer = account(TARGET_DEPLOYER);
    if let Some(at) = at {
        let nonce =
            (0..64).find(|nonce| deployer.create(*nonce) == at).expect("the target address is not within reach");
        while chain.next_nonce(&deployer) < nonce {
            send(chain, TARGET_DEPLOYER, TxKind::Call(deployer), U256::ZERO, Vec::new(), 21_000);
        }
    }
    deploy_program(chain, TARGET_DEPLOYER, &program("mos-test-target"))
}

//! Gas per operation on the devnet (docs/gas.md "## MOS") and the cost of the layout's one hop
//! (docs/mos-layout.md). Run with `--nocapture` to see the tables; the assertions pin what the docs
//! claim.
//!
//! Every figure is a whole transaction's `gasUsed`, split as MAP's issue splits its own: intrinsic
//! gas (21,000 and calldata), the light client's calls (verify, notify) and the target's execution,
//! each measured as the `CALL` the MOS makes costs in the same state ([`Suite::call_cost`]), and the
//! rest: the MOS's own share. Each operation runs twice from the same state: as deployed, and
//! with the MOS program (and, for `transferOut`, the fee service) cached through ArbWasmCache; the
//! second run's share is the "programs cached" column, measured, not computed.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::{SolCall, SolValue};
use light_client_iface::interfaces::{ILightClientManager, ILightNode};
use mos_message::interfaces::{IMapoExecutor, IMOSV3};
use mos_message::{MessageData, MessageOut, MessageType};
use mos_tests::*;

/// Intrinsic gas of a call transaction with `input` (EIP-2028).
fn intrinsic(input: &[u8]) -> u64 {
    21_000 + input.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum::<u64>()
}

/// One operation's gas.
#[derive(Debug)]
struct Row {
    operation: &'static str,
    total: u64,
    intrinsic: u64,
    light_client: u64,
    target: u64,
    /// The same transaction's gas with the MOS's programs cached.
    total_cached: u64,
    /// The target's share in that state (a target that calls back into the MOS enters it cached).
    target_cached: u64,
    /// What ArbWasm says caching saves at each entry of the MOS's programs: the difference between
    /// the two "MOS own" columns must be this.
    surcharge: u64,
    map_total: u64,
    map_own: u64,
}

impl Row {
    fn own(&self) -> u64 {
        self.total - self.intrinsic - self.light_client - self.target
    }

    fn own_cached(&self) -> u64 {
        self.total_cached - self.intrinsic - self.light_client - self.target_cached
    }

    fn print(&self) {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            self.operation,
            self.total,
            self.intrinsic,
            self.light_client,
            self.target,
            self.own(),
            self.own_cached(),
            if self.map_total == 0 { "—".into() } else { self.map_total.to_string() },
            if self.map_own == 0 { "—".into() } else { self.map_own.to_string() },
            percent(self.own_cached(), self.map_own),
        );
    }
}

fn percent(ours: u64, theirs: u64) -> String {
    if theirs == 0 {
        return "—".into();
    }
    format!("{}%", ours * 100 / theirs)
}

/// What the uncached entry of `program` costs beyond the cached one.
fn init_surcharge(suite: &mut Suite, program: Address) -> u64 {
    let (uncached, cached) = suite.init_gas(program);
    uncached - cached
}

/// Runs `operation` with `programs` cached, then again from the same state as deployed: the two
/// results, cached first. The suite is left as the uncached run left it.
fn cached_and_not<T>(suite: &mut Suite, programs: &[Address], mut operation: impl FnMut(&mut Suite) -> T) -> (T, T) {
    let before = suite.chain.snapshot();
    for program in programs {
        suite.cache(*program);
    }
    let cached = operation(suite);
    suite.chain.revert_to_snapshot(before).unwrap();
    (cached, operation(suite))
}

/// `transferOut` of a CALLDATA message with `payload` from a user, the native fee paid, after
/// `earlier` sends. The fee receiver already exists (a first payment to an empty account costs
/// 25,000 more, as in the EVM).
fn transfer_out(operation: &'static str, payload: &[u8], earlier: usize, map: (u64, u64)) -> Row {
    let mut suite = Suite::chain();
    suite.chain.set_balance(FEE_RECEIVER, U256::from(1));
    let data = message(false, MessageType::Calldata, suite.target.as_slice(), payload, 500_000).encode();
    let call =
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: Address::ZERO };
    let fee = U256::from((BASE_GAS + 500_000) * NATIVE_GAS_PRICE);
    for _ in 0..earlier {
        assert!(suite.send_raw(USER, suite.mos, fee, call.abi_encode(), TX_GAS).receipt.success);
    }
    let (mos, light_node, fee_service, implementation) =
        (suite.mos, suite.light_client, suite.fee_service, suite.implementation);
    let notify = ILightNode::notifyLightClientCall { from: mos, data: Bytes::new() }.abi_encode();
    let light_client = suite.call_cost(light_node, &notify);
    let surcharge = init_surcharge(&mut suite, implementation) + init_surcharge(&mut suite, fee_service);
    let (cached, receipt) = cached_and_not(&mut suite, &[implementation, fee_service], |suite| {
        suite.send_raw(USER, mos, fee, call.abi_encode(), TX_GAS)
    });
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    Row {
        operation,
        total: receipt.gas_used,
        intrinsic: intrinsic(&call.abi_encode()),
        light_client,
        target: 0,
        total_cached: cached.gas_used,
        target_cached: 0,
        surcharge,
        map_total: map.0,
        map_own: map.1,
    }
}

/// What the target does with a proven message, as the MOS calls it.
fn target_call(message: &MessageOut) -> Vec<u8> {
    let data = MessageData::decode(&message.message_data).unwrap();
    match data.msg_type {
        MessageType::Calldata => data.payload.to_vec(),
        MessageType::Message => IMapoExecutor::mapoExecuteCall {
            fromChain: message.from_chain,
            toChain: message.to_chain,
            fromAddress: message.from_address.clone(),
            orderId: message.order_id,
            message: data.payload,
        }
        .abi_encode(),
    }
}

/// The one `mapMessageOut` of a MAP receipt log list.
fn proven_message(proof: &[u8]) -> MessageOut {
    let logs = light_client_iface::LogList::new(proof).unwrap();
    MessageOut::from_log(&logs.get(0).unwrap()).unwrap()
}

/// `transferIn(5, proof)` on `suite` from the messenger; the light client's share is `verify`
/// (and, when the relay forwards, `notify`) as the MOS calls them.
fn transfer_in(suite: &mut Suite, operation: &'static str, proof: Bytes, map: (u64, u64)) -> Row {
    let message = proven_message(&proof);
    let (mos, light_client, target, implementation) =
        (suite.mos, suite.light_client, suite.target, suite.implementation);
    let meter = {
        suite.call_cost(light_client, &[]);
        suite.meter()
    };
    suite.ok(TARGET_DEPLOYER, target, IMosTestTarget::setWhiteListCall { executor: meter });
    let (verify, forwards) = match suite.role {
        Role::Chain => (ILightNode::verifyProofDataCall { receiptProof: proof.clone() }.abi_encode(), false),
        Role::Relay => {
            let verify = ILightClientManager::verifyProofDataCall {
                chainId: U256::from(OTHER_CHAIN),
                receiptProof: proof.clone(),
            };
            (verify.abi_encode(), message.to_chain != U256::from(SELF_CHAIN))
        }
    };
    let mut light = suite.call_cost(light_client, &verify);
    if forwards {
        let notify =
            ILightClientManager::notifyLightClientCall { chainId: message.to_chain, from: mos, data: Bytes::new() };
        light += suite.call_cost(light_client, &notify.abi_encode());
    }
    let data = MessageData::decode(&message.message_data).unwrap();
    let executes = message.to_chain == U256::from(SELF_CHAIN) || data.relay;
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof };
    let surcharge = init_surcharge(suite, implementation);
    let ((cached, target_cached), (receipt, target_share)) = cached_and_not(suite, &[implementation], |suite| {
        let target_share = if executes { suite.call_cost(target, &target_call(&message)) } else { 0 };
        (suite.ok(MESSENGER, mos, call.clone()), target_share)
    });
    for receipt in [&cached, &receipt] {
        let delivered = events::<IMOSV3::mapMessageIn>(receipt).iter().all(|(_, event)| event.result);
        assert!(delivered, "{operation}: the message failed");
    }
    Row {
        operation,
        total: receipt.gas_used,
        intrinsic: intrinsic(&call.abi_encode()),
        light_client: light,
        target: target_share,
        total_cached: cached.gas_used,
        target_cached,
        surcharge,
        map_total: map.0,
        map_own: map.1,
    }
}

/// A MAP-shaped MESSAGE for the chain's Echo: `(key, value)` from MAP's owner, 5,000,000 gas.
fn message_vector(suite: &Suite) -> Bytes {
    let payload = ("hello", "hello world message").abi_encode_params();
    let data = message(false, MessageType::Message, suite.target.as_slice(), &payload, 5_000_000);
    let order_id: alloy_primitives::B256 = alloy_primitives::keccak256(b"message vector");
    proof(&[message_out(OTHER_MOS, OTHER_CHAIN, SELF_CHAIN, order_id, MAP_OWNER.as_slice(), &data.encode())])
}

fn header() {
    println!("| operation | gas used | intrinsic | light client | target | MOS own | MOS own, programs cached | MAP gas used | MAP own | ours / MAP own (cached) |");
    println!("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
}

#[test]
fn gas_per_operation_against_maps_mos_v3() {
    let mut rows = Vec::new();
    let payload_196 = IMosTestTarget::setListCall { key: "hello".into(), val: "hello world".into() }.abi_encode();
    assert_eq!(payload_196.len(), 196);
    rows.push(transfer_out("transferOut, first send, 196-byte payload", &payload_196, 0, (100_107, 50_939)));
    rows.push(transfer_out("transferOut, later send, 100-byte payload", &[0xab; 100], 1, (82_308, 32_612)));
    rows.push(transfer_out("transferOut, later send, 1 KiB payload", &[0xab; 1024], 1, (108_376, 44_068)));

    let mut chain = Suite::new(Role::Chain, Some(MAP_ECHO));
    chain.allow_remote_caller(MAP_ECHO);
    rows.push(transfer_in(
        &mut chain,
        "transferIn on a destination, CALLDATA -> Echo.setList (835-byte proof)",
        map_receipt_logs(0),
        (152_196, 90_043),
    ));
    chain.allow_remote_caller(MAP_OWNER);
    let message = message_vector(&chain);
    rows.push(transfer_in(&mut chain, "transferIn on a destination, MESSAGE -> Echo.mapoExecute", message, (0, 0)));

    let relay_suite = || {
        let mut relay = Suite::new(Role::Relay, Some(MAP_RELAY_ECHO));
        relay.allow_remote_caller(MAP_ECHO);
        relay.allow_remote_caller(MAP_OWNER);
        relay
    };
    let mut relay = relay_suite();
    rows.push(transfer_in(
        &mut relay,
        "relay transferIn, forward (relay = false)",
        map_receipt_logs(2),
        (124_803, 91_226),
    ));
    rows.push(transfer_in(
        &mut relay,
        "relay transferIn, execute on the relay, CALLDATA",
        map_receipt_logs(1),
        (153_702, 91_392),
    ));
    rows.push(transfer_in(
        &mut relay,
        "relay transferIn, execute on the relay, MESSAGE",
        map_receipt_logs(3),
        (144_421, 89_975),
    ));
    let mut relay = relay_suite();
    rows.push(transfer_in(
        &mut relay,
        "relay transferIn, relay = true, MESSAGE",
        map_receipt_logs(4),
        (144_826, 90_488),
    ));
    rows.push(transfer_in(
        &mut relay,
        "relay transferIn, relay = true, CALLDATA",
        map_receipt_logs(5),
        (141_987, 92_779),
    ));

    header();
    for row in &rows {
        row.print();
    }
    for row in &rows {
        assert_eq!(row.own() - row.own_cached(), row.surcharge, "{}: caching saves the init gas", row.operation);
    }
    // docs/gas.md explains each figure; these bounds catch a regression past what it says.
    for row in rows.iter().filter(|row| row.map_own > 0) {
        let bound = if row.operation.starts_with("transferOut") { 150 } else { 60 };
        assert!(
            row.own_cached() * 100 <= row.map_own * bound,
            "{}: {} is more than {bound}% of MAP's {}",
            row.operation,
            row.own_cached(),
            row.map_own
        );
    }
}

/// A Stylus ERC-1967 proxy as small as one can be: no SDK, no router; reads the implementation
/// slot, `DELEGATECALL`s it with the calldata and all gas, returns or reverts with its answer.
const STYLUS_PROXY_WAT: &str = r#"
(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "delegate_call_contract" (func $delegate (param i32 i32 i32 i64 i32) (result i32)))
  (import "vm_hooks" "read_return_data" (func $return_data (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2 2)
  (data (i32.const 0) "\36\08\94\a1\3b\a1\a3\21\06\67\c8\28\49\2d\b9\8d\ca\3e\20\76\cc\37\35\a9\20\a3\ca\50\5d\38\2b\bc")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $status i32)
    (call $read_args (i32.const 1024))
    (call $load (i32.const 0) (i32.const 32))
    (local.set $status (call $delegate (i32.const 44) (i32.const 1024) (local.get $len) (i64.const -1) (i32.const 96)))
    (drop (call $return_data (i32.const 1024) (i32.const 0) (i32.load (i32.const 96))))
    (call $write_result (i32.const 1024) (i32.load (i32.const 96)))
    (local.get $status)))
"#;

fn stylus_proxy_code() -> Vec<u8> {
    let wasm = wat::parse_str(STYLUS_PROXY_WAT).unwrap();
    let processed = stylus_wasm::deploy::process_wasm(&wasm, [0; 32]).unwrap();
    stylus_wasm::deploy::contract_code(&processed).unwrap()
}

/// `transferOut` (later send, 100 bytes) and the MAP CALLDATA `transferIn` through `front`.
fn layout_costs(front: Front) -> (u64, u64) {
    let mut sender = Suite::with_front(Role::Chain, None, front.clone());
    let data = message(false, MessageType::Calldata, sender.target.as_slice(), &[0xab; 100], 500_000).encode();
    let call =
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: Address::ZERO };
    let fee = U256::from((BASE_GAS + 500_000) * NATIVE_GAS_PRICE);
    let mos = sender.mos;
    assert!(sender.send_raw(USER, mos, fee, call.abi_encode(), TX_GAS).receipt.success);
    let send = sender.send_raw(USER, mos, fee, call.abi_encode(), TX_GAS);
    assert!(send.receipt.success, "{}", describe_revert(&send.output));

    let mut receiver = Suite::with_front(Role::Chain, Some(MAP_ECHO), front);
    receiver.allow_remote_caller(MAP_ECHO);
    let mos = receiver.mos;
    let deliver = receiver.ok(
        MESSENGER,
        mos,
        IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: map_receipt_logs(0) },
    );
    assert!(event::<IMOSV3::mapMessageIn>(&deliver).1.result);
    (send.gas_used, deliver.gas_used)
}

#[test]
fn the_evm_proxy_costs_a_fraction_of_a_stylus_proxy_hop() {
    let (direct_send, direct_deliver) = layout_costs(Front::Direct);
    let (evm_send, evm_deliver) = layout_costs(Front::EvmProxy);
    let (stylus_send, stylus_deliver) = layout_costs(Front::StylusProxy(stylus_proxy_code()));
    println!(
        "| MOS address | transferOut (later send, 100 B) | transferIn (CALLDATA, MAP vector) | hop: send / deliver |"
    );
    println!("|---|--:|--:|--:|");
    println!("| the program itself (no upgrades) | {direct_send} | {direct_deliver} | 0 / 0 |");
    println!(
        "| EVM ERC-1967 proxy (mos-proxy) | {evm_send} | {evm_deliver} | {} / {} |",
        evm_send - direct_send,
        evm_deliver - direct_deliver
    );
    println!(
        "| minimal Stylus proxy (WAT) | {stylus_send} | {stylus_deliver} | {} / {} |",
        stylus_send - direct_send,
        stylus_deliver - direct_deliver
    );
    assert!(evm_send - direct_send < 6_000 && evm_deliver - direct_deliver < 6_000);
    assert!((stylus_send - direct_send) > 2 * (evm_send - direct_send));
    assert!((stylus_deliver - direct_deliver) > 2 * (evm_deliver - direct_deliver));
}

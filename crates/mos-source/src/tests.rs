//! The source role on `mos_program::testing`'s in-memory host: what `transferOut` stores, emits,
//! calls and refuses, in milliseconds and without a wasm build. Storage is set and read by its
//! slots as docs/mos-layout.md gives them, not through `mos_core::layout`, and every expected
//! value is written out.

use alloy_primitives::{address, b256, hex, Address, B256, U256};
use alloy_sol_types::{SolCall, SolError, SolValue};
use mos_message::interfaces::{IFeeService, IERC20, IMOSV3};
use mos_program::testing::{CallKind, MemoryHost};
use mos_program::{Host, ProgramResult};

use super::{LightClient, Source};

const MOS: Address = address!("0x00000000000000000000000000000000000005a0");
const FEE_SERVICE: Address = address!("0x0000000000000000000000000000000000000fee");
const RECEIVER: Address = address!("0x000000000000000000000000000000000000fee0");
const LIGHT_NODE: Address = address!("0x0000000000000000000000000000000000001111");
const TOKEN: Address = address!("0x0000000000000000000000000000000000000777");
const USER: Address = address!("0x00000000000000000000000000000000000000aa");
const SELF_CHAIN: u64 = 212;
const TO_CHAIN: u64 = 97;
/// What `notify` sends the light node in these tests.
const NOTIFY: &[u8] = b"notified";

/// A light client that is told with one call to [`LIGHT_NODE`].
struct TestLightClient;

impl LightClient for TestLightClient {
    fn notify(host: &Host, _to_chain: U256) -> ProgramResult<()> {
        host.call(LIGHT_NODE, NOTIFY, U256::ZERO, u64::MAX).map(drop)
    }
}

/// A MOS at [`MOS`] on [`SELF_CHAIN`], initialised, with the fee service, a 512-byte payload cap
/// and nonce 7; the fee service prices [`TO_CHAIN`] at base gas 1,000,000 and 10,000 wei (native)
/// or 3 (token) per gas, to [`RECEIVER`].
fn mos() -> MemoryHost {
    let memory = MemoryHost::new();
    let vm = memory.vm();
    vm.set_contract_address(MOS);
    vm.set_chain_id(SELF_CHAIN);
    vm.set_sender(USER);
    // Slot 0: initialized (byte 2), not paused (byte 3), maxPayloadSize (bytes 4..12), fee service.
    let mut config = FEE_SERVICE.into_word();
    config[2] = 1;
    config[4..12].copy_from_slice(&512u64.to_be_bytes());
    vm.set_storage(U256::ZERO, config);
    // Slot 1: nonce (bytes 0..12), light node.
    let mut light_node_and_nonce = LIGHT_NODE.into_word();
    light_node_and_nonce[11] = 7;
    vm.set_storage(U256::from(1), light_node_and_nonce);
    for (token, price) in [(Address::ZERO, 10_000u64), (TOKEN, 3)] {
        let quote = IFeeService::getMessageFeeCall { chainId: U256::from(TO_CHAIN), feeToken: token }.abi_encode();
        let answer = (U256::from(1_000_000), U256::from(price), RECEIVER).abi_encode_params();
        memory.answer(FEE_SERVICE, quote, Ok(answer));
    }
    memory.answer(LIGHT_NODE, NOTIFY.to_vec(), Ok(Vec::new()));
    // The receiver takes native value.
    memory.answer(RECEIVER, Vec::new(), Ok(Vec::new()));
    memory
}

/// A `MessageData` (MAP's packed encoding is not needed here: the ABI tuple) of `payload` for
/// `gas_limit`, to target 0xbb…bb.
fn message_data(payload: &[u8], gas_limit: u64) -> Vec<u8> {
    mos_message::MessageData {
        relay: false,
        msg_type: mos_message::MessageType::Message,
        target: vec![0xbb; 20].into(),
        payload: payload.to_vec().into(),
        gas_limit: U256::from(gas_limit),
        value: U256::ZERO,
    }
    .encode()
    .to_vec()
}

/// Runs `transferOut(TO_CHAIN, data, fee_token)` on `memory` with `value`.
fn transfer_out(memory: &MemoryHost, data: &[u8], fee_token: Address, value: u64) -> ProgramResult {
    memory.vm().set_value(U256::from(value));
    let call = IMOSV3::transferOutCall {
        toChain: U256::from(TO_CHAIN),
        messageData: data.to_vec().into(),
        feeToken: fee_token,
    };
    let (_, handler) = Source::<TestLightClient>::FUNCTIONS[0];
    handler(&memory.handle(), &call.abi_encode()[4..])
}

fn error(reason: &str) -> Vec<u8> {
    alloy_sol_types::Revert::from(reason).abi_encode()
}

#[test]
fn a_native_fee_send_pays_the_receiver_emits_the_message_and_notifies() {
    let memory = mos();
    let data = message_data(b"hello", 500_000);
    // (1,000,000 + 500,000) × 10,000 wei; the sender pays 1 wei more, which goes to the receiver too.
    let order = transfer_out(&memory, &data, Address::ZERO, 15_000_000_001).unwrap();
    let expected_order =
        mos_message::order_id(MOS, U256::from(7), U256::from(SELF_CHAIN), U256::from(TO_CHAIN), USER, &[0xbb; 20]);
    assert_eq!(order, expected_order.to_vec());

    let calls = memory.calls();
    assert_eq!(calls.len(), 3, "{calls:?}");
    assert_eq!((calls[0].kind, calls[0].to), (CallKind::Static, FEE_SERVICE));
    assert_eq!((calls[1].kind, calls[1].to, calls[1].value), (CallKind::Call, RECEIVER, U256::from(15_000_000_001u64)));
    assert_eq!(calls[1].gas, 0, "the fee is sent with the stipend only");
    assert_eq!((calls[2].to, calls[2].data.as_slice()), (LIGHT_NODE, NOTIFY));

    let logs = memory.vm().get_emitted_logs();
    assert_eq!(logs.len(), 1);
    let (topics, log_data) = &logs[0];
    assert_eq!(
        topics,
        &vec![
            b256!("0xf4397fd41454e34a9a4015d05a670124ecd71fe7f1d05578a62f8009b1a57f8a"),
            B256::from(U256::from(SELF_CHAIN)),
            B256::from(U256::from(TO_CHAIN)),
        ],
    );
    let (order_in_log, from, bytes) =
        <(B256, alloy_primitives::Bytes, alloy_primitives::Bytes)>::abi_decode_params(log_data).unwrap();
    assert_eq!((order_in_log, from.as_ref(), bytes.as_ref()), (expected_order, USER.as_slice(), data.as_slice()));

    // The nonce moved from 7 to 8; the light node stayed.
    let slot1 = memory.vm().get_storage(U256::from(1));
    assert_eq!(slot1[..12], hex!("000000000000000000000008"));
    assert_eq!(Address::from_word(slot1), LIGHT_NODE);
}

#[test]
fn a_fee_below_the_quote_is_refused_before_anything_is_paid() {
    let memory = mos();
    let refused = transfer_out(&memory, &message_data(b"hello", 500_000), Address::ZERO, 14_999_999_999);
    assert_eq!(refused, Err(error("MOSV3: Need message fee")));
    assert!(memory.calls().iter().all(|call| call.value.is_zero()), "nothing was paid");
    assert!(memory.vm().get_emitted_logs().is_empty());
}

#[test]
fn a_token_fee_moves_exactly_the_quote_from_the_sender() {
    let memory = mos();
    memory.vm().set_code(TOKEN, vec![0xfe]);
    let pull = IERC20::transferFromCall { from: USER, to: RECEIVER, amount: U256::from(4_500_000) }.abi_encode();
    // A token that answers nothing, as USDT does.
    memory.answer(TOKEN, pull.clone(), Ok(Vec::new()));
    transfer_out(&memory, &message_data(b"hello", 500_000), TOKEN, 0).unwrap();
    assert!(memory.calls().iter().any(|call| call.to == TOKEN && call.data == pull));
}

#[test]
fn a_fee_token_without_code_is_refused_not_free() {
    let memory = mos();
    let pull = IERC20::transferFromCall { from: USER, to: RECEIVER, amount: U256::from(4_500_000) }.abi_encode();
    // A call to an account without code succeeds with nothing; the MOS must not take that as paid.
    memory.answer(TOKEN, pull, Ok(Vec::new()));
    let refused = transfer_out(&memory, &message_data(b"hello", 500_000), TOKEN, 0);
    assert_eq!(refused, Err(error("Address: call to non-contract")));
}

#[test]
fn a_token_that_answers_false_is_refused() {
    let memory = mos();
    memory.vm().set_code(TOKEN, vec![0xfe]);
    let pull = IERC20::transferFromCall { from: USER, to: RECEIVER, amount: U256::from(4_500_000) }.abi_encode();
    memory.answer(TOKEN, pull, Ok(false.abi_encode()));
    let refused = transfer_out(&memory, &message_data(b"hello", 500_000), TOKEN, 0);
    assert_eq!(refused, Err(error("SafeERC20: ERC20 operation did not succeed")));
}

#[test]
fn messages_outside_the_limits_are_refused_with_maps_reasons() {
    let memory = mos();
    let cases: [(Vec<u8>, &str); 4] = [
        (message_data(b"hello", 20_999), "MOSV3: Execution gas too low"),
        (message_data(b"hello", 10_000_001), "MOSV3: Execution gas too high"),
        (message_data(&[0; 513], 500_000), "MOSV3: Payload too long"),
        (b"not a MessageData".to_vec(), "MOSV3: Invalid message data"),
    ];
    for (data, reason) in cases {
        assert_eq!(transfer_out(&memory, &data, Address::ZERO, 15_000_000_000), Err(error(reason)), "{reason}");
    }
    assert!(memory.calls().is_empty(), "nothing was asked or paid: {:?}", memory.calls());
}

#[test]
fn a_paused_mos_refuses_to_send() {
    let memory = mos();
    let mut config = memory.vm().get_storage(U256::ZERO);
    config[3] = 1;
    memory.vm().set_storage(U256::ZERO, config);
    let refused = transfer_out(&memory, &message_data(b"hello", 500_000), Address::ZERO, 15_000_000_000);
    assert_eq!(refused, Err(error("Pausable: paused")));
}

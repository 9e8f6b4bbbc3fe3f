//! `transferOut` and `getMessageFee`: encodings, checks, orderId and nonce, fees, events, notify.

use alloy_primitives::{Address, Bytes, U256};
use alloy_sol_types::SolCall;
use light_client_iface::interfaces::{ILightClientManager, ILightNode};
use mos_message::interfaces::{IMOSExtensions, IMOSV3};
use mos_message::{order_id, Encoding, MessageData, MessageType};
use mos_tests::*;

/// `MessageData` of a CALLDATA message to the suite's target with `payload_len` bytes.
fn outgoing(suite: &Suite, payload_len: usize, gas_limit: u64) -> MessageData {
    message(false, MessageType::Calldata, suite.target.as_slice(), &vec![0xab; payload_len], gas_limit)
}

/// The fee `(baseGas + gasLimit) * price` for [`FEE_CHAIN`].
fn fee(gas_limit: u64, price: u64) -> U256 {
    U256::from((BASE_GAS + gas_limit) * price)
}

fn transfer_out(
    suite: &mut Suite,
    to_chain: u64,
    data: Vec<u8>,
    fee_token: Address,
    value: U256,
) -> devnet::block::TxReceipt {
    let call = IMOSV3::transferOutCall { toChain: U256::from(to_chain), messageData: data.into(), feeToken: fee_token };
    suite.send_raw(USER, suite.mos, value, call.abi_encode(), TX_GAS)
}

#[test]
fn transfer_out_emits_the_message_as_passed_with_its_order_id_and_notifies_the_light_node() {
    let mut suite = Suite::chain();
    let data = outgoing(&suite, 100, 500_000).encode();
    let value = fee(500_000, NATIVE_GAS_PRICE);
    let receipt = transfer_out(&mut suite, FEE_CHAIN, data.clone(), Address::ZERO, value);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));

    let expected_order = order_id(
        suite.mos,
        U256::ZERO,
        U256::from(SELF_CHAIN),
        U256::from(FEE_CHAIN),
        account(USER),
        suite.target.as_slice(),
    );
    assert_eq!(IMOSV3::transferOutCall::abi_decode_returns(&receipt.output).unwrap(), expected_order);
    let (emitter, out) = event::<IMOSV3::mapMessageOut>(&receipt);
    assert_eq!(emitter, suite.mos);
    assert_eq!(
        out,
        IMOSV3::mapMessageOut {
            fromChain: U256::from(SELF_CHAIN),
            toChain: U256::from(FEE_CHAIN),
            orderId: expected_order,
            fromAddrss: account(USER).to_vec().into(),
            callData: data.into(),
        }
    );
    let (notified, notify) = event::<ILightNode::ClientNotifySend>(&receipt);
    assert_eq!(notified, suite.light_client);
    assert_eq!(
        notify,
        ILightNode::ClientNotifySend {
            sender: suite.mos,
            blockHeight: U256::from(suite.block_number()),
            notifyData: Bytes::new(),
        }
    );
    assert_eq!(suite.view(suite.mos, IMOSV3::nonceCall {}), U256::from(1));
    assert_eq!(suite.balance(FEE_RECEIVER), value);
}

#[test]
fn transfer_out_accepts_the_flattened_encoding_and_emits_it_unchanged() {
    let mut suite = Suite::chain();
    let message = outgoing(&suite, 10, 21_000);
    for (nonce, encoding) in [Encoding::Struct, Encoding::Flat].into_iter().enumerate() {
        let data = message.encode_as(encoding);
        let receipt = transfer_out(&mut suite, FEE_CHAIN, data.clone(), Address::ZERO, fee(21_000, NATIVE_GAS_PRICE));
        let (_, out) = event::<IMOSV3::mapMessageOut>(&receipt);
        assert_eq!(out.callData, Bytes::from(data), "{encoding:?}");
        let expected = order_id(
            suite.mos,
            U256::from(nonce),
            U256::from(SELF_CHAIN),
            U256::from(FEE_CHAIN),
            account(USER),
            suite.target.as_slice(),
        );
        assert_eq!(out.orderId, expected, "{encoding:?}: one nonce per message");
    }
    assert_eq!(suite.view(suite.mos, IMOSV3::nonceCall {}), U256::from(2));
}

#[test]
fn all_of_the_native_value_goes_to_the_fee_receiver_and_too_little_reverts() {
    let mut suite = Suite::chain();
    let data = outgoing(&suite, 0, 500_000).encode();
    let needed = fee(500_000, NATIVE_GAS_PRICE);
    let short = transfer_out(&mut suite, FEE_CHAIN, data.clone(), Address::ZERO, needed - U256::from(1));
    assert_eq!(describe_revert(&short.output), "MOSV3: Need message fee");
    let generous = needed + U256::from(12_345);
    assert!(transfer_out(&mut suite, FEE_CHAIN, data, Address::ZERO, generous).receipt.success);
    assert_eq!(suite.balance(FEE_RECEIVER), generous);
    assert_eq!(suite.balance(suite.mos), U256::ZERO);
}

#[test]
fn get_message_fee_quotes_base_gas_plus_gas_limit_times_the_price() {
    let mut suite = Suite::chain();
    let quote = suite.view(
        suite.mos,
        IMOSV3::getMessageFeeCall {
            toChain: U256::from(FEE_CHAIN),
            feeToken: suite.token,
            gasLimit: U256::from(70_000),
        },
    );
    assert_eq!(quote.amount, fee(70_000, TOKEN_GAS_PRICE));
    assert_eq!(quote.receiverAddress, FEE_RECEIVER);
    let unsupported =
        IMOSV3::getMessageFeeCall { toChain: U256::from(1), feeToken: Address::ZERO, gasLimit: U256::ZERO };
    let result = suite.call_raw(USER, suite.mos, unsupported.abi_encode());
    assert_eq!(describe_revert(&result.output), "MOSV3: Not support dest chain");
}

#[test]
fn a_token_fee_moves_exactly_the_fee_from_the_sender_to_the_receiver() {
    let mut suite = Suite::chain();
    let (mos, token) = (suite.mos, suite.token);
    suite.ok(USER, token, IMosTestToken::mintCall { to: account(USER), amount: U256::from(10_000_000) });
    suite.ok(USER, token, IMosTestToken::approveCall { spender: mos, amount: U256::from(10_000_000) });
    let data = outgoing(&suite, 32, 100_000).encode();
    let receipt = transfer_out(&mut suite, FEE_CHAIN, data, token, U256::ZERO);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let charged = fee(100_000, TOKEN_GAS_PRICE);
    assert_eq!(suite.view(token, IMosTestToken::balanceOfCall { account: FEE_RECEIVER }), charged);
    assert_eq!(
        suite.view(token, IMosTestToken::balanceOfCall { account: account(USER) }),
        U256::from(10_000_000) - charged
    );
}

/// A fee-on-transfer token's cut comes out of what the fee receiver gets, as on MAP (the MOS moves
/// the fee straight from the sender to the receiver): the sender pays exactly the quote and the
/// message goes out in full (docs/map-parity.md, "Fee tokens").
#[test]
fn a_fee_on_transfer_tokens_shortfall_is_the_fee_receivers_and_the_message_goes_out() {
    let mut suite = Suite::chain();
    let (mos, token) = (suite.mos, suite.token);
    suite.ok(USER, token, IMosTestToken::mintCall { to: account(USER), amount: U256::from(10_000_000) });
    suite.ok(USER, token, IMosTestToken::approveCall { spender: mos, amount: U256::from(10_000_000) });
    suite.ok(ADMIN, token, IMosTestToken::setTransferFeeCall { percent: U256::from(10) });
    let data = outgoing(&suite, 32, 100_000).encode();
    let receipt = transfer_out(&mut suite, FEE_CHAIN, data.clone(), token, U256::ZERO);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let charged = fee(100_000, TOKEN_GAS_PRICE);
    assert_eq!(
        suite.view(token, IMosTestToken::balanceOfCall { account: account(USER) }),
        U256::from(10_000_000) - charged,
        "the sender paid exactly the quote"
    );
    let received = suite.view(token, IMosTestToken::balanceOfCall { account: FEE_RECEIVER });
    assert_eq!(received, charged - charged / U256::from(10), "the receiver got the quote less the token's cut");
    assert_eq!(event::<IMOSV3::mapMessageOut>(&receipt).1.callData, Bytes::from(data));
}

#[test]
fn a_token_fee_fails_without_allowance_or_when_the_token_answers_false() {
    let mut suite = Suite::chain();
    let token = suite.token;
    suite.ok(USER, token, IMosTestToken::mintCall { to: account(USER), amount: U256::from(10_000_000) });
    let data = outgoing(&suite, 0, 100_000).encode();
    let no_allowance = transfer_out(&mut suite, FEE_CHAIN, data.clone(), token, U256::ZERO);
    assert_eq!(describe_revert(&no_allowance.output), "ERC20: insufficient allowance");
    let mos = suite.mos;
    suite.ok(USER, token, IMosTestToken::approveCall { spender: mos, amount: U256::from(10_000_000) });
    suite.ok(USER, token, IMosTestToken::setAnswerFalseCall { answerFalse: true });
    let answered_false = transfer_out(&mut suite, FEE_CHAIN, data, token, U256::ZERO);
    assert_eq!(describe_revert(&answered_false.output), "SafeERC20: ERC20 operation did not succeed");
}

#[test]
fn only_a_priced_token_pays_and_never_with_native_value_alongside() {
    let mut suite = Suite::chain();
    let data = outgoing(&suite, 0, 100_000).encode();
    let unpriced_token = suite.fee_service;
    let unpriced = transfer_out(&mut suite, FEE_CHAIN, data.clone(), unpriced_token, U256::ZERO);
    assert_eq!(describe_revert(&unpriced.output), "MOSV3: Not support fee token");
    let token = suite.token;
    let with_value = transfer_out(&mut suite, FEE_CHAIN, data, token, U256::from(1));
    assert_eq!(describe_revert(&with_value.output), "MOSV3: Msg value with token fee");
}

#[test]
fn transfer_out_refuses_what_mos_v3_refuses_with_its_reasons() {
    let mut suite = Suite::chain();
    let paid = fee(10_000_000, NATIVE_GAS_PRICE);
    let cases = [
        (SELF_CHAIN, outgoing(&suite, 0, 500_000).encode(), "MOSV3: Only other chain"),
        (FEE_CHAIN, outgoing(&suite, 0, 20_999).encode(), "MOSV3: Execution gas too low"),
        (FEE_CHAIN, outgoing(&suite, 0, 10_000_001).encode(), "MOSV3: Execution gas too high"),
        (
            FEE_CHAIN,
            MessageData { value: U256::from(10), ..outgoing(&suite, 0, 500_000) }.encode(),
            "MOSV3: Not support msg value",
        ),
        (1, outgoing(&suite, 0, 500_000).encode(), "MOSV3: Not support dest chain"),
        (FEE_CHAIN, vec![0x02; 64], "MOSV3: Invalid message data"),
    ];
    for (to_chain, data, reason) in cases {
        let receipt = transfer_out(&mut suite, to_chain, data, Address::ZERO, paid);
        assert_eq!(describe_revert(&receipt.output), reason);
    }
    for gas_limit in [21_000, 10_000_000] {
        let data = outgoing(&suite, 0, gas_limit).encode();
        assert!(
            transfer_out(&mut suite, FEE_CHAIN, data, Address::ZERO, paid).receipt.success,
            "{gas_limit} is in bounds"
        );
    }
}

#[test]
fn the_payload_cap_is_the_admins_and_defaults_to_16_kib() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    assert_eq!(suite.view(mos, IMOSExtensions::maxPayloadSizeCall {}), U256::from(16_384));
    let paid = fee(50_000, NATIVE_GAS_PRICE);
    let at_cap = outgoing(&suite, 16_384, 50_000).encode();
    assert!(transfer_out(&mut suite, FEE_CHAIN, at_cap, Address::ZERO, paid).receipt.success);
    let receipt = suite.ok(ADMIN, mos, IMOSExtensions::setMaxPayloadSizeCall { size: U256::from(100) });
    assert_eq!(event::<IMOSExtensions::SetMaxPayloadSize>(&receipt).1.size, U256::from(100));
    let over = outgoing(&suite, 101, 50_000).encode();
    assert_eq!(
        describe_revert(&transfer_out(&mut suite, FEE_CHAIN, over, Address::ZERO, paid).output),
        "MOSV3: Payload too long"
    );
    let at_new_cap = outgoing(&suite, 100, 50_000).encode();
    assert!(transfer_out(&mut suite, FEE_CHAIN, at_new_cap, Address::ZERO, paid).receipt.success);
}

#[test]
fn a_paused_mos_sends_nothing() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});
    let data = outgoing(&suite, 0, 50_000).encode();
    let receipt = transfer_out(&mut suite, FEE_CHAIN, data, Address::ZERO, fee(50_000, NATIVE_GAS_PRICE));
    assert_eq!(describe_revert(&receipt.output), "Pausable: paused");
}

#[test]
fn the_relay_mos_notifies_the_manager_for_the_destination() {
    let mut suite = Suite::relay();
    let data = outgoing(&suite, 0, 50_000).encode();
    let receipt = transfer_out(&mut suite, FEE_CHAIN, data, Address::ZERO, fee(50_000, NATIVE_GAS_PRICE));
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (manager, notify) = event::<ILightClientManager::ManagerNotifySend>(&receipt);
    assert_eq!(manager, suite.light_client);
    assert_eq!(
        notify,
        ILightClientManager::ManagerNotifySend {
            chainId: U256::from(FEE_CHAIN),
            sender: suite.mos,
            blockHeight: U256::from(suite.block_number()),
            notifyData: Bytes::new(),
        }
    );
    assert_eq!(event::<IMOSV3::mapMessageOut>(&receipt).1.fromChain, U256::from(SELF_CHAIN));
}

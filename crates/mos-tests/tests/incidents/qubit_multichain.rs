//! Qubit (January 2022, $80M): a deposit named the zero address as its token, `safeTransferFrom`
//! on an account without code "succeeded", and the bridge minted for a payment never made.
//! Multichain / Anyswap (January 2022): the bridge trusted a token the caller named, whose
//! `permit` fallback answered without doing anything. Here: a fee is paid for real or the message
//! is not sent: a fee token without code, one whose `transferFrom` answers `false`, a token the fee
//! service does not price, and the native path without value all revert, with no message, no
//! nonce spent and no fee moved.

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use mos_message::interfaces::{IFeeService, IMOSV3};
use mos_message::MessageType;
use mos_tests::*;

use super::refused;

/// The gas limit of every message sent here.
const GAS_LIMIT: u64 = 100_000;

/// `transferOut` of a message to [`FEE_CHAIN`] paying with `fee_token` and `value`, from
/// [`USER`]; asserts it reverts with `reason` and changes nothing but [`USER`]'s gas.
fn send_refused(suite: &mut Suite, fee_token: Address, value: U256, reason: &str) {
    let data = message(false, MessageType::Calldata, suite.target.as_slice(), b"pay", GAS_LIMIT).encode();
    let call =
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: fee_token };
    let mos = suite.mos;
    let receipt =
        suite.assert_unchanged_by(USER, reason, |suite| suite.send_raw(USER, mos, value, call.abi_encode(), TX_GAS));
    refused(&receipt, reason, reason);
}

/// Prices `token` for [`FEE_CHAIN`] in the fee service, as an admin who configured it would.
fn price(suite: &mut Suite, token: Address) {
    let fee_service = suite.fee_service;
    let call = IFeeService::setChainGasPriceCall {
        chainId: U256::from(FEE_CHAIN),
        token,
        chainPrice: U256::from(TOKEN_GAS_PRICE),
    };
    suite.ok(ADMIN, fee_service, call);
}

#[test]
fn a_fee_token_without_code_is_no_payment() {
    // Qubit: a transfer from an account without code succeeds with nothing.
    let mut suite = Suite::chain();
    let no_code = account(STRANGER);
    price(&mut suite, no_code);
    send_refused(&mut suite, no_code, U256::ZERO, "Address: call to non-contract");
    // The same guard on the way out: withdrawing "tokens" from an account without code.
    let mos = suite.mos;
    let call = IMOSV3::emergencyWithdrawCall { token: no_code, receiver: account(ADMIN), amount: U256::from(1) };
    let receipt =
        suite.assert_unchanged_by(ADMIN, "a withdrawal of a token without code", |suite| suite.send(ADMIN, mos, call));
    refused(&receipt, "Address: call to non-contract", "a withdrawal of a token without code");
}

#[test]
fn a_transfer_from_that_answers_false_is_no_payment() {
    // Qubit and Multichain: an answer that is not a transfer.
    let mut suite = Suite::chain();
    let (token, mos) = (suite.token, suite.mos);
    suite.ok(USER, token, IMosTestToken::mintCall { to: account(USER), amount: U256::from(10_000_000) });
    suite.ok(USER, token, IMosTestToken::approveCall { spender: mos, amount: U256::from(10_000_000) });
    suite.ok(USER, token, IMosTestToken::setAnswerFalseCall { answerFalse: true });
    send_refused(&mut suite, token, U256::ZERO, "SafeERC20: ERC20 operation did not succeed");
}

#[test]
fn a_token_the_caller_names_but_the_fee_service_does_not_price_pays_nothing() {
    // Multichain: the bridge called whatever token the caller named.
    let mut suite = Suite::chain();
    let own_token = suite.deploy_program("mos-test-token");
    suite.ok(USER, own_token, IMosTestToken::mintCall { to: account(USER), amount: U256::from(10_000_000) });
    let mos = suite.mos;
    suite.ok(USER, own_token, IMosTestToken::approveCall { spender: mos, amount: U256::from(10_000_000) });
    send_refused(&mut suite, own_token, U256::ZERO, "MOSV3: Not support fee token");
    // Nor code that answers nothing to everything (`STOP`), as a `permit` fallback did.
    let silent = suite.deploy(ADMIN, stylus_wasm::deploy::init_code(&[0x00]));
    send_refused(&mut suite, silent, U256::ZERO, "MOSV3: Not support fee token");
    // Value alongside a token is refused too: it would be kept without paying anything.
    let token = suite.token;
    send_refused(&mut suite, token, U256::from(1), "MOSV3: Msg value with token fee");
}

#[test]
fn the_native_fee_path_needs_the_value() {
    // Qubit: the zero address stood for the native token, and no native value came with it.
    let mut suite = Suite::chain();
    let fee = U256::from((BASE_GAS + GAS_LIMIT) * NATIVE_GAS_PRICE);
    send_refused(&mut suite, Address::ZERO, U256::ZERO, "MOSV3: Need message fee");
    send_refused(&mut suite, Address::ZERO, fee - U256::from(1), "MOSV3: Need message fee");
}

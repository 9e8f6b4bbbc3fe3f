//! The fee service: the owner recorded at deployment, setters and getters with MAP's events,
//! two-step ownership.

use alloy_primitives::{Address, U256};
use mos_message::interfaces::IFeeService;
use mos_tests::*;

#[test]
fn the_deployer_owns_it_and_its_settings_are_what_the_mos_is_quoted() {
    let mut suite = Suite::chain();
    let fee = suite.fee_service;
    assert_eq!(suite.view(fee, IFeeService::ownerCall {}), account(ADMIN));
    let quote =
        suite.view(fee, IFeeService::getMessageFeeCall { chainId: U256::from(FEE_CHAIN), feeToken: Address::ZERO });
    assert_eq!(
        (quote.baseGas, quote.gasPrice, quote.receiver),
        (U256::from(BASE_GAS), U256::from(NATIVE_GAS_PRICE), FEE_RECEIVER)
    );
    let unknown = suite.view(fee, IFeeService::getMessageFeeCall { chainId: U256::from(1), feeToken: Address::ZERO });
    assert_eq!((unknown.baseGas, unknown.gasPrice), (U256::ZERO, U256::ZERO));

    let receipt =
        suite.ok(ADMIN, fee, IFeeService::setBaseGasCall { chainId: U256::from(56), baseLimit: U256::from(120_000) });
    assert_eq!(
        event::<IFeeService::SetBaseGas>(&receipt),
        (fee, IFeeService::SetBaseGas { chainId: U256::from(56), basLimit: U256::from(120_000) })
    );
    let token = Address::repeat_byte(0x70);
    let receipt = suite.ok(
        ADMIN,
        fee,
        IFeeService::setChainGasPriceCall { chainId: U256::from(56), token, chainPrice: U256::from(9) },
    );
    assert_eq!(
        event::<IFeeService::SetChainGasPrice>(&receipt).1,
        IFeeService::SetChainGasPrice { chainId: U256::from(56), chainPrice: U256::from(9) }
    );
    let receiver = Address::repeat_byte(0x71);
    let receipt = suite.ok(ADMIN, fee, IFeeService::setFeeReceiverCall { receiver });
    assert_eq!(event::<IFeeService::SetFeeReceiver>(&receipt).1.receiver, receiver);

    assert_eq!(suite.view(fee, IFeeService::baseGasCall { chainId: U256::from(56) }), U256::from(120_000));
    assert_eq!(suite.view(fee, IFeeService::chainGasPriceCall { chainId: U256::from(56), token }), U256::from(9));
    assert_eq!(
        suite.view(fee, IFeeService::chainGasPriceCall { chainId: U256::from(56), token: Address::ZERO }),
        U256::ZERO
    );
    assert_eq!(suite.view(fee, IFeeService::feeReceiverCall {}), receiver);
    let quote = suite.view(fee, IFeeService::getMessageFeeCall { chainId: U256::from(56), feeToken: token });
    assert_eq!((quote.baseGas, quote.gasPrice, quote.receiver), (U256::from(120_000), U256::from(9), receiver));
}

#[test]
fn only_the_owner_sets_anything() {
    let mut suite = Suite::chain();
    let fee = suite.fee_service;
    let not_owner = "Ownable: caller is not the owner";
    suite.reverts(
        STRANGER,
        fee,
        IFeeService::setBaseGasCall { chainId: U256::from(1), baseLimit: U256::from(1) },
        not_owner,
    );
    let price =
        IFeeService::setChainGasPriceCall { chainId: U256::from(1), token: Address::ZERO, chainPrice: U256::from(1) };
    suite.reverts(STRANGER, fee, price, not_owner);
    suite.reverts(STRANGER, fee, IFeeService::setFeeReceiverCall { receiver: Address::ZERO }, not_owner);
    suite.reverts(STRANGER, fee, IFeeService::transferOwnershipCall { newOwner: account(STRANGER) }, not_owner);
    let with_value = suite.send_raw(
        ADMIN,
        fee,
        U256::from(1),
        alloy_sol_types::SolCall::abi_encode(&IFeeService::feeReceiverCall {}),
        TX_GAS,
    );
    assert!(!with_value.receipt.success && with_value.output.is_empty(), "nothing is payable");
}

#[test]
fn ownership_moves_when_the_new_owner_accepts() {
    let mut suite = Suite::chain();
    let fee = suite.fee_service;
    let receipt = suite.ok(ADMIN, fee, IFeeService::transferOwnershipCall { newOwner: account(USER) });
    assert_eq!(
        event::<IFeeService::OwnershipTransferStarted>(&receipt).1,
        IFeeService::OwnershipTransferStarted { previousOwner: account(ADMIN), newOwner: account(USER) }
    );
    assert_eq!(suite.view(fee, IFeeService::pendingOwnerCall {}), account(USER));
    assert_eq!(suite.view(fee, IFeeService::ownerCall {}), account(ADMIN));
    suite.reverts(STRANGER, fee, IFeeService::acceptOwnershipCall {}, "Ownable2Step: caller is not the new owner");
    let receipt = suite.ok(USER, fee, IFeeService::acceptOwnershipCall {});
    assert_eq!(
        event::<IFeeService::OwnershipTransferred>(&receipt).1,
        IFeeService::OwnershipTransferred { previousOwner: account(ADMIN), newOwner: account(USER) }
    );
    assert_eq!(suite.view(fee, IFeeService::ownerCall {}), account(USER));
    assert_eq!(suite.view(fee, IFeeService::pendingOwnerCall {}), Address::ZERO);
    suite.reverts(
        ADMIN,
        fee,
        IFeeService::setFeeReceiverCall { receiver: Address::ZERO },
        "Ownable: caller is not the owner",
    );
    suite.ok(USER, fee, IFeeService::setFeeReceiverCall { receiver: Address::ZERO });
}

#[test]
fn a_fee_service_deployed_without_a_recorded_owner_obeys_nobody() {
    let mut suite = Suite::chain();
    let orphan = suite.deploy_program("fee-service");
    assert_eq!(suite.view(orphan, IFeeService::ownerCall {}), Address::ZERO);
    let call = IFeeService::setBaseGasCall { chainId: U256::from(1), baseLimit: U256::from(1) };
    suite.reverts(ADMIN, orphan, call, "Ownable: caller is not the owner");
    suite.reverts(ADMIN, orphan, IFeeService::acceptOwnershipCall {}, "Ownable2Step: caller is not the new owner");
}

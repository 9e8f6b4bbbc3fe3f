//! The programs that take an owner (the fee service, the light-client manager, the committee light
//! node), deployed as `cargo stylus deploy` deploys a program with a constructor: through the
//! devnet's StylusDeployer, which creates, activates and constructs it in one transaction. And the
//! constructor refusing every other way in.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use devnet::predeploys::STYLUS_DEPLOYER;
use light_client_iface::interfaces::{ICommitteeLightNode, ILightClientManagerAdmin};
use mos_message::interfaces::IFeeService;
use mos_tests::light_client::Committee;
use mos_tests::*;

sol! {
    /// The StylusDeployer's interface, as cargo-stylus calls it.
    interface IStylusDeployer {
        event ContractDeployed(address deployedContract);
        function deploy(bytes bytecode, bytes initData, uint256 initValue, bytes32 salt) external payable returns (address);
    }
}

/// stylus-sdk's constructor calldata: `stylus_constructor()`'s selector, then the arguments.
fn constructor_call(owner: Address) -> Vec<u8> {
    [&keccak256("stylus_constructor()")[..4], &owner.abi_encode()].concat()
}

/// `cargo stylus deploy --constructor-args OWNER` of `package`, sent by [`USER`] with enough value
/// for the activation's data fee.
fn deploy_through_the_deployer(suite: &mut Suite, package: &str, owner: Address) -> devnet::block::TxReceipt {
    let call = IStylusDeployer::deployCall {
        bytecode: stylus_wasm::deploy::init_code(&program(package)).into(),
        initData: constructor_call(owner).into(),
        initValue: U256::ZERO,
        salt: B256::ZERO,
    };
    let value = U256::from(10u64).pow(U256::from(17));
    suite.send_raw(USER, STYLUS_DEPLOYER, value, call.abi_encode(), TX_GAS)
}

#[test]
fn a_program_deployed_through_the_stylus_deployer_is_created_activated_and_owned_in_one_transaction() {
    let mut suite = Suite::chain();
    let owner = account(STRANGER);
    let user_before = suite.balance(account(USER));

    let receipt = deploy_through_the_deployer(&mut suite, "fee-service", owner);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    let (emitter, deployed) = event::<IStylusDeployer::ContractDeployed>(&receipt);
    assert_eq!(emitter, STYLUS_DEPLOYER);
    let fee_service = deployed.deployedContract;
    assert_eq!(suite.view(fee_service, IFeeService::ownerCall {}), owner, "the owner given, not the deployer");
    assert_eq!(suite.balance(STYLUS_DEPLOYER), U256::ZERO, "what the data fee left went back");
    assert!(suite.balance(account(USER)) < user_before);
    suite.ok(STRANGER, fee_service, IFeeService::setFeeReceiverCall { receiver: FEE_RECEIVER });

    let receipt = deploy_through_the_deployer(&mut suite, "mos-light-client-manager", owner);
    let manager = event::<IStylusDeployer::ContractDeployed>(&receipt).1.deployedContract;
    assert_eq!(suite.view(manager, ILightClientManagerAdmin::adminCall {}), owner);

    let receipt = deploy_through_the_deployer(&mut suite, "mos-light-node", owner);
    let node = event::<IStylusDeployer::ContractDeployed>(&receipt).1.deployedContract;
    let committee = Committee::new(0x2000, 3, 2);
    let initialize = ICommitteeLightNode::initializeCall {
        sourceChainId: U256::from(OTHER_CHAIN),
        members: committee.members(),
        threshold: U256::from(2),
    };
    suite.reverts(USER, node, initialize.clone(), "LightNode: only deployer");
    suite.ok(STRANGER, node, initialize);
}

#[test]
fn the_constructor_runs_once_and_never_on_a_program_whose_creation_recorded_its_owner() {
    let mut suite = Suite::chain();
    let owner = account(STRANGER);
    let receipt = deploy_through_the_deployer(&mut suite, "fee-service", owner);
    let constructed = event::<IStylusDeployer::ContractDeployed>(&receipt).1.deployedContract;
    // `mos deploy`'s fee service: its creation recorded ADMIN as the owner.
    let recorded = suite.fee_service;
    for fee_service in [constructed, recorded] {
        let before = suite.view(fee_service, IFeeService::ownerCall {});
        let again = suite.send_raw(USER, fee_service, U256::ZERO, constructor_call(account(USER)), TX_GAS);
        assert_eq!(describe_revert(&again.output), "constructor already called");
        assert_eq!(suite.view(fee_service, IFeeService::ownerCall {}), before);
    }
    assert_eq!(suite.view(recorded, IFeeService::ownerCall {}), account(ADMIN));

    let zero = deploy_through_the_deployer(&mut suite, "fee-service", Address::ZERO);
    assert!(!zero.receipt.success);
    assert_eq!(describe_revert(&zero.output), "constructor: owner is the zero address");
    assert!(events::<IStylusDeployer::ContractDeployed>(&zero).is_empty(), "nothing is left half deployed");
}

//! The proxy, initialisation, upgrades, the admin's functions, the getters, and what the router
//! refuses.

use alloy_primitives::{b256, keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::SolCall;
use mos_message::interfaces::{IMOSAdmin, IMOSExtensions, IMOSRelay, IMOSV3};
use mos_message::MessageType;
use mos_tests::*;

/// A fresh proxy in front of `implementation` naming `admin`, created by `creator`, not initialised.
fn fresh_proxy(suite: &mut Suite, creator: u32, admin: u32) -> Address {
    let implementation = suite.implementation;
    suite.deploy(creator, mos_proxy::init_code(implementation, account(admin)))
}

/// A CREATE2 factory, as MAP deploys through: calldata `salt ‖ initCode`; creates it with `salt`
/// and returns the new address (20 bytes), or reverts if the creation failed.
const CREATE2_FACTORY: [u8; 32] = [
    0x36, 0x60, 0x20, 0x90, 0x03, // calldatasize - 32
    0x80, 0x60, 0x20, 0x5f, 0x37, // calldatacopy(0, 32, n)
    0x5f, 0x35, 0x90, 0x5f, 0x5f, 0xf5, // create2(0, 0, n, calldataload(0))
    0x80, 0x15, 0x60, 0x1c, 0x57, // if address == 0, jump to 28
    0x5f, 0x52, 0x60, 0x14, 0x60, 0x0c, 0xf3, // return the address
    0x5b, 0x5f, 0x5f, 0xfd, // 28: revert
];

#[test]
fn the_proxy_records_the_admin_its_creation_names_and_its_program() {
    let mut suite = Suite::chain();
    let implementation = suite.implementation;
    let deployment = suite.create(USER, mos_proxy::init_code(implementation, account(ADMIN)));
    let proxy = deployment.contract_address.unwrap();
    assert_eq!(event::<IMOSAdmin::Upgraded>(&deployment), (proxy, IMOSAdmin::Upgraded { implementation }));
    assert_eq!(
        event::<IMOSAdmin::AdminChanged>(&deployment),
        (proxy, IMOSAdmin::AdminChanged { previousAdmin: Address::ZERO, newAdmin: account(ADMIN) })
    );
    assert_eq!(suite.view(proxy, IMOSV3::getAdminCall {}), account(ADMIN));
    assert_eq!(suite.view(proxy, IMOSAdmin::getImplementationCall {}), implementation);
    let admin_slot = U256::from_be_bytes(b256!("0xb53127684a568b3173ae13b9f8a6016e243e63b6e8ee1178d6a717850b5d6103").0);
    assert_eq!(suite.storage(proxy, admin_slot), U256::from_be_slice(account(ADMIN).as_slice()));
}

#[test]
fn a_proxy_created_through_a_create2_factory_has_the_admin_it_names_not_the_factory() {
    let mut suite = Suite::chain();
    let factory = suite.deploy(STRANGER, stylus_wasm::deploy::init_code(&CREATE2_FACTORY));
    let init_code = mos_proxy::init_code(suite.implementation, account(ADMIN));
    let salt = B256::repeat_byte(0x4d);
    let created = suite.send_raw(STRANGER, factory, U256::ZERO, [salt.as_slice(), &init_code].concat(), TX_GAS);
    assert!(created.receipt.success, "{}", describe_revert(&created.output));
    let proxy = factory.create2(salt, keccak256(&init_code));
    assert_eq!(Address::from_slice(&created.output), proxy, "CREATE2's address");
    assert_eq!(event::<IMOSAdmin::AdminChanged>(&created).1.newAdmin, account(ADMIN));
    assert_eq!(suite.view(proxy, IMOSV3::getAdminCall {}), account(ADMIN));

    let initialize = IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: suite.light_client };
    suite.reverts(STRANGER, proxy, initialize.clone(), "MOSV3: Only admin");
    suite.ok(ADMIN, proxy, initialize);
    assert_eq!(suite.view(proxy, IMOSV3::wTokenCall {}), W_TOKEN);
}

#[test]
fn only_the_deployer_can_initialise_and_only_once() {
    let mut suite = Suite::chain();
    let proxy = fresh_proxy(&mut suite, STRANGER, ADMIN);
    let light_node = suite.light_client;
    let initialize = IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: light_node };
    suite.reverts(STRANGER, proxy, initialize.clone(), "MOSV3: Only admin");
    let zero = IMOSAdmin::initializeCall { wToken: Address::ZERO, lightClient: light_node };
    suite.reverts(ADMIN, proxy, zero, "MOSV3: Address is zero");
    let receipt = suite.ok(ADMIN, proxy, initialize.clone());
    assert_eq!(event::<IMOSAdmin::Initialized>(&receipt), (proxy, IMOSAdmin::Initialized { version: 1 }));
    assert_eq!(suite.view(proxy, IMOSV3::wTokenCall {}), W_TOKEN);
    assert_eq!(suite.view(proxy, IMOSV3::lightNodeCall {}), light_node);
    suite.reverts(ADMIN, proxy, initialize, "Initializable: contract is already initialized");
    assert_eq!(suite.view(proxy, IMOSV3::getAdminCall {}), account(ADMIN));
}

#[test]
fn the_program_itself_authorises_nobody() {
    let mut suite = Suite::chain();
    let (program, light_node) = (suite.implementation, suite.light_client);
    assert_eq!(suite.view(program, IMOSV3::getAdminCall {}), Address::ZERO);
    suite.reverts(
        ADMIN,
        program,
        IMOSAdmin::initializeCall { wToken: W_TOKEN, lightClient: light_node },
        "MOSV3: Only admin",
    );
    suite.reverts(
        ADMIN,
        program,
        IMOSAdmin::upgradeToCall { newImplementation: program },
        "MOSV3: Only admin can upgrade",
    );
    let data = message(false, MessageType::Calldata, &[1; 20], b"", 50_000).encode();
    let send =
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: Address::ZERO };
    suite.reverts(USER, program, send, "MOSV3: Not support dest chain");
    let log = message_out(Address::ZERO, 0, SELF_CHAIN, order(1), b"", b"");
    let call =
        IMOSV3::transferInWithIndexCall { chainId: U256::ZERO, logIndex: U256::ZERO, receiptProof: proof(&[log]) };
    assert!(!suite.send(MESSENGER, program, call).receipt.success, "no light node, no relay: nothing is delivered");
}

#[test]
fn an_upgrade_keeps_every_piece_of_state() {
    let mut suite = Suite::chain();
    let (mos, target) = (suite.mos, suite.target);
    let data = message(false, MessageType::Calldata, target.as_slice(), b"", 50_000).encode();
    let fee = U256::from((BASE_GAS + 50_000) * NATIVE_GAS_PRICE);
    let send =
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: Address::ZERO };
    assert!(suite.send_raw(USER, mos, fee, send.abi_encode(), TX_GAS).receipt.success);
    let allow = IMOSV3::addRemoteCallerCall {
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: Bytes::from_static(b"peer"),
        tag: true,
    };
    suite.ok(USER, mos, allow);
    let log = suite.incoming(
        order(1),
        SELF_CHAIN,
        account(USER),
        &message(false, MessageType::Calldata, target.as_slice(), b"", 50_000),
    );
    suite.deliver(&[log]);
    suite.ok(ADMIN, mos, IMOSExtensions::setMaxPayloadSizeCall { size: U256::from(77) });
    suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});

    let next = suite.deploy_program("mos-dest");
    suite.reverts(STRANGER, mos, IMOSAdmin::upgradeToCall { newImplementation: next }, "MOSV3: Only admin can upgrade");
    let receipt = suite.ok(ADMIN, mos, IMOSAdmin::upgradeToCall { newImplementation: next });
    assert_eq!(event::<IMOSAdmin::Upgraded>(&receipt), (mos, IMOSAdmin::Upgraded { implementation: next }));
    assert_eq!(suite.view(mos, IMOSAdmin::getImplementationCall {}), next);

    assert_eq!(suite.view(mos, IMOSV3::nonceCall {}), U256::from(1));
    assert!(suite.view(mos, IMOSV3::orderListCall { orderId: order(1) }));
    assert_eq!(suite.view(mos, IMOSExtensions::messageStatusCall { orderId: order(1) }) as u8, 2);
    let permission = IMOSV3::getExecutePermissionCall {
        targetAddress: account(USER),
        fromChain: U256::from(OTHER_CHAIN),
        fromAddress: Bytes::from_static(b"peer"),
    };
    assert!(suite.view(mos, permission));
    assert!(suite.view(mos, IMOSV3::pausedCall {}));
    assert_eq!(suite.view(mos, IMOSExtensions::maxPayloadSizeCall {}), U256::from(77));
    assert_eq!(suite.view(mos, IMOSV3::getAdminCall {}), account(ADMIN));
    assert_eq!(suite.view(mos, IMOSV3::lightNodeCall {}), suite.light_client);
    assert_eq!(suite.view(mos, IMOSV3::feeServiceCall {}), suite.fee_service);
    assert_eq!(suite.view(mos, IMOSV3::relayContractCall {}), OTHER_MOS);
    assert_eq!(suite.view(mos, IMOSV3::relayChainIdCall {}), U256::from(OTHER_CHAIN));
    assert_eq!(suite.view(mos, IMOSV3::wTokenCall {}), W_TOKEN);
}

#[test]
fn an_upgrade_must_point_at_a_program_that_can_upgrade_again() {
    let mut suite = Suite::chain();
    let (mos, token) = (suite.mos, suite.token);
    let empty = Address::repeat_byte(0x55);
    suite.reverts(
        ADMIN,
        mos,
        IMOSAdmin::upgradeToCall { newImplementation: empty },
        "ERC1967: new implementation is not a contract",
    );
    suite.reverts(
        ADMIN,
        mos,
        IMOSAdmin::upgradeToCall { newImplementation: token },
        "ERC1967Upgrade: new implementation is not UUPS",
    );
    let program = suite.implementation;
    assert_eq!(
        suite.view(program, IMOSAdmin::proxiableUUIDCall {}),
        b256!("0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"),
        "ERC-1822: the ERC-1967 implementation slot, from the program itself"
    );
}

#[test]
fn an_upgrade_cannot_point_the_proxy_at_itself_or_at_another_proxy() {
    let mut suite = Suite::chain();
    let (mos, program) = (suite.mos, suite.implementation);
    let call = IMOSAdmin::proxiableUUIDCall {}.abi_encode();
    let through_proxy = suite.call_raw(STRANGER, mos, call);
    assert_eq!(describe_revert(&through_proxy.output), "UUPSUpgradeable: must not be called through delegatecall");
    let other_proxy = fresh_proxy(&mut suite, STRANGER, STRANGER);
    for proxy in [mos, other_proxy] {
        suite.reverts(
            ADMIN,
            mos,
            IMOSAdmin::upgradeToCall { newImplementation: proxy },
            "ERC1967Upgrade: new implementation is not UUPS",
        );
    }
    assert_eq!(suite.view(mos, IMOSAdmin::getImplementationCall {}), program, "the upgrades changed nothing");
    suite.allow_remote_caller(account(USER));
    assert_eq!(suite.view(mos, IMOSV3::nonceCall {}), U256::ZERO, "and the MOS still answers");
}

#[test]
fn the_admin_can_hand_over_and_then_has_no_rights() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    suite.reverts(ADMIN, mos, IMOSV3::changeAdminCall { admin: Address::ZERO }, "MOSV3: Address is zero");
    let receipt = suite.ok(ADMIN, mos, IMOSV3::changeAdminCall { admin: account(STRANGER) });
    assert_eq!(
        event::<IMOSAdmin::AdminChanged>(&receipt).1,
        IMOSAdmin::AdminChanged { previousAdmin: account(ADMIN), newAdmin: account(STRANGER) }
    );
    assert_eq!(suite.view(mos, IMOSV3::getAdminCall {}), account(STRANGER));
    suite.reverts(ADMIN, mos, IMOSV3::setPauseCall {}, "MOSV3: Only admin");
    suite.ok(STRANGER, mos, IMOSV3::setPauseCall {});
}

#[test]
fn every_admin_function_refuses_anyone_else() {
    for role in [Role::Chain, Role::Relay] {
        let mut suite = Suite::new(role, None);
        let mos = suite.mos;
        let some = Address::repeat_byte(0x21);
        let calls: Vec<Vec<u8>> = vec![
            IMOSV3::setLightClientCall { lightNode: some }.abi_encode(),
            IMOSV3::setFeeServiceCall { feeServiceAddress: some }.abi_encode(),
            IMOSV3::setRelayContractCall { chainId: U256::from(1), relay: some }.abi_encode(),
            IMOSV3::setPauseCall {}.abi_encode(),
            IMOSV3::setUnpauseCall {}.abi_encode(),
            IMOSV3::emergencyWithdrawCall { token: Address::ZERO, receiver: some, amount: U256::from(1) }.abi_encode(),
            IMOSV3::changeAdminCall { admin: some }.abi_encode(),
            IMOSExtensions::setMaxPayloadSizeCall { size: U256::from(1) }.abi_encode(),
            IMOSAdmin::initializeCall { wToken: some, lightClient: some }.abi_encode(),
        ];
        for call in calls {
            let receipt = suite.send_raw(STRANGER, mos, U256::ZERO, call.clone(), TX_GAS);
            assert_eq!(
                describe_revert(&receipt.output),
                "MOSV3: Only admin",
                "{role:?} {}",
                Bytes::from(call[..4].to_vec())
            );
        }
    }
}

#[test]
fn the_setters_change_the_getters_and_say_so() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    let some = Address::repeat_byte(0x21);
    for zero in [
        IMOSV3::setLightClientCall { lightNode: Address::ZERO }.abi_encode(),
        IMOSV3::setFeeServiceCall { feeServiceAddress: Address::ZERO }.abi_encode(),
        IMOSV3::setRelayContractCall { chainId: U256::from(1), relay: Address::ZERO }.abi_encode(),
    ] {
        assert_eq!(
            describe_revert(&suite.send_raw(ADMIN, mos, U256::ZERO, zero, TX_GAS).output),
            "MOSV3: Address is zero"
        );
    }
    let receipt = suite.ok(ADMIN, mos, IMOSV3::setLightClientCall { lightNode: some });
    assert_eq!(event::<IMOSV3::SetLightClient>(&receipt), (mos, IMOSV3::SetLightClient { lightNode: some }));
    assert_eq!(suite.view(mos, IMOSV3::lightNodeCall {}), some);
    let receipt = suite.ok(ADMIN, mos, IMOSV3::setFeeServiceCall { feeServiceAddress: some });
    assert_eq!(event::<IMOSV3::SetFeeService>(&receipt).1.feeServiceAddress, some);
    assert_eq!(suite.view(mos, IMOSV3::feeServiceCall {}), some);
    let receipt = suite.ok(ADMIN, mos, IMOSV3::setRelayContractCall { chainId: U256::from(22776), relay: some });
    assert_eq!(
        event::<IMOSV3::SetRelayContract>(&receipt).1,
        IMOSV3::SetRelayContract { chainId: U256::from(22776), relay: some }
    );
    assert_eq!(suite.view(mos, IMOSV3::relayContractCall {}), some);
    assert_eq!(suite.view(mos, IMOSV3::relayChainIdCall {}), U256::from(22776));
    let huge = IMOSV3::setRelayContractCall { chainId: U256::from(1) << 96, relay: some };
    suite.reverts(ADMIN, mos, huge, "MOSV3: Chain id too large");
}

#[test]
fn pause_and_unpause_are_reported_and_not_repeated() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    suite.reverts(ADMIN, mos, IMOSV3::setUnpauseCall {}, "Pausable: not paused");
    let receipt = suite.ok(ADMIN, mos, IMOSV3::setPauseCall {});
    assert_eq!(event::<IMOSAdmin::Paused>(&receipt), (mos, IMOSAdmin::Paused { account: account(ADMIN) }));
    assert!(suite.view(mos, IMOSV3::pausedCall {}));
    suite.reverts(ADMIN, mos, IMOSV3::setPauseCall {}, "Pausable: paused");
    let receipt = suite.ok(ADMIN, mos, IMOSV3::setUnpauseCall {});
    assert_eq!(event::<IMOSAdmin::Unpaused>(&receipt).1.account, account(ADMIN));
    assert!(!suite.view(mos, IMOSV3::pausedCall {}));
}

#[test]
fn emergency_withdraw_returns_native_value_and_tokens() {
    let mut suite = Suite::chain();
    let (mos, token) = (suite.mos, suite.token);
    assert!(suite.send_raw(USER, mos, U256::from(1_000), Vec::new(), 100_000).receipt.success, "receive() takes value");
    suite.ok(USER, token, IMosTestToken::mintCall { to: mos, amount: U256::from(500) });
    let receiver = Address::repeat_byte(0x44);
    let withdraw = |token, amount| IMOSV3::emergencyWithdrawCall { token, receiver, amount: U256::from(amount) };
    suite.reverts(ADMIN, mos, withdraw(Address::ZERO, 0u64), "MOSV3: Withdraw amount error");
    suite.reverts(
        ADMIN,
        mos,
        IMOSV3::emergencyWithdrawCall { token, receiver: Address::ZERO, amount: U256::from(1) },
        "MOSV3: Address is zero",
    );
    suite.ok(ADMIN, mos, withdraw(Address::ZERO, 600));
    suite.ok(ADMIN, mos, withdraw(token, 200));
    assert_eq!(suite.balance(receiver), U256::from(600));
    assert_eq!(suite.balance(mos), U256::from(400));
    assert_eq!(suite.view(token, IMosTestToken::balanceOfCall { account: receiver }), U256::from(200));
    suite.reverts(ADMIN, mos, withdraw(token, 301), "ERC20: transfer amount exceeds balance");
}

#[test]
fn the_getters_answer_as_mos_v3() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    assert_eq!(suite.view(mos, IMOSV3::gasLimitMinCall {}), U256::from(21_000));
    assert_eq!(suite.view(mos, IMOSV3::gasLimitMaxCall {}), U256::from(10_000_000));
    assert_eq!(suite.view(mos, IMOSV3::selfChainIdCall {}), U256::from(SELF_CHAIN));
    assert_eq!(suite.view(mos, IMOSV3::nonceCall {}), U256::ZERO);
    assert!(!suite.view(mos, IMOSV3::pausedCall {}));
    assert_eq!(suite.view(mos, IMOSV3::wTokenCall {}), W_TOKEN);
    let list = IMOSV3::callerListCall {
        target: account(USER),
        fromChain: U256::from(1),
        fromAddress: Bytes::from_static(b"x"),
    };
    assert!(!suite.view(mos, list));
    let mut relay = Suite::relay();
    let (relay_mos, manager) = (relay.mos, relay.light_client);
    assert_eq!(relay.view(relay_mos, IMOSRelay::lightClientManagerCall {}), manager);
    assert_eq!(relay.view(relay_mos, IMOSV3::lightNodeCall {}), Address::ZERO);
}

#[test]
fn the_router_refuses_value_unknown_selectors_and_short_calldata() {
    let mut suite = Suite::chain();
    let mos = suite.mos;
    let with_value = suite.send_raw(USER, mos, U256::from(1), IMOSV3::nonceCall {}.abi_encode(), TX_GAS);
    assert!(!with_value.receipt.success);
    assert!(with_value.output.is_empty());
    let unknown = suite.send_raw(USER, mos, U256::ZERO, vec![0xde, 0xad, 0xbe, 0xef], TX_GAS);
    assert!(!unknown.receipt.success);
    assert!(unknown.output.is_empty());
    let short = suite.send_raw(USER, mos, U256::ZERO, vec![0x01, 0x02], TX_GAS);
    assert!(!short.receipt.success && short.output.is_empty());
    let missing_argument = suite.send_raw(USER, mos, U256::ZERO, IMOSV3::orderListCall::SELECTOR.to_vec(), TX_GAS);
    assert!(!missing_argument.receipt.success && missing_argument.output.is_empty());
}

//! Gas of the committee light node on the devnet (docs/gas.md "## Light client"). Run with
//! `--nocapture` to see the tables; the assertions are upper bounds that catch a regression.
//!
//! `verifyProofData` is measured two ways: the `CALL` a MOS makes to it (the cold account, the
//! program's uncached entry and everything it executes: [`Suite::call_cost`]) and a transaction
//! calling it directly (`gasUsed`: 21,000, the proof as calldata, and the call's execution). Where
//! the call's gas goes is measured by difference: an empty proof (entry, dispatch, the answer),
//! the same proof before its block is attested (the verification stops after the proof's and the
//! header's decoding and the attested-hash `SLOAD`), and after.

use alloy_primitives::{Address, Log, U256};
use alloy_sol_types::SolCall;
use light_client_iface::interfaces::{ILightClientManager, ILightClientManagerAdmin, ILightNode};
use mos_message::interfaces::IMOSV3;
use mos_message::MessageType;
use mos_tests::light_client::*;
use mos_tests::*;

use super::{fixture, logs, proven, Fixture};

/// Intrinsic gas of a call transaction with `input` (EIP-2028).
fn intrinsic(input: &[u8]) -> u64 {
    21_000 + input.iter().map(|b| if *b == 0 { 4 } else { 16 }).sum::<u64>()
}

/// One measured proof.
struct Row {
    receipts: usize,
    logs: usize,
    proof_len: usize,
    nodes: usize,
    /// The call before the block is attested: it stops after the attested-hash lookup.
    unattested: u64,
    call: u64,
    /// The same call with the light node cached (ArbWasmCache).
    call_cached: u64,
    tx: u64,
    intrinsic: u64,
}

/// Proves a receipt with `log_count` logs (100 bytes of data each) at the middle of a block of
/// `receipts` receipts, and measures `verifyProofData` of it before and after the block's
/// attestation.
fn measure(fixture: &mut Fixture, receipts: usize, log_count: usize) -> Row {
    let logs: Vec<Log> = logs(log_count, 100);
    let (number, index) = fixture.source.emit_in_block(&logs, receipts, receipts / 2);
    let proof = fixture.source.proof(number, index);
    let encoded = proof.encode();
    let input = verify_call(&encoded).abi_encode();
    let node = fixture.node;
    let unattested = fixture.suite.call_cost(node, &input);
    let block = fixture.source.block(number).clone();
    fixture.suite.attest(node, &fixture.committee, 1, &block);
    assert_eq!(fixture.verify(&encoded), proven(&logs));
    let call = fixture.suite.call_cost(node, &input);
    let call_cached = {
        let before = fixture.suite.chain.snapshot();
        fixture.suite.cache(node);
        let cost = fixture.suite.call_cost(node, &input);
        fixture.suite.chain.revert_to_snapshot(before).unwrap();
        cost
    };
    let receipt = fixture.suite.send_raw(STRANGER, node, U256::ZERO, input.clone(), TX_GAS);
    assert!(receipt.receipt.success);
    Row {
        receipts,
        logs: log_count,
        proof_len: encoded.len(),
        nodes: proof.nodes.len(),
        unattested,
        call,
        call_cached,
        tx: receipt.gas_used,
        intrinsic: intrinsic(&input),
    }
}

/// What a `CALL` to `to` with `call` costs.
fn call_cost<C: SolCall>(suite: &mut Suite, to: Address, call: C) -> u64 {
    suite.call_cost(to, &call.abi_encode())
}

#[test]
fn verify_proof_data_gas() {
    let mut fixture = fixture();
    let node = fixture.node;
    let (uncached, cached) = fixture.suite.init_gas(node);
    let empty = call_cost(&mut fixture.suite, node, verify_call(&[]));
    println!("entry: {uncached} uncached, {cached} cached (ArbWasm.programInitGas); an empty proof: {empty}");

    let rows = [(100, 1), (100, 10), (100, 100), (1, 1), (1000, 1)]
        .into_iter()
        .map(|(receipts, logs)| measure(&mut fixture, receipts, logs))
        .collect::<Vec<_>>();
    for row in &rows {
        assert_eq!(row.call - row.call_cached, uncached - cached, "caching saves the init gas ArbWasm reports");
    }
    println!(
        "| receipts in the block | logs in the receipt | proof bytes | trie nodes | verifyProofData call | \
         of which up to the attested hash | of which hashing, trie, receipt, answer | the call, program cached | \
         transaction gas used | of which intrinsic |"
    );
    println!("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            row.receipts,
            row.logs,
            row.proof_len,
            row.nodes,
            row.call,
            row.unattested,
            row.call - row.unattested,
            row.call_cached,
            row.tx,
            row.intrinsic
        );
    }

    let cache = {
        let (number, index) = fixture.attested_receipt(&logs(1, 100), 100, 50);
        let proof = fixture.source.proof(number, index).encode();
        let call = ILightNode::verifyProofDataWithCacheCall { receiptProof: proof.into() };
        let first = call_cost(&mut fixture.suite, node, call.clone());
        fixture.suite.ok(STRANGER, node, call.clone());
        (first, call_cost(&mut fixture.suite, node, call))
    };
    println!("verifyProofDataWithCache, 1 log in 100 receipts: first {}, repeat {}", cache.0, cache.1);

    let through_manager = {
        let manager = fixture.suite.deploy_manager();
        let register =
            ILightClientManagerAdmin::registerLightNodeCall { chainId: U256::from(SOURCE_CHAIN), lightNode: node };
        fixture.suite.ok(ADMIN, manager, register);
        let (number, index) = fixture.attested_receipt(&logs(1, 100), 100, 50);
        let proof = fixture.source.proof(number, index).encode();
        let direct = call_cost(&mut fixture.suite, node, verify_call(&proof));
        let call =
            ILightClientManager::verifyProofDataCall { chainId: U256::from(SOURCE_CHAIN), receiptProof: proof.into() };
        (direct, call_cost(&mut fixture.suite, manager, call), fixture.suite.init_gas(manager))
    };
    println!(
        "verifyProofData through the manager, 1 log in 100 receipts: {} (the light node directly: {}; the manager's entry {} uncached, {} cached)",
        through_manager.1, through_manager.0, through_manager.2 .0, through_manager.2 .1
    );

    let attestation_tx = {
        let (number, _) = fixture.source.emit(&logs(1, 1));
        let block = fixture.source.block(number).clone();
        fixture.suite.attest(node, &fixture.committee, 1, &block).gas_used
    };
    let three_signers_tx = {
        let (number, _) = fixture.source.emit(&logs(1, 1));
        let attestation = attestation(fixture.source.block(number), 1);
        let signatures = fixture.committee.sign(header_digest(node, &attestation), 0..3);
        fixture.suite.ok(STRANGER, node, update_block_header(attestation, signatures)).gas_used
    };
    println!(
        "updateBlockHeader of a new block (transaction): 2 of 3 signatures {attestation_tx}, 3 of 3 {three_signers_tx}"
    );

    // The bounds: the target (a 1-log receipt in a 100-receipt block under 60,000), and a
    // margin of about 8% over today's figures for every row.
    let bound = |receipts: usize, logs: usize| match (receipts, logs) {
        (100, 1) => 31_000,
        (100, 10) => 31_500,
        (100, 100) => 33_500,
        (1, 1) => 30_500,
        _ => 32_000,
    };
    for row in &rows {
        let bound = bound(row.receipts, row.logs);
        assert!(row.call <= bound, "verifyProofData of {} logs in {} receipts: {}", row.logs, row.receipts, row.call);
        assert!(row.tx - row.intrinsic <= bound);
    }
    assert!(rows[0].call < 60_000);
    assert!(empty <= 27_500, "an empty proof: {empty}");
    assert!(cache.0 <= 55_000 && cache.1 <= 30_000, "verifyProofDataWithCache: {cache:?}");
    assert!(through_manager.1 - through_manager.0 <= 20_500, "the manager's forwarding: {through_manager:?}");
    assert!(attestation_tx <= 97_000, "updateBlockHeader: {attestation_tx}");
    assert!(three_signers_tx - attestation_tx <= 7_000, "a third signer: {}", three_signers_tx - attestation_tx);
}

#[test]
fn transfer_in_through_the_committee_light_node_gas() {
    let delivery = CommitteeSuite::new(Role::Chain, super::committee());
    let (_, log) = delivery.message(1, SELF_CHAIN, "hello", "world");
    let CommitteeSuite { mut suite, node, committee, mut source } = delivery;
    let (number, index) = source.emit_in_block(&[log], 100, 50);
    let block = source.block(number).clone();
    suite.attest(node, &committee, 1, &block);
    let proof = source.proof(number, index).encode();
    let verify = call_cost(&mut suite, node, verify_call(&proof));
    let call = IMOSV3::transferInCall { chainId: U256::from(OTHER_CHAIN), receiptProof: proof.into() };
    let input = call.abi_encode();
    let mos = suite.mos;
    let receipt = suite.send_raw(MESSENGER, mos, U256::ZERO, input.clone(), TX_GAS);
    assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
    println!(
        "transferIn, CALLDATA -> Echo.setList, 1 message in 100 receipts: gas used {}, intrinsic {}, light node {}",
        receipt.gas_used,
        intrinsic(&input),
        verify
    );
    assert!(verify <= 31_000, "verifyProofData from the MOS: {verify}");
    assert!(receipt.gas_used <= 215_000, "transferIn: {}", receipt.gas_used);
}

/// `transferOut` whole-transaction gas on a chain whose MOS notifies the real committee light node,
/// with the MOS program, the fee service and the light node all cached (what docs/operators.md
/// asks of an operator), against MAP's own Solidity MOS V3 measured on this devnet (solc 0.8.7,
/// 200 runs, behind its proxy, its mock light node, the same 0.0006 native fee to an existing
/// receiver): 99,420 for a first 100-byte send, 82,320 for a later one, 108,412 for 1 KiB.
#[test]
fn transfer_out_with_every_program_cached_against_maps_mos() {
    let (mut suite, node) = Suite::with_committee(Role::Chain, &super::committee());
    suite.chain.set_balance(FEE_RECEIVER, U256::from(1));
    let (mos, implementation, fee_service) = (suite.mos, suite.implementation, suite.fee_service);
    let fee = U256::from((BASE_GAS + 500_000) * NATIVE_GAS_PRICE);
    let send = |payload: &[u8]| {
        let data = message(false, MessageType::Calldata, suite.target.as_slice(), payload, 500_000).encode();
        IMOSV3::transferOutCall { toChain: U256::from(FEE_CHAIN), messageData: data.into(), feeToken: Address::ZERO }
            .abi_encode()
    };
    let (small, large) = (send(&[0xab; 100]), send(&[0xab; 1024]));
    let measure = |suite: &mut Suite, input: &[u8]| {
        let receipt = suite.send_raw(USER, mos, fee, input.to_vec(), TX_GAS);
        assert!(receipt.receipt.success, "{}", describe_revert(&receipt.output));
        receipt.gas_used
    };
    let uncached_first = {
        let before = suite.chain.snapshot();
        let gas = measure(&mut suite, &small);
        suite.chain.revert_to_snapshot(before).unwrap();
        gas
    };
    for program in [implementation, fee_service, node] {
        suite.cache(program);
    }
    let rows = [
        ("first send, 100-byte payload", measure(&mut suite, &small), 99_420),
        ("later send, 100-byte payload", measure(&mut suite, &small), 82_320),
        ("later send, 1 KiB payload", measure(&mut suite, &large), 108_412),
    ];
    println!("transferOut with the MOS, the fee service and the committee light node cached (first send uncached: {uncached_first}):");
    println!("| transferOut | ours, gas used | MAP's MOS V3, gas used | ours / MAP |");
    println!("|---|--:|--:|--:|");
    for (operation, ours, map) in rows {
        println!("| {operation} | {ours} | {map} | {}% |", ours * 100 / map);
    }
    for (operation, ours, map) in rows {
        assert!(ours <= map, "{operation}: {ours} is more than MAP's {map}");
    }
}

//! Gas of the MAP light node against MAP's own Solidity `LightNode` (mapprotocol/map-contracts,
//! `peers/map-light-node`, compiled by `scripts/map-peer.sh` with solc 0.8.20 as MAP builds it),
//! both on the devnet, in one run, for the same work on the same sealed blocks: a relay chain
//! sealed by 4, 21 and 100 validators (the devnet's IBFT mode, epochs of 1,000 blocks as on MAP's
//! test networks), each light node initialised with epoch 2, then the epoch update (block 2000)
//! and the proof of a receipt of block 1500. Every call is a transaction; its gas used is the whole transaction's
//! (intrinsic and calldata included: MAP's arguments are ABI-encoded structs, ours RLP).
//! `verifyProofData` is also given as execution alone (gas used less the intrinsic 21,000 and the
//! calldata), the MAP light node program cached (as docs/operators.md asks of an operator) and
//! not. Prints docs/gas.md's table (`--nocapture`); fails when a `verifyProofData` of ours costs
//! more than half of MAP's (the target). Gas is deterministic: a test, not a benchmark.
//!
//! Needs `scripts/map-peer.sh` first (`make test` runs it).

use std::path::Path;

use alloy_primitives::{hex, Address, Bytes, U256};
use alloy_sol_types::{sol, SolCall, SolValue};
use light_client_iface::interfaces::{ILightNode, IMapLightNode};
use map_ibft::{AtlasHeader, IstanbulExtra, SealedHeader, SealedReceiptProof};
use mos_tests::{describe_revert, sealed_relay::SealedRelay, Suite, ADMIN, STRANGER};

sol! {
    /// MAP's `IVerifyTool` / `BGLS` / `LightNode` types, as its ABI has them.
    struct BlockHeader { bytes parentHash; address coinbase; bytes root; bytes txHash; bytes receiptHash; bytes bloom;
        uint256 number; uint256 gasLimit; uint256 gasUsed; uint256 time; bytes extraData; bytes mixDigest; bytes nonce;
        uint256 baseFee; }
    struct AggregatedSeal { uint256 bitmap; bytes signature; uint256 round; }
    struct IstanbulExtraAbi { address[] validators; bytes[] addedPubKey; bytes[] addedG1PubKey; uint256 removeList;
        bytes seal; AggregatedSeal aggregatedSeal; AggregatedSeal parentAggregatedSeal; }
    struct G1 { uint256 x; uint256 y; }
    struct G2 { uint256 xr; uint256 xi; uint256 yr; uint256 yi; }
    struct TxReceiptRlp { uint256 receiptType; bytes receiptRlp; }
    struct ReceiptProofAbi { BlockHeader header; IstanbulExtraAbi ist; G2 aggPk; TxReceiptRlp txReceiptRlp;
        bytes keyIndex; bytes[] proof; }
    interface MapLightNode {
        function initialize(uint256 _threshold, address[] _validatorAddress, G1[] _pairKeys, uint256[] _weights,
            uint256 _epoch, uint256 _epochSize, address _verifyTool, address _owner) external;
        function updateBlockHeader(BlockHeader bh, IstanbulExtraAbi ist, G2 aggPk) external;
        function verifyProofData(bytes _receiptProofBytes) external view
            returns (bool success, string message, bytes logsHash);
    }
}

const EPOCH_SIZE: u64 = 1000;
const FIRST_EPOCH: u64 = 2;
const PROVEN_BLOCK: u64 = 1500;
const UPDATE_BLOCK: u64 = 2000;
const TX_GAS: u64 = 30_000_000;

/// The creation code `scripts/map-peer.sh` wrote for MAP's contract `name`.
fn peer(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/map-peer").join(format!("{name}.bin"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}: compile MAP's light node first (scripts/map-peer.sh)", path.display()));
    hex::decode(text.trim()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn word(bytes: &[u8]) -> U256 {
    U256::from_be_slice(bytes)
}

/// An Atlas header as MAP's `blockHeader` struct.
fn block_header(header: &AtlasHeader) -> BlockHeader {
    BlockHeader {
        parentHash: header.parent_hash.to_vec().into(),
        coinbase: header.coinbase,
        root: header.root.to_vec().into(),
        txHash: header.tx_hash.to_vec().into(),
        receiptHash: header.receipt_hash.to_vec().into(),
        bloom: header.bloom.to_vec().into(),
        number: U256::from(header.number),
        gasLimit: U256::from(header.gas_limit),
        gasUsed: U256::from(header.gas_used),
        time: U256::from(header.time),
        extraData: header.extra.clone(),
        mixDigest: header.mix_digest.to_vec().into(),
        nonce: header.nonce.to_vec().into(),
        baseFee: header.base_fee.unwrap_or_default(),
    }
}

fn seal(seal: &map_ibft::AggregatedSeal) -> AggregatedSeal {
    AggregatedSeal { bitmap: seal.bitmap, signature: seal.signature.clone(), round: seal.round }
}

/// A header's Istanbul extra as MAP's `istanbulExtra` struct.
fn istanbul_extra(header: &AtlasHeader) -> IstanbulExtraAbi {
    let (_, extra) = IstanbulExtra::from_extra_data(&header.extra).unwrap();
    IstanbulExtraAbi {
        validators: extra.added_validators.clone(),
        addedPubKey: extra.added_public_keys.iter().map(|key| Bytes::copy_from_slice(key)).collect(),
        addedG1PubKey: extra.added_g1_public_keys.iter().map(|key| Bytes::copy_from_slice(key)).collect(),
        removeList: extra.removed_validators,
        seal: extra.seal.clone(),
        aggregatedSeal: seal(&extra.aggregated_seal),
        parentAggregatedSeal: seal(&extra.parent_aggregated_seal),
    }
}

/// A G2 key (x imaginary, x real, y imaginary, y real) as MAP's `G2` struct.
fn g2(key: &[u8; 128]) -> G2 {
    G2 { xi: word(&key[..32]), xr: word(&key[32..64]), yi: word(&key[64..96]), yr: word(&key[96..]) }
}

/// MAP's `updateBlockHeader` arguments for a sealed header.
fn map_update(sealed: &SealedHeader) -> MapLightNode::updateBlockHeaderCall {
    let header = AtlasHeader::decode(&sealed.header).unwrap();
    MapLightNode::updateBlockHeaderCall {
        bh: block_header(&header),
        ist: istanbul_extra(&header),
        aggPk: g2(&sealed.aggregated_key),
    }
}

/// MAP's `verifyProofData` argument for a receipt proof: `abi.encode(ReceiptProof)`, the key
/// the nibbles of `rlp(index)` one per byte, the receipt without its type byte.
fn map_proof(proof: &SealedReceiptProof, receipt: &[u8]) -> Bytes {
    let header = AtlasHeader::decode(&proof.sealed.header).unwrap();
    let key = light_client_iface::index_key(proof.receipt_index);
    let key_index: Vec<u8> = key.iter().flat_map(|byte| [byte >> 4, byte & 0x0f]).collect();
    let (receipt_type, receipt_rlp) = if receipt[0] < 0x80 { (receipt[0], &receipt[1..]) } else { (0, receipt) };
    ReceiptProofAbi {
        header: block_header(&header),
        ist: istanbul_extra(&header),
        aggPk: g2(&proof.sealed.aggregated_key),
        txReceiptRlp: TxReceiptRlp { receiptType: U256::from(receipt_type), receiptRlp: receipt_rlp.to_vec().into() },
        keyIndex: key_index.into(),
        proof: proof.nodes.clone(),
    }
    .abi_encode()
    .into()
}

/// Gas used by a transaction that must succeed, and its calldata's intrinsic cost.
fn send(suite: &mut Suite, to: Address, input: Vec<u8>, what: &str) -> (u64, u64) {
    let calldata: u64 = input.iter().map(|&byte| if byte == 0 { 4 } else { 16 }).sum();
    let receipt = suite.send_raw(STRANGER, to, U256::ZERO, input, TX_GAS);
    assert!(receipt.receipt.success, "{what}: {}", describe_revert(&receipt.output));
    (receipt.gas_used, 21_000 + calldata)
}

struct Row {
    validators: usize,
    map_update: u64,
    ours_update: u64,
    map_verify: (u64, u64),
    ours_verify: (u64, u64),
    ours_verify_uncached: u64,
}

fn measure(validators: usize) -> Row {
    let mut relay = SealedRelay::new(validators, 0, EPOCH_SIZE);
    relay.mine_empty_to(PROVEN_BLOCK - 1);
    relay.transfer();
    relay.mine_empty_to(UPDATE_BLOCK);
    let update = relay.sealed(UPDATE_BLOCK);
    let proof = relay.receipt_proof(PROVEN_BLOCK);
    let receipt = {
        let block = relay.chain.block(devnet::BlockId::Number(PROVEN_BLOCK)).unwrap();
        block.receipts[0].receipt.encode()
    };
    let set = relay.chain.validators_for(PROVEN_BLOCK).unwrap();

    let mut suite = Suite::chain();
    // MAP's: VerifyTool, LightNode behind its UUPS proxy, initialised with epoch 2.
    let verify_tool = suite.deploy(ADMIN, peer("VerifyTool"));
    let logic = suite.deploy(ADMIN, peer("LightNode"));
    let initialize = MapLightNode::initializeCall {
        _threshold: U256::from(validators - validators / 3),
        _validatorAddress: set.addresses.clone(),
        _pairKeys: set.g1_keys.iter().map(|key| G1 { x: word(&key[..32]), y: word(&key[32..]) }).collect(),
        _weights: vec![U256::from(1); validators],
        _epoch: U256::from(FIRST_EPOCH),
        _epochSize: U256::from(EPOCH_SIZE),
        _verifyTool: verify_tool,
        _owner: mos_tests::account(ADMIN),
    };
    let mut proxy_code = peer("LightNodeProxy");
    proxy_code.extend((logic, Bytes::from(initialize.abi_encode())).abi_encode_params());
    // MAP's `initialize` writes 1,500,000 / epochSize epochs: 1,500 here, ~20 M gas.
    let map = suite.deploy_with_gas(ADMIN, proxy_code, 30_000_000);
    // Ours, initialised with the same epoch.
    let ours = suite.deploy_recording_deployer(ADMIN, "mos-map-light-node");
    let init = IMapLightNode::initializeCall {
        epoch: U256::from(FIRST_EPOCH),
        epochSize: U256::from(EPOCH_SIZE),
        validatorKeys: set.g1_keys.concat().into(),
    };
    suite.ok(ADMIN, ours, init);

    let map_verify_call = MapLightNode::verifyProofDataCall { _receiptProofBytes: map_proof(&proof, &receipt) };
    let answer = suite.view(map, map_verify_call.clone());
    assert!(answer.success, "MAP's light node refuses the devnet's proof: {}", answer.message);
    let ours_verify_call = ILightNode::verifyProofDataCall { receiptProof: proof.encode().into() };
    let answer = suite.view(ours, ours_verify_call.clone());
    assert!(answer.success, "ours refuses the devnet's proof: {}", answer.message);

    let ours_verify_uncached = send(&mut suite, ours, ours_verify_call.abi_encode(), "ours, uncached").0;
    suite.cache(ours);
    let map_verify = send(&mut suite, map, map_verify_call.abi_encode(), "MAP's verifyProofData");
    let ours_verify = send(&mut suite, ours, ours_verify_call.abi_encode(), "our verifyProofData");
    let map_update = send(&mut suite, map, map_update(&update).abi_encode(), "MAP's updateBlockHeader").0;
    let ours_update = send(
        &mut suite,
        ours,
        ILightNode::updateBlockHeaderCall { blockHeader: update.encode().into() }.abi_encode(),
        "our updateBlockHeader",
    )
    .0;
    Row { validators, map_update, ours_update, map_verify, ours_verify, ours_verify_uncached }
}

fn percent(ours: u64, theirs: u64) -> u64 {
    ours * 100 / theirs
}

#[test]
fn map_light_node_gas_against_maps_solidity_light_node_with_4_21_and_100_validators() {
    let rows: Vec<Row> = [4, 21, 100].into_iter().map(measure).collect();
    println!("| validators | verifyProofData: MAP's | ours (cached) | ours / MAP | execution: MAP's | ours | ours / MAP | ours uncached | updateBlockHeader: MAP's | ours | ours / MAP |");
    println!("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
    for row in &rows {
        let (map, map_intrinsic) = row.map_verify;
        let (ours, ours_intrinsic) = row.ours_verify;
        let (map_exec, ours_exec) = (map - map_intrinsic, ours - ours_intrinsic);
        println!(
            "| {} | {map} | {ours} | {}% | {map_exec} | {ours_exec} | {}% | {} | {} | {} | {}% |",
            row.validators,
            percent(ours, map),
            percent(ours_exec, map_exec),
            row.ours_verify_uncached,
            row.map_update,
            row.ours_update,
            percent(row.ours_update, row.map_update),
        );
    }
    for row in &rows {
        let (map, ours) = (row.map_verify.0, row.ours_verify.0);
        assert!(
            ours * 2 <= map,
            "{} validators: our verifyProofData {ours} is more than half of MAP's {map}",
            row.validators
        );
    }
}

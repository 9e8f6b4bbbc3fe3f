//! `verifyProofData` and `verifyProofDataWithCache` on receipt proofs of real devnet blocks: the
//! receipt's exact logs, and every tampering failing with its reason.

use alloy_primitives::{keccak256, Bytes, U256};
use alloy_sol_types::SolCall;
use light_client_iface::interfaces::ILightNode;
use light_client_iface::{Header, ReceiptProof};
use mos_tests::light_client::*;
use mos_tests::*;

use super::{failed, fixture, logs, proven, Fixture};

/// A block of five receipts whose third (index 2) emits three logs, attested; its proof.
fn attested_proof(fixture: &mut Fixture) -> (Vec<alloy_primitives::Log>, ReceiptProof) {
    let logs = logs(3, 40);
    let (number, index) = fixture.attested_receipt(&logs, 5, 2);
    (logs, fixture.source.proof(number, index))
}

fn with_header(proof: &ReceiptProof, header: Vec<u8>) -> Vec<u8> {
    ReceiptProof { header: header.into(), ..proof.clone() }.encode()
}

fn with_nodes(proof: &ReceiptProof, nodes: Vec<Bytes>) -> Vec<u8> {
    ReceiptProof { nodes, ..proof.clone() }.encode()
}

/// `bytes` with the byte at `at` flipped.
fn flipped(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
    bytes[at] ^= 0xff;
    bytes
}

#[test]
fn a_proof_of_a_real_receipt_returns_exactly_its_logs() {
    let mut fixture = fixture();
    let (logs, proof) = attested_proof(&mut fixture);
    assert_eq!(proof.nodes.len(), 3, "root branch, branch of keys 0x01..0x04, leaf");
    assert_eq!(fixture.verify(&proof.encode()), proven(&logs));
}

#[test]
fn a_receipt_alone_in_its_block_is_proven_by_the_root_alone() {
    let mut fixture = fixture();
    let logs = logs(2, 3);
    let (number, index) = fixture.attested_receipt(&logs, 1, 0);
    let proof = fixture.source.proof(number, index);
    assert_eq!(proof.nodes.len(), 1);
    assert_eq!(fixture.verify(&proof.encode()), proven(&logs));
}

#[test]
fn another_index_with_its_own_nodes_proves_that_receipt_and_only_that_one() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    let number = Header::decode(&proof.header).unwrap().number;
    // Receipt 3 is a plain transfer: proven, with no logs.
    let transfer = fixture.source.proof(number, 3);
    assert_eq!(fixture.verify(&transfer.encode()), proven(&[]));
    // Receipt 2's nodes with index 3: the path of key 0x03 leaves them at the last node.
    let mismatched = ReceiptProof { receipt_index: 3, ..proof.clone() };
    assert_eq!(fixture.verify(&mismatched.encode()), failed("invalid receipt proof: wrong node hash at depth 2"));
    // Index 0 (key 0x80) turns at the root.
    let mismatched = ReceiptProof { receipt_index: 0, ..proof.clone() };
    assert_eq!(fixture.verify(&mismatched.encode()), failed("invalid receipt proof: wrong node hash at depth 1"));
    // An index past the block's receipts is not in the trie.
    let absent = ReceiptProof { receipt_index: 9, ..proof };
    assert_eq!(fixture.verify(&absent.encode()), failed("invalid receipt proof: key absent at depth 1"));
}

/// A receipt with one log in a block nobody attested: its logs, the block, the proof.
fn unattested(fixture: &mut Fixture) -> (Vec<alloy_primitives::Log>, devnet::block::Block, Vec<u8>) {
    let logs = logs(1, 1);
    let (number, index) = fixture.source.emit(&logs);
    let proof = fixture.source.proof(number, index).encode();
    (logs, fixture.source.block(number).clone(), proof)
}

#[test]
fn a_block_nobody_attested_is_not_verified() {
    let mut fixture = fixture();
    let (logs, block, proof) = unattested(&mut fixture);
    assert_eq!(fixture.verify(&proof), failed("block not attested"));
    let node = fixture.node;
    fixture.suite.attest(node, &fixture.committee, 1, &block);
    assert_eq!(fixture.verify(&proof), proven(&logs));
}

#[test]
fn a_tampered_header_fails_the_attested_hash() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    // Byte 4 is inside parentHash: still a header, not the attested one.
    let tampered = with_header(&proof, flipped(&proof.header, 4));
    assert_eq!(fixture.verify(&tampered), failed("header hash mismatch"));
    // A header that is not one.
    assert_eq!(fixture.verify(&with_header(&proof, vec![0xc0])), failed("invalid block header"));
    assert_eq!(fixture.verify(&with_header(&proof, proof.header[1..].to_vec())), failed("invalid block header"));
}

#[test]
fn a_header_claiming_another_number_is_not_verified() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    let mut header = Header::decode(&proof.header).unwrap();
    // The next block is not attested.
    header.number += 1;
    assert_eq!(fixture.verify(&with_header(&proof, header.encode())), failed("block not attested"));
    // The block before is attested, with its own hash.
    let (earlier, _) = fixture.attested_receipt(&logs(1, 1), 1, 0);
    header.number = earlier;
    assert_eq!(fixture.verify(&with_header(&proof, header.encode())), failed("header hash mismatch"));
}

#[test]
fn every_tampered_trie_node_fails_at_its_depth() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    for (depth, node) in proof.nodes.iter().enumerate() {
        for at in [1, node.len() / 2, node.len() - 1] {
            let mut nodes = proof.nodes.clone();
            nodes[depth] = flipped(node, at).into();
            let expected = format!("invalid receipt proof: wrong node hash at depth {depth}");
            assert_eq!(fixture.verify(&with_nodes(&proof, nodes)), failed(&expected), "node {depth}, byte {at}");
        }
    }
}

#[test]
fn a_tampered_receipt_fails_its_leafs_hash() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    let leaf = proof.nodes.last().unwrap();
    // The last bytes of the leaf are the last log's data.
    let mut nodes = proof.nodes.clone();
    *nodes.last_mut().unwrap() = flipped(leaf, leaf.len() - 3).into();
    assert_eq!(fixture.verify(&with_nodes(&proof, nodes)), failed("invalid receipt proof: wrong node hash at depth 2"));
}

#[test]
fn missing_and_extra_nodes_fail() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    let mut nodes = proof.nodes.clone();
    nodes.pop();
    assert_eq!(fixture.verify(&with_nodes(&proof, nodes)), failed("invalid receipt proof: missing node at depth 2"));
    let mut nodes = proof.nodes.clone();
    nodes.push(proof.nodes[0].clone());
    assert_eq!(fixture.verify(&with_nodes(&proof, nodes)), failed("invalid receipt proof: nodes after the receipt"));
    assert_eq!(fixture.verify(&with_nodes(&proof, vec![])), failed("invalid receipt proof: missing node at depth 0"));
}

#[test]
fn bytes_that_are_not_a_proof_fail_invalid_proof_encoding() {
    let mut fixture = fixture();
    let (_, proof) = attested_proof(&mut fixture);
    let encoded = proof.encode();
    for bytes in [vec![], vec![0x01, 0x02], encoded[..encoded.len() - 1].to_vec(), [encoded.clone(), vec![0]].concat()]
    {
        assert_eq!(fixture.verify(&bytes), failed("invalid proof encoding"));
    }
    // Calldata whose argument is not ABI `bytes` at all.
    let node = fixture.node;
    let mut calldata = ILightNode::verifyProofDataCall::SELECTOR.to_vec();
    calldata.extend_from_slice(&[0xff; 32]);
    let answer = fixture.suite.call_raw(STRANGER, node, calldata);
    assert!(answer.success);
    assert_eq!(answer.output.to_vec(), super::answer_bytes(&failed("invalid proof encoding")));
}

/// Block `number` whose receipts trie holds `value` alone at key RLP(0), as a leaf `[0x2080, value]`.
fn single_leaf(number: u64, value: &[u8]) -> (Header, Bytes) {
    assert!((32..56).contains(&value.len()));
    let mut leaf = vec![0xc0 + 3 + 1 + value.len() as u8, 0x82, 0x20, 0x80, 0x80 + value.len() as u8];
    leaf.extend_from_slice(value);
    let header = Header { number, receipts_root: keccak256(&leaf), ..Header::default() };
    (header, leaf.into())
}

#[test]
fn a_proven_value_that_is_not_a_receipt_fails_invalid_receipt() {
    let mut fixture = fixture();
    for (number, value) in [(7_000, vec![0xff; 40]), (7_001, vec![0xc0; 33])] {
        let (header, leaf) = single_leaf(number, &value);
        let attestation = light_client_iface::attestation::HeaderAttestation {
            chainId: U256::from(SOURCE_CHAIN),
            blockNumber: U256::from(header.number),
            blockHash: header.hash(),
            epoch: U256::from(1),
        };
        let node = fixture.node;
        let signatures = fixture.committee.sign_threshold(header_digest(node, &attestation));
        fixture.suite.ok(STRANGER, node, update_block_header(attestation, signatures));
        let proof = ReceiptProof { header: header.encode().into(), receipt_index: 0, nodes: vec![leaf] };
        assert_eq!(fixture.verify(&proof.encode()), failed("invalid receipt"));
    }
}

#[test]
fn no_mutation_of_a_proof_makes_the_light_node_revert_or_prove_it() {
    let mut fixture = fixture();
    let (logs, proof) = attested_proof(&mut fixture);
    let encoded = proof.encode();
    let mut checked = 0;
    for at in (0..encoded.len()).step_by(7) {
        for bytes in [flipped(&encoded, at), encoded[..at].to_vec()] {
            let (success, message, answer) = fixture.verify(&bytes);
            assert!(!success || answer == proven(&logs).2, "byte {at}: proved something else");
            assert!(success || !message.is_empty());
            checked += 1;
        }
    }
    assert!(checked > 100);
}

#[test]
fn with_cache_answers_the_same_and_a_repeat_costs_less() {
    let mut fixture = fixture();
    let (logs, proof) = attested_proof(&mut fixture);
    let encoded = proof.encode();
    let node = fixture.node;
    let cached_call = ILightNode::verifyProofDataWithCacheCall { receiptProof: encoded.clone().into() };
    let view_cost = fixture.suite.call_cost(node, &verify_call(&encoded).abi_encode());
    let first_cost = fixture.suite.call_cost(node, &cached_call.abi_encode());
    let receipt = fixture.suite.ok(STRANGER, node, cached_call.clone());
    assert_eq!(
        ILightNode::verifyProofDataWithCacheCall::abi_decode_returns(&receipt.output)
            .map(|a| (a.success, a.message, a.logs))
            .unwrap(),
        proven(&logs)
    );
    let repeat_cost = fixture.suite.call_cost(node, &cached_call.abi_encode());
    let repeat = fixture.suite.send(STRANGER, node, cached_call);
    assert_eq!(repeat.output, receipt.output);
    println!("verifyProofData {view_cost}, with cache: first {first_cost}, repeat {repeat_cost}");
    assert!(first_cost > view_cost, "the first verification pays for remembering");
    assert!(repeat_cost + 200 < view_cost, "a remembered proof costs less than a verification");
}

#[test]
fn with_cache_remembers_no_failure() {
    let mut fixture = fixture();
    let (logs, block, proof) = unattested(&mut fixture);
    let node = fixture.node;
    let call = ILightNode::verifyProofDataWithCacheCall { receiptProof: proof.clone().into() };
    let receipt = fixture.suite.ok(STRANGER, node, call.clone());
    let answer = ILightNode::verifyProofDataWithCacheCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!((answer.success, answer.message, answer.logs), failed("block not attested"));
    fixture.suite.attest(node, &fixture.committee, 1, &block);
    let receipt = fixture.suite.ok(STRANGER, node, call);
    let answer = ILightNode::verifyProofDataWithCacheCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!((answer.success, answer.message, answer.logs), proven(&logs));
    // A tampered proof is a different proof: never answered from the cache.
    let tampered = with_header(&ReceiptProof::decode(&proof).unwrap(), vec![0xc0]);
    let call = ILightNode::verifyProofDataWithCacheCall { receiptProof: tampered.into() };
    let receipt = fixture.suite.ok(STRANGER, node, call);
    let answer = ILightNode::verifyProofDataWithCacheCall::abi_decode_returns(&receipt.output).unwrap();
    assert_eq!((answer.success, answer.message, answer.logs), failed("invalid block header"));
}

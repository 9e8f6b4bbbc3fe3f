//! What a light node reads of another chain: headers (Ethereum's and the MAP relay chain's),
//! receipts, Merkle-Patricia proofs and the receipt-proof envelopes that carry them.

use alloy_primitives::{keccak256, B256};
use light_client_iface::{index_key, verify_proof, Header, Receipt, ReceiptProof, ReceiptProofView, ReceiptView};
use map_ibft::{AtlasHeader, IstanbulExtra, SealedHeader, SealedReceiptProof};

/// `Header::decode`: an accepted header re-encodes to the input, so its hash is keccak of the
/// input; `Header::number_and_receipts_root` (the light node's reader) reads the same two fields.
/// Accepted: it decoded.
pub fn header(data: &[u8]) -> bool {
    let short = Header::number_and_receipts_root(data);
    let Ok(header) = Header::decode(data) else { return false };
    assert_eq!(header.encode(), data, "an accepted header re-encodes differently");
    assert_eq!(header.hash(), keccak256(data));
    assert_eq!(short, Ok((header.number, header.receipts_root)), "the light node's reader disagrees with decode");
    true
}

/// `ReceiptView::decode` and `Receipt::decode`: they agree, the view's lazy log list reads every
/// log, and an accepted receipt re-encodes to the input. Accepted: it decoded.
pub fn receipt(data: &[u8]) -> bool {
    let view = ReceiptView::decode(data);
    let owned = Receipt::decode(data);
    let Ok(view) = view else {
        assert!(owned.is_err(), "Receipt::decode accepted what ReceiptView::decode refused");
        return false;
    };
    let Ok(receipt) = owned else { return false };
    assert_eq!(receipt.encode(), data, "an accepted receipt re-encodes differently");
    assert_eq!((receipt.tx_type, receipt.success), (view.tx_type(), view.success()));
    assert_eq!(receipt.cumulative_gas_used, view.cumulative_gas_used());
    assert_eq!(receipt.logs_bloom, view.logs_bloom());
    assert_eq!(view.logs().to_logs().as_ref(), Ok(&receipt.logs));
    true
}

/// The input of [`mpt_proof`]: `root (32 bytes) ‖ key length (1 byte) ‖ key ‖ nodes`, each node
/// a 2-byte big-endian length and its bytes. What does not parse is not a proof and is skipped.
pub fn mpt_input(root: B256, key: &[u8], nodes: &[&[u8]]) -> Vec<u8> {
    let mut out = root.to_vec();
    out.push(u8::try_from(key.len()).expect("a key of at most 255 bytes"));
    out.extend_from_slice(key);
    for node in nodes {
        out.extend_from_slice(&u16::try_from(node.len()).expect("a node of at most 65535 bytes").to_be_bytes());
        out.extend_from_slice(node);
    }
    out
}

/// An [`mpt_input`], split.
struct MptInput<'a> {
    root: B256,
    key: &'a [u8],
    nodes: Vec<&'a [u8]>,
}

/// Splits an [`mpt_input`]; `None` when it does not parse.
fn split_mpt_input(data: &[u8]) -> Option<MptInput<'_>> {
    let root = B256::from_slice(data.get(..32)?);
    let key_len = usize::from(*data.get(32)?);
    let key = data.get(33..33 + key_len)?;
    let mut rest = &data[33 + key_len..];
    let mut nodes = Vec::new();
    while !rest.is_empty() {
        let len = usize::from(u16::from_be_bytes(rest.get(..2)?.try_into().ok()?));
        nodes.push(rest.get(2..2 + len)?);
        rest = &rest[2 + len..];
    }
    Some(MptInput { root, key, nodes })
}

/// `verify_proof` on an [`mpt_input`]: a proven value is non-empty and lies inside the last
/// node, the first node hashes to the root, and the answer is the same when asked twice.
/// Accepted: the proof verified.
pub fn mpt_proof(data: &[u8]) -> bool {
    let Some(MptInput { root, key, nodes }) = split_mpt_input(data) else { return false };
    let first = verify_proof(root, key, nodes.iter().copied());
    assert_eq!(first, verify_proof(root, key, nodes.iter().copied()), "the same proof verified differently");
    let Ok(value) = first else { return false };
    assert!(!value.is_empty(), "an empty value proven");
    assert_eq!(keccak256(nodes[0]), root, "proven by a first node that is not the root");
    let last = nodes.last().expect("a proven value has a node");
    let inside = last.as_ptr_range();
    assert!(inside.contains(&value.as_ptr()), "the value is not read from the last node");
    true
}

/// `ReceiptProofView::decode` and `verify`: the owned decoder agrees and re-encodes to the input;
/// a verified receipt is in a block whose hash is keccak of the header bytes, under its receipts
/// root, at the proof's index. Accepted: the proof verified.
pub fn receipt_proof(data: &[u8]) -> bool {
    let owned = ReceiptProof::decode(data);
    let Ok(view) = ReceiptProofView::decode(data) else {
        assert!(owned.is_err(), "ReceiptProof::decode accepted what the view refused");
        return false;
    };
    let owned = owned.expect("the view decoded");
    assert_eq!(owned.encode(), data, "an accepted receipt proof re-encodes differently");
    assert_eq!(owned.nodes.len(), view.nodes().count());
    let Ok(proven) = view.verify() else { return false };
    assert_eq!(proven.block_hash, keccak256(view.header_rlp()));
    assert_eq!(Header::decode(view.header_rlp()).as_ref(), Ok(&proven.header));
    let key = index_key(view.receipt_index());
    let encoded = verify_proof(proven.header.receipts_root, &key, view.nodes()).expect("verified once");
    assert_eq!(ReceiptView::decode(encoded), Ok(proven.receipt));
    true
}

/// `AtlasHeader::decode` (a MAP relay chain header) and the Istanbul extra in its `extraData`:
/// an accepted header re-encodes to the input; an accepted extra re-encodes to the `extraData`,
/// and its block and seal hashes can be taken. Accepted: the header and its extra decoded.
pub fn atlas_header(data: &[u8]) -> bool {
    let Ok(header) = AtlasHeader::decode(data) else { return false };
    assert_eq!(header.encode(), data, "an accepted Atlas header re-encodes differently");
    let Ok((vanity, extra)) = IstanbulExtra::from_extra_data(&header.extra) else {
        assert!(map_ibft::block_hash(&header).is_err(), "a block hash of a header without an Istanbul extra");
        return false;
    };
    assert_eq!(
        extra.to_extra_data(&vanity),
        header.extra.to_vec(),
        "an accepted Istanbul extra re-encodes differently"
    );
    assert!(map_ibft::block_hash(&header).is_ok() && map_ibft::seal_hash(&header).is_ok());
    true
}

/// `SealedReceiptProof::decode` (the MAP light node's `verifyProofData` argument) and
/// `SealedHeader::decode` (its `updateBlockHeader` argument): what is accepted re-encodes to the
/// input. Accepted: either decoded.
pub fn sealed_proof(data: &[u8]) -> bool {
    let proof = SealedReceiptProof::decode(data).inspect(|proof| {
        assert_eq!(proof.encode(), data, "an accepted sealed receipt proof re-encodes differently");
    });
    let sealed = SealedHeader::decode(data).inspect(|sealed| {
        assert_eq!(sealed.encode(), data, "an accepted sealed header re-encodes differently");
    });
    proof.is_ok() || sealed.is_ok()
}

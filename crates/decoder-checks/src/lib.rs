//! What every decoder of untrusted bytes must do on any input, one check per decoder.
//!
//! A check runs one decoder (and what reads further into what it returned) on arbitrary bytes,
//! answers whether the decoder accepted them, and panics only when the decoder broke a promise: it panicked itself, or what it accepted does not
//! re-encode to the same bytes where an encoder exists, or two readers of the same bytes disagree.
//! The same functions are run by the cargo-fuzz targets in `fuzz/` (nightly, `make fuzz`) and by the
//! stable property tests in `crates/mos-tests/tests/decoders` (in `make test`), over seeds of real
//! data (MAP's vectors, devnet blocks) and mutations of them. docs/fuzzing.md lists them.
//!
//! Bounded allocation is the runner's to check: the property tests measure each check's peak heap
//! against the input's length, cargo-fuzz runs with `-malloc_limit_mb`.

pub mod attestation;
pub mod chain_data;
pub mod devnet;
pub mod message;

/// One decoder's check, by the name of its fuzz target and seed directory.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The cargo-fuzz target's name (`fuzz/fuzz_targets/<name>.rs`), and its corpus directory's.
    pub name: &'static str,
    /// What the check decodes.
    pub decodes: &'static str,
    /// The check: whether the decoder accepted the input; panics only when it broke a promise.
    pub check: fn(&[u8]) -> bool,
}

/// Every check.
pub const TARGETS: &[Target] = &[
    Target { name: "message_data", decodes: "MessageData, ABI and flat encodings", check: message::message_data },
    Target { name: "log_list", decodes: "RLP log lists and the mapMessageOut logs in them", check: message::log_list },
    Target { name: "receipt", decodes: "receipts of every EIP-2718 type", check: chain_data::receipt },
    Target { name: "header", decodes: "block headers, every fork's fields", check: chain_data::header },
    Target { name: "mpt_proof", decodes: "Merkle-Patricia proofs", check: chain_data::mpt_proof },
    Target { name: "receipt_proof", decodes: "the receipt-proof envelope, verified", check: chain_data::receipt_proof },
    Target {
        name: "atlas_header",
        decodes: "MAP relay chain (Atlas) headers and their Istanbul extra",
        check: chain_data::atlas_header,
    },
    Target {
        name: "sealed_proof",
        decodes: "the MAP light node's sealed headers and receipt proofs",
        check: chain_data::sealed_proof,
    },
    Target {
        name: "signed_header",
        decodes: "updateBlockHeader's abi.encode(SignedHeader)",
        check: attestation::signed_header,
    },
    Target {
        name: "signed_rotation",
        decodes: "updateLightClient's abi.encode(SignedRotation)",
        check: attestation::signed_rotation,
    },
    Target {
        name: "committee_initialize",
        decodes: "the committee light node's initialize arguments",
        check: attestation::committee_initialize,
    },
    Target { name: "rpc_request", decodes: "the devnet's JSON-RPC request bodies", check: devnet::rpc_request },
    Target {
        name: "raw_transaction",
        decodes: "the devnet's raw (EIP-2718) transactions",
        check: devnet::raw_transaction,
    },
];

/// The check named `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|target| target.name == name)
}

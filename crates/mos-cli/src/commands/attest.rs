//! `mos attest`: a committee's attestation of a source-chain block, signed with its members' keys
//! and submitted to a committee light node (`updateBlockHeader`), or printed.

use alloy_primitives::{hex, Address, U256};
use alloy_sol_types::SolValue;
use light_client_iface::attestation::{header_digest, SignedHeader};
use mos_prover::{
    attest::{concat, sign_digest},
    rpc::{header_to_attest, submit_header, AttestationOutcome},
};
use serde_json::{json, Map, Value};

use crate::{commands::deploy::parse_key, report::uint, rpc, CliError, Report};

/// The environment variable that can hold the members' keys instead of `--key`.
const KEYS_ENV: &str = "MOS_ATTEST_KEYS";
/// The environment variable that can hold the sender's key instead of `--from-key`.
const FROM_KEY_ENV: &str = "MOS_ATTEST_FROM_KEY";

/// Arguments of `mos attest`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// JSON-RPC endpoint (http://) of the source chain, whose block is attested.
    #[arg(long, value_name = "URL")]
    pub source_rpc: String,
    /// The block to attest.
    #[arg(long, value_name = "NUMBER")]
    pub block: u64,
    /// JSON-RPC endpoint (http://) of the chain the light node runs on.
    #[arg(long, value_name = "URL")]
    pub rpc: String,
    /// The committee light node.
    #[arg(long, value_name = "ADDRESS", value_parser = crate::input::address)]
    pub light_node: Address,
    /// A committee member's private key, hex; repeat for each member who signs (or set
    /// MOS_ATTEST_KEYS to the keys, comma-separated, to keep them off the command line).
    #[arg(
        long = "key",
        value_name = "HEX",
        required = true,
        env = KEYS_ENV,
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub keys: Vec<String>,
    /// The private key that sends and pays for updateBlockHeader (default: the first --key).
    #[arg(long, value_name = "HEX", env = FROM_KEY_ENV, hide_env_values = true)]
    pub from_key: Option<String>,
    /// The committee's epoch (default: the light node's epoch()).
    #[arg(long, value_name = "EPOCH")]
    pub epoch: Option<U256>,
    /// Sign and print updateBlockHeader's argument without sending it.
    #[arg(long)]
    pub no_submit: bool,
}

/// Builds the attestation from the two nodes, signs it with every key and submits it (or prints
/// it, with `--no-submit`).
///
/// The report says what the light node did; a `ConflictingAttestation` (the light node keeps
/// another hash for the block) is reported as a problem, so the exit code is 1.
///
/// # Errors
/// [`CliError::Key`] for a key that is not a private key, [`CliError::Attest`] for a key given
/// twice, [`CliError::Endpoint`] for a bad URL, [`CliError::Node`] when a node is unreachable, the
/// block is unknown, its header cannot be reproduced, the address is not a committee light node,
/// or the light node refuses the attestation (with its revert reason) or the transaction reverts.
pub fn run(args: &Args) -> Result<Report, CliError> {
    let signers = args
        .keys
        .iter()
        .enumerate()
        .map(|(index, key)| parse_key(key, &format!("key {} of --key / {KEYS_ENV}", index + 1)))
        .collect::<Result<Vec<_>, _>>()?;
    let sender = match &args.from_key {
        Some(key) => parse_key(key, &format!("--from-key / {FROM_KEY_ENV}"))?,
        None => signers.first().cloned().ok_or(CliError::Usage("give at least one --key"))?,
    };
    let source = rpc::node("--source-rpc", &args.source_rpc)?;
    let destination = rpc::node("--rpc", &args.rpc)?;
    rpc::block_on(async {
        let to_attest = header_to_attest(&source, args.block, &destination, args.light_node, args.epoch).await?;
        let digest = header_digest(&to_attest.domain, &to_attest.attestation);
        let signatures = sign_digest(&digest, &signers)?;
        let attestation = &to_attest.attestation;
        let mut fields = Map::new();
        fields.insert("sourceChainId".into(), uint(attestation.chainId));
        fields.insert("blockNumber".into(), uint(attestation.blockNumber));
        fields.insert("blockHash".into(), json!(attestation.blockHash.to_string()));
        fields.insert("lightNodeChainId".into(), json!(to_attest.domain.chain_id.map(uint)));
        fields.insert("lightNode".into(), json!(args.light_node.to_string()));
        fields.insert("epoch".into(), uint(attestation.epoch));
        fields.insert("digest".into(), json!(digest.to_string()));
        fields.insert(
            "signatures".into(),
            signatures
                .iter()
                .map(|member| json!({ "signer": member.signer.to_string(), "signature": hex::encode_prefixed(member.signature) }))
                .collect(),
        );
        let signed = SignedHeader { attestation: to_attest.attestation.clone(), signatures: concat(&signatures) };
        if args.no_submit {
            // updateBlockHeader's argument: abi.encode(SignedHeader).
            fields.insert("signedHeader".into(), json!(hex::encode_prefixed(signed.abi_encode())));
            return Ok(Report::new(Value::Object(fields)));
        }
        let sender = rpc::sender("--rpc", destination, sender).await?;
        let submission = submit_header(&sender, args.light_node, &signed).await?;
        fields.insert("transactionHash".into(), json!(submission.transaction_hash.to_string()));
        fields.insert("minedInBlock".into(), json!(submission.block_number));
        fields.insert("status".into(), json!("success"));
        let mut problems = Vec::new();
        let event = match submission.outcome {
            AttestationOutcome::Attested => json!("HeaderAttested"),
            AttestationOutcome::Conflicting { attested_hash } => {
                fields.insert("attestedHash".into(), json!(attested_hash.to_string()));
                problems.push(format!(
                    "the light node keeps {attested_hash} for block {} and reported this attestation as conflicting",
                    args.block
                ));
                json!("ConflictingAttestation")
            }
            AttestationOutcome::Unchanged => Value::Null,
        };
        fields.insert("event".into(), event);
        let mut report = Report::new(Value::Object(fields));
        report.problems = problems;
        Ok(report)
    })
}

//! `mos`: the command-line tool of MOS for Stylus.
//!
//! Every command prints readable text, or JSON with `--json`, and exits non-zero with a message on
//! stderr when its input is bad.

#![warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod chains;
mod commands;
mod input;
mod report;
mod rpc;

use report::Report;

/// MOS for Stylus: encode, decode and inspect MAP Omnichain Service messages.
#[derive(Debug, Parser)]
#[command(name = "mos", version, about)]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode every log of an RLP log list; MOS events field by field.
    DecodeLogs(commands::decode_logs::Args),
    /// Decode MessageData bytes (either encoding).
    DecodeMessage(commands::message::DecodeArgs),
    /// Encode a MessageData.
    EncodeMessage(commands::message::EncodeArgs),
    /// Compute the orderId a MOS assigns to a message.
    OrderId(commands::order_id::Args),
    /// List every function selector and event topic of the MOS interfaces; with --out, write the
    /// Solidity interfaces and JSON ABIs.
    Abi(commands::abi::Args),
    /// Run a local Stylus dev chain with Ethereum JSON-RPC.
    Devnet(commands::devnet::Args),
    /// Build the receipt proof of a transaction, or of the receipt holding a log, from a JSON-RPC
    /// node, and show the logs it proves.
    Prove(commands::prove::Args),
    /// Sign a source-chain block's hash with committee keys and submit it to a committee light node.
    Attest(commands::attest::Args),
    /// Deploy the MOS suite on a chain (the relay chain, or a chain connected to it) and record
    /// it in a deployment file.
    Deploy(commands::deploy::Args),
    /// Carry messages between the chains of a deployment until Ctrl-C.
    Messenger(commands::messenger::Args),
    /// Send a message through a MOS (transferOut), paying the fee it quotes, and print its orderId.
    Send(commands::send::Args),
    /// A message's journey by its orderId: each step on each chain, the hops' latency, why it
    /// waits or why it failed.
    Status(commands::status::Args),
    /// Run a failed message again (retryMessageIn) with the fields its failure stored, read from
    /// the chain.
    Retry(commands::retry::Args),
    /// Serve the explorer of a deployment (each message's journey, and why one waits) until
    /// Ctrl-C.
    Explorer(commands::explorer::Args),
    /// Three local chains, the suite deployed, Echo messages carried by the messenger.
    Demo(commands::demo::Args),
}

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
enum CliError {
    /// An argument could not be read.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// The log list is not well-formed (the error names the part: log list, log, log address, ...).
    #[error("{0}")]
    Logs(light_client_iface::RlpError),
    /// The bytes are not a MessageData.
    #[error("MessageData: {0}")]
    Message(#[from] mos_message::DecodeError),
    /// A file could not be written.
    #[error("{0}")]
    Io(String),
    /// The dev chain could not start, load or save.
    #[error("devnet: {0}")]
    Devnet(String),
    /// Arguments clap cannot check together.
    #[error("{0}")]
    Usage(&'static str),
    /// The command line does not name what to work on (exit code 2, as clap's usage errors).
    #[error("{0}")]
    MissingArguments(&'static str),
    /// A JSON-RPC endpoint on the command line is not usable.
    #[error("{flag}: {message}")]
    Endpoint {
        /// The option that gave it.
        flag: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A node's answers gave no proof or attestation (the error names the method or the check).
    #[error(transparent)]
    Node(#[from] mos_prover::rpc::NodeError),
    /// The proof built does not verify (a bug: the builder checks what it builds from).
    #[error("the proof built does not verify: {0}")]
    Proof(light_client_iface::ProofError),
    /// No key was given where one is needed.
    #[error("no key: give it with --key HEX, or in the {env} environment variable (kept out of the shell's history)")]
    NoKey {
        /// The environment variable that can hold it.
        env: &'static str,
    },
    /// A private key could not be read (the error names which, never its text).
    #[error("{0} is not a private key (32 bytes, hex)")]
    Key(String),
    /// The committee could not sign.
    #[error(transparent)]
    Attest(#[from] mos_prover::attest::AttestError),
    /// A deployment step failed (the error names it), or the programs are missing.
    #[error(transparent)]
    Deploy(#[from] mos_messenger::deploy::DeployError),
    /// The deployment file cannot be read, written or used.
    #[error("deployment: {0}")]
    Deployment(#[from] mos_messenger::deployment::DeploymentError),
    /// The messenger cannot start or go on.
    #[error(transparent)]
    Messenger(#[from] mos_messenger::MessengerError),
    /// The messenger's configuration file is not usable (the error names the file and field).
    #[error(transparent)]
    Config(#[from] mos_messenger::config_file::ConfigFileError),
    /// The demo's chains could not start or be used.
    #[error(transparent)]
    Local(#[from] mos_messenger::local::LocalError),
    /// The demo's messages did not all arrive.
    #[error("{0}")]
    Demo(String),
    /// `--from` names a chain the deployment file does not have.
    #[error("the deployment has no chain named {name} (it has {known})")]
    NoSuchChain {
        /// The name given.
        name: String,
        /// The deployment's chains, comma-separated.
        known: String,
    },
    /// A request or a transaction failed (the error names what it was).
    #[error("{what}: {source}")]
    Chain {
        /// What was asked or sent.
        what: String,
        /// What failed.
        #[source]
        source: mos_messenger::ChainError,
    },
    /// A call, or a transaction's simulation, reverts: nothing was sent.
    #[error("{call} reverts: {reason}; nothing was sent")]
    Reverted {
        /// The function called.
        call: &'static str,
        /// The revert reason, decoded.
        reason: String,
    },
    /// The fee cannot be paid as asked (a token fee without the balance or the allowance).
    #[error("{0}")]
    Fee(String),
    /// A `transferOut` succeeded but the MOS emitted no `mapMessageOut` in it (the address is not
    /// a MOS).
    #[error("transaction {0} succeeded but emitted no mapMessageOut: is the address a MOS?")]
    NoMessageOut(alloy_primitives::B256),
    /// A running explorer could not be asked, or did not answer a journey.
    #[error("explorer {url}: {message}")]
    Explorer {
        /// Its URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The explorer cannot be built from the deployment (a chain's URL is not usable).
    #[error(transparent)]
    ExplorerSetup(#[from] mos_messenger::explorer::ExplorerError),
    /// The message cannot be retried: why (what it is instead).
    #[error("cannot retry: {0}")]
    NotRetryable(String),
    /// `--order` is not 32 bytes of hex: why.
    #[error("--order: {0}")]
    OrderId(String),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::DecodeLogs(args) => commands::decode_logs::run(args),
        Command::DecodeMessage(args) => commands::message::decode(args),
        Command::EncodeMessage(args) => Ok(commands::message::encode(args)),
        Command::OrderId(args) => Ok(commands::order_id::run(args)),
        Command::Abi(args) => commands::abi::run(args),
        Command::Prove(args) => commands::prove::run(args),
        Command::Attest(args) => commands::attest::run(args),
        Command::Deploy(args) => commands::deploy::run(args),
        Command::Send(args) => commands::send::run(args),
        Command::Status(args) => commands::status::run(args),
        Command::Retry(args) => commands::retry::run(args),
        Command::Messenger(args) => return exit_code(commands::messenger::run(args, cli.json)),
        Command::Explorer(args) => return exit_code(commands::explorer::run(args)),
        Command::Demo(args) => return exit_code(commands::demo::run(args, cli.json)),
        Command::Devnet(args) => return exit_code(commands::devnet::run(args)),
    };
    match outcome {
        Ok(report) => {
            if cli.json {
                println!("{:#}", report.json);
            } else {
                print!("{}", report.text);
            }
            for problem in &report.problems {
                eprintln!("error: {problem}");
            }
            if report.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(error) => failure(&error),
    }
}

/// Prints `error` and gives the exit code: 2 for a command line that does not say what to do (as
/// clap's own usage errors do), 1 for anything else.
fn failure(error: &CliError) -> ExitCode {
    eprintln!("error: {}", describe(error));
    match error {
        CliError::MissingArguments(_) => ExitCode::from(2),
        _ => ExitCode::FAILURE,
    }
}

/// `error` and the causes under it that its message does not already say (a transport's "client
/// error (Connect)" is worth little without the "Connection refused" or the TLS failure under it).
fn describe(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let text = inner.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        cause = inner.source();
    }
    message
}

/// The exit code of a command that prints as it goes: 1 with its error on stderr.
fn exit_code(outcome: Result<(), CliError>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => failure(&error),
    }
}

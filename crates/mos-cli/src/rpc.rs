//! JSON-RPC nodes named on the command line, and the runtime the commands that talk to them run on.

use std::future::Future;

use alloy_signer_local::PrivateKeySigner;
use mos_rpc::{Chain, Node, Sender};

use crate::CliError;

/// The node at `url`, given to `flag`.
///
/// # Errors
/// [`CliError::Endpoint`] when `url` is not an `http://` or `https://` URL.
pub fn node(flag: &'static str, url: &str) -> Result<Node, CliError> {
    Node::connect(url).map_err(|error| CliError::Endpoint { flag, message: error.to_string() })
}

/// `key`'s account on `node` (given to `flag`): what every command that sends a transaction
/// signs and sends it with.
///
/// # Errors
/// [`CliError::Endpoint`] naming the URL when the node's chain id cannot be read.
pub async fn sender(flag: &'static str, node: Node, key: PrivateKeySigner) -> Result<Sender, CliError> {
    let url = node.url().to_owned();
    Sender::new(node, key).await.map_err(|error| CliError::Endpoint { flag, message: format!("{url}: {error}") })
}

/// Runs `work` to completion on a single-threaded runtime.
///
/// # Errors
/// [`CliError::Runtime`] when the runtime cannot start, else `work`'s error.
pub fn block_on<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(CliError::Runtime)?.block_on(work)
}

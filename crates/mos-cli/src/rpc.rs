//! JSON-RPC nodes named on the command line, and the runtime the commands that talk to them run on.

use std::{fmt::Display, future::Future, str::FromStr};

use alloy_provider::{network::EthereumWallet, Provider, ProviderBuilder, RootProvider, WalletProvider};
use alloy_signer_local::PrivateKeySigner;

use crate::CliError;

/// A provider for the node at `url`, given to `flag`.
///
/// # Errors
/// [`CliError::Endpoint`] when `url` is not an `http://` or `https://` URL.
pub fn provider(flag: &'static str, url: &str) -> Result<RootProvider, CliError> {
    Ok(ProviderBuilder::default().connect_hyper_http(endpoint(flag, url)?))
}

/// A provider for the node at `url` that signs and sends transactions from `signer`, filling in
/// nonce, gas and fees.
///
/// # Errors
/// [`CliError::Endpoint`] when `url` is not an `http://` or `https://` URL.
pub fn wallet_provider(
    flag: &'static str,
    url: &str,
    signer: PrivateKeySigner,
) -> Result<impl Provider + WalletProvider, CliError> {
    Ok(ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_hyper_http(endpoint(flag, url)?))
}

/// `url` parsed as the transport's URL type (`http://` or `https://`; see
/// [`mos_rpc::endpoint`]).
fn endpoint<U>(flag: &'static str, url: &str) -> Result<U, CliError>
where
    U: FromStr,
    U::Err: Display,
{
    mos_rpc::endpoint(url).map_err(|e| CliError::Endpoint { flag, message: e.to_string() })
}

/// Runs `work` to completion on a single-threaded runtime.
///
/// # Errors
/// [`CliError::Runtime`] when the runtime cannot start, else `work`'s error.
pub fn block_on<T>(work: impl Future<Output = Result<T, CliError>>) -> Result<T, CliError> {
    tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(CliError::Runtime)?.block_on(work)
}

//! `mos abi`: every selector and event topic of the interfaces, computed from the `sol!` definitions.

use alloy_primitives::hex;
use light_client_iface::interfaces::{
    ICommitteeLightNode, ILightClientManager, ILightClientManagerAdmin, ILightNode, IMapLightNode,
};
use mos_message::interfaces::{IFeeService, IMOSAdmin, IMOSExtensions, IMOSRelay, IMapoExecutor, IERC20, IMOSV3};
use serde_json::{json, Value};

use crate::{CliError, Report};

mod files;

/// One function or event of an interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbiItem {
    /// The interface that declares it.
    pub interface: &'static str,
    /// `function` or `event`.
    pub kind: &'static str,
    /// The canonical signature, e.g. `transferOut(uint256,bytes,address)`.
    pub signature: &'static str,
    /// The 4-byte selector of a function, the 32-byte topic0 of an event.
    pub id: Vec<u8>,
}

/// Appends an interface's generated `Calls` or `Events` enum to the table.
macro_rules! add {
    ($items:ident, $interface:literal, $kind:literal, $enum:ty) => {
        for (signature, id) in <$enum>::SIGNATURES.iter().zip(<$enum>::SELECTORS) {
            $items.push(AbiItem { interface: $interface, kind: $kind, signature, id: id.to_vec() });
        }
    };
}

/// Every function and event of the MOS, relay, dApp, fee-service, light-node and manager interfaces.
pub fn items() -> Vec<AbiItem> {
    let mut items = Vec::new();
    add!(items, "IMOSV3", "function", IMOSV3::IMOSV3Calls);
    add!(items, "IMOSV3", "event", IMOSV3::IMOSV3Events);
    add!(items, "IMOSRelay", "function", IMOSRelay::IMOSRelayCalls);
    add!(items, "IMOSRelay", "event", IMOSRelay::IMOSRelayEvents);
    add!(items, "IMapoExecutor", "function", IMapoExecutor::IMapoExecutorCalls);
    add!(items, "IFeeService", "function", IFeeService::IFeeServiceCalls);
    add!(items, "IFeeService", "event", IFeeService::IFeeServiceEvents);
    add!(items, "IMOSAdmin", "function", IMOSAdmin::IMOSAdminCalls);
    add!(items, "IMOSAdmin", "event", IMOSAdmin::IMOSAdminEvents);
    add!(items, "IMOSExtensions", "function", IMOSExtensions::IMOSExtensionsCalls);
    add!(items, "IMOSExtensions", "event", IMOSExtensions::IMOSExtensionsEvents);
    add!(items, "IERC20", "function", IERC20::IERC20Calls);
    add!(items, "IERC20", "event", IERC20::IERC20Events);
    add!(items, "ILightNode", "function", ILightNode::ILightNodeCalls);
    add!(items, "ILightNode", "event", ILightNode::ILightNodeEvents);
    add!(items, "ILightClientManager", "function", ILightClientManager::ILightClientManagerCalls);
    add!(items, "ILightClientManager", "event", ILightClientManager::ILightClientManagerEvents);
    add!(items, "ICommitteeLightNode", "function", ICommitteeLightNode::ICommitteeLightNodeCalls);
    add!(items, "ICommitteeLightNode", "event", ICommitteeLightNode::ICommitteeLightNodeEvents);
    add!(items, "ILightClientManagerAdmin", "function", ILightClientManagerAdmin::ILightClientManagerAdminCalls);
    add!(items, "ILightClientManagerAdmin", "event", ILightClientManagerAdmin::ILightClientManagerAdminEvents);
    add!(items, "IMapLightNode", "function", IMapLightNode::IMapLightNodeCalls);
    add!(items, "IMapLightNode", "event", IMapLightNode::IMapLightNodeEvents);
    items
}

/// The name of the event whose topic0 is `topic`, in any of the interfaces.
pub fn event_name(topic: &[u8]) -> Option<&'static str> {
    items()
        .into_iter()
        .find(|item| item.kind == "event" && item.id == topic)
        .and_then(|item| item.signature.split('(').next())
}

/// Arguments of `mos abi`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Also write each interface's Solidity file and JSON ABI into this directory (`make abi`
    /// writes `abi/`).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// Lists the table, and with `--out` writes the interface files.
///
/// # Errors
/// [`CliError::Io`] when a file cannot be written.
pub fn run(args: &Args) -> Result<Report, CliError> {
    if let Some(dir) = &args.out {
        files::write_all(dir)?;
    }
    Ok(table())
}

/// The table of every selector and topic.
fn table() -> Report {
    let items = items();
    let json: Vec<Value> = items
        .iter()
        .map(|item| {
            let id_key = if item.kind == "event" { "topic0" } else { "selector" };
            json!({
                "interface": item.interface,
                "kind": item.kind,
                "signature": item.signature,
                id_key: hex::encode_prefixed(&item.id),
            })
        })
        .collect();
    let mut report = Report::new(Value::Array(json));
    report.text = items
        .iter()
        .map(|item| {
            format!(
                "{:<20} {:<8} {:<66}  {}\n",
                item.interface,
                item.kind,
                hex::encode_prefixed(&item.id),
                item.signature
            )
        })
        .collect();
    report
}

//! The interface files dApp developers use: each interface's Solidity source, exactly as `sol!`
//! reads it, and its JSON ABI, derived by `sol!` from the same source.

use std::path::Path;

use crate::CliError;

/// The JSON ABIs, from the same Solidity files the interface crates compile.
mod json {
    #![allow(missing_docs, dead_code)]
    use alloy_sol_types::sol;

    sol!(
        #[sol(abi)]
        "../mos-message/sol/IMOSV3.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IMOSRelay.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IMapoExecutor.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IFeeService.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IMOSAdmin.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IMOSExtensions.sol"
    );
    sol!(
        #[sol(abi)]
        "../mos-message/sol/IERC20.sol"
    );
    sol!(
        #[sol(abi)]
        "../light-client-iface/sol/ILightNode.sol"
    );
    sol!(
        #[sol(abi)]
        "../light-client-iface/sol/ILightClientManager.sol"
    );
    sol!(
        #[sol(abi)]
        "../light-client-iface/sol/ICommitteeLightNode.sol"
    );
    sol!(
        #[sol(abi)]
        "../light-client-iface/sol/ILightClientManagerAdmin.sol"
    );
    sol!(
        #[sol(abi)]
        "../light-client-iface/sol/IMapLightNode.sol"
    );
}

/// One interface: its name, its Solidity source, its JSON ABI.
type InterfaceFile = (&'static str, &'static str, alloy_json_abi::JsonAbi);

/// Every interface shipped in `abi/`.
pub fn interfaces() -> Vec<InterfaceFile> {
    macro_rules! interface {
        ($crate_name:ident, $name:ident) => {
            (stringify!($name), $crate_name::interfaces::solidity::$name, json::$name::abi::contract())
        };
    }
    vec![
        interface!(mos_message, IMOSV3),
        interface!(mos_message, IMOSRelay),
        interface!(mos_message, IMapoExecutor),
        interface!(mos_message, IFeeService),
        interface!(mos_message, IMOSAdmin),
        interface!(mos_message, IMOSExtensions),
        interface!(mos_message, IERC20),
        interface!(light_client_iface, ILightNode),
        interface!(light_client_iface, ILightClientManager),
        interface!(light_client_iface, ICommitteeLightNode),
        interface!(light_client_iface, ILightClientManagerAdmin),
        interface!(light_client_iface, IMapLightNode),
    ]
}

/// Writes `<Name>.sol` and `<Name>.json` for every interface into `dir`.
///
/// # Errors
/// [`CliError::Io`] when the directory or a file cannot be written.
pub fn write_all(dir: &Path) -> Result<(), CliError> {
    let io = |path: &Path, source: std::io::Error| CliError::Io(format!("{}: {source}", path.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    for (name, solidity, abi) in interfaces() {
        let sol_path = dir.join(format!("{name}.sol"));
        std::fs::write(&sol_path, solidity).map_err(|e| io(&sol_path, e))?;
        let json_path = dir.join(format!("{name}.json"));
        let json = serde_json::to_string_pretty(&abi).map_err(|e| CliError::Io(e.to_string()))? + "\n";
        std::fs::write(&json_path, json).map_err(|e| io(&json_path, e))?;
    }
    Ok(())
}

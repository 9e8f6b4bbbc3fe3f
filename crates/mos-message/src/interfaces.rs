//! The Solidity interfaces of the MOS, its dApps and its fee service: the one definition every crate
//! uses. They are Solidity source files (`sol/*.sol`, shipped to dApp developers as they are, in
//! `abi/`); `sol!` reads them, so selectors, event topics and the JSON ABIs are all derived from
//! these declarations, never typed twice.
//!
//! Names, types and parameter order are MAP Protocol's MOS V3 interface (`docs/spec/mos-abi.md`),
//! including its spellings (`fromAddrss` in the events). `IMOSAdmin` is what MAP's MOS inherits
//! from OpenZeppelin and its initializer; `IMOSExtensions` is what this MOS adds (retry, message
//! status, the payload cap); `IERC20` is the part of ERC-20 the MOS calls.

#![allow(missing_docs)] // the `sol!` expansion documents what it generates from the NatSpec comments

use alloy_sol_types::sol;

sol!(
    #[sol(all_derives)]
    "sol/IMOSV3.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IMOSRelay.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IMapoExecutor.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IFeeService.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IMOSAdmin.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IMOSExtensions.sol"
);
sol!(
    #[sol(all_derives)]
    "sol/IERC20.sol"
);

/// The Solidity sources above, as they are: what `abi/` ships and what each program's
/// `cargo stylus export-abi` prints.
#[allow(non_upper_case_globals)] // each is named as the interface it holds
pub mod solidity {
    /// `sol/IMOSV3.sol`.
    pub const IMOSV3: &str = include_str!("../sol/IMOSV3.sol");
    /// `sol/IMOSRelay.sol`.
    pub const IMOSRelay: &str = include_str!("../sol/IMOSRelay.sol");
    /// `sol/IMapoExecutor.sol`.
    pub const IMapoExecutor: &str = include_str!("../sol/IMapoExecutor.sol");
    /// `sol/IFeeService.sol`.
    pub const IFeeService: &str = include_str!("../sol/IFeeService.sol");
    /// `sol/IMOSAdmin.sol`.
    pub const IMOSAdmin: &str = include_str!("../sol/IMOSAdmin.sol");
    /// `sol/IMOSExtensions.sol`.
    pub const IMOSExtensions: &str = include_str!("../sol/IMOSExtensions.sol");
    /// `sol/IERC20.sol`.
    pub const IERC20: &str = include_str!("../sol/IERC20.sol");
}

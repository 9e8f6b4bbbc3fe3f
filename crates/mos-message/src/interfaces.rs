//! The Solidity interfaces of the MOS, its dApps and its fee service: the one definition every crate
//! uses. They are Solidity source files (`sol/*.sol`, shipped to dApp developers as they are, in
//! `abi/`); `sol!` reads them, so selectors, event topics and the JSON ABIs are all derived from
//! these declarations, never typed twice.
//!
//! Names, types and parameter order are MAP Protocol's MOS V3 interface (`shared/spec/mos-abi.md`),
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

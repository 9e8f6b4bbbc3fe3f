//! stylus-sdk's constructor protocol, for the programs that take their owner at creation (the
//! fee service, the committee light node, the light-client manager).
//!
//! `cargo stylus deploy` deploys a program that declares a constructor through the chain's
//! StylusDeployer, which creates it, activates it and calls it with the constructor's selector and
//! arguments in one transaction, so nobody can call the constructor in between. The selector is
//! the SDK's `CONSTRUCTOR_SELECTOR`, `stylus_constructor()`'s whatever the arguments, and the SDK's
//! once-guard slot says it ran. `mos deploy` records the owner in the creation itself
//! (`init_code_recording_deployer`); a constructor then finds the owner slot taken and refuses.
//! As with every stylus-sdk constructor, a program created any third way (a plain creation, then a
//! separate call) belongs to whoever calls its constructor first.

use alloc::vec::Vec;

use alloy_primitives::{uint, B256, U256};
use alloy_sol_types::{sol, SolCall};

use crate::{require, Args, Host, ProgramResult};

sol! {
    /// The name stylus-sdk gives every constructor.
    function stylus_constructor();
}

/// The constructor's selector, whatever its arguments.
pub const SELECTOR: [u8; 4] = stylus_constructorCall::SELECTOR;

/// stylus-sdk's once-guard: `keccak256("stylus_constructor")` holds true once a constructor ran.
const EXECUTED_SLOT: U256 = uint!(0xd719fb9eca6bd48044bf2b38d80aea3dd666511b0236081cd9a2b95555fe7c8c_U256);

/// A second constructor call, or one on a program whose owner its creation recorded.
pub const ALREADY_CONSTRUCTED: &str = "constructor already called";
/// A constructor given the zero address as the owner.
pub const ZERO_OWNER: &str = "constructor: owner is the zero address";

/// `stylus_constructor(address owner)`: records `owner` in `owner_slot`, once, and only while that
/// slot is empty.
///
/// # Errors
/// `constructor already called` when a constructor ran or the owner is already recorded;
/// `constructor: owner is the zero address`; empty revert data for malformed arguments.
pub fn record_owner(host: &Host, args: &[u8], owner_slot: U256) -> ProgramResult<Vec<u8>> {
    let owner = Args::new(args, 1)?.address(0)?;
    require(!owner.is_zero(), ZERO_OWNER)?;
    require(host.load(EXECUTED_SLOT).is_zero() && host.load(owner_slot).is_zero(), ALREADY_CONSTRUCTED)?;
    host.store(EXECUTED_SLOT, B256::with_last_byte(1));
    host.store(owner_slot, owner.into_word());
    Ok(Vec::new())
}

#[cfg(test)]
mod tests {
    use alloy_primitives::keccak256;

    #[test]
    fn the_guard_slot_and_selector_are_stylus_sdks() {
        assert_eq!(keccak256("stylus_constructor"), super::EXECUTED_SLOT.to_be_bytes::<32>());
        assert_eq!(super::SELECTOR, keccak256("stylus_constructor()")[..4]);
    }
}

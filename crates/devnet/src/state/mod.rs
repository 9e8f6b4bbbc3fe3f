//! Accounts and their storage after the last block, the undo log that lets the chain go back to an
//! earlier block, and the state root.

mod changes;
mod root;
mod world;

pub use changes::{StateChange, StateWriter};
pub use root::{state_root, StateRootCache};
pub use world::{Account, WorldState};

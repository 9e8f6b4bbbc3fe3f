//! Accounts, storage and programs, and the journal that makes every change revertible.

mod journal;
mod root;
mod world;

pub use journal::{Checkpoint, InsufficientBalance, Journal, SlotWrite, StateChange, TxEffects};
pub use root::{state_root, StateRootCache};
pub use world::{Account, WorldState};

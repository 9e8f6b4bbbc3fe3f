//! `mos-test-token`: an ERC-20 for the MOS's fee tests. It is never deployed anywhere else.
//!
//! OpenZeppelin's `ERC20` behaviour and revert strings for what the MOS uses (`transfer`,
//! `transferFrom`, `approve`, `balanceOf`, `allowance`), `mint` for anyone, and
//! `setAnswerFalse(true)`, after which `transfer` and `transferFrom` move nothing and return false,
//! as some tokens do; the MOS must treat that as a failure (`SafeERC20`). `setTransferFee(percent)`
//! makes every transfer burn `percent`% of the amount on the way, as fee-on-transfer tokens do: the
//! recipient gets the rest.
//!
//! ```solidity
//! interface IMosTestToken {
//!     function transfer(address to, uint256 amount) external returns (bool);
//!     function transferFrom(address from, address to, uint256 amount) external returns (bool);
//!     function approve(address spender, uint256 amount) external returns (bool);
//!     function balanceOf(address account) external view returns (uint256);
//!     function allowance(address owner, address spender) external view returns (uint256);
//!     function mint(address to, uint256 amount) external;
//!     function setAnswerFalse(bool answerFalse) external;
//!     function setTransferFee(uint256 percent) external;
//! }
//! ```

// `#[entrypoint]` generates an undocumented `user_entrypoint`.
#![allow(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;

use mos_message::interfaces::IERC20::{Approval, Transfer};
use stylus_sdk::{
    alloy_primitives::{Address, U256},
    alloy_sol_types::{Revert, SolError},
    prelude::*,
    storage::{StorageBool, StorageMap, StorageU256},
};

/// The token's state.
#[storage]
#[entrypoint]
pub struct Token {
    balances: StorageMap<Address, StorageU256>,
    allowances: StorageMap<Address, StorageMap<Address, StorageU256>>,
    answer_false: StorageBool,
    transfer_fee_percent: StorageU256,
}

fn fail(reason: &str) -> Vec<u8> {
    Revert::from(reason).abi_encode()
}

#[public]
impl Token {
    /// Moves `amount` from the caller to `to`.
    ///
    /// # Errors
    /// `ERC20: transfer amount exceeds balance`.
    pub fn transfer(&mut self, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        if self.answer_false.get() {
            return Ok(false);
        }
        let from = self.vm().msg_sender();
        self.move_tokens(from, to, amount)?;
        Ok(true)
    }

    /// Moves `amount` from `from` to `to` on the caller's allowance.
    ///
    /// # Errors
    /// `ERC20: insufficient allowance`, `ERC20: transfer amount exceeds balance`.
    pub fn transfer_from(&mut self, from: Address, to: Address, amount: U256) -> Result<bool, Vec<u8>> {
        if self.answer_false.get() {
            return Ok(false);
        }
        let spender = self.vm().msg_sender();
        let allowed = self.allowances.getter(from).get(spender);
        if allowed < amount {
            return Err(fail("ERC20: insufficient allowance"));
        }
        self.allowances.setter(from).setter(spender).set(allowed - amount);
        self.move_tokens(from, to, amount)?;
        Ok(true)
    }

    /// Lets `spender` move `amount` of the caller's tokens.
    pub fn approve(&mut self, spender: Address, amount: U256) -> bool {
        let owner = self.vm().msg_sender();
        self.allowances.setter(owner).setter(spender).set(amount);
        self.vm().log(Approval { owner, spender, value: amount });
        true
    }

    /// `account`'s balance.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// What `spender` may move of `owner`'s tokens.
    pub fn allowance(&self, owner: Address, spender: Address) -> U256 {
        self.allowances.getter(owner).get(spender)
    }

    /// Creates `amount` tokens for `to`.
    pub fn mint(&mut self, to: Address, amount: U256) {
        let balance = self.balances.get(to);
        self.balances.setter(to).set(balance + amount);
        self.vm().log(Transfer { from: Address::ZERO, to, value: amount });
    }

    /// With `true`, transfers move nothing and return false.
    pub fn set_answer_false(&mut self, answer_false: bool) {
        self.answer_false.set(answer_false);
    }

    /// Every transfer from now on burns `percent`% of its amount (at most 100).
    pub fn set_transfer_fee(&mut self, percent: U256) {
        self.transfer_fee_percent.set(percent.min(U256::from(100)));
    }
}

impl Token {
    fn move_tokens(&mut self, from: Address, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        let balance = self.balances.get(from);
        if balance < amount {
            return Err(fail("ERC20: transfer amount exceeds balance"));
        }
        self.balances.setter(from).set(balance - amount);
        let burnt = amount * self.transfer_fee_percent.get() / U256::from(100);
        let received = self.balances.get(to);
        self.balances.setter(to).set(received + amount - burnt);
        self.vm().log(Transfer { from, to, value: amount - burnt });
        if !burnt.is_zero() {
            self.vm().log(Transfer { from, to: Address::ZERO, value: burnt });
        }
        Ok(())
    }
}

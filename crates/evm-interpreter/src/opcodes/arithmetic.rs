//! Arithmetic on 256-bit words, signed variants in two's complement.

use alloy_primitives::U256;

use crate::gas;
use crate::interpreter::{Interpreter, Step};

impl Interpreter<'_> {
    /// Replaces the top word `a` with `f(a)`.
    #[inline]
    pub(crate) fn unary(&mut self, cost: u64, f: impl FnOnce(U256) -> U256) -> Step {
        self.charge(cost)?;
        let top = self.stack.top_mut()?;
        *top = f(*top);
        Ok(())
    }

    /// Pops `a` (the top) and replaces the next word `b` with `f(a, b)`.
    #[inline]
    pub(crate) fn binary(&mut self, cost: u64, f: impl FnOnce(U256, U256) -> U256) -> Step {
        self.charge(cost)?;
        let a = self.stack.pop()?;
        let b = self.stack.top_mut()?;
        *b = f(a, *b);
        Ok(())
    }

    /// Pops `a` and `b` and replaces the next word `c` with `f(a, b, c)`.
    #[inline]
    pub(crate) fn ternary(&mut self, cost: u64, f: impl FnOnce(U256, U256, U256) -> U256) -> Step {
        self.charge(cost)?;
        let [a, b] = self.stack.pop_n()?;
        let c = self.stack.top_mut()?;
        *c = f(a, b, *c);
        Ok(())
    }

    /// `EXP`, priced by the exponent's length.
    pub(crate) fn exp(&mut self) -> Step {
        let [base, exponent] = self.stack.pop_n()?;
        self.charge(gas::exp_cost(exponent))?;
        self.stack.push(base.wrapping_pow(exponent))?;
        Ok(())
    }
}

const SIGN_BIT: usize = 255;

fn is_negative(x: U256) -> bool {
    x.bit(SIGN_BIT)
}

/// Absolute value of a two's-complement word, as an unsigned word (`MIN` maps to 2²⁵⁵).
fn abs(x: U256) -> U256 {
    if is_negative(x) {
        x.wrapping_neg()
    } else {
        x
    }
}

/// `SDIV`: signed division truncating toward zero; `x / 0 = 0`, and `MIN / -1` wraps to `MIN`.
pub(crate) fn sdiv(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let quotient = abs(a) / abs(b);
    if is_negative(a) != is_negative(b) {
        quotient.wrapping_neg()
    } else {
        quotient
    }
}

/// `SMOD`: signed remainder taking the dividend's sign; `x % 0 = 0`.
pub(crate) fn smod(a: U256, b: U256) -> U256 {
    if b.is_zero() {
        return U256::ZERO;
    }
    let remainder = abs(a) % abs(b);
    if is_negative(a) {
        remainder.wrapping_neg()
    } else {
        remainder
    }
}

/// `SIGNEXTEND`: extends the sign of byte `b` (0 = least significant) of `x` over the higher
/// bytes; `b >= 31` leaves `x` unchanged.
pub(crate) fn signextend(b: U256, x: U256) -> U256 {
    if b >= U256::from(31) {
        return x;
    }
    // b < 31, so the bit index is below 255.
    let sign_bit = b.to::<usize>() * 8 + 7;
    let low_mask = (U256::from(1) << (sign_bit + 1)) - U256::from(1);
    if x.bit(sign_bit) {
        x | !low_mask
    } else {
        x & low_mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn neg(x: u64) -> U256 {
        U256::from(x).wrapping_neg()
    }

    #[test]
    fn signed_division_edge_cases() {
        let min = U256::from(1) << 255;
        assert_eq!(sdiv(neg(8), U256::from(3)), neg(2));
        assert_eq!(sdiv(U256::from(8), neg(3)), neg(2));
        assert_eq!(sdiv(neg(8), neg(3)), U256::from(2));
        assert_eq!(sdiv(min, U256::MAX), min);
        assert_eq!(sdiv(U256::from(1), U256::ZERO), U256::ZERO);
        assert_eq!(smod(neg(8), U256::from(3)), neg(2));
        assert_eq!(smod(U256::from(8), neg(3)), U256::from(2));
        assert_eq!(smod(min, U256::MAX), U256::ZERO);
        assert_eq!(smod(neg(1), U256::ZERO), U256::ZERO);
    }

    #[test]
    fn signextend_edge_cases() {
        assert_eq!(signextend(U256::ZERO, U256::from(0xff)), U256::MAX);
        assert_eq!(signextend(U256::ZERO, U256::from(0x7f)), U256::from(0x7f));
        assert_eq!(signextend(U256::ZERO, U256::from(0x1280)), neg(0x80));
        assert_eq!(signextend(U256::from(1), U256::from(0xff_7fff)), U256::from(0x7fff));
        assert_eq!(signextend(U256::from(30), U256::MAX >> 1), U256::MAX);
        assert_eq!(signextend(U256::from(30), U256::MAX >> 9), U256::MAX >> 9);
        assert_eq!(signextend(U256::from(30), U256::from(1) << 247), U256::MAX << 247);
        assert_eq!(signextend(U256::from(31), U256::from(0xff)), U256::from(0xff));
        assert_eq!(signextend(U256::MAX, U256::from(0x80)), U256::from(0x80));
    }
}

//! Signed comparison, byte extraction and shifts.

use alloy_primitives::U256;

/// Flipping the sign bit maps two's-complement order onto unsigned order.
const SIGN: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);

/// `SLT`: 1 when `a < b` as signed words.
pub(crate) fn slt(a: U256, b: U256) -> U256 {
    U256::from((a ^ SIGN) < (b ^ SIGN))
}

/// `BYTE`: byte `i` of `x` counting from the most significant; 0 for `i >= 32`.
pub(crate) fn byte(i: U256, x: U256) -> U256 {
    match usize::try_from(i) {
        // `U256::byte` counts from the least significant byte.
        Ok(i) if i < 32 => U256::from(x.byte(31 - i)),
        _ => U256::ZERO,
    }
}

/// Shift amounts of 256 or more, as `usize` if smaller.
fn shift_amount(shift: U256) -> Option<usize> {
    usize::try_from(shift).ok().filter(|&s| s < 256)
}

/// `SHL`: `value << shift`, zero for shifts of 256 or more.
pub(crate) fn shl(shift: U256, value: U256) -> U256 {
    shift_amount(shift).map_or(U256::ZERO, |s| value.wrapping_shl(s))
}

/// `SHR`: logical `value >> shift`, zero for shifts of 256 or more.
pub(crate) fn shr(shift: U256, value: U256) -> U256 {
    shift_amount(shift).map_or(U256::ZERO, |s| value.wrapping_shr(s))
}

/// `SAR`: arithmetic `value >> shift`; shifts of 256 or more leave only the sign.
pub(crate) fn sar(shift: U256, value: U256) -> U256 {
    match shift_amount(shift) {
        Some(s) => value.arithmetic_shr(s),
        None if value.bit(255) => U256::MAX,
        None => U256::ZERO,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_comparison() {
        let minus_one = U256::MAX;
        assert_eq!(slt(minus_one, U256::ZERO), U256::from(1));
        assert_eq!(slt(U256::ZERO, minus_one), U256::ZERO);
        assert_eq!(slt(SIGN, minus_one), U256::from(1));
        assert_eq!(slt(U256::from(1), U256::from(2)), U256::from(1));
        assert_eq!(slt(U256::from(2), U256::from(2)), U256::ZERO);
    }

    #[test]
    fn byte_indexes_from_the_top() {
        let x = U256::from(0x1234);
        assert_eq!(byte(U256::from(31), x), U256::from(0x34));
        assert_eq!(byte(U256::from(30), x), U256::from(0x12));
        assert_eq!(byte(U256::ZERO, U256::MAX), U256::from(0xff));
        assert_eq!(byte(U256::from(32), U256::MAX), U256::ZERO);
        assert_eq!(byte(U256::MAX, U256::MAX), U256::ZERO);
    }

    #[test]
    fn shifts() {
        let one = U256::from(1);
        assert_eq!(shl(U256::from(255), one), SIGN);
        assert_eq!(shl(U256::from(256), one), U256::ZERO);
        assert_eq!(shl(U256::from(1), U256::MAX), U256::MAX - one);
        assert_eq!(shr(U256::from(255), SIGN), one);
        assert_eq!(shr(U256::from(256), SIGN), U256::ZERO);
        assert_eq!(sar(U256::from(1), SIGN), SIGN | (SIGN >> 1));
        assert_eq!(sar(U256::from(255), SIGN), U256::MAX);
        assert_eq!(sar(U256::from(256), SIGN), U256::MAX);
        assert_eq!(sar(U256::MAX, one), U256::ZERO);
        assert_eq!(sar(U256::from(4), U256::from(0xff)), U256::from(0xf));
    }
}

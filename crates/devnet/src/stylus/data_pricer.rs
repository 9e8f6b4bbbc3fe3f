//! The data fee of an activation (reference §6.2 step 9, `arbos/programs/data_pricer.go`): a
//! price per byte of compiled code that rises exponentially with recent demand and decays as time
//! passes.

use alloy_primitives::U256;
use serde::{Deserialize, Serialize};

/// Bytes of demand forgiven per second (4 TiB a year, refilled hourly).
const BYTES_PER_SECOND: u64 = 4 * (1 << 40) / (365 * 24) / 3600;
/// The cheapest price per byte, in wei (5 MB cost about a dollar when it was set).
const MIN_PRICE: u64 = 82_928_201;
/// Demand at which the price has grown by a factor e.
const INERTIA: u64 = 21_360_419;
/// Basis points in one.
const ONE_IN_BIPS: u64 = 10_000;
/// Terms of the Taylor series Nitro uses for the exponential.
const EXP_ACCURACY: u64 = 12;

/// The pricer's state, kept with the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DataPricer {
    /// Recent demand, in bytes.
    pub demand: u32,
    /// Unix time of the last activation.
    pub last_update: u64,
}

impl DataPricer {
    /// The fee for activating `bytes` (the asm estimate) at `time`, and the pricer after it.
    pub fn charge(self, bytes: u32, time: u64) -> (U256, Self) {
        let elapsed = time.saturating_sub(self.last_update);
        let credit = BYTES_PER_SECOND.saturating_mul(elapsed);
        let demand = u64::from(self.demand).saturating_sub(credit).saturating_add(u64::from(bytes));
        let demand = u32::try_from(demand).unwrap_or(u32::MAX);
        let exponent = ONE_IN_BIPS * u64::from(demand) / INERTIA;
        let multiplier = exp_bips(exponent);
        let per_byte = U256::from(MIN_PRICE) * U256::from(multiplier);
        let fee = per_byte * U256::from(bytes) / U256::from(ONE_IN_BIPS);
        (fee, Self { demand, last_update: time })
    }
}

/// e^(x / 10 000) × 10 000, by the truncated Taylor series evaluated from the inside out.
fn exp_bips(x: u64) -> u64 {
    let mut result = ONE_IN_BIPS + x / EXP_ACCURACY;
    for i in (1..EXP_ACCURACY).rev() {
        result = ONE_IN_BIPS + result.saturating_mul(x) / (i * ONE_IN_BIPS);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exponential_is_close_to_e() {
        assert_eq!(exp_bips(0), 10_000);
        // e ≈ 2.71828
        assert!((27_170..=27_190).contains(&exp_bips(10_000)), "{}", exp_bips(10_000));
    }

    #[test]
    fn a_first_activation_costs_about_the_minimum_price_per_byte() {
        let (fee, pricer) = DataPricer::default().charge(700_000, 1_700_000_000);
        let minimum = U256::from(MIN_PRICE) * U256::from(700_000u64);
        assert!(fee >= minimum && fee < minimum * U256::from(2), "{fee}");
        assert_eq!(pricer.demand, 700_000);
    }

    #[test]
    fn demand_raises_the_price_and_time_lowers_it() {
        let (first, pricer) = DataPricer::default().charge(700_000, 1_700_000_000);
        let (second, _) = pricer.charge(700_000, 1_700_000_000);
        assert!(second > first);
        let (later, _) = pricer.charge(700_000, 1_700_000_000 + 3600);
        assert_eq!(later, first);
    }
}

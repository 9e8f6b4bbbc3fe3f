//! Nitro's prices for running Stylus programs: ink, hostio ink, the memory model and the gas a
//! program pays at every entry.
//!
//! The dev chain calls these at every program entry (reference §4.1) and inside hostios
//! (reference §2); the numbers are Nitro's defaults, and the ones the chain owner may change live in
//! [`StylusParams`].

use crate::activate::ProgramInfo;

/// The ArbOS version this crate assumes unless told otherwise (Dia; reference §9).
pub const DEFAULT_ARBOS_VERSION: u64 = 50;

/// Gas bought by one unit of `StylusParams::min_init_gas` (reference §4.3, `MinInitGasUnits`).
pub const MIN_INIT_GAS_UNITS: u64 = 128;
/// Gas bought by one unit of `StylusParams::min_cached_init_gas` (`MinCachedGasUnits`).
pub const MIN_CACHED_GAS_UNITS: u64 = 32;
/// Percent of a cost added by one unit of a cost scalar (`CostScalarPercent`).
pub const COST_SCALAR_PERCENT: u64 = 2;

/// `PageRamp`: only reported by `ArbWasm.pageRamp()`; the cost itself uses [`MEMORY_EXPONENTS`]
/// (reference §4.2).
pub const PAGE_RAMP: u64 = 620_674_314;

/// `exp[p] = floor(31 874 000^(p/128))` for p = 0..=128, copied as data from Nitro's
/// `memoryExponents` (reference Appendix A). More than 128 pages cost `u64::MAX`.
#[rustfmt::skip]
pub const MEMORY_EXPONENTS: [u32; 129] = [
    1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 9, 11, 12, 14, 17, 19, 22, 25, 29, 33, 38, 43, 50, 57, 65,
    75, 85, 98, 112, 128, 147, 168, 193, 221, 253, 289, 331, 379, 434, 497, 569, 651, 745, 853, 976, 1117, 1279,
    1463, 1675, 1917, 2194, 2511, 2874, 3290, 3765, 4309, 4932, 5645, 6461, 7395, 8464, 9687, 11087, 12689, 14523,
    16621, 19024, 21773, 24919, 28521, 32642, 37359, 42758, 48938, 56010, 64104, 73368, 83971, 96106, 109994,
    125890, 144082, 164904, 188735, 216010, 247226, 282953, 323844, 370643, 424206, 485509, 555672, 635973,
    727880, 833067, 953456, 1091243, 1248941, 1429429, 1636000, 1872423, 2143012, 2452704, 2807151, 3212820,
    3677113, 4208502, 4816684, 5512756, 6309419, 7221210, 8264766, 9459129, 10826093, 12390601, 14181199,
    16230562, 18576084, 21260563, 24332984, 27849408, 31873999,
];

/// The Stylus parameters a program's costs depend on: the owner-settable part of Nitro's
/// `StylusParams` word (reference Appendix B) that this crate uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StylusParams {
    /// Stylus version: 1 from ArbOS 30, 2 from ArbOS 31.
    pub version: u16,
    /// Ink per gas (a `uint24` on chain; 10 000 by default, reference §1.1).
    pub ink_price: u32,
    /// Stack budget, in words, given to each program invocation (reference §1.7).
    pub max_stack_depth: u32,
    /// Pages each transaction gets for free (reference §4.2).
    pub free_pages: u16,
    /// Linear gas per page beyond the free ones.
    pub page_gas: u16,
    /// Most pages open at once in a transaction; activation's page limit is this minus the pages
    /// already open.
    pub page_limit: u16,
    /// Minimum init gas, in units of [`MIN_INIT_GAS_UNITS`].
    pub min_init_gas: u8,
    /// Minimum cached init gas, in units of [`MIN_CACHED_GAS_UNITS`].
    pub min_cached_init_gas: u8,
    /// Scales `init_cost`, in units of [`COST_SCALAR_PERCENT`].
    pub init_cost_scalar: u8,
    /// Scales `cached_init_cost`, in units of [`COST_SCALAR_PERCENT`].
    pub cached_cost_scalar: u8,
    /// Most bytes a program may decompress to (reference §5.2).
    pub max_wasm_size: u32,
}

impl StylusParams {
    /// Nitro's defaults as they stand after the upgrades up to `arbos_version` (reference §9,
    /// `arbos/programs/params.go`).
    pub fn for_arbos_version(arbos_version: u64) -> Self {
        let stylus_v2 = arbos_version >= 31;
        Self {
            version: if stylus_v2 { 2 } else { 1 },
            ink_price: 10_000,
            max_stack_depth: if arbos_version >= 50 { 22_000 } else { 4 * 65_536 },
            free_pages: 2,
            page_gas: 1000,
            page_limit: 128,
            min_init_gas: if stylus_v2 { 69 } else { 72 },
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            max_wasm_size: 128 * 1024,
        }
    }
}

impl Default for StylusParams {
    fn default() -> Self {
        Self::for_arbos_version(DEFAULT_ARBOS_VERSION)
    }
}

/// Ink bought by `gas` at `ink_price` (reference §1.1; saturating, like Nitro).
pub fn gas_to_ink(gas: u64, ink_price: u32) -> u64 {
    gas.saturating_mul(ink_price.into())
}

/// Gas worth `ink` at `ink_price`, rounded down: the remainder below one gas is lost on exit
/// (reference §1.1). ArbOwner never sets a zero price; one is treated as 1 rather than divided by.
pub fn ink_to_gas(ink: u64, ink_price: u32) -> u64 {
    ink / u64::from(ink_price.max(1))
}

/// Gas for `new_pages` more pages when `open` are open now and `ever` have been open at once in
/// this transaction (reference §4.2, `MemoryModel.GasCost`). More than 128 pages ever open cost
/// `u64::MAX`, which no program can pay.
pub fn memory_gas_cost(new_pages: u16, open: u16, ever: u16, params: &StylusParams) -> u64 {
    let new_open = open.saturating_add(new_pages);
    let new_ever = ever.max(new_open);
    if new_ever <= params.free_pages {
        return 0;
    }
    let beyond_free = |pages: u16| pages.saturating_sub(params.free_pages);
    let adding = beyond_free(new_open).saturating_sub(beyond_free(open));
    let linear = u64::from(adding).saturating_mul(params.page_gas.into());
    // `ever <= new_ever` and the table grows, so this never underflows; Go's plain subtraction
    // would agree.
    let expand = memory_exponent(new_ever).saturating_sub(memory_exponent(ever));
    linear.saturating_add(expand)
}

fn memory_exponent(pages: u16) -> u64 {
    MEMORY_EXPONENTS.get(usize::from(pages)).map_or(u64::MAX, |&exp| exp.into())
}

/// Gas a program pays on entry when it is not cached (reference §4.3, `initGas`):
/// `MinInitGas × 128 + ceil(init_cost × scalar × 2 / 100)`.
pub fn init_gas(info: &ProgramInfo, params: &StylusParams) -> u64 {
    scaled_cost(params.min_init_gas, MIN_INIT_GAS_UNITS, info.init_cost, params.init_cost_scalar)
}

/// Gas a program pays on entry when cached, and from Stylus version 2 on every entry
/// (reference §4.3, `cachedGas`).
pub fn cached_init_gas(info: &ProgramInfo, params: &StylusParams) -> u64 {
    scaled_cost(params.min_cached_init_gas, MIN_CACHED_GAS_UNITS, info.cached_init_cost, params.cached_cost_scalar)
}

fn scaled_cost(min_units: u8, gas_per_unit: u64, cost: u16, scalar: u8) -> u64 {
    let base = u64::from(min_units) * gas_per_unit;
    let scaled = u64::from(cost).saturating_mul(u64::from(scalar) * COST_SCALAR_PERCENT);
    base.saturating_add(scaled.div_ceil(100))
}

/// The entry cost of `CallProgram` before memory (reference §4.1 step 3): the cached gas when
/// the program is cached or the Stylus version is above 1, plus the init gas when it is not cached.
/// Add [`memory_gas_cost`] of the footprint for the full charge.
pub fn call_init_gas(info: &ProgramInfo, params: &StylusParams, cached: bool) -> u64 {
    let cached_part = if cached || params.version > 1 { cached_init_gas(info, params) } else { 0 };
    let init_part = if cached { 0 } else { init_gas(info, params) };
    cached_part.saturating_add(init_part)
}

/// What `ArbWasm.minInitGas()` returns: `(MinInitGas × 128, MinCachedInitGas × 32)`
/// (reference §6.1; the precompile reverts before ArbOS 32).
pub fn min_init_gas(params: &StylusParams) -> (u64, u64) {
    (u64::from(params.min_init_gas) * MIN_INIT_GAS_UNITS, u64::from(params.min_cached_init_gas) * MIN_CACHED_GAS_UNITS)
}

/// Hostio ink (reference §2.1–2.2, `crates/arbutil/src/pricing.rs`). Values are ink unless the
/// name ends in `_GAS`.
pub mod hostio {
    /// Every hostio that may return something.
    pub const HOSTIO_INK: u64 = 8_400;
    /// Each pointer a hostio takes.
    pub const PTR_INK: u64 = 13_440 - HOSTIO_INK;
    /// A round trip to the EVM side.
    pub const EVM_API_INK: u64 = 59_673;
    /// A 256-bit division or modulo.
    pub const DIV_INK: u64 = 20_000;
    /// A 256-bit mulmod.
    pub const MUL_MOD_INK: u64 = 24_100;
    /// A 256-bit addmod.
    pub const ADD_MOD_INK: u64 = 21_000;

    /// `read_args`.
    pub const READ_ARGS_BASE_INK: u64 = HOSTIO_INK;
    /// `write_result`.
    pub const WRITE_RESULT_BASE_INK: u64 = HOSTIO_INK;
    /// `exit_early` charges nothing.
    pub const EXIT_EARLY_BASE_INK: u64 = 0;
    /// `storage_load_bytes32`.
    pub const STORAGE_LOAD_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK;
    /// `storage_cache_bytes32`.
    pub const STORAGE_CACHE_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK;
    /// `storage_flush_cache`.
    pub const STORAGE_FLUSH_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    /// `transient_load_bytes32`.
    pub const TRANSIENT_LOAD_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `transient_store_bytes32`.
    pub const TRANSIENT_STORE_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `call_contract`, `delegate_call_contract`, `static_call_contract`.
    pub const CALL_CONTRACT_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    /// `create1`.
    pub const CREATE1_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + EVM_API_INK;
    /// `create2`.
    pub const CREATE2_BASE_INK: u64 = HOSTIO_INK + 4 * PTR_INK + EVM_API_INK;
    /// `read_return_data`.
    pub const READ_RETURN_DATA_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    /// `return_data_size`.
    pub const RETURN_DATA_SIZE_BASE_INK: u64 = HOSTIO_INK;
    /// `emit_log`.
    pub const EMIT_LOG_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    /// `account_balance`.
    pub const ACCOUNT_BALANCE_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `account_code`.
    pub const ACCOUNT_CODE_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    /// `account_code_size`.
    pub const ACCOUNT_CODE_SIZE_BASE_INK: u64 = HOSTIO_INK + EVM_API_INK;
    /// `account_codehash`.
    pub const ACCOUNT_CODE_HASH_BASE_INK: u64 = HOSTIO_INK + 2 * PTR_INK + EVM_API_INK;
    /// `block_basefee`.
    pub const BLOCK_BASEFEE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `block_coinbase`.
    pub const BLOCK_COINBASE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `block_gas_limit`.
    pub const BLOCK_GAS_LIMIT_BASE_INK: u64 = HOSTIO_INK;
    /// `block_number`.
    pub const BLOCK_NUMBER_BASE_INK: u64 = HOSTIO_INK;
    /// `block_timestamp`.
    pub const BLOCK_TIMESTAMP_BASE_INK: u64 = HOSTIO_INK;
    /// `chainid`.
    pub const CHAIN_ID_BASE_INK: u64 = HOSTIO_INK;
    /// `contract_address`.
    pub const ADDRESS_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `evm_gas_left`.
    pub const EVM_GAS_LEFT_BASE_INK: u64 = HOSTIO_INK;
    /// `evm_ink_left`.
    pub const EVM_INK_LEFT_BASE_INK: u64 = HOSTIO_INK;
    /// `math_div`.
    pub const MATH_DIV_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
    /// `math_mod`.
    pub const MATH_MOD_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK + DIV_INK;
    /// `math_pow`, before [`pow_price`].
    pub const MATH_POW_BASE_INK: u64 = HOSTIO_INK + 3 * PTR_INK;
    /// `math_add_mod`.
    pub const MATH_ADD_MOD_BASE_INK: u64 = HOSTIO_INK + 4 * PTR_INK + ADD_MOD_INK;
    /// `math_mul_mod`.
    pub const MATH_MUL_MOD_BASE_INK: u64 = HOSTIO_INK + 4 * PTR_INK + MUL_MOD_INK;
    /// `msg_reentrant`.
    pub const MSG_REENTRANT_BASE_INK: u64 = HOSTIO_INK;
    /// `msg_sender`.
    pub const MSG_SENDER_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `msg_value`.
    pub const MSG_VALUE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `native_keccak256` charges only [`keccak_price`].
    pub const NATIVE_KECCAK256_BASE_INK: u64 = 0;
    /// `tx_gas_price`.
    pub const TX_GAS_PRICE_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `tx_ink_price`.
    pub const TX_INK_PRICE_BASE_INK: u64 = HOSTIO_INK;
    /// `tx_origin`.
    pub const TX_ORIGIN_BASE_INK: u64 = HOSTIO_INK + PTR_INK;
    /// `pay_for_memory_grow(0)`; a non-zero page count pays only the memory model.
    pub const PAY_FOR_MEMORY_GROW_BASE_INK: u64 = HOSTIO_INK;

    /// `SSTORE_SENTRY_GAS`: gas a flush or cache write requires to be left.
    pub const SSTORE_SENTRY_GAS: u64 = 2_300;
    /// Cold account access.
    pub const COLD_ACCOUNT_GAS: u64 = 2_600;
    /// Cold storage read.
    pub const COLD_SLOAD_GAS: u64 = 2_100;
    /// Warm storage read.
    pub const WARM_SLOAD_GAS: u64 = 100;
    /// Transient storage read.
    pub const TLOAD_GAS: u64 = 100;
    /// Transient storage write.
    pub const TSTORE_GAS: u64 = 100;
    /// Per log topic, the first "topic" standing for the log itself.
    pub const LOG_TOPIC_GAS: u64 = 375;
    /// Per byte of log data.
    pub const LOG_DATA_GAS: u64 = 8;
    /// `StorageCache::REQUIRED_ACCESS_GAS`.
    pub const STORAGE_CACHE_REQUIRED_ACCESS_GAS: u64 = 10;

    /// Ink to copy `bytes` from the host into the program.
    pub fn write_price(bytes: u32) -> u64 {
        5_040 + 30 * u64::from(bytes.saturating_sub(32))
    }

    /// Ink to copy `bytes` from the program to the host.
    pub fn read_price(bytes: u32) -> u64 {
        16_381 + 55 * u64::from(bytes.saturating_sub(32))
    }

    /// Ink to hash `bytes` with `native_keccak256`.
    pub fn keccak_price(bytes: u32) -> u64 {
        let words = u64::from(bytes).div_ceil(32).saturating_sub(2);
        121_800 + 21_000 * words
    }

    /// Ink for `math_pow` beyond its base, by the exponent's big-endian byte length.
    pub fn pow_price(exponent: &[u8; 32]) -> u64 {
        let leading_zero_bytes = exponent.iter().take_while(|&&byte| byte == 0).count() as u64;
        3_000 + (33 - leading_zero_bytes) * 17_500
    }
}

//! Every decoder of untrusted bytes, on stable Rust: the checks of `mos_decoder_checks` (the same
//! functions the cargo-fuzz targets in `fuzz/` run) over real seeds (`mos_tests::seeds`: MAP's
//! vectors and devnet blocks), mutations of them, and random bytes; each case within a heap budget
//! proportional to its length, so that no length prefix makes a decoder allocate what the input
//! does not hold. `PROPTEST_CASES` sets the cases per decoder (default [`CASES`]).

mod heap;
mod mutation;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use mos_decoder_checks::{Target, TARGETS};
use mos_tests::seeds::Seeds;
use proptest::prelude::*;

/// Cases per decoder unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 4_096;

/// The heap a check may use per byte of input, beyond [`BASE_HEAP`].
const HEAP_PER_BYTE: usize = 64;
/// The heap any check may use whatever its input.
const BASE_HEAP: usize = 256 * 1024;
/// The heap a JSON-RPC request may use beyond its bytes: it runs on a chain (an `eth_call` of
/// the block's gas limit, a new block's state).
const RPC_HEAP: usize = 64 * 1024 * 1024;

/// The seeds of every target, built once.
fn seeds() -> &'static BTreeMap<&'static str, Vec<Vec<u8>>> {
    static SEEDS: OnceLock<BTreeMap<&'static str, Vec<Vec<u8>>>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let seeds = Seeds::new();
        TARGETS.iter().map(|target| (target.name, seeds.of(target.name))).collect()
    })
}

fn target(name: &str) -> &'static Target {
    mos_decoder_checks::target(name).unwrap_or_else(|| panic!("no target {name}"))
}

/// Runs `target`'s check on `input` and checks that its heap stayed within budget; whether the
/// decoder accepted the input.
fn check(target: &Target, input: &[u8]) -> bool {
    let budget = match target.name {
        "rpc_request" => RPC_HEAP,
        _ => BASE_HEAP,
    } + HEAP_PER_BYTE * input.len();
    let (accepted, peak) = heap::peak_during(|| (target.check)(input));
    assert!(
        peak <= budget,
        "{}: {peak} bytes of heap for {} bytes of input (budget {budget})",
        target.name,
        input.len()
    );
    accepted
}

#[test]
fn every_target_has_seeds_and_its_decoder_accepts_each() {
    for target in TARGETS {
        let seeds = &seeds()[target.name];
        assert!(seeds.len() >= 2, "{}: {} seeds", target.name, seeds.len());
        for (index, seed) in seeds.iter().enumerate() {
            assert!(
                check(target, seed),
                "{} refused its seed {index}: {}",
                target.name,
                alloy_primitives::hex::encode(seed)
            );
        }
    }
}

#[test]
fn the_heap_budget_catches_an_allocation_the_input_does_not_hold() {
    // What the budget is for: a decoder that trusts a length prefix.
    let trusting = Target {
        name: "trusting",
        decodes: "a length prefix",
        check: |input| {
            let len = input.first().map_or(0, |byte| usize::from(*byte) << 16);
            std::hint::black_box(vec![0u8; len]);
            true
        },
    };
    assert!(check(&trusting, &[0x00]));
    let caught = std::panic::catch_unwind(|| check(&trusting, &[0xff]));
    assert!(caught.is_err(), "16 MiB for one byte of input passed the budget");
}

/// One property test per target: mutations of its seeds and random bytes.
macro_rules! decoder_properties {
    ($($name:ident),* $(,)?) => {
        proptest! {
            #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]
            $(
                #[test]
                fn $name(input in mutation::inputs(&seeds()[stringify!($name)])) {
                    check(target(stringify!($name)), &input);
                }
            )*
        }

        #[test]
        fn every_target_has_a_property_test() {
            let tested = [$(stringify!($name)),*];
            for target in TARGETS {
                assert!(tested.contains(&target.name), "{} has no property test here", target.name);
            }
        }
    };
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(CASES)
}

decoder_properties!(
    message_data,
    log_list,
    receipt,
    header,
    mpt_proof,
    receipt_proof,
    atlas_header,
    sealed_proof,
    signed_header,
    signed_rotation,
    committee_initialize,
    rpc_request,
    raw_transaction,
);

#[test]
fn every_target_is_a_cargo_fuzz_target_running_its_check() {
    let fuzz = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz");
    let manifest = std::fs::read_to_string(format!("{fuzz}/Cargo.toml")).unwrap();
    for target in TARGETS {
        assert!(manifest.contains(&format!("name = \"{}\"", target.name)), "fuzz/Cargo.toml has no {}", target.name);
        let source = std::fs::read_to_string(format!("{fuzz}/fuzz_targets/{}.rs", target.name)).unwrap();
        assert!(source.contains(&format!("::{}(data)", target.name)), "fuzz target {} runs another check", target.name);
    }
    let bins = manifest.matches("[[bin]]").count();
    assert_eq!(bins, TARGETS.len(), "fuzz/Cargo.toml has targets that are not checks");
}

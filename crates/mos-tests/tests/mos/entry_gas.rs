//! What entering each deployed program costs (docs/sizes.md "## The deployed programs"), against
//! the budget of issue 10: uncached entry at most 10% above what the programs cost on
//! `stylus-host`, before they moved to stylus-sdk. Run with `--nocapture` to see the table.

use mos_tests::*;

/// A deployed program, and its entry gas `(uncached, cached)` as measured on the devnet when it
/// was built on `stylus-host` (docs/sizes.md, "before").
const PROGRAMS: [(&str, (u64, u64)); 5] = [
    ("mos-dest", (23_448, 3_719)),
    ("mos-relay", (24_593, 3_871)),
    ("fee-service", (13_493, 1_565)),
    ("mos-light-node", (20_142, 3_358)),
    ("mos-light-client-manager", (13_770, 1_581)),
];

#[test]
fn each_deployed_program_enters_within_its_budget() {
    let mut suite = Suite::chain();
    println!("| program | uncached before | uncached now | cached before | cached now |");
    println!("|---|--:|--:|--:|--:|");
    let mut over = Vec::new();
    for (package, (uncached_before, cached_before)) in PROGRAMS {
        let address = suite.deploy_program(package);
        let (uncached, cached) = suite.init_gas(address);
        println!("| {package} | {uncached_before} | {uncached} | {cached_before} | {cached} |");
        assert!(cached < uncached, "{package}: caching saves nothing");
        if uncached * 100 > uncached_before * 110 {
            over.push(format!("{package}: {uncached} is more than 110% of {uncached_before}"));
        }
    }
    assert!(over.is_empty(), "{over:?}");
}

//! What `cargo stylus export-abi` and `cargo stylus constructor` get from each deployed program
//! crate: cargo-stylus runs `cargo run --package <program> --features export-abi -- abi` (and
//! `-- constructor`) on the build machine. The interfaces must be the files of `abi/`, which dApp
//! developers use and solc compiles (`make sol`). The MOS programs declare no constructor, so
//! `cargo stylus deploy` deploys and activates them without calling one; the programs that take an
//! owner declare `stylus_constructor(address)`, which cargo-stylus calls through the StylusDeployer.

use std::path::PathBuf;
use std::process::Command;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the program's export binary as cargo-stylus does; its stdout.
fn export(package: &str, command: &str) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .current_dir(workspace_root())
        .args(["run", "--quiet", "--package", package, "--features", "export-abi", "--", command])
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "{package} {command}: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// The licence and pragma every interface file starts with.
const HEADER: &str = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\n";

/// `abi/<name>.sol` without its licence and pragma lines.
fn body(name: &str) -> String {
    let source = std::fs::read_to_string(workspace_root().join("abi").join(format!("{name}.sol"))).unwrap();
    let rest = source.strip_prefix(HEADER).unwrap_or_else(|| panic!("{name}.sol starts with its licence and pragma"));
    rest.trim_start_matches('\n').to_owned()
}

#[test]
fn each_deployed_program_exports_the_interfaces_of_abi_and_its_constructor() {
    let programs: [(&str, &[&str], &str); 6] = [
        ("mos-dest", &["IMOSV3", "IMOSAdmin", "IMOSExtensions"], ""),
        ("mos-relay", &["IMOSV3", "IMOSRelay", "IMOSAdmin", "IMOSExtensions"], ""),
        ("fee-service", &["IFeeService"], "constructor(address owner)\n"),
        ("mos-light-node", &["ILightNode", "ICommitteeLightNode"], "constructor(address deployer)\n"),
        ("mos-map-light-node", &["ILightNode", "IMapLightNode"], "constructor(address deployer)\n"),
        (
            "mos-light-client-manager",
            &["ILightClientManager", "ILightClientManagerAdmin"],
            "constructor(address admin)\n",
        ),
    ];
    for (package, interfaces, constructor) in programs {
        let mut expected = String::from(HEADER);
        for name in interfaces {
            expected.push('\n');
            expected.push_str(&body(name));
        }
        assert_eq!(export(package, "abi"), expected, "{package}");
        assert_eq!(export(package, "constructor"), constructor, "{package}'s constructor");
    }
}

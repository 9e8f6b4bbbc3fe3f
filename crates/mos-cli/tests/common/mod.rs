//! Running the `mos` binary from tests that serve devnet chains on their async runtime.

use std::process::Output;

use serde_json::Value;

/// The environment variables that hold keys: cleared for every run unless the run sets them.
const KEY_VARIABLES: [&str; 3] = ["MOS_ATTEST_KEYS", "MOS_ATTEST_FROM_KEY", "MOS_SEND_KEY"];

/// Runs `mos` with `args` and `env`, off the runtime's threads (the devnets serve on them).
pub async fn mos(args: &[&str], env: &[(&str, &str)]) -> Output {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let env: Vec<(String, String)> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    tokio::task::spawn_blocking(move || {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_mos"));
        for variable in KEY_VARIABLES {
            command.env_remove(variable);
        }
        command.args(&args).envs(env).output().unwrap()
    })
    .await
    .unwrap()
}

/// Runs `mos --json` with `args`, which must succeed, and returns its JSON.
pub async fn mos_json(args: &[&str], env: &[(&str, &str)]) -> Value {
    let output = mos(&[&["--json"], args].concat(), env).await;
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs `mos` with `args`, which must fail with exit code 1 (not a panic's 101), and returns its
/// stderr.
pub async fn mos_error(args: &[&str], env: &[(&str, &str)]) -> String {
    let output = mos(args, env).await;
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

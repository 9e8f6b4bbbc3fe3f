//! The `mos` binary, driven as a user drives it.

use std::process::{Command, Output};

use serde_json::Value;

fn mos(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mos")).args(args).output().unwrap()
}

/// Runs a command that must succeed and returns its JSON.
fn mos_json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let output = mos(&all);
    assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Runs a command that must fail cleanly: exit code 1 (not a panic's 101), a message on stderr.
fn mos_error(args: &[&str]) -> String {
    let output = mos(args);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");
    stderr
}

fn vectors(name: &str) -> Value {
    let path = format!("{}/../../vectors/map-mos-v3/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn decode_logs_gives_maps_expected_decodes_for_every_vector() {
    let lists = vectors("receipt-logs.json");
    let expected = vectors("expected.json");
    for (list, case) in lists.as_array().unwrap().iter().zip(expected.as_array().unwrap()) {
        let got = mos_json(&["decode-logs", list["hex"].as_str().unwrap()]);
        let got_logs = got["logs"].as_array().unwrap();
        let want_logs = case["logs"].as_array().unwrap();
        assert_eq!(got_logs.len(), want_logs.len());
        for (got, want) in got_logs.iter().zip(want_logs) {
            assert_eq!(got["event"], "mapMessageOut");
            for field in ["address", "topics", "fromChain", "toChain", "orderId", "fromAddress", "messageData"] {
                assert_eq!(got[field], want[field], "{field} of {}", case["test"]);
            }
            for field in ["encoding", "relay", "msgType", "target", "payload", "gasLimit", "value"] {
                assert_eq!(got["message"][field], want["message"][field], "message.{field} of {}", case["test"]);
            }
        }
    }
}

#[test]
fn decode_logs_reads_a_file() {
    let lists = vectors("receipt-logs.json");
    let path = std::env::temp_dir().join(format!("mos-cli-test-{}.hex", std::process::id()));
    std::fs::write(&path, format!("{}\n", lists[0]["hex"].as_str().unwrap())).unwrap();
    let got = mos_json(&["decode-logs", &format!("@{}", path.display())]);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(got["logs"][0]["orderId"], "0x63bf27b593f5ecbfe3212c102d6dc04aabcf5e27150edeb6a60003feb71c3d38");
}

#[test]
fn decode_logs_text_output_names_the_fields() {
    let lists = vectors("receipt-logs.json");
    let output = mos(&["decode-logs", lists[0]["hex"].as_str().unwrap()]);
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    for line in [
        "event: mapMessageOut",
        "fromChain: 5",
        "toChain: 212",
        "orderId: 0x63bf27b593f5ecbfe3212c102d6dc04aabcf5e27150edeb6a60003feb71c3d38",
        "encoding: flat",
        "msgTypeName: CALLDATA",
        "gasLimit: 500000",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn decode_logs_decodes_map_message_in_with_a_readable_reason() {
    // mapMessageIn(5, 212, orderId, fromAddress, callData, false, "NoContractAddress") from address 0x11…
    let data = alloy_sol_types::SolValue::abi_encode_params(&(
        alloy_primitives::B256::repeat_byte(7),
        alloy_primitives::Bytes::from(vec![0xaa; 20]),
        alloy_primitives::Bytes::from(vec![1, 2]),
        false,
        alloy_primitives::Bytes::from(b"NoContractAddress".to_vec()),
    ));
    let log = alloy_primitives::Log::new_unchecked(
        alloy_primitives::Address::repeat_byte(0x11),
        vec![
            "0x0b3a342354741e507e855285e8c1a1c4a2545fa207216059f3a08d24686c6cac".parse().unwrap(),
            alloy_primitives::B256::left_padding_from(&[5]),
            alloy_primitives::B256::left_padding_from(&[212]),
        ],
        data.into(),
    );
    let list = light_client_iface::encode_log_list(&[log]);
    let got = mos_json(&["decode-logs", &alloy_primitives::hex::encode(list)]);
    let entry = &got["logs"][0];
    assert_eq!(entry["event"], "mapMessageIn");
    assert_eq!(entry["toChain"], 212);
    assert_eq!(entry["result"], false);
    assert_eq!(entry["reasonText"], "NoContractAddress");
}

#[test]
fn malformed_log_lists_are_errors_not_panics() {
    let valid = vectors("receipt-logs.json")[0]["hex"].as_str().unwrap().to_string();
    let truncated = &valid[..valid.len() - 10];
    let cases: Vec<(String, &str)> = vec![
        ("zz".into(), "not hex"),
        ("0x123".into(), "not hex"),
        ("@/nonexistent/file".into(), "cannot read"),
        ("".into(), "log list"),
        ("0x80".into(), "log list"),
        ("0xc0c0".into(), "log list"),
        (truncated.into(), "log list"),
        // A log whose address is 19 bytes.
        ("0xd7d69300000000000000000000000000000000000000c080".into(), "log address: expected 20 bytes, found 19"),
        // A log with a 31-byte topic.
        (format!("0xf838f794{}e09f{}80", "00".repeat(20), "00".repeat(31)), "log topic: expected 32 bytes, found 31"),
    ];
    for (input, expected) in cases {
        let stderr = mos_error(&["decode-logs", &input]);
        assert!(stderr.contains(expected), "{input}: {stderr}");
    }
}

#[test]
fn a_map_message_out_with_bad_data_is_reported_and_fails() {
    // topic0 of mapMessageOut, two more topics, and data that is not abi.encode(bytes32, bytes, bytes).
    let log = alloy_primitives::Log::new_unchecked(
        alloy_primitives::Address::repeat_byte(0x11),
        vec![
            "0xf4397fd41454e34a9a4015d05a670124ecd71fe7f1d05578a62f8009b1a57f8a".parse().unwrap(),
            alloy_primitives::B256::ZERO,
            alloy_primitives::B256::ZERO,
        ],
        vec![0u8; 40].into(),
    );
    let list = alloy_primitives::hex::encode(light_client_iface::encode_log_list(&[log]));
    let stderr = mos_error(&["decode-logs", &list]);
    assert!(stderr.contains("log 0: mapMessageOut data: truncated"), "{stderr}");
    let output = mos(&["--json", "decode-logs", &list]);
    let got: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(got["logs"][0]["error"].as_str().unwrap().contains("truncated"));
}

#[test]
fn encode_then_decode_message_round_trips_in_both_encodings() {
    for flat in [false, true] {
        let mut args = vec![
            "encode-message",
            "--type",
            "message",
            "--relay",
            "--target",
            "0x4ed7c70f96b99c776995fb64377f0d4ab3b0e1c1",
            "--payload",
            "0xdeadbeef",
            "--gas-limit",
            "500000",
        ];
        if flat {
            args.push("--flat");
        }
        let encoded = mos_json(&args);
        assert_eq!(encoded["encoding"], if flat { "flat" } else { "struct" });
        let decoded = mos_json(&["decode-message", encoded["messageData"].as_str().unwrap()]);
        assert_eq!(decoded["encoding"], encoded["encoding"]);
        assert_eq!(decoded["relay"], true);
        assert_eq!(decoded["msgTypeName"], "MESSAGE");
        assert_eq!(decoded["target"], "0x4ed7c70f96b99c776995fb64377f0d4ab3b0e1c1");
        assert_eq!(decoded["payload"], "0xdeadbeef");
        assert_eq!(decoded["gasLimit"], 500000);
        assert_eq!(decoded["value"], 0);
    }
}

#[test]
fn decode_message_rejects_malformed_bytes() {
    let stderr = mos_error(&["decode-message", &format!("0x{}", "00".repeat(40))]);
    assert!(stderr.contains("MessageData: truncated"), "{stderr}");
    let stderr = mos_error(&["decode-message", &format!("0x{:064x}", 7)]);
    assert!(stderr.contains("first word 0x7"), "{stderr}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let output = mos(&[
        "order-id",
        "--mos",
        "0x12",
        "--nonce",
        "0",
        "--from-chain",
        "1",
        "--to-chain",
        "2",
        "--sender",
        "0x00",
        "--target",
        "0x",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--mos"));
    let output = mos(&["encode-message", "--type", "bogus", "--target", "0x", "--gas-limit", "1"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn order_id_matches_maps_first_message() {
    let got = mos_json(&[
        "order-id",
        "--mos",
        "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707",
        "--nonce",
        "0",
        "--from-chain",
        "5",
        "--to-chain",
        "212",
        "--sender",
        "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
        "--target",
        "0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9",
    ]);
    assert_eq!(got["orderId"], "0x63bf27b593f5ecbfe3212c102d6dc04aabcf5e27150edeb6a60003feb71c3d38");
}

/// Every selector and topic of `docs/spec/mos-abi.md`, as the spec states them.
const SPEC_SELECTORS: &[(&str, &str, &str)] = &[
    ("IMOSV3", "transferOut(uint256,bytes,address)", "0xa39ed3f9"),
    ("IMOSV3", "transferIn(uint256,bytes)", "0xd24c6944"),
    ("IMOSV3", "transferInWithIndex(uint256,uint256,bytes)", "0x492092b1"),
    ("IMOSV3", "getMessageFee(uint256,address,uint256)", "0x96e2af56"),
    ("IMOSV3", "addRemoteCaller(uint256,bytes,bool)", "0x33ee9abc"),
    ("IMOSV3", "getExecutePermission(address,uint256,bytes)", "0x225ec42e"),
    ("IMOSV3", "getOrderStatus(uint256,uint256,bytes32)", "0xd93765fc"),
    ("IMOSV3", "orderList(bytes32)", "0x6af6400d"),
    ("IMOSV3", "callerList(address,uint256,bytes)", "0x486d90ae"),
    ("IMOSV3", "setRelayContract(uint256,address)", "0x55d35a40"),
    ("IMOSV3", "setLightClient(address)", "0x3e553bab"),
    ("IMOSV3", "setFeeService(address)", "0xfe3312e2"),
    ("IMOSV3", "setPause()", "0xd431b1ac"),
    ("IMOSV3", "setUnpause()", "0x848cb5c6"),
    ("IMOSV3", "paused()", "0x5c975abb"),
    ("IMOSV3", "emergencyWithdraw(address,address,uint256)", "0xe63ea408"),
    ("IMOSV3", "changeAdmin(address)", "0x8f283970"),
    ("IMOSV3", "getAdmin()", "0x6e9960c3"),
    ("IMOSV3", "nonce()", "0xaffed0e0"),
    ("IMOSV3", "relayChainId()", "0x8df0dcde"),
    ("IMOSV3", "relayContract()", "0x5c550ac2"),
    ("IMOSV3", "lightNode()", "0x5f670bd3"),
    ("IMOSV3", "feeService()", "0x4a5043a1"),
    ("IMOSV3", "selfChainId()", "0xcc9e3e89"),
    ("IMOSV3", "gasLimitMin()", "0xf32d49f7"),
    ("IMOSV3", "gasLimitMax()", "0xd1dedf58"),
    ("IMOSV3", "wToken()", "0x0babd864"),
    ("IMOSRelay", "registerChain(uint256,bytes,uint8)", "0xd687c35d"),
    ("IMOSRelay", "setLightClientManager(address)", "0x2f5c5d5e"),
    ("IMOSRelay", "lightClientManager()", "0x78972825"),
    ("IMOSRelay", "mosContracts(uint256)", "0x3e2f1d0f"),
    ("IMOSRelay", "chainTypes(uint256)", "0x8d6ffd6a"),
    ("IMapoExecutor", "mapoExecute(uint256,uint256,bytes,bytes32,bytes)", "0x994e919a"),
    ("ILightNode", "verifyProofData(bytes)", "0x16dc5270"),
    ("ILightNode", "verifyProofDataWithCache(bytes)", "0x5b4b3dcc"),
    ("ILightNode", "notifyLightClient(address,bytes)", "0x90d83480"),
    ("ILightNode", "isVerifiable(uint256,bytes32)", "0x0fddfc44"),
    ("ILightNode", "nodeType()", "0x3fa9a8de"),
    ("ILightClientManager", "verifyProofData(uint256,bytes)", "0xf8ab6f7a"),
    ("ILightClientManager", "verifyProofDataWithCache(uint256,bytes)", "0x5cedc200"),
    ("ILightClientManager", "notifyLightClient(uint256,address,bytes)", "0x637c5b2a"),
    ("ILightClientManager", "isVerifiable(uint256,uint256,bytes32)", "0xaf4acd35"),
    ("ILightClientManager", "nodeType(uint256)", "0x1c794b84"),
    ("IFeeService", "getMessageFee(uint256,address)", "0xa6a59bcc"),
    ("IFeeService", "setBaseGas(uint256,uint256)", "0x101dc9da"),
    ("IFeeService", "setChainGasPrice(uint256,address,uint256)", "0xaa6c7999"),
    ("IFeeService", "setFeeReceiver(address)", "0xefdcd974"),
];

/// Event topics as the spec states them (full where it gives them, else its 4-byte prefix).
const SPEC_TOPICS: &[(&str, &str, &str)] = &[
    (
        "IMOSV3",
        "mapMessageOut(uint256,uint256,bytes32,bytes,bytes)",
        "0xf4397fd41454e34a9a4015d05a670124ecd71fe7f1d05578a62f8009b1a57f8a",
    ),
    (
        "IMOSV3",
        "mapMessageIn(uint256,uint256,bytes32,bytes,bytes,bool,bytes)",
        "0x0b3a342354741e507e855285e8c1a1c4a2545fa207216059f3a08d24686c6cac",
    ),
    (
        "IMOSV3",
        "mapTransferExecute(uint256,uint256,address)",
        "0x8c991a6f7ef9e9e8c0cc7f34d5ce0b20ff23538ec4d944e9d065b833982fc783",
    ),
    ("IMOSV3", "SetLightClient(address)", "0xdbbd7b2f"),
    ("IMOSV3", "SetFeeService(address)", "0x75399cbd"),
    ("IMOSV3", "SetRelayContract(uint256,address)", "0x1a43895a"),
    ("IMOSV3", "AddRemoteCaller(address,uint256,bytes,bool)", "0x41476c02"),
    ("IMOSRelay", "SetLightClientManager(address)", "0x2e94755d"),
    ("IMOSRelay", "RegisterChain(uint256,bytes,uint8)", "0x6f94bb99"),
    ("ILightNode", "ClientNotifySend(address,uint256,bytes)", "0x7063ee7a"),
    ("ILightClientManager", "ManagerNotifySend(uint256,address,uint256,bytes)", "0x6644f11e"),
];

#[test]
fn abi_lists_every_selector_and_topic_of_the_spec() {
    let items = mos_json(&["abi"]);
    let items = items.as_array().unwrap();
    let find = |interface: &str, signature: &str| {
        items
            .iter()
            .find(|item| item["interface"] == interface && item["signature"] == signature)
            .unwrap_or_else(|| panic!("{interface}.{signature} missing from `mos abi`"))
    };
    for (interface, signature, selector) in SPEC_SELECTORS {
        assert_eq!(find(interface, signature)["selector"], *selector, "{signature}");
    }
    for (interface, signature, topic) in SPEC_TOPICS {
        let got = find(interface, signature)["topic0"].as_str().unwrap().to_string();
        assert_eq!(got.len(), 66);
        assert!(got.starts_with(topic), "{signature}: {got} does not start with {topic}");
    }
}

#[test]
fn devnet_serves_json_rpc_until_interrupted_and_saves_its_state() {
    use std::io::{BufRead, BufReader, Read, Write};
    let state = std::env::temp_dir().join(format!("mos-devnet-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&state);
    let mut child = Command::new(env!("CARGO_BIN_EXE_mos"))
        .args(["devnet", "--port", "0", "--state", state.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines.next().unwrap().unwrap();
        if let Some(url) = line.strip_prefix("JSON-RPC: http://") {
            break url.to_string();
        }
    };
    let mut stream = std::net::TcpStream::connect(&url).unwrap();
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}"#;
    write!(stream, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    assert!(reply.contains(r#""result":"0x64aba""#), "{reply}");
    // SIGINT, as Ctrl-C sends it.
    Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(child.wait().unwrap().success());
    assert!(state.exists(), "the chain was saved on exit");
    std::fs::remove_file(&state).unwrap();
}

#[test]
fn the_shipped_abi_files_are_the_ones_the_interfaces_generate() {
    let dir = std::env::temp_dir().join(format!("mos-abi-{}", std::process::id()));
    let output = mos(&["abi", "--out", dir.to_str().unwrap()]);
    assert!(output.status.success());
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../abi");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert!(names.len() >= 14, "{names:?}");
    for name in names {
        let generated = std::fs::read_to_string(dir.join(&name)).unwrap();
        let committed = std::fs::read_to_string(shipped.join(&name))
            .unwrap_or_else(|_| panic!("abi/{} is missing: run `make abi`", name.to_string_lossy()));
        assert_eq!(generated, committed, "abi/{} is out of date: run `make abi`", name.to_string_lossy());
    }
    std::fs::remove_dir_all(&dir).unwrap();
    // The JSON carries the interface's names, as Solidity's compiler writes them.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(shipped.join("IMOSV3.json")).unwrap()).unwrap();
    let transfer_out = json.as_array().unwrap().iter().find(|item| item["name"] == "transferOut").unwrap();
    assert_eq!(transfer_out["stateMutability"], "payable");
    assert_eq!(transfer_out["inputs"][1]["name"], "messageData");
    assert_eq!(transfer_out["outputs"][0]["name"], "orderId");
}

#[test]
fn a_messenger_config_file_that_is_not_usable_is_named_with_its_field() {
    let dir = std::env::temp_dir().join(format!("mos-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("messenger.toml");
    let path = file.to_str().unwrap();
    std::fs::write(&file, "deployment = \"deployment.json\"\npol_ms = 5\n").unwrap();
    let stderr = mos_error(&["messenger", "--config", path]);
    assert!(stderr.starts_with(&format!("error: {path}: ")) && stderr.contains("unknown field `pol_ms`"), "{stderr}");
    std::fs::write(&file, "deployment = \"none.json\"\nkey_env = \"MOS_TEST_NO_SUCH_KEY\"\n").unwrap();
    let stderr = mos_error(&["messenger", "--config", path]);
    assert!(stderr.starts_with(&format!("error: {path}: deployment: ")), "{stderr}");
    let stderr = mos_error(&["messenger", "--config", path, "--status"]);
    assert!(stderr.contains("messenger.db: no such store"), "{stderr}");
    let missing = dir.join("none.toml");
    let stderr = mos_error(&["messenger", "--config", missing.to_str().unwrap()]);
    assert!(stderr.starts_with(&format!("error: {}: ", missing.display())), "{stderr}");
    // The file gives the configuration: the options it replaces are refused next to it.
    let output = mos(&["messenger", "--config", path, "--poll-ms", "5"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot be used with"), "{output:?}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_missing_key_names_the_flag_and_the_environment_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_mos"))
        .env_remove("MOS_SEND_KEY")
        .args(["send", "--rpc", "http://127.0.0.1:9", "--mos", "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707"])
        .args(["--to-chain", "2", "--target", "0x00", "--payload", "0x"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: no key: give it with --key HEX, or in the MOS_SEND_KEY environment variable (kept out of the \
         shell's history)\n"
    );
}

#[test]
fn a_deployment_file_that_is_not_json_is_named_and_said_so() {
    let path = std::env::temp_dir().join(format!("mos-cli-not-json-{}.json", std::process::id()));
    std::fs::write(&path, "chains: [relay]\n").unwrap();
    let order = format!("0x{}", "ab".repeat(32));
    let stderr = mos_error(&["status", "--order", &order, "--deployment", path.to_str().unwrap()]);
    assert!(stderr.starts_with(&format!("error: deployment: {} is not JSON: ", path.display())), "{stderr}");
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn a_hash_or_an_address_of_the_wrong_length_says_how_long_it_must_be() {
    let output = mos(&["prove", "--rpc", "http://127.0.0.1:9", "--tx", "0x1234"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("0x1234 has 4 hex digits; a 32-byte hash has 64 (with or without 0x)"), "{stderr}");
    let address = "0x5fc8d32690cc91d4c39d9d3abcbd16989f875707";
    let stderr = mos_error(&["status", "--order", "0x1234", "--rpc", "http://127.0.0.1:9", "--mos", address]);
    assert_eq!(stderr, "error: --order: 0x1234 has 4 hex digits; a 32-byte hash has 64 (with or without 0x)\n");
    let output = mos(&["status", "--order", &format!("0x{}", "ab".repeat(32)), "--rpc", "x", "--mos", "0x12"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("0x12 has 2 hex digits; an address has 40 (with or without 0x)"), "{stderr}");
}

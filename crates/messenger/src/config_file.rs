//! The messenger's TOML configuration file (`mos messenger --config messenger.toml`): the
//! deployment, the store, the instance, where the keys are, the pacing, and per chain the RPC URL
//! and confirmations to use instead of the deployment's (for example a Nitro devnode's endpoint).
//!
//! Keys are never in the file: it names the environment variable or the file that holds each one.
//! Every error names the field it is about.
//!
//! ```toml
//! deployment = "deployment.json"       # relative paths are relative to this file
//! store = "messenger.db"               # or "postgres://mos@db/messenger"
//! instance = "east"
//! key_env = "MOS_MESSENGER_KEY"        # or key_file = "/run/secrets/messenger-key"
//! attester_keys_env = "MOS_ATTESTER_KEYS"
//! poll_ms = 1000
//! confirmations = 2
//! metrics = "127.0.0.1:9090"          # /metrics and /healthz
//!
//! [gas]
//! max_fee_gwei = 5.0                   # never offer more per gas
//! bump_percent = 20                    # a replacement's raise
//! simulate = "once-per-block"          # or "every-delivery"
//!
//! [chains.chain-a]
//! rpc_url = "http://127.0.0.1:8647"
//! confirmations = 0
//! ```

use std::{
    collections::BTreeMap,
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use alloy_signer_local::PrivateKeySigner;
use serde::Deserialize;

use crate::{
    config::{GasPolicy, Simulation, DEFAULT_INSTANCE},
    Config, Deployment,
};

/// The file as written.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The deployment file `mos deploy` wrote.
    pub deployment: PathBuf,
    /// The store's URL (a SQLite path, `sqlite://PATH` or `postgres://…`).
    #[serde(default = "default_store")]
    pub store: String,
    /// This instance's name among those sharing the store.
    #[serde(default = "default_instance")]
    pub instance: String,
    /// The environment variable that holds the messenger's key.
    pub key_env: Option<String>,
    /// The file that holds the messenger's key (hex), instead of `key_env`.
    pub key_file: Option<PathBuf>,
    /// The environment variable that holds the attesters' keys, comma-separated.
    pub attester_keys_env: Option<String>,
    /// Files that each hold one attester's key, instead of `attester_keys_env`.
    #[serde(default)]
    pub attester_key_files: Vec<PathBuf>,
    /// Milliseconds between two rounds that had nothing to do.
    pub poll_ms: Option<u64>,
    /// Seconds a claimed delivery stays this instance's.
    pub lease_secs: Option<u64>,
    /// Blocks on top of a source block before its messages are carried, on every chain without
    /// its own.
    pub confirmations: Option<u64>,
    /// The most blocks one `eth_getLogs` asks for.
    pub max_block_range: Option<u64>,
    /// Seconds a delivery transaction may go unmined, holding up the account's nonces, before it
    /// is replaced with higher fees.
    pub transaction_timeout_secs: Option<u64>,
    /// Seconds a JSON-RPC request waits for the node's answer before it fails.
    pub request_timeout_secs: Option<u64>,
    /// Attempts that fail for a reason that may pass before a delivery is recorded as failed.
    pub max_attempts: Option<u32>,
    /// Where `/metrics` and `/healthz` are served (`host:port`); none: not served.
    pub metrics: Option<String>,
    /// How transactions are priced.
    #[serde(default)]
    pub gas: GasFile,
    /// Per chain, by its name in the deployment.
    #[serde(default)]
    pub chains: BTreeMap<String, ChainOverride>,
}

/// The `[gas]` table: how transactions are priced.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GasFile {
    /// The most a transaction offers per gas, in gwei.
    pub max_fee_gwei: Option<f64>,
    /// By how much, in percent, a replacement raises the fees of the transaction it replaces (at
    /// least 10).
    pub bump_percent: Option<u64>,
    /// Milliseconds the node's fee suggestion is used before it is asked again.
    pub fee_refresh_ms: Option<u64>,
    /// Which deliveries are simulated: `every-delivery`, or `once-per-block` (the default).
    pub simulate: Option<String>,
}

/// What a chain's entry in the file changes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChainOverride {
    /// The JSON-RPC URL to use instead of the deployment's.
    pub rpc_url: Option<String>,
    /// Confirmations for this chain's blocks, instead of the file's.
    pub confirmations: Option<u64>,
}

fn default_store() -> String {
    "messenger.db".into()
}

fn default_instance() -> String {
    DEFAULT_INSTANCE.into()
}

/// Why a configuration file cannot be used. Each names the file, and the field when it is about
/// one.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// What failed.
        #[source]
        source: std::io::Error,
    },
    /// The file is not TOML, or not this configuration (an unknown or mistyped field).
    #[error("{path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// toml's message: the field, its line and what was expected.
        message: String,
    },
    /// A field's value is not usable.
    #[error("{path}: {field}: {message}")]
    Field {
        /// The file.
        path: PathBuf,
        /// The field.
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// Everything the messenger needs, read from a configuration file.
#[derive(Debug)]
pub struct Settings {
    /// The deployment, with the file's RPC URLs in place.
    pub deployment: Deployment,
    /// The store's URL.
    pub store: String,
    /// How it runs.
    pub config: Config,
    /// The key it sends with.
    pub key: PrivateKeySigner,
    /// The committee keys it attests with.
    pub attesters: Vec<PrivateKeySigner>,
    /// Where `/metrics` and `/healthz` are served, if anywhere.
    pub metrics: Option<SocketAddr>,
}

impl ConfigFile {
    /// The file at `path`, parsed.
    ///
    /// # Errors
    /// [`ConfigFileError::Read`], [`ConfigFileError::Parse`].
    pub fn load(path: &Path) -> Result<Self, ConfigFileError> {
        let text =
            std::fs::read_to_string(path).map_err(|source| ConfigFileError::Read { path: path.into(), source })?;
        toml::from_str(&text).map_err(|error| ConfigFileError::Parse { path: path.into(), message: error.to_string() })
    }

    /// The store's URL, a relative SQLite path taken relative to the file at `path` (this one).
    pub fn store_url(&self, path: &Path) -> String {
        if self.store.contains("://") || Path::new(&self.store).is_absolute() {
            return self.store.clone();
        }
        path.parent().unwrap_or(Path::new(".")).join(&self.store).display().to_string()
    }

    /// The settings the file at `path` (this one) describes, with keys read from the environment
    /// `env` gives (the process's, in use) and key files.
    ///
    /// # Errors
    /// [`ConfigFileError::Field`] for a deployment that cannot be loaded or names no chain the
    /// file overrides, a key that is missing, unreadable or not a key, or no key source at all.
    pub fn settings(&self, path: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigFileError> {
        let field =
            |field: &str, message: String| ConfigFileError::Field { path: path.into(), field: field.into(), message };
        let base = path.parent().unwrap_or(Path::new("."));
        let deployment_path = base.join(&self.deployment);
        let mut deployment =
            Deployment::load(&deployment_path).map_err(|error| field("deployment", error.to_string()))?;
        let mut config = Config { instance: self.instance.clone(), ..Config::default() };
        if self.instance.trim().is_empty() {
            return Err(field("instance", "must not be empty".into()));
        }
        if let Some(ms) = self.poll_ms {
            config.poll_interval = Duration::from_millis(ms);
        }
        if let Some(secs) = self.lease_secs {
            if secs == 0 {
                return Err(field("lease_secs", "must be at least 1".into()));
            }
            config.lease = Duration::from_secs(secs);
        }
        config.confirmations = self.confirmations.unwrap_or(config.confirmations);
        config.max_block_range = self.max_block_range.unwrap_or(config.max_block_range).max(1);
        if let Some(secs) = self.transaction_timeout_secs {
            config.transaction_timeout = Duration::from_secs(secs);
        }
        if let Some(secs) = self.request_timeout_secs {
            if secs == 0 {
                return Err(field("request_timeout_secs", "must be at least 1".into()));
            }
            config.request_timeout = Duration::from_secs(secs);
        }
        config.max_attempts = self.max_attempts.unwrap_or(config.max_attempts).max(1);
        config.gas = self.gas.policy().map_err(|(name, message)| field(&format!("gas.{name}"), message))?;
        let metrics = self
            .metrics
            .as_deref()
            .map(|address| {
                address.parse::<SocketAddr>().map_err(|_| field("metrics", format!("{address:?} is not host:port")))
            })
            .transpose()?;
        for (name, chain) in &self.chains {
            let entry =
                deployment.chains.iter_mut().find(|entry| &entry.name == name).ok_or_else(|| {
                    field(&format!("chains.{name}"), "the deployment has no chain of that name".into())
                })?;
            if let Some(url) = &chain.rpc_url {
                mos_rpc::endpoint::<String>(url).map_err(|e| field(&format!("chains.{name}.rpc_url"), e.message))?;
                entry.rpc_url.clone_from(url);
            }
            if let Some(confirmations) = chain.confirmations {
                config.chain_confirmations.insert(entry.chain_id, confirmations);
            }
        }
        let store = self.store_url(path);
        let key = match (&self.key_env, &self.key_file) {
            (Some(_), Some(_)) => return Err(field("key_file", "give key_env or key_file, not both".into())),
            (Some(variable), None) => {
                let value = env(variable).ok_or_else(|| field("key_env", format!("{variable} is not set")))?;
                parse_key(&value).map_err(|message| field("key_env", format!("{variable}: {message}")))?
            }
            (None, Some(file)) => read_key(&base.join(file)).map_err(|message| field("key_file", message))?,
            (None, None) => return Err(field("key_env", "the messenger needs a key: give key_env or key_file".into())),
        };
        let mut attesters = Vec::new();
        if let Some(variable) = &self.attester_keys_env {
            let value = env(variable).ok_or_else(|| field("attester_keys_env", format!("{variable} is not set")))?;
            for (index, key) in value.split(',').map(str::trim).filter(|key| !key.is_empty()).enumerate() {
                let key = parse_key(key).map_err(|message| {
                    field("attester_keys_env", format!("{variable}, key {}: {message}", index + 1))
                })?;
                attesters.push(key);
            }
        }
        for (index, file) in self.attester_key_files.iter().enumerate() {
            attesters.push(
                read_key(&base.join(file))
                    .map_err(|message| field(&format!("attester_key_files[{index}]"), message))?,
            );
        }
        Ok(Settings { deployment, store, config, key, attesters, metrics })
    }
}

impl GasFile {
    /// The policy the table describes, on top of the defaults.
    ///
    /// # Errors
    /// The field's name and what is wrong with it.
    pub fn policy(&self) -> Result<GasPolicy, (&'static str, String)> {
        let mut policy = GasPolicy::default();
        if let Some(gwei) = self.max_fee_gwei {
            if !gwei.is_finite() || gwei <= 0.0 {
                return Err(("max_fee_gwei", format!("{gwei} is not a positive number of gwei")));
            }
            // Whole wei; a cap above u128's range is no cap.
            policy.max_fee_per_gas = Some((gwei * 1e9).round().min(u128::MAX as f64) as u128);
        }
        if let Some(percent) = self.bump_percent {
            if percent < 10 {
                return Err((
                    "bump_percent",
                    format!("{percent} is below 10, which geth's pools take as a replacement"),
                ));
            }
            policy.bump_percent = percent;
        }
        if let Some(ms) = self.fee_refresh_ms {
            policy.fee_refresh = Duration::from_millis(ms);
        }
        policy.simulation = match self.simulate.as_deref() {
            None | Some("once-per-block") => Simulation::OncePerBlock,
            Some("every-delivery") => Simulation::EveryDelivery,
            Some(other) => {
                return Err(("simulate", format!("`{other}` is neither `every-delivery` nor `once-per-block`")))
            }
        };
        Ok(policy)
    }
}

/// A private key in hex (with or without `0x`), never echoed in the error.
fn parse_key(text: &str) -> Result<PrivateKeySigner, String> {
    text.trim().parse::<PrivateKeySigner>().map_err(|_| "not a private key (32 bytes of hex)".into())
}

/// The key a file holds.
fn read_key(path: &Path) -> Result<PrivateKeySigner, String> {
    let text = std::fs::read_to_string(path).map_err(|error| format!("{}: {error}", path.display()))?;
    parse_key(&text).map_err(|message| format!("{}: {message}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    /// A directory with a deployment file in it.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("mos-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let chain = |name: &str, chain_id: u64, role| crate::ChainEntry {
            name: name.into(),
            role,
            chain_id,
            rpc_url: "http://127.0.0.1:8547".into(),
            mos: alloy_primitives::Address::repeat_byte(1),
            implementation: alloy_primitives::Address::repeat_byte(2),
            light_client: alloy_primitives::Address::repeat_byte(3),
            light_node_kind: crate::LightNodeKind::Committee,
            fee_service: alloy_primitives::Address::repeat_byte(4),
            relay_light_node: (role == crate::Role::Chain).then(|| alloy_primitives::Address::repeat_byte(5)),
            deployed_block: 1,
            committee: crate::Committee { members: vec![], threshold: 1 },
        };
        let deployment = Deployment {
            relay_chain_id: 22_776,
            chains: vec![chain("relay", 22_776, crate::Role::Relay), chain("chain-a", 412_346, crate::Role::Chain)],
        };
        deployment.save(&dir.join("deployment.json")).unwrap();
        dir
    }

    fn settings(dir: &Path, toml: &str, env: &[(&str, &str)]) -> Result<Settings, ConfigFileError> {
        let path = dir.join("messenger.toml");
        std::fs::write(&path, toml).unwrap();
        let env: BTreeMap<String, String> = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ConfigFile::load(&path)?.settings(&path, |name| env.get(name).cloned())
    }

    #[test]
    fn a_full_file_sets_every_field_and_overrides_a_chains_endpoint() {
        let dir = scratch("full");
        let toml = r#"
            deployment = "deployment.json"
            store = "postgres://mos@db/messenger"
            instance = "east"
            key_env = "KEY"
            attester_keys_env = "ATTESTERS"
            poll_ms = 250
            lease_secs = 5
            confirmations = 3
            max_block_range = 50
            transaction_timeout_secs = 30
            request_timeout_secs = 7
            max_attempts = 4
            metrics = "127.0.0.1:9464"

            [gas]
            max_fee_gwei = 2.5
            bump_percent = 30
            fee_refresh_ms = 200
            simulate = "every-delivery"

            [chains.chain-a]
            rpc_url = "http://127.0.0.1:8647"
            confirmations = 0
        "#;
        let settings = settings(&dir, toml, &[("KEY", KEY), ("ATTESTERS", &format!("{KEY}, {KEY}"))]).unwrap();
        assert_eq!(settings.store, "postgres://mos@db/messenger");
        assert_eq!(settings.key.to_bytes().to_string(), KEY);
        assert_eq!(settings.attesters.len(), 2);
        let config = &settings.config;
        assert_eq!(
            (config.instance.as_str(), config.poll_interval, config.lease),
            ("east", Duration::from_millis(250), Duration::from_secs(5))
        );
        assert_eq!(
            (config.max_block_range, config.transaction_timeout, config.request_timeout, config.max_attempts),
            (50, Duration::from_secs(30), Duration::from_secs(7), 4)
        );
        assert_eq!((config.confirmations_of(412_346), config.confirmations_of(22_776)), (0, 3));
        assert_eq!(settings.deployment.chain(412_346).unwrap().rpc_url, "http://127.0.0.1:8647");
        assert_eq!(settings.deployment.chain(22_776).unwrap().rpc_url, "http://127.0.0.1:8547");
        assert_eq!(settings.metrics, Some("127.0.0.1:9464".parse().unwrap()));
        assert_eq!(
            config.gas,
            GasPolicy {
                fee_refresh: Duration::from_millis(200),
                bump_percent: 30,
                max_fee_per_gas: Some(2_500_000_000),
                simulation: Simulation::EveryDelivery,
            }
        );
    }

    #[test]
    fn paths_are_relative_to_the_file_and_a_key_file_is_read() {
        let dir = scratch("paths");
        std::fs::write(dir.join("key"), format!("{KEY}\n")).unwrap();
        let settings = settings(&dir, "deployment = \"deployment.json\"\nkey_file = \"key\"\n", &[]).unwrap();
        assert_eq!(settings.store, dir.join("messenger.db").display().to_string());
        assert_eq!(settings.config.instance, DEFAULT_INSTANCE);
        assert!(settings.attesters.is_empty());
        assert_eq!((settings.metrics, settings.config.gas), (None, GasPolicy::default()));
    }

    #[test]
    fn every_error_names_its_field() {
        let dir = scratch("errors");
        let file = dir.join("messenger.toml").display().to_string();
        let error = |toml: &str, env: &[(&str, &str)]| settings(&dir, toml, env).unwrap_err().to_string();
        let base = "deployment = \"deployment.json\"\n";
        assert_eq!(error(base, &[]), format!("{file}: key_env: the messenger needs a key: give key_env or key_file"));
        assert_eq!(error(&format!("{base}key_env = \"K\""), &[]), format!("{file}: key_env: K is not set"));
        assert_eq!(
            error(&format!("{base}key_env = \"K\""), &[("K", "0x12")]),
            format!("{file}: key_env: K: not a private key (32 bytes of hex)")
        );
        assert!(error(&format!("{base}key_file = \"none\""), &[]).starts_with(&format!("{file}: key_file: ")));
        let with_key = format!("{base}key_env = \"K\"\n");
        let env = [("K", KEY)];
        assert_eq!(
            error(&format!("{with_key}[chains.chain-c]\nrpc_url = \"http://x\""), &env),
            format!("{file}: chains.chain-c: the deployment has no chain of that name")
        );
        assert_eq!(
            error(&format!("{with_key}[chains.chain-a]\nrpc_url = \"ws://x\""), &env),
            format!("{file}: chains.chain-a.rpc_url: only http:// and https:// endpoints are supported")
        );
        assert_eq!(
            error(&format!("{with_key}lease_secs = 0"), &env),
            format!("{file}: lease_secs: must be at least 1")
        );
        assert_eq!(
            error(&format!("{with_key}request_timeout_secs = 0"), &env),
            format!("{file}: request_timeout_secs: must be at least 1")
        );
        assert!(
            error("deployment = \"missing.json\"\nkey_env = \"K\"", &env).starts_with(&format!("{file}: deployment: "))
        );
        assert_eq!(
            error(&format!("{with_key}metrics = \"9090\""), &env),
            format!("{file}: metrics: \"9090\" is not host:port")
        );
        assert_eq!(
            error(&format!("{with_key}[gas]\nbump_percent = 5"), &env),
            format!("{file}: gas.bump_percent: 5 is below 10, which geth's pools take as a replacement")
        );
        assert_eq!(
            error(&format!("{with_key}[gas]\nmax_fee_gwei = -1.0"), &env),
            format!("{file}: gas.max_fee_gwei: -1 is not a positive number of gwei")
        );
        assert_eq!(
            error(&format!("{with_key}[gas]\nsimulate = \"never\""), &env),
            format!("{file}: gas.simulate: `never` is neither `every-delivery` nor `once-per-block`")
        );
        let unknown = error(&format!("{with_key}pol_ms = 5"), &env);
        assert!(unknown.starts_with(&format!("{file}: ")) && unknown.contains("unknown field `pol_ms`"), "{unknown}");
        let mistyped = error(&format!("{with_key}poll_ms = \"fast\""), &env);
        assert!(mistyped.contains("poll_ms") && mistyped.contains("line 3"), "{mistyped}");
        let secret = "0x1111111111111111111111111111111111111111111111111111111111111";
        assert!(!error(&format!("{base}key_env = \"K\""), &[("K", secret)]).contains(secret), "a key is never echoed");
    }
}

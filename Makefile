# Every task a person runs. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
CARGO ?= cargo
# Crates that must build without std, as the Stylus programs use them.
NO_STD_CRATES := -p mos-message -p light-client-iface -p map-ibft

.PHONY: help setup build test test-unit test-no-std test-sol test-e2e-devnets lint fmt wasm abi sol demo e2e e2e-external bench fuzz clean cast-check cargo-stylus

help:
	@echo "make setup   install the pinned toolchain's targets (idempotent)"
	@echo "make build   build the workspace"
	@echo "make test    run every test (what CI runs)"
	@echo "make lint    rustfmt check and clippy with warnings denied"
	@echo "make wasm    build the Stylus programs to wasm32 and check Nitro's limits"
	@echo "make demo    three local chains, the suite deployed, the messenger delivering, the explorer"
	@echo "make e2e     the end-to-end tests: three chains, the deployed suite, the messenger"
	@echo "make e2e-external  the end-to-end scenarios on three running nodes (MOS_E2E_*_URL, MOS_E2E_FUNDED_KEY; docs/e2e.md)"
	@echo "make bench   devnet throughput, the devnet against anvil, messenger speed, the soak, written to docs/benchmarks.md"
	@echo "make abi     Solidity interfaces and JSON ABIs for dApp developers, in abi/"
	@echo "make sol     compile the Solidity Echo and abi/*.sol with solc (npm, pinned); artifacts in examples/solidity-echo/out"
	@echo "make fuzz    the decoder fuzz targets, FUZZ_SECONDS each (installs nightly and cargo-fuzz once; docs/fuzzing.md)"
	@echo "make cast-check  drive the devnet with foundry's cast (installs cast from npm once)"
	@echo "make cargo-stylus  cargo stylus check, deploy and export-abi on every program crate, against a devnet (needs cargo-stylus)"

# rust-toolchain.toml pins the compiler and lists the targets; rustup installs what is missing the
# first time a cargo command runs in this directory. The explicit target add is for older rustups.
setup:
	@command -v rustup >/dev/null || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
	@rustup show active-toolchain >/dev/null
	@rustup target add wasm32-unknown-unknown wasm32v1-none >/dev/null 2>&1 || { echo "rustup could not add the wasm32 targets" >&2; exit 1; }
	@rustup component add rust-src >/dev/null 2>&1 || { echo "rustup could not add rust-src (the programs' std is built from it)" >&2; exit 1; }

build: setup
	$(CARGO) build --workspace --all-targets

test: setup test-sol test-unit test-e2e-devnets test-no-std

# One throwaway PostgreSQL for the whole run (scripts/postgres.sh: Debian's postgresql, installed
# once; a cluster under target/postgres on 127.0.0.1), for the store tests and the messenger
# instances sharing it; stopped at the end whatever the tests did. The e2e tests run on the devnets
# they start here, whatever nodes the environment names for `make e2e-external`. The explorer's
# browser test drives headless Chromium (scripts/chromium.sh: Debian's chromium, installed once).
# The MAP light node's gas is measured against MAP's own Solidity light node, compiled here
# (scripts/map-peer.sh: solc 0.8.20 and MAP's npm dependencies, installed once).
test-unit:
	@scripts/map-peer.sh || exit 1
	@chrome=$$(scripts/chromium.sh) || exit 1; \
	url=$$(scripts/postgres.sh start) || exit 1; \
	env -u MOS_E2E_RELAY_URL -u MOS_E2E_CHAIN_A_URL -u MOS_E2E_CHAIN_B_URL \
	  MOS_TEST_CHROMIUM=$$chrome MOS_TEST_POSTGRES_URL=$$url $(CARGO) test --workspace; status=$$?; \
	scripts/postgres.sh stop; exit $$status

# The end-to-end scenarios on nodes the harness did not start (docs/e2e.md): three Nitro devnodes,
# or any three chains that run Stylus, named by the environment.
e2e-external: setup
	scripts/e2e-external.sh

# The same path on three separately started `mos devnet` processes funding only Nitro's dev
# account, so that it never rots.
test-e2e-devnets:
	scripts/e2e-external.sh --devnets

# The committed Solidity artifacts are what a fresh compile writes, and every abi/*.sol compiles
# (scripts/solc.sh installs the pinned solc from npm the first time).
test-sol:
	scripts/solc.sh --check

# wasm32v1-none has no std at all: a crate that builds for it is no_std for real.
test-no-std:
	$(CARGO) build $(NO_STD_CRATES) --release --target wasm32v1-none
	$(CARGO) build $(NO_STD_CRATES) --release --target wasm32-unknown-unknown

lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# Every Stylus program of the workspace, built to deployable bytes (target/stylus/programs) and
# checked against Nitro's limits; fails when one breaks them. The MOS programs join this list.
STYLUS_PROGRAMS := mos-dest mos-relay fee-service mos-light-node mos-map-light-node mos-light-client-manager mos-echo mos-test-light-node mos-test-token mos-test-target test-probe test-caller test-nest test-reentry-guarded test-reentry-open
wasm: setup
	$(CARGO) run -q -p stylus-build -- --locked $(STYLUS_PROGRAMS) --sizes-md target/stylus/sizes.md

# The Solidity interfaces and JSON ABIs dApp developers use (abi/), from the sol/ sources the
# crates compile; a test fails when abi/ is out of date.
abi:
	$(CARGO) run -q -p mos-cli -- abi --out abi > /dev/null
	@ls abi

# The Solidity of the workspace, compiled by solc from npm (a pinned version, installed once into
# target/tools/solc): every abi/*.sol, and the Solidity Echo (examples/solidity-echo), whose
# creation bytecode and ABI go to examples/solidity-echo/out (committed; `make test` fails when
# they are not what the sources compile to).
sol:
	scripts/solc.sh

# The programs the demo deploys, built to deployable bytes in target/stylus/programs (a no-op when
# they are up to date), then the demo: three devnet chains in one process, the suite deployed over
# JSON-RPC, Echo messages carried by the messenger; then the explorer, served until Ctrl-C. Exits
# non-zero unless every message arrives.
DEMO_PROGRAMS := mos-dest mos-relay fee-service mos-light-node mos-light-client-manager mos-map-light-node mos-echo
demo: setup
	@echo "Building the programs ($(DEMO_PROGRAMS))..."
	@$(CARGO) run -q -p stylus-build -- --locked $(DEMO_PROGRAMS) > /dev/null
	@$(CARGO) run -q -p mos-cli -- demo --programs target/stylus/programs

# The end-to-end tests alone (make test runs them too): three devnet chains, the suite deployed
# over JSON-RPC, the messenger delivering, killed and restarted, refused and retried.
e2e: setup
	@chrome=$$(scripts/chromium.sh) || exit 1; \
	env -u MOS_E2E_RELAY_URL -u MOS_E2E_CHAIN_A_URL -u MOS_E2E_CHAIN_B_URL MOS_TEST_CHROMIUM=$$chrome $(CARGO) test -p mos-e2e

# Foundry's cast against the devnet: every answer checked (scripts/cast-check.sh). Needs npm and
# jq; not part of `make test`, which must not need the network.
cast-check: setup
	scripts/cast-check.sh

# cargo-stylus itself on every deployed program crate and the Echo example, against a devnet:
# check, deploy (the deployed code compared with make wasm's) and export-abi
# (scripts/cargo-stylus.sh). Needs `cargo install cargo-stylus`; not part of `make test`.
cargo-stylus: setup
	scripts/cargo-stylus.sh

# Throughput of the devnet, the devnet against anvil, and speed of the messenger
# (docs/benchmarks.md). Numbers only: nothing fails on speed. anvil comes from npm
# (@foundry-rs/anvil, installed once into target/tools by scripts/foundry-tool.sh), pinned to the
# version of cast that scripts/cast-check.sh uses.
ANVIL_VERSION := 1.7.1
bench: setup
	$(CARGO) bench -p devnet --bench throughput --no-run
	$(CARGO) bench -p devnet --bench vs_anvil --no-run
	$(CARGO) bench -p mos-e2e --bench messenger --no-run
	$(CARGO) bench -p mos-e2e --bench burst --no-run
	$(CARGO) bench -p mos-e2e --bench soak --no-run
	$(CARGO) build --release -p mos-cli
	@scripts/foundry-tool.sh anvil $(ANVIL_VERSION) >/dev/null
	@{ \
	  echo "# Benchmarks"; echo; \
	  echo "Generated by \`make bench\` on $$(date -u +%Y-%m-%d): $$(nproc) cores of $$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs),"; \
	  echo "$$(free -g | awk '/Mem:/ {print $$2}') GiB of memory, $$(rustc --version)."; echo; \
	  echo "## Devnet throughput"; echo; \
	  echo "1 000 signed EIP-1559 transactions, one block each, submitted one after another (so latency, not"; \
	  echo "concurrency, sets the rate). Workloads are the devnet's SDK test programs: \`probe.store\` writes a new"; \
	  echo "slot each time; the cross-program call goes through \`caller.callContract\` into \`probe.store\`."; \
	  echo "JSON-RPC uses one keep-alive HTTP connection on loopback."; echo; \
	  $(CARGO) bench -q -p devnet --bench throughput 2>/dev/null; echo; \
	  echo "## The devnet against anvil"; echo; \
	  echo "The devnet and anvil $(ANVIL_VERSION) (npm \`@foundry-rs/anvil\`, its defaults: auto-mining, latest hardfork),"; \
	  echo "each fresh for every row, driven by the same client: one keep-alive HTTP connection on loopback, EIP-1559"; \
	  echo "transactions from dev account 0 signed beforehand. *Sequential* waits for each receipt before the next"; \
	  echo "send; *back to back* sends all, then waits for all. Every receipt and the last write are checked."; echo; \
	  ANVIL="$$(scripts/foundry-tool.sh anvil $(ANVIL_VERSION))" $(CARGO) bench -q -p devnet --bench vs_anvil || exit 1; echo; \
	  echo "## Messenger"; echo; \
	  echo "The three-chain network of \`make demo\` (chain A, the relay chain, chain B: devnets in one process,"; \
	  echo "each behind JSON-RPC on loopback). Deployment is the MOS suite on each chain (programs deployed and"; \
	  echo "activated, proxies, fee services, committee light nodes, the relay's light-client manager), then an"; \
	  echo "Echo dApp per chain, every transaction sent over JSON-RPC and waited for. Each workload's Echo"; \
	  echo "messages are then sent (*sending*: one \`transferOut\` after another) and the messenger (one key, 50 ms"; \
	  echo "polls: \`messenger_config\`) runs on that backlog; *first arrived* and *all arrived* count from its start"; \
	  echo "to the target's \`mapMessageIn\` (each value checked in the target Echo's storage afterwards), and"; \
	  echo "messages/s is messages over *all arrived*; the *of which* rows split the backlog by route. A → B takes"; \
	  echo "two hops (A → relay, relay → B). Every hop of every message costs one attestation (\`updateBlockHeader\`,"; \
	  echo "2 of 3 committee signatures) and one delivery (\`transferIn\` with the receipt proof): the devnet mines"; \
	  echo "each transaction in its own block, so no two messages share a block."; echo; \
	  $(CARGO) bench -q -p mos-e2e --bench messenger || exit 1; echo; \
	  echo "## Messenger: a burst of 1 000 messages"; echo; \
	  echo "The same network, every chain mining a block every 250 ms (transactions wait in a pool). 1 000 Echo"; \
	  echo "messages chain A → chain B (two hops: A → relay, relay → B) are signed ahead and broadcast together"; \
	  echo "while one messenger (\`messenger_config\`) runs. *Time* runs from the burst's first block on chain A to"; \
	  echo "the block of the last message's delivery on chain B; a hop's latency from the block of a message on"; \
	  echo "one chain to the block of its delivery on the next (by when each block was mined). The chains' own"; \
	  echo "capacity comes after: the relay and chain B put back to before the messenger ran (\`evm_snapshot\` /"; \
	  echo "\`evm_revert\`) and the messenger's very transactions (the same signed bytes) broadcast to them back to"; \
	  echo "back. The messenger simulates the first delivery of each source block (its default gas policy)."; \
	  echo "A trickle of messages one at a time runs before the burst, for a hop's latency below capacity."; \
	  echo "messages/s is 1 000 over the time."; echo; \
	  $(CARGO) bench -q -p mos-e2e --bench burst || exit 1; echo; \
	  echo "## Soak: 10 000 messages through faulty nodes, the messenger killed at random"; echo; \
	  echo "The same network, every chain mining a block every 250 ms. Echo messages go out in waves of 200 on"; \
	  echo "a route drawn at random (A → B, B → A, A → relay, relay → B) while a \`mos messenger --config\` process"; \
	  echo "(the release binary, its SQLite store on disk) reaches each chain through a JSON-RPC fault proxy"; \
	  echo "(\`mos_e2e::rpc_proxy\`): every 4 s one fault plan, drawn at random, applies on all three proxies"; \
	  echo "(none, answers dropped, delayed, reordered, requests duplicated, JSON-RPC errors, HTTP 503, stale heads,"; \
	  echo "broadcasts swallowed, nodes down and up). The process is killed with SIGKILL after 10 to 60 s, at"; \
	  echo "random, and started again after up to 2 s. The soak ends when every message arrived (or fails after"; \
	  echo "45 minutes), then checks each chain's events and counts the messenger's transactions. Memory is the"; \
	  echo "process's resident set (\`VmRSS\`) at each sample, store size the database and its write-ahead log."; \
	  echo "\`MOS_SOAK_MESSAGES\` and \`MOS_SOAK_SEED\` (default 2026: the same faults and kills) change the run."; echo; \
	  MOS_BIN=$(CURDIR)/target/release/mos $(CARGO) bench -q -p mos-e2e --bench soak || exit 1; echo; \
	  cat docs/benchmarks-notes.md; \
	} > docs/benchmarks.md
	@cat docs/benchmarks.md

# The cargo-fuzz targets (fuzz/, one per decoder; docs/fuzzing.md), each for FUZZ_SECONDS, from
# the seeds `fuzz-seeds` writes into fuzz/corpus (MAP's vectors, devnet blocks) and what earlier
# runs kept there. A heap allocation over FUZZ_MALLOC_MB in one go is a failure: no length
# prefix may make a decoder allocate what its input does not hold. Installs nightly and
# cargo-fuzz once. The same checks run on stable in `make test` (crates/mos-tests/tests/decoders).
FUZZ_SECONDS ?= 60
FUZZ_MALLOC_MB ?= 128
fuzz:
	@rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal || { echo "rustup could not install nightly (cargo-fuzz needs it)" >&2; exit 1; }
	@command -v cargo-fuzz >/dev/null || $(CARGO) install cargo-fuzz --locked || { echo "could not install cargo-fuzz from crates.io" >&2; exit 1; }
	$(CARGO) run -q -p mos-tests --bin fuzz-seeds -- fuzz/corpus
	cd fuzz && for target in $$(cargo +nightly fuzz list); do \
	  cargo +nightly fuzz run $$target -- -max_total_time=$(FUZZ_SECONDS) -malloc_limit_mb=$(FUZZ_MALLOC_MB) -rss_limit_mb=2048 || exit 1; \
	done

clean:
	$(CARGO) clean

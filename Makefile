# Every task a person runs. `make test` is what CI runs (.ci/run).
SHELL := /bin/bash
CARGO ?= cargo
# Crates that must build without std, as the Stylus programs use them.
NO_STD_CRATES := -p mos-message -p light-client-iface

.PHONY: help setup build test test-unit test-no-std lint fmt wasm abi demo e2e bench fuzz clean

help:
	@echo "make setup   install the pinned toolchain's targets (idempotent)"
	@echo "make build   build the workspace"
	@echo "make test    run every test (what CI runs)"
	@echo "make lint    rustfmt check and clippy with warnings denied"
	@echo "make wasm    build the Stylus programs to wasm32 and check Nitro's limits"
	@echo "make demo    three local chains, the suite deployed, the messenger delivering"
	@echo "make fuzz    run the decoder fuzz targets (needs cargo-fuzz and nightly)"

# rust-toolchain.toml pins the compiler and lists the targets; rustup installs what is missing the
# first time a cargo command runs in this directory. The explicit target add is for older rustups.
setup:
	@command -v rustup >/dev/null || { echo "rustup is required: https://rustup.rs" >&2; exit 1; }
	@rustup show active-toolchain >/dev/null
	@rustup target add wasm32-unknown-unknown wasm32v1-none >/dev/null

build: setup
	$(CARGO) build --workspace --all-targets

test: setup test-unit test-no-std

test-unit:
	$(CARGO) test --workspace

# wasm32v1-none has no std at all: a crate that builds for it is no_std for real.
test-no-std:
	$(CARGO) build $(NO_STD_CRATES) --release --target wasm32v1-none
	$(CARGO) build $(NO_STD_CRATES) --release --target wasm32-unknown-unknown

lint: setup
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# No Stylus programs exist yet (they arrive with the MOS programs issue); the target exists so
# that scripts and CI can call it from now on.
wasm: setup
	@echo "make wasm: no Stylus programs in the workspace yet"

demo:
	@echo "make demo: not available yet. It arrives with the messenger (three devnet chains, the MOS" >&2
	@echo "deployed, messages delivered); see README.md for what works today." >&2
	@exit 1

fuzz:
	@command -v cargo-fuzz >/dev/null || { echo "install cargo-fuzz: cargo install cargo-fuzz" >&2; exit 1; }
	cd fuzz && for target in $$(cargo +nightly fuzz list); do cargo +nightly fuzz run $$target -- -max_total_time=60 || exit 1; done

clean:
	$(CARGO) clean

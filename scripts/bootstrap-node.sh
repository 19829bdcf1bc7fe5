#!/usr/bin/env bash
# Makes Node >= 22 and pnpm 10 available. The machines here ship Node 20 (end-of-life; the Google Cloud client
# libraries need >= 22), so when the machine's Node is older we install Node 24 LTS and pnpm from the npm registry
# (the `node` package ships a real binary) into the git-ignored .tools folder.
# Use: `source scripts/bootstrap-node.sh` (puts the tools first on PATH) or run it and eval its last line.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"

node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/' || echo 0; }

if [ "$(node_major)" -lt 22 ] || ! command -v pnpm >/dev/null 2>&1; then
  if [ ! -x "$tools_dir/node_modules/.bin/node" ] || [ ! -x "$tools_dir/node_modules/.bin/pnpm" ]; then
    echo "bootstrap-node: installing node@24 and pnpm@10 into $tools_dir" >&2
    mkdir -p "$tools_dir"
    npm install --prefix "$tools_dir" --no-audit --no-fund --loglevel=error node@24 pnpm@10 >&2
  fi
  export PATH="$tools_dir/node_modules/.bin:$PATH"
fi
echo "bootstrap-node: node $(node --version), pnpm $(pnpm --version)" >&2
echo "export PATH=\"$(dirname "$(command -v node)"):\$PATH\""

#!/usr/bin/env bash
# Builds the VS Code extension as a .vsix (editors/vscode/credo-VERSION.vsix) with @vscode/vsce,
# installing the locked npm packages first. Install it with
#   code --install-extension editors/vscode/credo-*.vsix
# The extension runs `credo lsp`: put `credo` on PATH or set `credo.server.path`.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
  echo "error: npm is needed to build the extension (install Node.js 18 or later)" >&2
  exit 2
fi
npm ci --no-audit --no-fund
npm test
version=$(node -p 'require("./package.json").version')
# Only the production dependencies (the language client) go into the package.
npx vsce package --allow-missing-repository --skip-license -o "credo-${version}.vsix" </dev/null
test -s "credo-${version}.vsix"
echo "built editors/vscode/credo-${version}.vsix"

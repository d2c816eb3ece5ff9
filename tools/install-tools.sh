#!/usr/bin/env bash
# Install what tests/quality needs: Chromium, a Java runtime, and the pinned npm validators
# (vnu-jar, axe-core, lighthouse; see package.json / package-lock.json).
#
# Idempotent and quick when everything is present (a second run takes a few seconds):
# - as root with apt-get: `apt-get install chromium default-jre-headless` for whichever is missing
#   (`apt-get update` only when the package lists are empty or the install fails without it);
# - otherwise: print the packages to install, and fall back to Playwright's own Chromium download
#   (`python -m playwright install chromium`, which works on an ordinary machine with internet);
# - `npm ci` when node_modules/ is missing or older than package-lock.json.
# Exits 1, naming what is still missing, if a tool could not be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'install-tools: %s\n' "$*"; }
missing=()

have_chromium() { [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; }
have_java() { command -v java >/dev/null 2>&1; }

python_bin=python3
[ -x .venv/bin/python ] && python_bin=.venv/bin/python

# ---- system packages: Chromium and Java -------------------------------------------------
apt_packages=()
have_chromium || apt_packages+=(chromium)
have_java || apt_packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || apt_packages+=(nodejs npm)

if [ ${#apt_packages[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
            say "apt-get update (package lists are empty)"
            apt-get update -qq
        fi
        say "apt-get install ${apt_packages[*]}"
        if ! apt-get install -y -qq "${apt_packages[@]}"; then
            say "install failed with the current package lists: apt-get update, then retry"
            apt-get update -qq
            apt-get install -y -qq "${apt_packages[@]}"
        fi
    else
        say "not root with apt-get: please install these system packages yourself: ${apt_packages[*]}"
        say "  Debian/Ubuntu: sudo apt-get install -y ${apt_packages[*]}"
        say "  macOS:         brew install --cask temurin (Java) and brew install node"
    fi
fi

# Chromium fallback: Playwright's own build (needs internet; fails on the project's locked-down machines).
if ! have_chromium; then
    if "$python_bin" -c 'import playwright' 2>/dev/null; then
        say "no system Chromium: $python_bin -m playwright install chromium"
        "$python_bin" -m playwright install chromium || say "playwright install chromium failed"
    else
        say "no system Chromium and no Python playwright package: run 'make' to create .venv first"
    fi
fi

# ---- npm tools, pinned by package-lock.json ---------------------------------------------
if command -v npm >/dev/null 2>&1; then
    stamp=node_modules/.install-tools-stamp
    if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ] \
        || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ] || [ ! -x node_modules/.bin/lighthouse ] \
        || [ ! -f node_modules/axe-core/axe.min.js ]; then
        # --ignore-scripts: vnu-jar's postinstall would download a Java runtime from GitHub;
        # we use the system Java instead. No other pinned package has an install script.
        say "npm ci"
        npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
        touch "$stamp"
    fi
else
    missing+=("npm (Node.js 18.20 or later)")
fi

# ---- report -------------------------------------------------------------------------------
have_java || missing+=("java (default-jre-headless)")
if ! have_chromium && ! "$python_bin" - <<'EOF' 2>/dev/null; then
import os, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    sys.exit(0 if os.path.exists(p.chromium.executable_path) else 1)
EOF
    missing+=("chromium")
fi
if [ ${#missing[@]} -gt 0 ]; then
    say "still missing: ${missing[*]}"
    exit 1
fi
say "ok: chromium, java, $(node --version 2>/dev/null || echo node?), vnu-jar, axe-core, lighthouse"

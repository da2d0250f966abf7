#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the widget's browser tests (tests/e2e).
# playwright-core drives that binary; no browser is ever downloaded by npm or playwright.
# Idempotent: does nothing if the binary runs; else installs the `chromium` package with apt-get
# (as root, or through sudo). Exits non-zero with a clear message if it cannot.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

works() {
  [ -x "$CHROMIUM" ] && "$CHROMIUM" --headless --no-sandbox --version >/dev/null 2>&1
}

if works; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; else
    echo "ensure-chromium: $CHROMIUM is missing and this is not root (and no password-less sudo):" >&2
    echo "ensure-chromium: install Debian's package first: apt-get install -y chromium" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: $CHROMIUM is missing and apt-get is not available (not a Debian system?):" >&2
  echo "ensure-chromium: install Chromium so that $CHROMIUM runs, then retry" >&2
  exit 1
fi

echo "ensure-chromium: $CHROMIUM not found; installing Debian's chromium package with apt-get" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >&2 || ! $SUDO apt-get install -y -qq --no-install-recommends chromium >&2; then
  echo "ensure-chromium: apt-get could not install chromium (no network or no package source?)" >&2
  exit 1
fi

if ! works; then
  echo "ensure-chromium: chromium was installed but $CHROMIUM --version fails; check the package" >&2
  exit 1
fi
echo "ensure-chromium: $("$CHROMIUM" --version 2>/dev/null)" >&2

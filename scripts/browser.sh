#!/usr/bin/env bash
# Headless Chromium and its WebDriver for the ops console's real-browser test
# (tests/projections/console/test_console_browser.py), from Debian's packages
# `chromium` and `chromium-driver`. Run by `make test` (`make browser`); idempotent.
set -euo pipefail

: "${CHROMIUM_BINARY:=/usr/bin/chromium}"
: "${CHROMEDRIVER:=/usr/bin/chromedriver}"

if [[ -x "$CHROMIUM_BINARY" && -x "$CHROMEDRIVER" ]]; then
  exit 0
fi
if [[ $EUID -ne 0 ]]; then
  echo "ERROR: chromium/chromedriver missing; run: sudo apt-get install -y chromium chromium-driver" >&2
  exit 1
fi
command -v apt-get >/dev/null || {
  echo "ERROR: chromium/chromedriver missing and no apt-get; set CHROMIUM_BINARY and CHROMEDRIVER" >&2
  exit 1
}
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends chromium chromium-driver
"$CHROMIUM_BINARY" --version
"$CHROMEDRIVER" --version

#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing (no test tool downloads a
# browser of its own here: playwright-core drives /usr/bin/chromium).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then exit 0; fi
echo "installing chromium (apt-get)…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium > /dev/null
/usr/bin/chromium --version

#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (/usr/bin/chromium) with playwright-core; no test
# tool downloads a browser of its own. Installs it when missing (as root, from apt).
set -euo pipefail
[ -x /usr/bin/chromium ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-browser: /usr/bin/chromium is missing; install it with: sudo apt-get install -y chromium" >&2
  exit 1
fi
echo "ensure-browser: installing chromium from apt…"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null || {
  apt-get update -qq > /dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
}
[ -x /usr/bin/chromium ]

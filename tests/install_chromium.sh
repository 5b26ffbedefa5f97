#!/bin/sh
# Install Debian's Chromium for the browser tests where this machine allows it (root and apt-get).
# Never fails: without a browser, the browser tests skip with a message (and fail under CI=true).
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium for the browser tests (apt-get install chromium)..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
    || echo "Could not install Chromium; the browser tests will say so."
else
  echo "Chromium is not installed; as root, run: apt-get install chromium (the browser tests skip without it)."
fi
exit 0

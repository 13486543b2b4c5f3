# Sourced by scripts/test: the browser tests drive Debian's Chromium (/usr/bin/chromium, or
# FRAMEWORK_M_CHROMIUM) with Playwright, which never downloads a browser of its own. When it is
# missing and apt-get can install it (as root), install it; otherwise the browser tests skip, or fail
# under CI=true.

install_chromium() {
  local chromium="${FRAMEWORK_M_CHROMIUM:-/usr/bin/chromium}"
  if [ -x "$chromium" ]; then
    return 0
  fi
  if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "warning: $chromium is missing: the browser tests will skip (or fail under CI=true)" >&2
    return 0
  fi
  echo "== installing Chromium for the browser tests (apt-get install chromium)"
  if ! { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }; then
    echo "warning: could not install Chromium: the browser tests will skip (or fail under CI=true)" >&2
  fi
}

install_chromium

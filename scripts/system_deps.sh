#!/usr/bin/env bash
# The Debian packages the browser tests and the PDF documents need: chromium, the CJK fonts
# without which every Chinese character renders as a box, and Pango (WeasyPrint's text
# layout). Used by `make test` and by .ci/run.
# Installs what is missing through apt-get when it can (root, or sudo without a password);
# otherwise says what to run and exits 1.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

need=()
[ -x "${SILIN_CHROMIUM:-/usr/bin/chromium}" ] || need+=(chromium)
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk fontconfig)
ldconfig -p 2>/dev/null | grep "libpangoft2-1.0" >/dev/null || need+=(libpango-1.0-0 libpangoft2-1.0-0)
for arg in "$@"; do need+=("$arg"); done   # extra packages .ci/run asks for
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  echo "The browser tests need: ${need[*]}" >&2
  echo "Install them with:  sudo apt-get install ${need[*]}" >&2
  echo "or run the rest of the suite with:  make test-fast" >&2
  exit 1
fi
echo "Installing ${need[*]} (apt-get)"
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

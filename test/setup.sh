#!/usr/bin/env bash
# `npm run setup`: everything `npm test` needs besides the library's own packages (`npm ci`):
# the policy pack's packages, the real Pulumi engine built from Go modules (test/setup-engine.sh), and for the Windows bench Wine 8 (`wine64`, /usr/lib/wine/wine64) and
# mingw-w64 (`x86_64-w64-mingw32-gcc`, which builds the stand-in tools). Installs what is missing
# through apt (Debian/Ubuntu; as root, or through sudo); elsewhere it says what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefix policy --no-audit --no-fund

# The real Pulumi engine (CLI, Node.js language host) and the stand-in provider for test/engine/.
bash test/setup-engine.sh

missing=()
[ -x "${WINE:-/usr/lib/wine/wine64}" ] || missing+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || missing+=(gcc-mingw-w64-x86-64-win32)
if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: Wine and mingw-w64 are installed"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    cat >&2 <<MSG
setup: missing: ${missing[*]}, and this machine has no apt-get.
Install with your package manager Wine 8 (64-bit: set WINE and WINESERVER to its wine64 and
wineserver64 when they are not at /usr/lib/wine/) and the mingw-w64 cross compiler for x86_64
(x86_64-w64-mingw32-gcc), then run npm test. Without them every test runs except the Windows bench,
which fails.
MSG
    exit 1
fi
sudo=()
if [ "$(id -u)" != 0 ]; then
    if ! command -v sudo >/dev/null 2>&1; then
        echo "setup: missing: ${missing[*]}; run as root (apt-get install -y ${missing[*]}), or install sudo" >&2
        exit 1
    fi
    sudo=(sudo)
fi
echo "setup: installing ${missing[*]} through apt"
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null

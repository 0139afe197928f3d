#!/usr/bin/env bash
# Installs the Debian packages Stegvis needs beside Python, when they are missing.
# Used by `make test` and `make run` so that a fresh machine needs nothing else.
#   postgresql       the suite runs on PostgreSQL too (tests start their own server)
#   chromium         real-browser tests (Playwright drives Debian's Chromium)
#   espeak-ng, lame  read-aloud audio for the languages espeak-ng speaks
#   fonts-noto-core  source of the subset web fonts (make fonts)
#   poppler-utils    pdftotext, to read back the PDF report in tests
#   libpango-1.0-0, libpangoft2-1.0-0
#                    WeasyPrint lays out the PDF report with Pango (in Noto Sans, above)
#   nodejs, npm      axe-core for the accessibility scan
set -euo pipefail

needed=()
have() { command -v "$1" >/dev/null 2>&1; }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || needed+=(postgresql)
have chromium || needed+=(chromium)
have espeak-ng || needed+=(espeak-ng)
have lame || needed+=(lame)
[ -d /usr/share/fonts/truetype/noto ] || needed+=(fonts-noto-core)
have pdftotext || needed+=(poppler-utils)
compgen -G '/usr/lib/*/libpango-1.0.so.0' >/dev/null || needed+=(libpango-1.0-0)
compgen -G '/usr/lib/*/libpangoft2-1.0.so.0' >/dev/null || needed+=(libpangoft2-1.0-0)
# WeasyPrint subsets the PDF's fonts with HarfBuzz; without it, it warns (an error in the suite).
compgen -G '/usr/lib/*/libharfbuzz-subset.so.0' >/dev/null || needed+=(libharfbuzz-subset0)
have npm || needed+=(nodejs npm)
have make || needed+=(make)

[ ${#needed[@]} -eq 0 ] && exit 0
if ! have apt-get; then
    echo "Missing system packages (install them by hand): ${needed[*]}" >&2
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then SUDO="sudo"; else
        echo "Missing system packages; run: sudo apt-get install ${needed[*]}" >&2
        exit 0
    fi
fi
echo "Installing system packages: ${needed[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null || true
$SUDO apt-get install -y -q "${needed[@]}" >/dev/null

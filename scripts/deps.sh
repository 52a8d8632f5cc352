#!/bin/sh
# Checks for the Debian packages lleval needs and installs the missing ones
# with apt-get when it can (root, or sudo without a password); otherwise it
# prints the exact command and fails.
set -u
PKGS="gcc make pkg-config libsqlite3-dev sqlite3 libgsl-dev libcsv-dev libinih-dev nettle-dev check gnuplot-nox clang libclang-rt-dev valgrind bc time libxml2-utils"
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "lleval: missing Debian packages:$missing" >&2
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "lleval: run: sudo apt-get update && sudo apt-get install -y$missing" >&2
    exit 1
fi
echo "lleval: installing them with apt-get" >&2
$SUDO apt-get update -qq >&2 || true
if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2; then
    echo "lleval: apt-get failed; run: sudo apt-get install -y$missing" >&2
    exit 1
fi

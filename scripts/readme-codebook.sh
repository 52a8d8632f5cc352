#!/bin/sh
# Rewrites the lines between "<!-- codebook:begin -->" and
# "<!-- codebook:end -->" of README.md with `lleval codebook --markdown`, the
# codebook table of evaluate/codebook.c (tests/test_handover.c checks that
# the README holds exactly that text).
#   sh scripts/readme-codebook.sh build/lleval README.md
set -eu
LLEVAL=$1 README=$2
grep -q '^<!-- codebook:begin -->$' "$README" && grep -q '^<!-- codebook:end -->$' "$README" || {
    echo "readme-codebook: $README lacks the codebook markers" >&2; exit 1; }
tmp=$(mktemp) table=$(mktemp)
"$LLEVAL" codebook --markdown >"$table"
awk -v table="$table" '
    /^<!-- codebook:begin -->$/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /^<!-- codebook:end -->$/ { skip = 0 }
    !skip { print }' "$README" >"$tmp"
mv "$tmp" "$README"
rm -f "$table"
echo "readme-codebook: $README updated"

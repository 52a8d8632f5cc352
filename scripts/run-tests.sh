#!/bin/sh
# Runs each test program from the repository root and prints one closing
# line "N passed, N failed, N skipped" over all of them (a test that cannot
# run prints a line starting "SKIP: "); exits non-zero if any failed.
BUILD=$1; shift
pass=0; fail=0; skip=0; bad=""
for t in "$@"; do
    out=$("$t" 2>&1); rc=$?
    printf '%s\n' "$out" | grep -E '^[0-9]+%: Checks' | sed "s|^|$(basename "$t"): |"
    [ $rc -ne 0 ] && { printf '%s\n' "$out" | grep -vE '^(Running suite|[0-9]+%: Checks)' | head -40; }
    n=$(printf '%s\n' "$out" | sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' | awk '{c+=$1; f+=$2+$3} END {print c+0, f+0}')
    c=${n% *}; f=${n#* }
    if [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=1; fi
    # a test that could not run prints "SKIP: ..." and is counted as skipped
    k=$(printf '%s\n' "$out" | grep -c '^SKIP: ')
    printf '%s\n' "$out" | grep '^SKIP: '
    pass=$((pass + c - f - k)); fail=$((fail + f)); skip=$((skip + k))
    [ $rc -ne 0 ] && bad="$bad $(basename "$t")"
done
echo "$pass passed, $fail failed, $skip skipped"
[ -z "$bad" ] || { echo "failing:$bad" >&2; exit 1; }

#!/bin/sh
# make check-r: the R hand-over reproduces the C program's estimates.
# For each worked example (fixtures/examples/explicit and matched, and the
# explicit one again with comparison = none), runs `lleval demo` (ingest and
# evaluate), copies secure/ to a fresh folder, runs `Rscript analysis.R`
# there and compares its estimates_R.csv with the program's estimates.csv
# within SPEC 6 tolerances (scripts/compare-estimates.R --subset: every
# row the program writes must be matched; the script may write more).
# The same for a small synthetic authority (lleval synth), whose degenerate
# rows must be left empty on both sides.  Then R/analysis.R itself on fixtures/examples/*/expected/analysis.csv against the
# SPEC authors' estimates.csv (every row must match, none may be extra).
# Skipped, with a notice and exit 0, when Rscript or its packages are absent.
set -u
LLEVAL=${1:-build/lleval}
if ! command -v Rscript >/dev/null 2>&1; then
    echo "check-r: SKIPPED: Rscript not found (Debian: apt-get install r-base-core r-cran-survival r-cran-lme4)"
    exit 0
fi
if ! Rscript -e 'suppressPackageStartupMessages({library(survival); library(lme4)})' >/dev/null 2>&1; then
    echo "check-r: SKIPPED: the R packages survival and lme4 are not installed (Debian: apt-get install r-cran-survival r-cran-lme4)"
    exit 0
fi
tmp=$(mktemp -d /tmp/lleval-check-r-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
status=0
# Copies a run's secure/ folder to a fresh one without the program's
# estimates.csv and runs the analysis.R handed over there (it writes
# estimates_R.csv beside it); returns 1, and sets status, when R fails.
hand_over_to_r() { # secure-folder copy-folder name
    mkdir -p "$2"
    cp "$1/"* "$2/"
    rm -f "$2/estimates.csv"
    if ! Rscript "$2/analysis.R"; then
        echo "check-r: $3: Rscript analysis.R failed"; status=1; return 1
    fi
}
run_case() { # name example [config]
    name=$1 example=$2 config=${3:-}
    out=$tmp/$name
    if ! "$LLEVAL" demo --example "$example" --out "$out" >"$tmp/$name.log" 2>&1; then
        cat "$tmp/$name.log"; echo "check-r: $name: lleval demo failed"; status=1; return
    fi
    if [ -n "$config" ]; then
        printf '%s\n' "$config" >"$tmp/$name.ini"
        if ! "$LLEVAL" evaluate --db "$out/demo.db" --config "$tmp/$name.ini" --out "$out" \
            >>"$tmp/$name.log" 2>&1; then
            cat "$tmp/$name.log"; echo "check-r: $name: lleval evaluate failed"; status=1; return
        fi
    fi
    hand_over_to_r "$out/secure" "$tmp/$name-copy" "$name" || return
    echo "check-r: $name:"
    Rscript scripts/compare-estimates.R "$out/secure/estimates.csv" \
        "$tmp/$name-copy/estimates_R.csv" --subset || status=1
}
# The R script against the SPEC authors' regenerated expected files
# (fixtures/examples/*/expected/: all 98 rows, adjusted effects and subgroups too).
fixture_case() { # example design
    d=$tmp/fixture-$1
    mkdir -p "$d"
    cp "fixtures/examples/$1/expected/analysis.csv" "$d/"
    sed "s/^DESIGN <- \"explicit\"/DESIGN <- \"$2\"/" R/analysis.R >"$d/analysis.R"
    if ! Rscript "$d/analysis.R"; then
        echo "check-r: fixture $1: Rscript analysis.R failed"; status=1; return
    fi
    echo "check-r: fixture $1 (R/analysis.R on the expected analysis.csv):"
    Rscript scripts/compare-estimates.R "fixtures/examples/$1/expected/estimates.csv" "$d/estimates_R.csv" \
        || status=1
}
fixture_case explicit explicit
fixture_case matched match
# A small synthetic authority (lleval synth: 400 children, a named
# comparison group), where many rows are not computable: both sides must
# leave the same cells empty.
synth_case() {
    d=$tmp/synth
    mkdir -p "$d"
    if ! "$LLEVAL" synth --children 400 --seed 3 --comparison --out "$d/in" >"$d.log" 2>&1; then
        cat "$d.log"; echo "check-r: synth: lleval synth failed"; status=1; return
    fi
    for y in "$d"/in/903/*/; do
        "$LLEVAL" ingest --db "$d/db" --la LA "$y"*.csv >>"$d.log" 2>&1
    done
    "$LLEVAL" ingest --db "$d/db" --la LA "$d/in/lifelong_links.csv" "$d/in/comparison.csv" >>"$d.log" 2>&1
    if ! "$LLEVAL" evaluate --db "$d/db" --out "$d/out" >>"$d.log" 2>&1; then
        cat "$d.log"; echo "check-r: synth: lleval evaluate failed"; status=1; return
    fi
    hand_over_to_r "$d/out/secure" "$d/copy" synth || return
    echo "check-r: synth (400 children, $(grep -c 'not computable' "$d/out/secure/estimates.csv") rows not computable):"
    Rscript scripts/compare-estimates.R "$d/out/secure/estimates.csv" "$d/copy/estimates_R.csv" \
        --subset || status=1
}
run_case explicit explicit
run_case matched matched
run_case none explicit "[analysis]
comparison = none"
synth_case
[ $status = 0 ] && echo "check-r: passed" || echo "check-r: FAILED"
exit $status

#!/bin/bash
# make bench: generates synthetic data of several sizes, then measures
# ingest (rows per second and the ratio against `sqlite3 .import` of the
# same files), evaluate (seconds and peak memory) and the statistics
# kernels.  Ratios, not seconds, are the figures to compare between
# machines.  Sizes: BENCH_SIZES (default "10000 50000 200000").
set -euo pipefail
cd "$(dirname "$0")/.."
LL=./build/lleval
SIZES=${BENCH_SIZES:-"10000 50000 200000"}
RUNS=${BENCH_RUNS:-5}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/lleval-bench.XXXXXX)}
mkdir -p "$WORK"
declare -A phases
echo "lleval benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m); data in $WORK"

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }

# Peak resident memory (MB) and seconds of one command.
peak() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.2f %.0f\n", $1, $2/1024}'; }

ingest_all() { # $1 db, $2 data dir
    for y in "$2"/903/*/; do $LL ingest --db "$1" --la LA "$y"*.csv >/dev/null 2>&1 || true; done
    $LL ingest --db "$1" --la LA "$2/lifelong_links.csv" >/dev/null 2>&1 || true
}

printf '\n%-9s %10s %12s %12s %10s %10s %12s %10s\n' children episodes "ingest r/s" "import r/s" ratio "eval s" "eval MB" "synth s"
for n in $SIZES; do
    d="$WORK/synth-$n"
    [ -d "$d" ] || $LL synth --children "$n" --seed 1 --out "$d" >/dev/null
    st=$(secs $LL synth --children "$n" --seed 1 --out "$d.tmp"); rm -rf "$d.tmp"
    # One big episodes file for the ingest ratio: every distinct episode
    # (CHILD, DECOM) once, as its latest year has it, so that the file is a
    # valid single return and both programs store every row.
    big="$WORK/episodes-$n.csv"
    [ -f "$big" ] || { head -1 "$d/903/2024/episodes.csv"
        for f in "$d"/903/*/episodes.csv; do tail -n +2 "$f"; done |
            awk -F, '{k = $1 FS $2; if (!(k in row)) order[++n] = k; row[k] = $0}
                     END {for (i = 1; i <= n; i++) print row[order[i]]}'; } > "$big"
    rows=$(($(wc -l < "$big") - 1))
    ti=(); tq=()
    for r in $(seq "$RUNS"); do
        rm -f "$WORK/i.db"*; ti+=("$(secs $LL ingest --db "$WORK/i.db" --la LA --year 2024 "$big")")
        rm -f "$WORK/q.db"*; tq+=("$(secs sqlite3 "$WORK/q.db" ".import --csv $big t")")
    done
    mi=$(printf '%s\n' "${ti[@]}" | median); mq=$(printf '%s\n' "${tq[@]}" | median)
    db="$WORK/e-$n.db"; rm -f "$db"*; ingest_all "$db" "$d"
    read -r es em < <(peak $LL evaluate --db "$db" --out "$WORK/out-$n")
    phases[$n]=$($LL evaluate --db "$db" --out "$WORK/out-$n" 2>&1 >/dev/null | sed -n 's/^lleval evaluate: timing: //p')
    printf '%-9s %10s %12.0f %12.0f %10.2f %10s %12s %10.2f\n' "$n" "$rows" \
        "$(echo "$rows / $mi" | bc -l)" "$(echo "$rows / $mq" | bc -l)" \
        "$(echo "$mi / $mq" | bc -l)" "$es" "$em" "$st"
done
echo
for n in $SIZES; do echo "evaluate phases, $n children: ${phases[$n]}"; done
echo "ratio = lleval ingest time / sqlite3 .import time of the same file (median of $RUNS; target <= 1.0)"
for b in build/bench_*; do
    [ -x "$b" ] || continue
    echo; echo "== $(basename "$b")"; "$b"
done
if command -v Rscript >/dev/null; then
    n=$(echo "$SIZES" | awk '{print $NF}')
    echo; echo "== R (glm, lmer, survfit/survdiff/coxph, t.test, MatchIt when installed) on the same analysis.csv"
    rt=$(secs Rscript bench/r_stats.R "$WORK/out-$n/secure/analysis.csv")
    read -r es _ < <(peak $LL evaluate --db "$WORK/e-$n.db" --out "$WORK/out-$n")
    printf 'R: %.2f s; lleval evaluate (derivation, matching, statistics, costs): %s s; ratio lleval/R %.2f\n' \
        "$rt" "$es" "$(echo "$es / $rt" | bc -l)"
fi

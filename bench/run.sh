#!/bin/bash
# make bench: the ingest ratio against `sqlite3 .import`, then evaluate on a
# series of synthetic populations (seconds per 100,000 children, peak
# memory, per-phase timings), the statistics kernels, and R where it is
# installed.  Ratios, not seconds, are the figures to compare between
# machines: every ratio is measured side by side in one run, the two
# commands alternating, and the median of the paired ratios is printed.
#
#   BENCH_INGEST_CHILDREN  synthetic children behind the ingest file
#                          (default 280000: about 1,000,000 episode rows)
#   BENCH_RUNS             paired ingest runs (default 5)
#   BENCH_SIZES            evaluate series (default "50000 100000 200000 400000";
#                          empty: the ingest ratio only)
#   BENCH_DIR              where the data go (default a new /tmp folder)
#   BENCH_NICE             niceness of every measured command (default 19:
#                          on a shared machine, ratios stay fair and other
#                          jobs are not slowed)
set -euo pipefail
cd "$(dirname "$0")/.."
LL=./build/lleval
SIZES=${BENCH_SIZES-"50000 100000 200000 400000"}
RUNS=${BENCH_RUNS:-5}
ICHILD=${BENCH_INGEST_CHILDREN:-280000}
WORK=${BENCH_DIR:-$(mktemp -d /tmp/lleval-bench.XXXXXX)}
NICE="nice -n ${BENCH_NICE:-19}"
mkdir -p "$WORK"
echo "lleval benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m), load $(cut -d' ' -f1 /proc/loadavg); data in $WORK"

median() { sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }
# Wall seconds of one command.
secs() { local s e; s=$(date +%s.%N); $NICE "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
# Wall and CPU (user + system) seconds of one command.
wallcpu() { $NICE /usr/bin/time -f "%e %U %S" "$@" 2>&1 >/dev/null | tail -1 |
    awk '{printf "%.3f %.3f\n", $1, $2 + $3}'; }
# Wall seconds, peak resident memory (MB) and CPU seconds (user + system,
# children included: steadier than wall time on a shared machine) of one
# command.
peak() { $NICE /usr/bin/time -f "%e %M %U %S" "$@" 2>&1 >/dev/null | tail -1 |
    awk '{printf "%.2f %.0f %.2f\n", $1, $2/1024, $3 + $4}'; }

synth() { # $1 children: the folder of a synthetic population (made once)
    local d="$WORK/synth-$1"
    [ -d "$d" ] || $NICE $LL synth --children "$1" --seed 1 --out "$d" >/dev/null
    echo "$d"
}

ingest_all() { # $1 db, $2 data dir
    for y in "$2"/903/*/; do $NICE $LL ingest --db "$1" --la LA "$y"*.csv >/dev/null 2>&1 || true; done
    $NICE $LL ingest --db "$1" --la LA "$2/lifelong_links.csv" >/dev/null 2>&1 || true
}

# ---- ingest against sqlite3 .import ----------------------------------------
# One large episodes file: every distinct episode (CHILD, DECOM) of the
# synthetic returns once, as its latest year has it, so that the file is a
# valid single return and both programs store every row.  lleval checks
# every rule, keeps the quarantine and the files table, hashes the file and
# stores in key order; .import stores text as it comes.
d=$(synth "$ICHILD")
big="$WORK/episodes-$ICHILD.csv"
[ -f "$big" ] || { head -1 "$d/903/2024/episodes.csv"
    for f in "$d"/903/*/episodes.csv; do tail -n +2 "$f"; done |
        awk -F, '{k = $1 FS $2; if (!(k in row)) order[++n] = k; row[k] = $0}
                 END {for (i = 1; i <= n; i++) print row[order[i]]}'; } > "$big"
rows=$(($(wc -l < "$big") - 1))
# Wall time is the target; CPU time (user + system, both of lleval's
# threads) is printed beside it because on a shared machine it moves less
# with the other jobs.
ti=(); tq=(); tr=(); ci=(); cq=(); cr=()
load0=$(cut -d' ' -f1 /proc/loadavg)
for r in $(seq "$RUNS"); do
    rm -f "$WORK/i.db"*; read -r a ca < <(wallcpu $LL ingest --db "$WORK/i.db" --la LA --year 2024 "$big")
    rm -f "$WORK/q.db"*; read -r b cb < <(wallcpu sqlite3 "$WORK/q.db" ".import --csv $big t")
    ti+=("$a"); tq+=("$b"); tr+=("$(echo "$a / $b" | bc -l)")
    ci+=("$ca"); cq+=("$cb"); cr+=("$(echo "$ca / $cb" | bc -l)")
done
rm -f "$WORK/i.db"* "$WORK/q.db"*
mi=$(printf '%s\n' "${ti[@]}" | median); mq=$(printf '%s\n' "${tq[@]}" | median)
mr=$(printf '%s\n' "${tr[@]}" | median)
echo
echo "== ingest: $rows episode rows ($ICHILD synthetic children), $RUNS paired runs" \
     "(load average $load0 before, $(cut -d' ' -f1 /proc/loadavg) after)"
printf 'lleval ingest   median %6.2f s  (%.0f rows/s), CPU %.2f s\n' "$mi" \
    "$(echo "$rows / $mi" | bc -l)" "$(printf '%s\n' "${ci[@]}" | median)"
printf 'sqlite3 .import median %6.2f s  (%.0f rows/s), CPU %.2f s\n' "$mq" \
    "$(echo "$rows / $mq" | bc -l)" "$(printf '%s\n' "${cq[@]}" | median)"
printf 'ratio lleval / .import: median of the paired ratios %.2f (pairs: %s; target <= 0.7)\n' \
    "$mr" "$(printf '%.2f ' "${tr[@]}")"
printf 'CPU-time ratio: median of the paired ratios %.2f (pairs: %s)\n' \
    "$(printf '%s\n' "${cr[@]}" | median)" "$(printf '%.2f ' "${cr[@]}")"

# ---- evaluate: the series --------------------------------------------------
echo
echo "== evaluate (derive, matching, statistics, costs, report) on synthetic populations"
printf '%-9s %10s %9s %11s %9s %9s %8s\n' children episodes "ingest s" "evaluate s" "s/100k" "peak MB" "CPU s"
declare -A phases
for n in $SIZES; do
    d=$(synth "$n")
    db="$WORK/e-$n.db"
    # Every return of every year and the lifelong links, file by file.
    rm -f "$db"*
    s=$(date +%s.%N); ingest_all "$db" "$d"; e=$(date +%s.%N)
    its=$(echo "$e - $s" | bc -l)
    eps=$(sqlite3 "$db" "SELECT count(*) FROM episodes")
    read -r es em ec < <(peak $LL evaluate --db "$db" --out "$WORK/out-$n")
    phases[$n]=$($NICE $LL evaluate --db "$db" --out "$WORK/out-$n" 2>&1 >/dev/null |
        sed -n 's/^lleval evaluate: timing: //p')
    printf '%-9s %10s %9.2f %11.2f %9.2f %9s %8.2f\n' "$n" "$eps" "$its" "$es" \
        "$(echo "$es * 100000 / $n" | bc -l)" "$em" "$ec"
done
echo
for n in $SIZES; do echo "evaluate phases, $n children: ${phases[$n]}"; done
echo "(s/100k: evaluate seconds per 100,000 children; constant when the cost grows linearly."
echo " CPU s: user + system of evaluate and its gnuplot runs; evaluate uses a second core for"
echo " the database store and a second gnuplot, so wall can be below CPU on an idle machine)"

for b in build/bench_*; do
    [ -x "$b" ] || continue
    echo; echo "== $(basename "$b")"; $NICE "$b"
done

# ---- R on the same analysis ------------------------------------------------
if command -v Rscript >/dev/null && [ -n "$SIZES" ]; then
    n=200000
    case " $SIZES " in *" $n "*) ;; *) n=$(echo "$SIZES" | awk '{print $NF}') ;; esac
    echo
    echo "== R (glm, lmer, survfit/survdiff/coxph, t.test; MatchIt when installed) on the analysis.csv of $n children"
    rts=(); lts=(); rr=()
    for r in 1 2 3; do
        a=$(secs $LL evaluate --db "$WORK/e-$n.db" --out "$WORK/out-$n")
        b=$(secs Rscript bench/r_stats.R "$WORK/out-$n/secure/analysis.csv")
        lts+=("$a"); rts+=("$b"); rr+=("$(echo "$a / $b" | bc -l)")
    done
    printf 'lleval evaluate median %.2f s; R median %.2f s; ratio lleval / R (median of 3 pairs) %.2f\n' \
        "$(printf '%s\n' "${lts[@]}" | median)" "$(printf '%s\n' "${rts[@]}" | median)" \
        "$(printf '%s\n' "${rr[@]}" | median)"
    if Rscript -e 'quit(status = !requireNamespace("MatchIt", quietly = TRUE))' >/dev/null 2>&1; then
        echo "(R matched with MatchIt on the analysis rows; lleval also derived every history and built the candidate rows)"
    else
        echo "(MatchIt is not installed: R did the model fits only, lleval the whole pipeline: unequal work, a lower bound for R)"
    fi
fi

#!/usr/bin/env bash
# `make bench`: cauce against a plain-Java run of the same logic, on every runner.
#
#   runners/bench/bench.sh [SIZES="100000 1000000"] [RUNS=3] [RUNNERS="duckdb baseline direct flink-p1 flink-p2"]
#                          [DIRT=0.05] [DUPS=0.05] [SEED=42] [JAVA_OPTS=...] [RUNNER_JVM=1] [JFR=0|1] [SAMPLE=1] [CDS=1] [EXPECT=0|1] [UNIQUE=0|1] [DEPS=0|1]
#
# Peers: duckdb, the same job in SQL through DuckDB's JDBC driver (dev.cauce.bench.DuckDbPeer, in the
# test sources: DuckDB is a test-scope dependency); baseline, cauce's logic as one plain-Java thread.
#
# JVM options per runner, unless JAVA_OPTS sets them for all: the baseline -Xmx4g (it keeps every
# kept row in one map: 4M records need more than 2 GB), direct -Xmx768m, flink -Xmx2g (embedded Flink
# adds its network buffers and managed memory outside the heap). A JVM grows its heap towards -Xmx
# when it may, so peak RSS follows -Xmx as much as the data: these are the heaps each run needs.
# cauce's runs also get their runner profile's JVM options (runners/direct.jvm, runners/flink-local.jvm:
# GC and JIT settings, as make run and runners/cauce give them) before these; RUNNER_JVM=0 leaves them out.
#
# For every size it generates (once, cached in target/bench/data/) orders-like JSONL with
# dev.cauce.bench.Generate, then runs every runner once per round, RUNS rounds (interleaved, so the
# machine's load hits all alike), each run a separate JVM under /usr/bin/time -v (cauce as `make run`
# runs it: its classes as a jar, with a class-data sharing archive per runner; CDS=0: without), with a fresh
# --output, --stateStore and --reprocess so the ledger never skips. It records whole-process wall
# time, CPU time (user + sys), peak RSS, the in-pipeline time (run-report.json's timings_ms.run; the
# peers' own timers), the conservation check and the counts, which must be the same for every runner, and prints the medians as a table, also written to
# target/bench/results.md and results.json. JFR=1 adds a flight recording per run
# (target/bench/jfr/<runner>-<size>-<run>.jfr). The spec is pipelines/orders.yaml with two bench
# changes (target/bench/orders-bench.yaml): order ids may have 6-9 digits (more than a million
# orders) and the quality gate keeps its ratio limits but not its absolute counts. EXPECT=1 adds 10
# GX expectations to it (README, "Expectations": 4 row ones with mostly, the row count, mean,
# median, stdev, proportion of unique emails, distinct currencies) and UNIQUE=1 one more, order_id
# unique (a grouping by value after dedupe), to measure what they cost; DEPS=1 adds a functional
# dependency, customer_id -> customer_email repaired by majority (a grouping per customer before
# dedupe). The baseline and DuckDB run none of these.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
RUNNERS=${RUNNERS:-"duckdb baseline direct flink-p1 flink-p2"}
DIRT=${DIRT:-0.05}
DUPS=${DUPS:-0.05}
SEED=${SEED:-42}
DUCKDB_OPTS=${JAVA_OPTS:--Xmx512m}   # DuckDB works outside the Java heap (its own memory limit: 80% of RAM)
BASELINE_OPTS=${JAVA_OPTS:--Xmx4g}
DIRECT_OPTS=${JAVA_OPTS:--Xmx768m}   # enough at 1M (the largest size the bench gives Direct): the same CPU as -Xmx1g, ~250 MB less RSS
FLINK_OPTS=${JAVA_OPTS:--Xmx2g}
BASELINE_SINKS=${BASELINE_SINKS:-spec}   # spec: the baseline writes every sink of the spec, as cauce does; jsonl: one JSON Lines file
MAX_DIRECT=${MAX_DIRECT:-1000000}   # the Direct runner keeps whole collections in memory: larger sizes are skipped
SAMPLE=${SAMPLE:-1}   # also time `make run`'s job (pipelines/orders.yaml, Direct) RUNS times
JFR=${JFR:-0}
EXPECT=${EXPECT:-0}
UNIQUE=${UNIQUE:-0}
EXTRA=${EXTRA:-}   # more cauce/Beam options for every cauce run, e.g. EXTRA=--enforceImmutability=false

B=target/bench
mkdir -p "$B/data" "$B/runs" "$B/jfr"
# the runs use a copy of the compiled classes, so a rebuild while the bench runs cannot break it
rm -rf "$B/classes" && cp -r target/classes "$B/classes"
CP="$B/classes:$(cat target/classpath.txt)"
# cauce's runs as `make run` does them: cauce's classes as a jar and a class-data sharing archive per
# runner, written by one untimed run of the sample (CDS=0: neither, the classes directory)
CDS=${CDS:-1}
rm -f "$B"/cauce-run.jar "$B"/cds-*.jsa && jar cf "$B/cauce-run.jar" -C "$B/classes" .
RUN_CP="$B/cauce-run.jar:$(cat target/classpath.txt)"
[ "$CDS" = 1 ] || RUN_CP="$CP"
# the JVM options of class-data sharing for cauce on runner $1 (direct, flink-p1, ...): the archive,
# written first by a run of the sample when there is none
cds_opts() {
  [ "$CDS" = 1 ] || return 0
  local jsa="$B/cds-$1.jsa" profile=direct more=""
  case $1 in flink-p1) profile=flink-local; more=--parallelism=1 ;; flink-p2) profile=flink-local; more=--parallelism=2 ;; esac
  if [ ! -s "$jsa" ]; then
    rm -rf "$B/out/cds-$1" "$B/state"
    java $(jvm_of $profile) -Xmx1g -XX:ArchiveClassesAtExit="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off -cp "$RUN_CP" dev.cauce.Cauce \
      --spec=pipelines/orders.yaml $(args_of $profile) $more --output="$B/out/cds-$1" --stateStore="$B/state" --runId=bench-cds > /dev/null 2>&1 || true
    rm -rf "$B/out/cds-$1" "$B/state"
  fi
  [ -s "$jsa" ] && echo "-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  return 0
}
# the DuckDB peer: the test classes (dev.cauce.bench.DuckDbPeer) and DuckDB's JDBC driver (test scope)
case " $RUNNERS " in *" duckdb "*)
  [ -s target/test-classpath.txt ] && [ -f target/test-classes/dev/cauce/bench/DuckDbPeer.class ] || {
    echo "bench: the duckdb runner needs the test classes and target/test-classpath.txt: run it through make bench" >&2; exit 2; }
  rm -rf "$B/test-classes" && mkdir -p "$B/test-classes/dev/cauce/bench" && cp target/test-classes/dev/cauce/bench/DuckDbPeer*.class "$B/test-classes/dev/cauce/bench/"
  PEER_CP="$B/test-classes:$(tr ':' '\n' < target/test-classpath.txt | grep '/duckdb_jdbc-' | head -1)" ;;
esac
RAW="$B/runs/raw.tsv"
: > "$RAW"

# the bench's copy of the orders spec
SPEC="$B/orders-bench.yaml"
sed -e 's/pattern: "\^ORD-\[0-9\]{6}\$"/pattern: "^ORD-[0-9]{6,9}$"/' -e '/^  limits:/,$d' pipelines/orders.yaml > "$SPEC"
grep -q '{6,9}' "$SPEC" || { echo "bench: could not adapt pipelines/orders.yaml's order_id_format" >&2; exit 2; }
if [ "$EXPECT" = 1 ] || [ "$UNIQUE" = 1 ]; then
  echo "expectations:" >> "$SPEC"
fi
if [ "$EXPECT" = 1 ]; then
  cat >> "$SPEC" <<'YAML'
  - {type: expect_column_values_to_not_be_null, column: customer_email, mostly: 0.95}
  - {type: expect_column_values_to_be_in_set, column: currency, value_set: [USD, EUR, GBP, CAD], mostly: 0.95}
  - {type: expect_column_values_to_be_between, column: amount, min_value: 0, max_value: 10000, mostly: 0.95}
  - {type: expect_column_values_to_be_between, column: quantity, min_value: 1, max_value: 9, mostly: 0.95}
  - {type: expect_table_row_count_to_be_between, min_value: 1}
  - {type: expect_column_mean_to_be_between, column: amount, min_value: 1, max_value: 10000}
  - {type: expect_column_median_to_be_between, column: amount, min_value: 1, max_value: 10000}
  - {type: expect_column_stdev_to_be_between, column: amount, max_value: 10000}
  - {type: expect_column_proportion_of_unique_values_to_be_between, column: customer_email, min_value: 0}
  - {type: expect_column_distinct_values_to_be_in_set, column: currency, value_set: [USD, EUR, GBP, CAD]}
YAML
fi
if [ "$UNIQUE" = 1 ]; then
  echo "  - {type: expect_column_values_to_be_unique, column: order_id}" >> "$SPEC"
fi
if [ "${DEPS:-0}" = 1 ]; then
  printf 'dependencies:\n  - {determinant: [customer_id], dependent: [customer_email], repair: majority}\n' >> "$SPEC"
fi

TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""

args_of() { grep -v '^\s*#' "runners/$1.args" | tr '\n' ' '; }
# the JVM options of runner profile $1 (runners/$1.jvm), unless RUNNER_JVM=0
RUNNER_JVM=${RUNNER_JVM:-1}
jvm_of() { [ "$RUNNER_JVM" = 1 ] && [ -f "runners/$1.jvm" ] && grep -v '^\s*#' "runners/$1.jvm" | tr '\n' ' '; return 0; }

# runs "$@" measuring wall seconds, CPU seconds (user + sys) and peak RSS (KB) into $WALL, $CPU and $RSS
measure() {
  local tf="$B/runs/time.txt" start end
  start=$(date +%s.%N)
  if [ -n "$TIME" ]; then
    set +e; "$TIME" -v -o "$tf" "$@" > "$B/runs/last.out" 2> "$B/runs/last.err"; RC=$?; set -e
    RSS=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$tf")
    CPU=$(awk -F: '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$tf")
  else
    # no GNU time: sample /proc/<pid>/status VmHWM until the process ends
    set +e; "$@" > "$B/runs/last.out" 2> "$B/runs/last.err" & local pid=$!; RSS=0; CPU=-1
    while kill -0 $pid 2>/dev/null; do
      local h; h=$(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
      [ -n "$h" ] && [ "$h" -gt "$RSS" ] && RSS=$h; sleep 0.2
    done; wait $pid; RC=$?; set -e
  fi
  end=$(date +%s.%N)
  WALL=$(echo "$end - $start" | bc -l)
}

# one run of $runner at $n records ($r-th round): measures it and appends a line to $RAW
run_one() {
  local runner=$1 n=$2 r=$3 data=$4 bytes=$5
  local out="$B/out/$runner-$n-$r" jfr="" load tag="" report
  rm -rf "$out" "$B/state"
  [ "$JFR" = 1 ] && jfr="-XX:+FlightRecorder -XX:StartFlightRecording=filename=$B/jfr/$runner-$n-$r.jfr,settings=profile"
  load=$(cut -d' ' -f1 /proc/loadavg)
  local job="--input=$data --output=$out --reprocess=true --stateStore=$B/state --runId=bench-$runner-$n-$r"
  case $runner in
    duckdb)   tag=DUCKDB;   measure java $DUCKDB_OPTS $jfr -cp "$PEER_CP" dev.cauce.bench.DuckDbPeer --input="$data" --output="$out" ;;
    baseline) tag=BASELINE; measure java $BASELINE_OPTS $jfr -cp "$CP" dev.cauce.bench.Baseline --spec="$SPEC" --input="$data" --output="$out" --sinks="$BASELINE_SINKS" ;;
    direct)   measure java $(jvm_of direct) $DIRECT_OPTS $jfr $(cds_opts direct) -cp "$RUN_CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of direct) $EXTRA ;;
    flink-p1) measure java $(jvm_of flink-local) $FLINK_OPTS $jfr $(cds_opts flink-p1) -cp "$RUN_CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of flink-local) --parallelism=1 $EXTRA ;;
    flink-p2) measure java $(jvm_of flink-local) $FLINK_OPTS $jfr $(cds_opts flink-p2) -cp "$RUN_CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of flink-local) --parallelism=2 $EXTRA ;;
    *) echo "bench: unknown runner $runner" >&2; exit 2 ;;
  esac
  if [ -n "$tag" ]; then
    # the peers print one line "<TAG> {json}" with their counts and their own run time
    read -r run_ms ok counts < <(grep "^$tag " "$B/runs/last.out" | cut -d' ' -f2- | python3 -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print(d["run_ms"], "OK" if d["conservation"] else "BROKEN", "%d/%d/%d/%d" % (d["read"], d["written"], d["rejected"], d["duplicates"]))
except Exception:
    print(-1, "NO-COUNTS", "?")' || echo "-1 NO-COUNTS ?")
  else
    report=$(ls "$out"/_runs/*/run-report.json 2>/dev/null | head -1 || true)
    if [ -n "$report" ]; then
      cp "$report" "$B/runs/$runner-$n-$r.json"
      read -r run_ms ok counts < <(python3 - "$report" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d.get("counts", {})
ok = "OK" if d.get("conservation", {}).get("holds") else "BROKEN"
print(d.get("timings_ms", {}).get("run", -1), ok, "%s/%s/%s/%s" % (c.get("read"), (c.get("written") or {}).get("orders"), c.get("rejected"), c.get("duplicates")))
PY
)
    else
      run_ms=-1; ok="NO-REPORT"; counts="?"
    fi
  fi
  [ "$RC" = 0 ] || ok="$ok(exit $RC)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$runner" "$n" "$r" "$WALL" "$run_ms" "$RSS" "$ok" "$bytes" "$load" "$counts" "$CPU" >> "$RAW"
  printf 'bench: %-9s %9d run %d: wall %6.2f s, cpu %6.2f s, in-pipeline %s ms, peak RSS %d MB, check %s, read/written/rejected/duplicates %s, load %s\n' \
    "$runner" "$n" "$r" "$WALL" "$CPU" "$run_ms" $((RSS / 1024)) "$ok" "$counts" "$load"
  [ "$RC" = 0 ] || { echo "--- last stderr:"; tail -20 "$B/runs/last.err"; }
  rm -rf "$out"
}

echo "bench: sizes [$SIZES], $RUNS run(s) each, runners [$RUNNERS] interleaved (each round runs every runner once), dirt $DIRT, duplicates $DUPS, seed $SEED, expectations $EXPECT, unique $UNIQUE, dependencies ${DEPS:-0}; JVM: duckdb $DUCKDB_OPTS, baseline $BASELINE_OPTS, direct $(jvm_of direct)$DIRECT_OPTS, flink $(jvm_of flink-local)$FLINK_OPTS"
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
if [ "$SAMPLE" = 1 ]; then
  # what `make run` does after the build: the orders sample on the Direct runner, its own JVM, with
  # cauce's classes as a jar and the class-data sharing archive its first run wrote (see the Makefile);
  # first, as after a build, not after minutes of large runs
  for r in $(seq 1 "$RUNS"); do
    out="$B/out/sample-$r"; rm -rf "$out" "$B/state"
    load=$(cut -d' ' -f1 /proc/loadavg)
    measure java $(jvm_of direct) -Xmx2g $(cds_opts direct) -cp "$RUN_CP" dev.cauce.Cauce --spec=pipelines/orders.yaml $(args_of direct) \
      --output="$out" --stateStore="$B/state" --runId=bench-sample-$r
    ok=$(grep -q 'check: read 157 = written 116 + rejected 33 + duplicates 8  OK' "$B/runs/last.out" && echo OK || echo BROKEN)
    [ "$RC" = 0 ] || ok="$ok(exit $RC)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' sample 157 "$r" "$WALL" -1 "$RSS" "$ok" 0 "$load" "157/116/33/8" "$CPU" >> "$RAW"
    printf 'bench: sample (make run, orders, Direct) run %d: wall %6.2f s, cpu %6.2f s, peak RSS %d MB, check %s, load %s\n' "$r" "$WALL" "$CPU" $((RSS / 1024)) "$ok" "$load"
    rm -rf "$out"
  done
fi
for n in $SIZES; do
  data="$B/data/orders-$n-$DIRT-$DUPS-$SEED.jsonl"
  [ -s "$data" ] || java -cp "$CP" dev.cauce.bench.Generate --records="$n" --dirt="$DIRT" --duplicates="$DUPS" --seed="$SEED" --out="$data"
  bytes=$(stat -c %s "$data")
  for runner in $RUNNERS; do
    if [ "$runner" = direct ] && [ "$n" -gt "$MAX_DIRECT" ]; then
      echo "bench: direct $n skipped (above MAX_DIRECT=$MAX_DIRECT: the Direct runner holds whole collections in memory)"
    fi
  done
  # round-robin: each round runs every runner once, so the machine's load hits every runner alike
  for r in $(seq 1 "$RUNS"); do
    for runner in $RUNNERS; do
      [ "$runner" = direct ] && [ "$n" -gt "$MAX_DIRECT" ] && continue
      run_one "$runner" "$n" "$r" "$data" "$bytes"
    done
  done
done
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 runners/bench/table.py "$RAW" "$B/results.md" "$B/results.json" "$RUNS"

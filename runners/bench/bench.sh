#!/usr/bin/env bash
# `make bench`: cauce against a plain-Java run of the same logic, on every runner.
#
#   runners/bench/bench.sh [SIZES="100000 1000000"] [RUNS=3] [RUNNERS="baseline direct flink-p1 flink-p2"]
#                          [DIRT=0.05] [DUPS=0.05] [SEED=42] [JAVA_OPTS=...] [JFR=0|1] [SAMPLE=1] [EXPECT=0|1]
#
# JVM options per runner, unless JAVA_OPTS sets them for all: the baseline -Xmx4g (it keeps every
# kept row in one map: 4M records need more than 2 GB), direct -Xmx1g, flink -Xmx2g (embedded Flink
# adds its network buffers and managed memory outside the heap). A JVM grows its heap towards -Xmx
# when it may, so peak RSS follows -Xmx as much as the data: these are the heaps each run needs.
#
# For every size it generates (once, cached in target/bench/data/) orders-like JSONL with
# dev.cauce.bench.Generate, then runs each runner RUNS times, each run a separate JVM
# (`java -cp target/classes:<classpath>` as `make run` does) under /usr/bin/time -v, with a fresh
# --output, --stateStore and --reprocess so the ledger never skips. It records whole-process wall
# time, peak RSS, the in-pipeline time (run-report.json's timings_ms.run; the baseline's own timer)
# and the conservation check, and prints the medians as a table, also written to
# target/bench/results.md and results.json. JFR=1 adds a flight recording per run
# (target/bench/jfr/<runner>-<size>-<run>.jfr). The spec is pipelines/orders.yaml with two bench
# changes (target/bench/orders-bench.yaml): order ids may have 6-9 digits (more than a million
# orders) and the quality gate keeps its ratio limits but not its absolute counts. EXPECT=1 adds 10
# GX expectations to it (README, "Expectations": 4 row ones with mostly, the row count, mean,
# median, stdev, proportion of unique emails, distinct currencies) and UNIQUE=1 one more, order_id
# unique (a grouping by value after dedupe), to measure what they cost; the baseline runs none.
set -euo pipefail
cd "$(dirname "$0")/../.."

SIZES=${SIZES:-"100000 1000000"}
RUNS=${RUNS:-3}
RUNNERS=${RUNNERS:-"baseline direct flink-p1 flink-p2"}
DIRT=${DIRT:-0.05}
DUPS=${DUPS:-0.05}
SEED=${SEED:-42}
BASELINE_OPTS=${JAVA_OPTS:--Xmx4g}
DIRECT_OPTS=${JAVA_OPTS:--Xmx1g}
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

TIME=/usr/bin/time
[ -x "$TIME" ] || TIME=""

args_of() { grep -v '^\s*#' "runners/$1.args" | tr '\n' ' '; }

# runs "$@" measuring wall seconds and peak RSS (KB) into $WALL and $RSS
measure() {
  local tf="$B/runs/time.txt" start end
  start=$(date +%s.%N)
  if [ -n "$TIME" ]; then
    set +e; "$TIME" -v -o "$tf" "$@" > "$B/runs/last.out" 2> "$B/runs/last.err"; RC=$?; set -e
    RSS=$(awk -F: '/Maximum resident set size/ {gsub(/ /,"",$2); print $2}' "$tf")
  else
    # no GNU time: sample /proc/<pid>/status VmHWM until the process ends
    set +e; "$@" > "$B/runs/last.out" 2> "$B/runs/last.err" & local pid=$!; RSS=0
    while kill -0 $pid 2>/dev/null; do
      local h; h=$(awk '/VmHWM/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
      [ -n "$h" ] && [ "$h" -gt "$RSS" ] && RSS=$h; sleep 0.2
    done; wait $pid; RC=$?; set -e
  fi
  end=$(date +%s.%N)
  WALL=$(echo "$end - $start" | bc -l)
}

echo "bench: sizes [$SIZES], $RUNS run(s) each, runners [$RUNNERS], dirt $DIRT, duplicates $DUPS, seed $SEED, expectations $EXPECT, unique $UNIQUE; JVM: baseline $BASELINE_OPTS, direct $DIRECT_OPTS, flink $FLINK_OPTS"
echo "bench: load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
for n in $SIZES; do
  data="$B/data/orders-$n-$DIRT-$DUPS-$SEED.jsonl"
  [ -s "$data" ] || java -cp "$CP" dev.cauce.bench.Generate --records="$n" --dirt="$DIRT" --duplicates="$DUPS" --seed="$SEED" --out="$data"
  bytes=$(stat -c %s "$data")
  for runner in $RUNNERS; do
    if [ "$runner" = direct ] && [ "$n" -gt "$MAX_DIRECT" ]; then
      echo "bench: direct $n skipped (above MAX_DIRECT=$MAX_DIRECT: the Direct runner holds whole collections in memory)"
      continue
    fi
    for r in $(seq 1 "$RUNS"); do
      out="$B/out/$runner-$n-$r"
      rm -rf "$out" "$B/state"
      jfr=""
      [ "$JFR" = 1 ] && jfr="-XX:+FlightRecorder -XX:StartFlightRecording=filename=$B/jfr/$runner-$n-$r.jfr,settings=profile"
      load=$(cut -d' ' -f1 /proc/loadavg)
      job="--input=$data --output=$out --reprocess=true --stateStore=$B/state --runId=bench-$runner-$n-$r"
      case $runner in
        baseline) measure java $BASELINE_OPTS $jfr -cp "$CP" dev.cauce.bench.Baseline --spec="$SPEC" --input="$data" --output="$out" --sinks="$BASELINE_SINKS" ;;
        direct)   measure java $DIRECT_OPTS $jfr -cp "$CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of direct) $EXTRA ;;
        flink-p1) measure java $FLINK_OPTS $jfr -cp "$CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of flink-local) --parallelism=1 $EXTRA ;;
        flink-p2) measure java $FLINK_OPTS $jfr -cp "$CP" dev.cauce.Cauce --spec="$SPEC" $job $(args_of flink-local) --parallelism=2 $EXTRA ;;
        *) echo "bench: unknown runner $runner" >&2; exit 2 ;;
      esac
      if [ "$runner" = baseline ]; then
        line=$(grep '^BASELINE ' "$B/runs/last.out" | cut -d' ' -f2- || true)
        run_ms=$(echo "$line" | python3 -c 'import json,sys; print(json.load(sys.stdin)["run_ms"])' 2>/dev/null || echo -1)
        ok=$(echo "$line" | python3 -c 'import json,sys; print("OK" if json.load(sys.stdin)["conservation"] else "BROKEN")' 2>/dev/null || echo "?")
        counts=$(echo "$line" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%d/%d/%d/%d" % (d["read"],d["written"],d["rejected"],d["duplicates"]))' 2>/dev/null || echo "?")
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
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$runner" "$n" "$r" "$WALL" "$run_ms" "$RSS" "$ok" "$bytes" "$load" "$counts" >> "$RAW"
      printf 'bench: %-9s %9d run %d: wall %6.2f s, in-pipeline %s ms, peak RSS %d MB, check %s, read/written/rejected/duplicates %s, load %s\n' \
        "$runner" "$n" "$r" "$WALL" "$run_ms" $((RSS / 1024)) "$ok" "$counts" "$load"
      [ "$RC" = 0 ] || { echo "--- last stderr:"; tail -20 "$B/runs/last.err"; }
      rm -rf "$out"
    done
  done
done
if [ "$SAMPLE" = 1 ]; then
  # what `make run` does after the build: the orders sample on the Direct runner, its own JVM
  for r in $(seq 1 "$RUNS"); do
    out="$B/out/sample-$r"; rm -rf "$out" "$B/state"
    load=$(cut -d' ' -f1 /proc/loadavg)
    measure java -Xmx2g -cp "$CP" dev.cauce.Cauce --spec=pipelines/orders.yaml $(args_of direct) --output="$out" --stateStore="$B/state" --runId=bench-sample-$r
    ok=$(grep -q 'check: read 157 = written 116 + rejected 33 + duplicates 8  OK' "$B/runs/last.out" && echo OK || echo BROKEN)
    [ "$RC" = 0 ] || ok="$ok(exit $RC)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' sample 157 "$r" "$WALL" -1 "$RSS" "$ok" 0 "$load" "157/116/33/8" >> "$RAW"
    printf 'bench: sample (make run, orders, Direct) run %d: wall %6.2f s, peak RSS %d MB, check %s, load %s\n' "$r" "$WALL" $((RSS / 1024)) "$ok" "$load"
    rm -rf "$out"
  done
fi
echo "bench: load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 runners/bench/table.py "$RAW" "$B/results.md" "$B/results.json" "$RUNS"

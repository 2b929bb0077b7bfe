#!/usr/bin/env bash
# A real standalone Flink 1.19.0 session cluster (one JobManager, TaskManagers as separate JVMs) built
# from Maven jars: there is no Flink tarball here. Everything it keeps (pids, logs, temporary and blob
# directories, the resolved classpath) is under work/flink/ at the repository root (git-ignored).
#
#   runners/flink/cluster.sh up        start the JobManager and one TaskManager; wait for a free slot
#   runners/flink/cluster.sh down      stop every TaskManager, then the JobManager (SIGTERM, then SIGKILL)
#   runners/flink/cluster.sh status    processes, the REST overview, the job list, where the logs are
#   runners/flink/cluster.sh tm-kill   kill -9 every running TaskManager (failure tests)
#   runners/flink/cluster.sh tm-start  start one more TaskManager and wait until it has registered
#   runners/flink/cluster.sh run [flink run options] JAR [ARGS]   Flink's own `flink run` client against
#                                      this cluster (CliFrontend from the same Maven jars)
#
# Exit codes: 0 done; 1 failed; 2 usage; 3 (status, tm-start) the cluster is not running.
# Environment: FLINK_UP_TIMEOUT (s, default 60), FLINK_STOP_TIMEOUT (s, default 15), JAVA_HOME;
# FLINK_REST_PORT and FLINK_RPC_PORT override rest.port and jobmanager.rpc.port of config.yaml (every
# other port is already picked free), FLINK_STATE_DIR the state folder: a second cluster beside the
# first (tests start theirs on free ports, so they pass while another Flink holds 8081).
# Configuration: runners/flink/config.yaml (ports, memory, slots, restart strategy) and
# runners/flink/log4j.properties; the classpath comes from runners/flink/pom.xml.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CONF="$HERE"
STATE="${FLINK_STATE_DIR:-$ROOT/work/flink}"
CP_CACHE="$ROOT/work/flink" # the resolved classpath, shared by every cluster of this checkout
LOG="$STATE/log"
TMP="$STATE/tmp"
UP_TIMEOUT="${FLINK_UP_TIMEOUT:-60}"
STOP_TIMEOUT="${FLINK_STOP_TIMEOUT:-15}"

JM_CLASS=org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint
TM_CLASS=org.apache.flink.runtime.taskexecutor.TaskManagerRunner
UTILS_CLASS=org.apache.flink.runtime.util.bash.BashJavaUtils

# Flink's own JVM options for Java 17 (env.java.opts.all in Flink 1.19's default config.yaml).
JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED
  --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED
  --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

say() { echo "flink: $*"; }
die() { echo "flink: ERROR: $*" >&2; exit 1; }

# A key of config.yaml (flattened form, as written there).
conf_value() { sed -n "s/^$1:[[:space:]]*\([^[:space:]#]*\).*/\1/p" "$CONF/config.yaml" | tail -n 1; }
REST_PORT="${FLINK_REST_PORT:-$(conf_value 'rest\.port')}"; REST_PORT="${REST_PORT:-8081}"
RPC_PORT="${FLINK_RPC_PORT:-$(conf_value 'jobmanager\.rpc\.port')}"; RPC_PORT="${RPC_PORT:-6123}"
REST="http://127.0.0.1:$REST_PORT"

# ---------------------------------------------------------------- HTTP without assuming curl
http_get() { # URL: the body on stdout; non-zero when nothing answers within 3 s
  local url="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 3 "$url" 2>/dev/null
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c 'import sys, urllib.request
sys.stdout.write(urllib.request.urlopen(sys.argv[1], timeout=3).read().decode())' "$url" 2>/dev/null
  else # bash's /dev/tcp: HTTP/1.0, so the server closes the connection after the body
    local rest="${url#http://}" hostport path
    hostport="${rest%%/*}"; path="/${rest#*/}"
    timeout 3 bash -c 'exec 3<>"/dev/tcp/${1%:*}/${1#*:}" || exit 1
      printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$1" >&3
      sed "1,/^\r\{0,1\}$/d" <&3' _ "$hostport" "$path" 2>/dev/null
  fi
}

port_in_use() { # PORT: something accepts connections on 127.0.0.1:PORT
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

json_num() { # KEY < JSON: the first numeric value of "KEY" (empty when absent)
  { grep -o "\"$1\":[0-9-]*" || true; } | head -n 1 | cut -d: -f2
}

# ---------------------------------------------------------------- our processes
pid_of() { cat "$STATE/$1.pid" 2>/dev/null || true; } # jobmanager | taskmanager-N

alive() { # PID CLASS: the pid is running CLASS with our log directory (not a recycled pid)
  local pid="$1" cls="$2" cmd
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)"; else cmd="$(ps -ww -o args= -p "$pid" 2>/dev/null)"; fi
  [[ "$cmd" == *"$cls"* && "$cmd" == *"-Dlog.file=$LOG/"* ]]
}

jm_alive() { alive "$(pid_of jobmanager)" "$JM_CLASS"; }

tm_names() { # every taskmanager-N with a pid file, in start order
  local f
  for f in "$STATE"/taskmanager-*.pid; do [[ -e "$f" ]] && basename "$f" .pid; done | sort -t- -k2 -n
}

alive_tms() { # the names of the TaskManagers that are running
  local n
  for n in $(tm_names); do alive "$(pid_of "$n")" "$TM_CLASS" && echo "$n"; done
  return 0
}

tail_logs() {
  local f
  for f in "$LOG"/jobmanager.log "$LOG"/jobmanager.out "$LOG"/taskmanager-*.log "$LOG"/taskmanager-*.out; do
    [[ -s "$f" ]] || continue
    echo "----- last 30 lines of ${f#"$ROOT"/}" >&2
    tail -n 30 "$f" >&2
  done
}

# ---------------------------------------------------------------- classpath and JVM parameters
classpath() { # resolved once; again when runners/flink/pom.xml changes or a jar has gone
  local cpf="$CP_CACHE/classpath.txt" keyf="$CP_CACHE/classpath.key" key jar ok=1
  mkdir -p "$CP_CACHE"
  key="$(cksum <"$CONF/pom.xml")"
  if [[ -s "$cpf" && "$(cat "$keyf" 2>/dev/null)" == "$key" ]]; then
    local IFS=:
    for jar in $(cat "$cpf"); do [[ -f "$jar" ]] || { ok=0; break; }; done
    [[ $ok == 1 ]] && { cat "$cpf"; return 0; }
  fi
  echo "flink: resolving the cluster classpath from runners/flink/pom.xml (mvn dependency:build-classpath)" >&2
  mvn -B -q -Dstyle.color=never -f "$CONF/pom.xml" dependency:build-classpath -Dmdep.outputFile="$cpf.tmp" </dev/null >&2 \
    || die "could not resolve the Flink cluster classpath (mvn -f runners/flink/pom.xml dependency:build-classpath)"
  mv "$cpf.tmp" "$cpf"
  echo "$key" >"$keyf"
  cat "$cpf"
}

check_java() {
  local v major
  v="$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)" || true
  [[ -n "$v" ]] || die "no java found (JAVA_HOME=${JAVA_HOME:-unset}); Flink 1.19 needs Java 11 or 17"
  major="${v%%.*}"; [[ "$major" == 1 ]] && major="$(echo "$v" | cut -d. -f2)"
  if ((major < 11 || major > 21)); then
    die "$JAVA is Java $v; Flink 1.19 runs on Java 11 or 17 (set JAVA_HOME to a Java 17)"
  fi
}

resource_params() { # JM|TM: two lines, the JVM flags and the -D memory properties (as Flink's bin scripts)
  local out log="$LOG/bash-java-utils-$1.log"
  # log4j's default configuration: errors only, to the console, i.e. into $log
  "$JAVA" -Dlog4j2.statusLoggerLevel=OFF -cp "$CP" "$UTILS_CLASS" "GET_$1_RESOURCE_PARAMS" --configDir "$CONF" >"$log" 2>&1 || true
  out="$(grep '^BASH_JAVA_UTILS_EXEC_RESULT:' "$log" | sed 's/^BASH_JAVA_UTILS_EXEC_RESULT://')" || true
  [[ "$(echo "$out" | grep -c .)" == 2 ]] || { cat "$log" >&2; die "BashJavaUtils GET_$1_RESOURCE_PARAMS gave no memory settings for runners/flink/config.yaml (output above, in ${log#"$ROOT"/})"; }
  echo "$out"
}

launch() { # NAME CLASS JVM_FLAGS ARGS...: start one cluster JVM in the background, detached
  local name="$1" cls="$2" jvm="$3"; shift 3
  local dir="$TMP/$name"
  rm -rf "$dir"; mkdir -p "$dir/io" "$dir/blob" "$LOG" "$STATE/plugins" # plugins: none, but Flink looks
  # The JVMs run in the repository root, like `make run`: a spec's relative paths (pipelines/data/...,
  # out/...) are resolved by the TaskManagers, and must name the same files as on the client.
  # shellcheck disable=SC2086 # the JVM flags are words
  (cd "$ROOT" && export FLINK_PLUGINS_DIR="$STATE/plugins" && exec setsid nohup "$JAVA" "${JAVA17_OPTS[@]}" $jvm \
    -Dlog.file="$LOG/$name.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -cp "$CP" "$cls" --configDir "$CONF" "$@" \
    -D io.tmp.dirs="$dir/io" -D blob.storage.directory="$dir/blob" \
    -D rest.port="$REST_PORT" -D jobmanager.rpc.port="$RPC_PORT" \
    </dev/null >>"$LOG/$name.out" 2>&1) &
  echo $! >"$STATE/$name.pid"
}

start_jm() {
  local p jvm dyn
  p="$(resource_params JM)"; jvm="$(sed -n 1p <<<"$p")"; dyn="$(sed -n 2p <<<"$p")"
  # shellcheck disable=SC2086
  launch jobmanager "$JM_CLASS" "$jvm" --executionMode cluster $dyn -D web.tmpdir="$TMP/jobmanager/web"
}

start_tm() { # prints the new TaskManager's name
  local p jvm dyn n=1 name
  [[ -s "$STATE/tm-counter" ]] && n=$(($(cat "$STATE/tm-counter") + 1))
  echo "$n" >"$STATE/tm-counter"
  name="taskmanager-$n"
  p="$(resource_params TM)"; jvm="$(sed -n 1p <<<"$p")"; dyn="$(sed -n 2p <<<"$p")"
  # shellcheck disable=SC2086
  launch "$name" "$TM_CLASS" "$jvm" $dyn -D taskmanager.resource-id="cauce-$name" >/dev/null
  echo "$name"
}

wait_ready() { # TM_NAME [any]: poll the REST API until that TaskManager has registered and (unless
  # "any": a running job may hold every slot) a task slot is free
  local tm="$1" need_free="${2:-free}" deadline=$((SECONDS + UP_TIMEOUT)) overview free tms
  while ((SECONDS < deadline)); do
    jm_alive || { tail_logs; die "the JobManager exited during start-up (logs above, all in ${LOG#"$ROOT"/}/)"; }
    alive "$(pid_of "$tm")" "$TM_CLASS" || { tail_logs; die "$tm exited during start-up (logs above, all in ${LOG#"$ROOT"/}/)"; }
    if overview="$(http_get "$REST/overview")" && tms="$(http_get "$REST/taskmanagers")" \
        && grep -q "\"cauce-$tm\"" <<<"$tms"; then
      [[ "$need_free" == any ]] && return 0
      free="$(json_num slots-available <<<"$overview")"
      [[ -n "$free" ]] && ((free >= 1)) && return 0
    fi
    sleep 0.5
  done
  tail_logs
  die "$tm not registered (or no free task slot) at $REST after ${UP_TIMEOUT}s (logs above, all in ${LOG#"$ROOT"/}/)"
}

stop_pids() { # SIGNAL-WAIT NAME...: SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL
  local names=("$@") n pid deadline=$((SECONDS + STOP_TIMEOUT)) left
  for n in "${names[@]}"; do pid="$(pid_of "$n")"; kill -TERM "$pid" 2>/dev/null || true; done
  while :; do
    left=()
    for n in "${names[@]}"; do
      pid="$(pid_of "$n")"
      kill -0 "$pid" 2>/dev/null && left+=("$n")
    done
    ((${#left[@]} == 0)) && break
    if ((SECONDS >= deadline)); then
      for n in "${left[@]}"; do
        say "$n (pid $(pid_of "$n")) still running after ${STOP_TIMEOUT}s: SIGKILL"
        kill -KILL "$(pid_of "$n")" 2>/dev/null || true
      done
      deadline=$((SECONDS + 5))
      sleep 0.2
      continue
    fi
    sleep 0.2
  done
  for n in "${names[@]}"; do rm -f "$STATE/$n.pid"; rm -rf "${TMP:?}/$n"; done
}

# ---------------------------------------------------------------- subcommands
cmd_up() {
  mkdir -p "$STATE" "$LOG" "$TMP"
  if jm_alive; then
    local tms
    tms="$(alive_tms)"
    if [[ -z "$tms" ]]; then
      say "the JobManager is running but no TaskManager is: starting one"
      tms="$(start_tm)"
    fi
    wait_ready "$(tail -n 1 <<<"$tms")" any
    say "already running (JobManager pid $(pid_of jobmanager)); web UI $REST"
    return 0
  fi
  # not ours: is the port taken?
  local port what
  for port in "$REST_PORT" "$RPC_PORT"; do
    if port_in_use "$port"; then
      what="rest.port"; [[ "$port" == "$RPC_PORT" ]] && what="jobmanager.rpc.port"
      if [[ "$port" == "$REST_PORT" ]] && http_get "$REST/overview" | grep -q flink-version; then
        what="$what; a Flink cluster this checkout did not start answers there (another checkout's work/flink/?)"
      fi
      die "port $port on 127.0.0.1 is already in use ($what, runners/flink/config.yaml). Find what holds it with: ss -ltnp 'sport = :$port'   (or: lsof -iTCP:$port -sTCP:LISTEN)"
    fi
  done
  check_java
  local started=$SECONDS tm
  CP="$(classpath)"
  # stale state from a crashed or killed cluster: pid files, temporary and blob directories; the
  # previous cluster's logs move to log/previous/
  rm -f "$STATE"/jobmanager.pid "$STATE"/taskmanager-*.pid "$STATE/tm-counter"
  rm -rf "${TMP:?}"/* "$LOG/previous"
  mkdir -p "$LOG/previous"
  find "$LOG" -maxdepth 1 -type f -exec mv {} "$LOG/previous/" \;
  say "starting the JobManager and a TaskManager (Flink 1.19.0, config runners/flink/config.yaml)"
  start_jm
  tm="$(start_tm)"
  if ! (wait_ready "$tm"); then
    say "start-up failed: stopping what was started"
    local left
    left="$(alive_tms)"; jm_alive && left="$left jobmanager"
    # shellcheck disable=SC2086
    [[ -n "${left// /}" ]] && stop_pids $left >/dev/null 2>&1 || true
    exit 1
  fi
  local overview
  overview="$(http_get "$REST/overview")"
  say "up in $((SECONDS - started))s: JobManager pid $(pid_of jobmanager), $tm pid $(pid_of "$tm"), $(json_num slots-available <<<"$overview") free slots"
  say "web UI: $REST    logs: ${LOG#"$ROOT"/}/"
}

cmd_down() {
  local tms jm=""
  tms="$(alive_tms)"
  jm_alive && jm=jobmanager
  if [[ -z "$tms" && -z "$jm" ]]; then
    rm -f "$STATE"/jobmanager.pid "$STATE"/taskmanager-*.pid
    say "not running"
    return 0
  fi
  local started=$SECONDS
  # shellcheck disable=SC2086
  [[ -n "$tms" ]] && stop_pids $tms
  [[ -n "$jm" ]] && stop_pids jobmanager
  rm -f "$STATE"/taskmanager-*.pid
  say "stopped in $((SECONDS - started))s (logs kept in ${LOG#"$ROOT"/}/)"
}

cmd_status() {
  local tms n overview jobs running=0
  if jm_alive; then
    say "JobManager running, pid $(pid_of jobmanager)"; running=1
  else
    say "JobManager not running"
  fi
  tms="$(alive_tms)"
  for n in $tms; do say "$n running, pid $(pid_of "$n")"; done
  [[ -z "$tms" ]] && say "no TaskManager running"
  if overview="$(http_get "$REST/overview")"; then
    say "REST $REST: flink $(grep -o '"flink-version":"[^"]*"' <<<"$overview" | cut -d'"' -f4)," \
      "taskmanagers $(json_num taskmanagers <<<"$overview"), slots $(json_num slots-available <<<"$overview") free of $(json_num slots-total <<<"$overview")," \
      "jobs running $(json_num jobs-running <<<"$overview"), finished $(json_num jobs-finished <<<"$overview"), cancelled $(json_num jobs-cancelled <<<"$overview"), failed $(json_num jobs-failed <<<"$overview")"
    if jobs="$(http_get "$REST/jobs/overview")"; then
      # one job per line: id, state, duration, name
      sed 's/{"jid"/\n{"jid"/g' <<<"$jobs" | { grep '^{"jid"' || true; } | while IFS= read -r j; do
        printf '  job %s  %-9s %6ss  %s\n' "$(cut -d'"' -f4 <<<"$j")" \
          "$(grep -o '"state":"[^"]*"' <<<"$j" | cut -d'"' -f4)" \
          "$(($(json_num duration <<<"$j") / 1000))" \
          "$(grep -o '"name":"[^"]*"' <<<"$j" | head -n 1 | cut -d'"' -f4)"
      done
    fi
  else
    say "REST $REST: no answer"
  fi
  say "logs: ${LOG#"$ROOT"/}/ (jobmanager.log, taskmanager-N.log; *.out hold the JVMs' stdout/stderr; previous/ the last cluster's)"
  ((running)) || exit 3
}

cmd_tm_kill() {
  local tms n
  tms="$(alive_tms)"
  [[ -n "$tms" ]] || die "no TaskManager is running"
  for n in $tms; do
    say "kill -9 $n (pid $(pid_of "$n"))"
    kill -KILL "$(pid_of "$n")" 2>/dev/null || true
  done
  local deadline=$((SECONDS + 10))
  for n in $tms; do
    while kill -0 "$(pid_of "$n")" 2>/dev/null; do
      ((SECONDS < deadline)) || die "$n (pid $(pid_of "$n")) survived kill -9 for 10s"
      sleep 0.1
    done
    rm -f "$STATE/$n.pid"; rm -rf "${TMP:?}/$n" # what kill -9 leaves behind: the extracted rpc jar
  done
}

cmd_tm_start() {
  jm_alive || { echo "flink: the JobManager is not running; start the cluster with: make flink-up" >&2; exit 3; }
  check_java
  CP="$(classpath)"
  local tm started=$SECONDS
  tm="$(start_tm)"
  wait_ready "$tm" any
  say "$tm up in $((SECONDS - started))s (pid $(pid_of "$tm"))"
}

cmd_run() { # flink run against this cluster: main runs in this client JVM, the job on the cluster
  jm_alive || http_get "$REST/overview" >/dev/null || { echo "flink: no cluster answers at $REST; start it with: make flink-up" >&2; exit 3; }
  check_java
  CP="$(classpath)"
  FLINK_CONF_DIR="$CONF" exec "$JAVA" "${JAVA17_OPTS[@]}" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
    -cp "$CP" org.apache.flink.client.cli.CliFrontend run -m "127.0.0.1:$REST_PORT" "$@"
}

case "${1:-}" in
  up) cmd_up ;;
  run) shift; cmd_run "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  tm-kill) cmd_tm_kill ;;
  tm-start) cmd_tm_start ;;
  *) echo "usage: $0 up|down|status|tm-kill|tm-start|run [flink run options] JAR [ARGS]" >&2; exit 2 ;;
esac

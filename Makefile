# cauce: `make run` and `make test` are the two commands; `make help` lists the rest.
PIPELINE ?= orders
RUNNER   ?= direct
ARGS     ?=
MVN      ?= mvn -B -q -Dstyle.color=never

SPEC        := pipelines/$(PIPELINE).yaml
RUNNER_ARGS := $(shell cat runners/$(RUNNER).args 2>/dev/null | grep -v '^\s*\#' | tr '\n' ' ')
# the runner's JVM options (runners/<runner>.jvm, if any), before JAVA_OPTS so JAVA_OPTS can override them
RUNNER_JVM_OPTS := $(shell cat runners/$(RUNNER).jvm 2>/dev/null | grep -v '^\s*\#' | tr '\n' ' ')

.PHONY: help run check test build clean demo-api

help:
	@echo "make run   [PIPELINE=orders] [RUNNER=direct] [ARGS='--input=... --output=...']  run one pipeline"
	@echo "make check [PIPELINE=orders]    check the spec and inputs without running (exit 2 on problems)"
	@echo "make test                       run the whole test suite"
	@echo "make options                    list every option (--help)"
	@echo "make demo-api  [RUNNER=direct]  serve a sample API on 127.0.0.1:8765 and run pipelines/api_orders.yaml on it"
	@echo "make build                      compile"
	@echo "make clean                      remove build output and out/"
	@echo "make flink-up | flink-down | flink-status   a local Flink 1.19 session cluster (runners/flink/cluster.sh)"
	@echo "make submit [PIPELINE=orders] [ARGS=...]     run a pipeline on that cluster (Beam's client; ships the lean cluster jar)"
	@echo "make flink-run [PIPELINE=orders] [ARGS=...]  the same through Flink's own flink run client"
	@echo "make cluster-jar | bundled-jar  the lean jar for a Flink cluster (REST upload, web UI, flink run) | the self-contained one"
	@echo "make status [ARGS='--pipeline=orders --limit=10 --stateStore=redis://127.0.0.1:6379/0']  latest runs from the state store"
	@echo "make run-all [RUNNER=direct] [ARGS=...]  run every pipeline in dependency order (depends_on)"
	@echo "make airflow-dag [RUNNER=direct] [ARGS=...]  write out/airflow/cauce_dag.py: an Airflow DAG of every pipeline"
	@echo "runners/cauce [--runner-profile=direct] --spec=... [options]  run one pipeline from any directory, keeping cauce's exit codes"
	@echo "  (make turns every failing command into its own exit code 2; runners/cauce passes 1, 2, 3, ... on unchanged)"

# `make run` starts the job in its own JVM with the classpath Maven resolved (cached in target/),
# so embedded Flink finds its classes on the system class path and cauce's exit code reaches the
# shell unchanged. `mvn compile exec:java -Dexec.args="--spec=pipelines/orders.yaml"` works too
# (Direct runner only: embedded Flink cannot run inside Maven's class loader).
JAVA_OPTS ?= -Xmx2g
BUNDLED_JAR := target/cauce-0.1.0-SNAPSHOT-bundled.jar
CLASSPATH  = target/classpath.txt
SOURCES   := $(shell find src/main -type f 2>/dev/null)
JAVA_CP    = java $(RUNNER_JVM_OPTS) $(JAVA_OPTS) $(CDS) -cp $(RUN_JAR):$$(cat $(CLASSPATH))
CAUCE      = $(JAVA_CP) dev.cauce.Cauce

# Start-up: the JVM loads ~10,000 classes from ~200 jars for a run (Beam, the runner, Jackson,
# Parquet...), about half of a sample run's CPU. Class-data sharing maps them from an archive
# instead: the first run after a build writes it at exit (-XX:ArchiveClassesAtExit), later runs use
# it (-XX:SharedArchiveFile; the JVM checks the jars against it and ignores a stale one). CDS cannot
# archive classes from a directory, hence cauce's classes as a jar (target/cauce-run.jar).
# CDS= (empty) turns it off.
RUN_JAR := target/cauce-run.jar
RUN_JSA := target/cauce-run.jsa
# (expanded when a recipe runs, so after the jar is rebuilt)
CDS ?= $(if $(shell [ $(RUN_JSA) -nt $(RUN_JAR) ] && [ $(RUN_JSA) -nt $(CLASSPATH) ] && echo fresh),\
  -XX:SharedArchiveFile=$(RUN_JSA),-XX:ArchiveClassesAtExit=$(RUN_JSA)) -Xlog:cds=off -Xlog:cds+dynamic=off

$(RUN_JAR): target/classes/.compiled
	rm -f $(RUN_JSA)
	jar cf $@ -C target/classes .

$(CLASSPATH): pom.xml
	$(MVN) dependency:build-classpath -Dmdep.outputFile=$(CLASSPATH) -Dmdep.includeScope=runtime

target/classes/.compiled: $(SOURCES) pom.xml
	$(MVN) compile
	@touch $@

run: runner-file $(CLASSPATH) $(RUN_JAR)
	$(CAUCE) --spec=$(SPEC) $(RUNNER_ARGS) $(ARGS)

check: runner-file $(CLASSPATH) $(RUN_JAR)
	$(CAUCE) --spec=$(SPEC) $(RUNNER_ARGS) --dryRun=true $(ARGS)

options: $(CLASSPATH) $(RUN_JAR)
	@$(CAUCE) --help

# unit tests (surefire), the shaded jar (package), then the integration tests against a real Flink
# cluster (failsafe: *IT.java)
test:
	mvn -B verify

# `make demo-api`: a local sample API (WireMock on 127.0.0.1:8765, pages in pipelines/data/api/)
# and pipelines/api_orders.yaml run against it; the server stops when the run ends. Offline.
TEST_CLASSPATH = target/test-classpath.txt
TEST_SOURCES  := $(shell find src/test -type f 2>/dev/null)

$(TEST_CLASSPATH): pom.xml
	$(MVN) dependency:build-classpath -Dmdep.outputFile=$(TEST_CLASSPATH) -Dmdep.includeScope=test

target/test-classes/.compiled: $(SOURCES) $(TEST_SOURCES) pom.xml
	$(MVN) test-compile
	@touch $@ target/classes/.compiled

demo-api: $(TEST_CLASSPATH) target/test-classes/.compiled
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args"; exit 2; }
	CAUCE_DEMO_TOKEN=demo-token-123 java $(JAVA_OPTS) -Dlogback.configurationFile=src/main/resources/logback.xml \
	  -cp target/test-classes:target/classes:$$(cat $(TEST_CLASSPATH)) \
	  dev.cauce.demo.ApiDemo $(RUNNER_ARGS) $(ARGS)

build: target/classes/.compiled

clean:
	$(MVN) clean
	rm -rf out

# Options given in ARGS replace the same options of a runner profile (cauce keeps the last occurrence),
# e.g. make run RUNNER=flink-local ARGS=--parallelism=1
.PHONY: runner-file runner-profile spec-file
runner-file: spec-file runner-profile
runner-profile:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }
spec-file:
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

# ------------------------------------------------------------------------------------------ Flink
# A standalone Flink 1.19.0 session cluster on this machine: a JobManager and a TaskManager (2
# slots) started from Maven jars by runners/flink/cluster.sh; state and logs in work/flink/. `make
# submit` runs a pipeline on it with Beam's client: the driver runs here on the Maven classpath (as
# `make run`; under `mvn exec:java` the Flink client cannot load the job's classes) and ships the
# lean cluster jar. `make flink-run` does the same through Flink's own `flink run` client.
CLUSTER_JAR := target/cauce-0.1.0-SNAPSHOT-cluster.jar
FLINK_ARGS  := $(shell grep -v '^\s*\#' runners/flink-cluster.args | tr '\n' ' ')

.PHONY: flink-up flink-down flink-status submit flink-run cluster-jar bundled-jar

flink-up:
	@runners/flink/cluster.sh up

flink-down:
	@runners/flink/cluster.sh down

flink-status:
	@runners/flink/cluster.sh status

# The jars are rebuilt only when missing or older than the pom or a main source/resource; each
# target shades only its own jar (tests are not compiled).
$(CLUSTER_JAR): pom.xml $(SOURCES)
	$(MVN) package -Dmaven.test.skip=true -Dcauce.skipBundled=true

$(BUNDLED_JAR): pom.xml $(SOURCES)
	$(MVN) package -Dmaven.test.skip=true -Dcauce.skipCluster=true

cluster-jar: $(CLUSTER_JAR)
bundled-jar: $(BUNDLED_JAR)

submit: spec-file $(CLASSPATH) $(RUN_JAR) $(CLUSTER_JAR)
	$(CAUCE) --spec=$(SPEC) $(FLINK_ARGS) --filesToStage=$(CLUSTER_JAR) $(ARGS)

# Flink's `flink run` (main runs in Flink's client, the job on the cluster; --flinkMaster is Flink's -m)
flink-run: spec-file $(CLUSTER_JAR)
	runners/flink/cluster.sh run -c dev.cauce.Cauce $(CLUSTER_JAR) --spec=$(abspath $(SPEC)) $(filter-out --flinkMaster=%,$(FLINK_ARGS)) $(ARGS)

# ---- operating cauce: run state, dependencies ------------------------------------------------
# `make status` reads the state store (default the repository's .cauce/state/, as runs of its specs;
# ARGS='--stateStore=redis://...');
# `make run-all` runs every pipelines/*.yaml in depends_on order, skipping what is downstream of a
# failure and what has nothing new to ingest.
.PHONY: status run-all
status: $(CLASSPATH) $(RUN_JAR)
	@$(JAVA_CP) dev.cauce.orchestrate.Status --baseDir=$(CURDIR) $(ARGS)

run-all: runner-profile $(CLASSPATH) $(RUN_JAR)
	$(JAVA_CP) dev.cauce.RunAll $(RUNNER_ARGS) $(ARGS)

# `make airflow-dag`: out/airflow/cauce_dag.py (or ARGS=--dagFile=...), one task per pipelines/*.yaml
# calling runners/cauce by its absolute path; ARGS adds --schedule=@daily, --retries=N, cauce options
# for every task (e.g. --stateStore=redis://...). See "Orchestrating with Airflow" in the README.
.PHONY: airflow-dag
airflow-dag: runner-profile $(CLASSPATH) $(RUN_JAR)
	$(JAVA_CP) dev.cauce.AirflowDag --launcher=$(CURDIR)/runners/cauce --runnerProfile=$(RUNNER) $(ARGS)


# ------------------------------------------------------------------------------------------ bench
# `make bench [SIZES="100000 1000000"] [RUNS=3] [RUNNERS="duckdb baseline direct flink-p1 flink-p2"] [JFR=1]
# [JAVA_OPTS=...] [RUNNER_JVM=0] [EXPECT=1] [UNIQUE=1] [DEPS=1]`: generated orders-like JSONL (dev.cauce.bench.Generate, seeded) through DuckDB
# running the same job in SQL (dev.cauce.bench.DuckDbPeer, test sources), a plain-Java single-thread
# baseline of the same logic (dev.cauce.bench.Baseline) and cauce on the Direct runner and embedded
# Flink p=1 and p=2, each run its own JVM, interleaved round-robin, plus `make run`'s job; medians of
# wall time, CPU time, in-pipeline time, records/s, MB/s, ratios to DuckDB and the baseline, peak RSS
# and the counts check, and issue 16's targets met or missed, printed and written to
# target/bench/results.md and .json (runners/bench/bench.sh; needs python3 and /usr/bin/time).
# JAVA_OPTS given here replaces the bench's per-runner heaps (see bench.sh).
# cauce runs get their runner profile's JVM options (runners/*.jvm); RUNNER_JVM=0 leaves them out.
.PHONY: bench
SIZES ?= 100000 1000000
RUNS  ?= 3
bench: $(CLASSPATH) $(TEST_CLASSPATH) target/test-classes/.compiled
	SIZES="$(SIZES)" RUNS="$(RUNS)" $(if $(filter command line environment,$(origin JAVA_OPTS)),JAVA_OPTS="$(JAVA_OPTS)") $(if $(RUNNERS),RUNNERS="$(RUNNERS)") $(if $(JFR),JFR="$(JFR)") $(if $(EXPECT),EXPECT="$(EXPECT)") $(if $(UNIQUE),UNIQUE="$(UNIQUE)") $(if $(DEPS),DEPS="$(DEPS)") $(if $(RUNNER_JVM),RUNNER_JVM="$(RUNNER_JVM)") runners/bench/bench.sh

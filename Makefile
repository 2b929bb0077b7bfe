# cauce: `make run` and `make test` are the two commands; `make help` lists the rest.
PIPELINE ?= orders
RUNNER   ?= direct
ARGS     ?=
MVN      ?= mvn -B -q -Dstyle.color=never

SPEC        := pipelines/$(PIPELINE).yaml
RUNNER_ARGS := $(shell cat runners/$(RUNNER).args 2>/dev/null | grep -v '^\s*\#' | tr '\n' ' ')

.PHONY: help run check test build clean

help:
	@echo "make run   [PIPELINE=orders] [RUNNER=direct] [ARGS='--input=... --output=...']  run one pipeline"
	@echo "make check [PIPELINE=orders]    check the spec and inputs without running (exit 2 on problems)"
	@echo "make test                       run the whole test suite"
	@echo "make options                    list every option (--help)"
	@echo "make build                      compile"
	@echo "make clean                      remove build output and out/"
	@echo "make flink-up | flink-down | flink-status   a local Flink 1.19 session cluster (runners/flink/cluster.sh)"
	@echo "make submit [PIPELINE=orders] [ARGS=...]     run a pipeline on that cluster (the shaded jar, FlinkRunner)"

run: runner-file
	$(MVN) compile exec:java -Dexec.args="--spec=$(SPEC) $(RUNNER_ARGS) $(ARGS)"

check: runner-file
	$(MVN) compile exec:java -Dexec.args="--spec=$(SPEC) $(RUNNER_ARGS) --dryRun=true $(ARGS)"

options:
	@$(MVN) compile exec:java -Dexec.args="--help"

# unit tests (surefire), the shaded jar (package), then the integration tests against a real Flink
# cluster (failsafe: *IT.java)
test:
	mvn -B verify

build:
	$(MVN) compile

clean:
	$(MVN) clean
	rm -rf out

.PHONY: runner-file
runner-file:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

# ------------------------------------------------------------------------------------------ Flink
# A standalone Flink 1.19.0 session cluster on this machine: a JobManager and a TaskManager (2
# slots) started from Maven jars by runners/flink/cluster.sh; state and logs in work/flink/. `make
# submit` runs a pipeline on it from the shaded jar (under `mvn exec:java` the Flink client cannot
# load the job's classes, so it is plain `java -cp`).
BUNDLED_JAR := target/cauce-0.1.0-SNAPSHOT-bundled.jar
FLINK_ARGS  := $(shell grep -v '^\s*\#' runners/flink-cluster.args | tr '\n' ' ')
# an option given in ARGS replaces the same option from runners/flink-cluster.args (Beam refuses an
# option given twice), e.g. make submit ARGS=--parallelism=1
ARG_NAMES    = $(foreach a,$(filter --%,$(ARGS)),$(firstword $(subst =, ,$(a))))
SUBMIT_ARGS  = $(filter-out $(addsuffix =%,$(ARG_NAMES)),$(FLINK_ARGS))

.PHONY: flink-up flink-down flink-status submit

flink-up:
	@runners/flink/cluster.sh up

flink-down:
	@runners/flink/cluster.sh down

flink-status:
	@runners/flink/cluster.sh status

# rebuilt when missing or older than the pom or any main source/resource
$(BUNDLED_JAR): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) package -DskipTests

.PHONY: spec-file
spec-file:
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

submit: spec-file $(BUNDLED_JAR)
	NO_GCE_CHECK=true java -cp $(BUNDLED_JAR) dev.cauce.Cauce --spec=$(SPEC) $(SUBMIT_ARGS) $(if $(filter --filesToStage,$(ARG_NAMES)),,--filesToStage=$(BUNDLED_JAR)) $(ARGS)

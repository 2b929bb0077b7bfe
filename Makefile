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
	@echo "make status [ARGS='--pipeline=orders --limit=10 --stateStore=redis://127.0.0.1:6379/0']  latest runs from the state store"
	@echo "make run-all [RUNNER=direct] [ARGS=...]  run every pipeline in dependency order (depends_on)"

# `make run` starts the job in its own JVM with the classpath Maven resolved (cached in target/),
# so embedded Flink finds its classes on the system class path and cauce's exit code reaches the
# shell unchanged. `mvn compile exec:java -Dexec.args="--spec=pipelines/orders.yaml"` works too
# (Direct runner only: embedded Flink cannot run inside Maven's class loader).
JAVA_OPTS ?= -Xmx2g
CLASSPATH  = target/classpath.txt
SOURCES   := $(shell find src/main -type f 2>/dev/null)
CAUCE      = java $(JAVA_OPTS) -cp target/classes:$$(cat $(CLASSPATH)) dev.cauce.Cauce

$(CLASSPATH): pom.xml
	$(MVN) dependency:build-classpath -Dmdep.outputFile=$(CLASSPATH) -Dmdep.includeScope=runtime

target/classes/.compiled: $(SOURCES) pom.xml
	$(MVN) compile
	@touch $@

run: runner-file $(CLASSPATH) target/classes/.compiled
	$(CAUCE) --spec=$(SPEC) $(RUNNER_ARGS) $(ARGS)

check: runner-file $(CLASSPATH) target/classes/.compiled
	$(CAUCE) --spec=$(SPEC) $(RUNNER_ARGS) --dryRun=true $(ARGS)

options: $(CLASSPATH) target/classes/.compiled
	@$(CAUCE) --help

test:
	mvn -B test

build: target/classes/.compiled

clean:
	$(MVN) clean
	rm -rf out

.PHONY: runner-file
runner-file:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

# ---- operating cauce: run state, dependencies ------------------------------------------------
# `make status` reads the state store (default .cauce/state/; ARGS='--stateStore=redis://...');
# `make run-all` runs every pipelines/*.yaml in depends_on order, skipping what is downstream of a
# failure and what has nothing new to ingest.
JAVA_CP = java $(JAVA_OPTS) -cp target/classes:$$(cat $(CLASSPATH))

.PHONY: status run-all
status: $(CLASSPATH) target/classes/.compiled
	@$(JAVA_CP) dev.cauce.orchestrate.Status $(ARGS)

run-all: runner-file-only $(CLASSPATH) target/classes/.compiled
	$(JAVA_CP) dev.cauce.orchestrate.RunAll $(RUNNER_ARGS) $(ARGS)

.PHONY: runner-file-only
runner-file-only:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }

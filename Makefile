# cauce: `make run` and `make test` are the two commands; `make help` lists the rest.
PIPELINE ?= orders
RUNNER   ?= direct
ARGS     ?=
MVN      ?= mvn -B -q -Dstyle.color=never

SPEC        := pipelines/$(PIPELINE).yaml
RUNNER_ARGS := $(shell cat runners/$(RUNNER).args 2>/dev/null | grep -v '^\s*\#' | tr '\n' ' ')

.PHONY: help run check test build clean demo-api

help:
	@echo "make run   [PIPELINE=orders] [RUNNER=direct] [ARGS='--input=... --output=...']  run one pipeline"
	@echo "make check [PIPELINE=orders]    check the spec and inputs without running (exit 2 on problems)"
	@echo "make test                       run the whole test suite"
	@echo "make options                    list every option (--help)"
	@echo "make demo-api  [RUNNER=direct]  serve a sample API on 127.0.0.1:8765 and run pipelines/api_orders.yaml on it"
	@echo "make build                      compile"
	@echo "make clean                      remove build output and out/"

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

.PHONY: runner-file
runner-file:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

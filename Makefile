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

run: runner-file
	$(MVN) compile exec:java -Dexec.args="--spec=$(SPEC) $(RUNNER_ARGS) $(ARGS)"

check: runner-file
	$(MVN) compile exec:java -Dexec.args="--spec=$(SPEC) $(RUNNER_ARGS) --dryRun=true $(ARGS)"

options:
	@$(MVN) compile exec:java -Dexec.args="--help"

test:
	mvn -B test

build:
	$(MVN) compile

clean:
	$(MVN) clean
	rm -rf out

.PHONY: runner-file
runner-file:
	@test -f runners/$(RUNNER).args || { echo "No runner profile runners/$(RUNNER).args; available: $$(ls runners/*.args | xargs -n1 basename | sed 's/.args//' | tr '\n' ' ')"; exit 2; }
	@test -f $(SPEC) || { echo "No pipeline spec $(SPEC); available: $$(ls pipelines/*.yaml | xargs -n1 basename | sed 's/.yaml//' | tr '\n' ' ')"; exit 2; }

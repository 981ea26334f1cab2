# Entry points. Every target bootstraps what it needs (make tools) first.
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export PATH := $(ROOT)/.tools/bin:$(ROOT)/.tools/venv/bin:$(PATH)
PYTEST := $(ROOT)/.tools/venv/bin/pytest
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k schema -x"
PYTEST_ARGS ?=

.PHONY: help tools test test-fast drills demo publish snapshots bench check-upgrade docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

tools: ## install pinned Helm 4, Helm 3 and every other tool into .tools/
	@scripts/tools.sh all

test: tools ## run the whole test suite (what CI runs)
	$(PYTEST) -n auto --dist loadgroup $(PYTEST_ARGS)

test-fast: tools ## the inner loop: everything except the cluster drills
	$(PYTEST) -n auto --dist loadgroup -m "not cluster" $(PYTEST_ARGS)

drills: tools ## only the release drills, on a throwaway control plane
	$(PYTEST) -n 2 --dist loadgroup -m cluster $(PYTEST_ARGS)

demo: tools ## the main job: publish to an embedded registry, consume from the product-team example, render
	@scripts/demo.sh

publish: tools ## package, sign and push both charts to REGISTRY=oci://host[:port]/path
	@scripts/publish.sh $(PUBLISH_ARGS)

snapshots: tools ## rewrite tests/snapshots/ from the current charts (explicit; refused under CI)
	@scripts/update-snapshots.sh

bench: tools ## measure suite wall time and render overhead; writes docs/performance.md
	@$(ROOT)/.tools/venv/bin/python -m tests.bench

check-upgrade: tools ## immutable-field guard: previous release vs current chart
	$(PYTEST) -p no:randomly tests/test_upgrade_guard.py $(PYTEST_ARGS)

docs: tools ## regenerate docs/values.md from values.schema.json and values.yaml
	@$(ROOT)/.tools/venv/bin/python scripts/gen_values_doc.py

clean: ## remove caches (keeps .tools/)
	rm -rf .cache .pytest_cache

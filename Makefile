# Entry points. Every target first installs the tools it uses, and only those
# (scripts/tools.sh: what is missing or outdated; tests/test_tool_targets.py checks the sets).
SHELL := /usr/bin/env bash
.SHELLFLAGS := -euo pipefail -c
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
export PATH := $(ROOT)/.tools/bin:$(ROOT)/.tools/venv/bin:$(PATH)
PYTEST := $(ROOT)/.tools/venv/bin/pytest
# pytest keeps its assertion-rewritten test modules in __pycache__ (git-ignored) only when
# bytecode may be written: with PYTHONDONTWRITEBYTECODE set, every worker and nested
# pytest rewrites and compiles the whole suite again (~0.9 s of collection per process).
unexport PYTHONDONTWRITEBYTECODE
# Extra pytest arguments, e.g. make test PYTEST_ARGS="-k schema -x"
PYTEST_ARGS ?=

# Tool sets (scripts/tools.sh --plan NAME... shows what a set resolves to).
DEMO_TOOLS := venv helm cosign docker-registry gpg
HELM_TOOLS := venv helm helm3
FAST_TOOLS := $(HELM_TOOLS) ct helmfile checkov
DRILL_TOOLS := $(HELM_TOOLS) openssl control-plane

.PHONY: help tools test test-fast drills demo publish snapshots bench check-upgrade fleet docs clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | column -t -s $$'\t'

tools: ## install every pinned tool into .tools/ (Helm 4, Helm 3, the control plane, ...)
	@scripts/tools.sh all

test: ## run the whole test suite (what CI runs)
	@scripts/tools.sh all
	$(PYTEST) -n auto --dist loadgroup $(PYTEST_ARGS)

test-fast: ## the inner loop: everything except the cluster drills, the real-registry flows and the plugin install
	@scripts/tools.sh $(FAST_TOOLS)
	$(PYTEST) -n auto --dist loadgroup -m "not cluster and not registry and not install" $(PYTEST_ARGS)

drills: ## only the release drills, on a throwaway control plane
	@scripts/tools.sh $(DRILL_TOOLS)
	$(PYTEST) -n 2 --dist loadgroup -m cluster $(PYTEST_ARGS)

demo: ## the main job: publish to an embedded registry, consume from the product-team example, render
	@scripts/tools.sh $(DEMO_TOOLS)
	@scripts/demo.sh

publish: ## package, sign and push both charts to REGISTRY=oci://host[:port]/path
	@scripts/tools.sh venv helm cosign
	@scripts/publish.sh $(PUBLISH_ARGS)

snapshots: ## rewrite tests/snapshots/ from the current charts (explicit; refused under CI)
	@scripts/tools.sh $(HELM_TOOLS)
	@scripts/update-snapshots.sh

bench: ## measure suite wall time and render overhead; writes docs/performance.md
	@scripts/tools.sh all
	@$(ROOT)/.tools/venv/bin/python -m tests.bench

check-upgrade: ## immutable-field guard: previous release vs current chart
	@scripts/tools.sh venv helm docker-registry
	$(PYTEST) tests/test_upgrade_guard.py $(PYTEST_ARGS)

# The fleet `make fleet` reports on: a directory of values files or product charts.
FLEET ?= tests/fleet

fleet: ## what the chart under review does to every service of FLEET=<dir> (default tests/fleet)
	@scripts/tools.sh venv helm
	@$(ROOT)/.tools/venv/bin/python -m tests.fleet_impact --fleet $(FLEET) $(FLEET_ARGS)

docs: ## regenerate docs/values.md from values.schema.json and values.yaml
	@scripts/tools.sh venv
	@$(ROOT)/.tools/venv/bin/python scripts/gen_values_doc.py

clean: ## remove caches (keeps .tools/)
	rm -rf .cache .pytest_cache

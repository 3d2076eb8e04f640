# Two commands do all the set-up: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# checkov pins dependencies of its own that clash with the development tools': it gets a venv of its own.
CHECKOV_VENV := .venv-checkov
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
# python3.13 from PATH, else from pyenv's versions folder (pyenv's shim may hide it).
PYTHON313 := $(shell command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys' >/dev/null 2>&1 && command -v python3.13 || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 2>/dev/null | tail -n 1)
# sam build looks for python3.13 on PATH: the venv's own comes first.
export PATH := $(CURDIR)/$(BIN):$(PATH)
export SAM_CLI_TELEMETRY := 0
export AWS_DEFAULT_REGION ?= us-east-1
PORT ?= 3000

.PHONY: help venv lock run test lint types validate checkov build browser pytest openapi bench load report clean

help:
	@echo "make run    start the whole service locally (API on 127.0.0.1:$(PORT))"
	@echo "make test   lint, types, sam validate --lint, checkov, sam build and every test"
	@echo "make bench  benchmarks (not part of make test)"
	@echo "make load   the 2,000-intake load test (make test runs it with 300)"
	@echo "make lock   rewrite the locks (requirements*.lock) from the requirements files"
	@echo "make openapi  rewrite the OpenAPI document (docs/openapi.json) from the code"
	@echo "make report  charts of the running local stack's reports in .local/report.html"

# Installed from the lock only: every package pinned, each file checked against its hash. pip installs uv
# alone from the lock (its entry, hashes included), and uv the rest: the same packages in about 6 s where
# pip took 50 s on a fresh clone (docs/DECISIONS.md, "uv installs the locks").
# The packages a Lambda function imports are compiled to bytecode once: this project's machines set
# PYTHONDONTWRITEBYTECODE, so without it every local Lambda container (and every benchmark's cold process)
# compiled boto3, pydantic and Powertools again, about 0.8 s of CPU each (docs/DECISIONS.md, "Bytecode in
# the environment"). Those alone: the whole environment (uv's --compile-bytecode) took 26 s more.
LAMBDA_PACKAGES := boto3 botocore s3transfer urllib3 dateutil jmespath six.py aws_lambda_powertools aws_xray_sdk \
  jinja2 markupsafe phonenumbers pydantic pydantic_core typing_extensions.py typing_inspection annotated_types wrapt
UV_ENTRY = <(awk '/^uv==/ {found = 1} found {print} found && !/\\$$/ {exit}' requirements-dev.lock)
UV_INSTALL := UV_LINK_MODE=copy $(BIN)/uv pip install --quiet --require-hashes
$(STAMP): requirements-dev.lock
	@test -n "$(PYTHON313)" || { echo "python3.13 is needed (not found on PATH or under pyenv)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON313) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r $(UV_ENTRY)
	$(UV_INSTALL) --python $(BIN)/python -r requirements-dev.lock
	site="$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" && \
	  $(BIN)/python -m compileall -q -j 0 $(addprefix "$$site"/,$(LAMBDA_PACKAGES))
	@touch $(STAMP)

venv: $(STAMP)

# Rewrites the locks from the readable inputs (requirements-dev.txt, layers/shared/requirements.txt,
# requirements-checkov.txt). The layer's lock comes first and constrains the development one, so tests run
# the versions the layer ships.
# The layer leaves out botocore and its own dependencies: the Lambda runtime's serve the X-Ray SDK.
UV_COMPILE := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.13 --no-header --annotation-style line
lock: $(STAMP)
	$(UV_COMPILE) --python-platform linux \
	  $(foreach package,boto3 botocore s3transfer urllib3 python-dateutil six,--no-emit-package $(package)) \
	  layers/shared/requirements.txt -o layers/shared/requirements.lock
	$(UV_COMPILE) --universal -c layers/shared/requirements.lock requirements-dev.txt -o requirements-dev.lock
	$(UV_COMPILE) --universal requirements-checkov.txt -o requirements-checkov.lock

run: $(STAMP)
	$(BIN)/python -m devstack --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: $(STAMP)
	$(BIN)/mypy

validate: $(STAMP)
	$(BIN)/sam validate --lint --region $(AWS_DEFAULT_REGION)

# Static analysis of the template; every finding left is skipped in template.yaml with its reason.
$(CHECKOV_STAMP): requirements-checkov.lock $(STAMP)
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON313) -m venv --without-pip $(CHECKOV_VENV)
	$(UV_INSTALL) --python $(CHECKOV_VENV)/bin/python -r requirements-checkov.lock
	@touch $(CHECKOV_STAMP)

checkov: $(CHECKOV_STAMP)
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet --skip-download

build: $(STAMP)
	$(BIN)/sam build --cached --parallel

# Two pytest processes, one a core, of about the same length (each alone keeps one core busy): the tests
# against an in-process stack (integration, template), and the unit tests with those that start local
# stacks (devstack, e2e). The first's report is printed when both are done; either failing fails the target.
IN_PROCESS_LOG := $(VENV)/pytest-in-process.log
pytest: $(STAMP)
	@$(BIN)/python -m pytest tests/integration tests/template > $(IN_PROCESS_LOG) 2>&1 & in_process=$$!; \
	  $(BIN)/python -m pytest tests/unit tests/devstack tests/e2e; stacks=$$?; \
	  wait $$in_process; in_process_status=$$?; \
	  echo "---- tests/integration tests/template ----"; cat $(IN_PROCESS_LOG); \
	  exit $$(( stacks || in_process_status ))

# The browser test drives Debian's Chromium; install it where we can (root with apt-get), else it is skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    export DEBIAN_FRONTEND=noninteractive; \
	    { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1; }; } \
	      && echo "installed chromium for the browser test" \
	      || echo "could not install chromium: the browser test will be skipped"; \
	  else echo "chromium is missing and cannot be installed here: the browser test will be skipped"; fi; }

# The checks before pytest are each about one core or mostly waiting (uv, apt-get): they run three at a
# time, each check's output printed whole when it ends. pytest then has both cores to itself.
CHECKS := lint types validate checkov build browser
test:
	@$(MAKE) --no-print-directory -j3 --output-sync=target $(CHECKS)
	@$(MAKE) --no-print-directory pytest

openapi: $(STAMP)
	$(BIN)/python -m leadrouter_cli openapi > layers/shared/leadrouter/api/openapi.json

bench: $(STAMP)
	$(BIN)/python -m bench

# Speed to lead and the distribution of the running local stack (make run), drawn in one HTML file.
report: $(STAMP)
	$(BIN)/python -m leadrouter_cli.charts --stack .local/stack.json --out .local/report.html

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) .aws-sam .local .pytest_cache .mypy_cache .ruff_cache

# The load test alone, with its figures printed: 2,000 intakes from 20 threads (LOAD_INTAKES=N for another
# count); make test runs the same test with 300.
LOAD_INTAKES ?= 2000
load: $(STAMP)
	LOAD_INTAKES=$(LOAD_INTAKES) $(BIN)/python -m pytest tests/e2e/test_load.py -q -s

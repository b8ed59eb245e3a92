# Policy Radar — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: demo test browser e2e bench bench-scale eval-trends eval-emerging lint typecheck install models clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/radar demo

# The browser test (tests/e2e) drives Debian's chromium; a clean machine gets it here, so the
# one test command is all CI needs. Without root or apt the browser test skips with the reason.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	    SUDO=""; if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null; then SUDO="sudo -n"; fi; \
	    { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium chromium-driver; } >/dev/null \
	    || echo "make: chromium could not be installed; tests/e2e will skip with the reason" >&2; \
	fi

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check crawlers nlp pipelines dashboard warehouse tests bench

typecheck: $(STAMP)
	$(BIN)/mypy crawlers nlp pipelines dashboard warehouse

# The dashboard in a real headless Chromium (Debian's chromium + chromium-driver); screenshots and first-paint
# times in build/e2e-screenshots/.
e2e: $(STAMP) browser
	$(BIN)/python -m pytest -q tests/e2e

bench: $(STAMP)
	$(BIN)/python -m bench

# 1,000,000 documents replicated from the real timeline (builds /work/scale/radar-1m.duckdb once, ~5 min),
# then every dashboard page's queries: p50/p95 against the 1 s target. Not part of `make test`.
bench-scale: $(STAMP)
	$(BIN)/python -m bench.make_scale_db --if-missing
	$(BIN)/python -m bench.bench_scale --json $${RADAR_SCALE_DIR:-/work/scale}/bench_scale.json

eval-trends: $(STAMP)
	$(BIN)/python -m bench.eval_trends

eval-emerging: $(STAMP)
	$(BIN)/python -m bench.eval_emerging

# NAB_DIR: a checkout of the Numenta Anomaly Benchmark (data/, labels/combined_windows.json).
eval-nab: $(STAMP)
	$(BIN)/python -m bench.eval_nab $(if $(NAB_DIR),--nab-dir $(NAB_DIR))

models: $(STAMP)
	$(BIN)/python -m nlp.build_models

clean:
	rm -rf $(VENV) build *.egg-info

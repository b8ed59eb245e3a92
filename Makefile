# Policy Radar — the two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: demo test bench eval-trends eval-emerging lint typecheck install models clean

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/radar demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check crawlers nlp pipelines dashboard warehouse tests bench

typecheck: $(STAMP)
	$(BIN)/mypy crawlers nlp pipelines dashboard warehouse

bench: $(STAMP)
	$(BIN)/python -m bench

eval-trends: $(STAMP)
	$(BIN)/python -m bench.eval_trends

eval-emerging: $(STAMP)
	$(BIN)/python -m bench.eval_emerging

models: $(STAMP)
	$(BIN)/python -m nlp.build_models

clean:
	rm -rf $(VENV) build *.egg-info

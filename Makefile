# The two quick-start commands: `make serve` and `make test`. Both bootstrap .venv/ on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 3000

.PHONY: serve test lint bench openapi lock clean build package-report deploy

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,graphql,capture]" -c constraints.txt
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/contacthub serve --port $(PORT)

test: $(STAMP)
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff check functions graphql infra tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n 2

lint: $(STAMP)
	$(BIN)/cfn-lint template.yaml
	$(BIN)/ruff check functions graphql infra tests bench
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python bench/coldstart.py
	@for b in bench/search.py bench/graphql.py; do test ! -f $$b || $(BIN)/python $$b; done

# Deployable artefacts in .aws-sam/build/ (what `sam build` would write) with this Python's pip: no sam CLI,
# Docker or python3.12 needed. `make deploy` then needs the sam CLI and AWS credentials only.
build: $(STAMP)
	$(BIN)/contacthub build

package-report: build
	$(BIN)/contacthub package-report

deploy: build
	sam deploy --guided --template-file .aws-sam/build/template.yaml

# Regenerate the checked-in API references (CI fails when they drift from the code).
openapi: $(STAMP)
	$(BIN)/contacthub openapi --write
	$(BIN)/python -m contacthub_graphql.export

# Re-resolve the pinned environment after changing pyproject.toml.
lock: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(BIN)/python -m pip freeze --exclude-editable; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) .aws-sam

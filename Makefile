# The two commands a newcomer needs: `make demo` and `make test`.
.PHONY: demo test lint bench setup

demo:
	scripts/bootstrap
	.venv/bin/dtto demo

test:
	scripts/test

lint:
	scripts/bootstrap --dev
	.venv/bin/ruff check dtto benchmarks && .venv/bin/ruff format --check dtto benchmarks && .venv/bin/mypy dtto benchmarks

bench:
	scripts/bootstrap --dev
	.venv/bin/python -m benchmarks

setup:
	scripts/bootstrap --dev

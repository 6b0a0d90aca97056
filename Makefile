PY ?= .venv/bin/python

.PHONY: install test test-fast lint typecheck bench run replay-seeds score fit replay-fixtures

install:            ## a virtual environment with investwire and its dev tools
	python3 -m venv .venv && .venv/bin/pip install -q --upgrade pip && .venv/bin/pip install -q -e '.[dev]'

test:               ## everything: unit, property and integration tests (starts Tansu brokers)
	$(PY) -m pytest -q

test-fast:          ## pure logic only, seconds
	$(PY) -m pytest -q -m "not integration"

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy

bench:              ## every benchmark of benchmarks/README.md, one after the other (~15 min)
	PYTHONPATH=$(CURDIR) $(PY) benchmarks/throughput.py
	PYTHONPATH=$(CURDIR) $(PY) benchmarks/scaling.py
	PYTHONPATH=$(CURDIR) $(PY) benchmarks/latency.py
	$(PY) benchmarks/replay.py
	$(PY) benchmarks/memory.py --max 100000
	$(PY) benchmarks/extract_process.py
	$(PY) benchmarks/extraction_speed.py

run:                ## the sample articles through the pipeline on the embedded broker, live table
	.venv/bin/investwire run

score:              ## the extractor's scorecard on ../shared (seeds, dev and dev2)
	.venv/bin/investwire extract ../shared/seeds/articles.jsonl | python3 ../shared/eval/score.py --gold ../shared/gold/seeds.jsonl --pred /dev/stdin
	.venv/bin/investwire extract ../shared/dev/articles.jsonl | python3 ../shared/eval/score.py --gold ../shared/dev/gold.jsonl --pred /dev/stdin
	.venv/bin/investwire extract ../shared/dev2/articles.jsonl | python3 ../shared/eval/score.py --gold ../shared/dev2/gold.jsonl --pred /dev/stdin

fit:                ## refit the kind model from the annotated sets (prints its held-out scores)
	$(PY) training/fit_kind_model.py

replay-fixtures:    ## re-record the replay test's expected output after an extraction change
	.venv/bin/investwire replay tests/fixtures/replay/articles.jsonl --out tests/fixtures/replay/expected

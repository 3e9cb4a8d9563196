# Two commands do all the setup (see README):
#   make lab    create .venv if missing, install the course, open JupyterLab on lesson 00
#   make test   create .venv if missing, install the course and its test tools, run every test
#   make lite   build the zero-install edition (JupyterLite, in the browser) into dist/lite/ and dist/lite.zip
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LESSON ?= notebooks/00-start.ipynb
# The suite runs on every core, one test file per worker (module fixtures grade whole classes once).
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: help lab test lite install system-deps clean

help:
	@echo "make lab    install what the course needs, then open JupyterLab on $(LESSON)"
	@echo "make test   install the course and its test tools, then run the whole test suite"
	@echo "make lite   build the zero-install edition (every lesson in the browser) into dist/lite/ and dist/lite.zip"
	@echo "make clean  remove the virtual environment, the built sites and generated grading folders"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "The course needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(STAMP)

system-deps:
	@bash tools/system-deps.sh

lab: install
	$(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" "$(LESSON)"

test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lite: install
	$(BIN)/python tools/lite/build.py

clean:
	rm -rf $(VENV) dist .lite-cache assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db

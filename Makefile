# Two commands do all the setup (see README):
#   make lab    create .venv if missing, install the course, open JupyterLab on lesson 00
#               (with nbgrader's Formgrader and Assignments tabs; options for JupyterLab go in ARGS:
#                make lab ARGS="--no-browser --port 8899"; in a container also --ip=0.0.0.0)
#   make test   create .venv if missing, install the course and its test tools, run every test
#   make lite   build the zero-install edition (JupyterLite, in the browser) into dist/lite/ and dist/lite.zip
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LESSON ?= notebooks/00-start.ipynb
ARGS   ?=
# JupyterLab refuses to run as root unless told; a classroom container often runs as root.
ROOT_ARGS := $(if $(filter 0,$(shell id -u)),--allow-root)
ROOT_NOTE := make lab: running as root (in a container?) so JupyterLab gets --allow-root; on a shared machine run make lab as a normal user instead
# The suite runs on every core, one test file per worker (module fixtures grade whole classes once).
PYTEST_ARGS ?= -n auto --dist loadfile

.PHONY: help lab html test lite install system-deps clean

help:
	@echo "make lab    install what the course needs, then open JupyterLab on $(LESSON)"
	@echo '           JupyterLab options: make lab ARGS="--no-browser --port 8899" (container: add --ip=0.0.0.0)'
	@echo "make html   an accessible static HTML page of every lesson, in build/lessons/ (for screen readers)"
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
	@mkdir -p assignments/exchange
	@if ! ls -d assignments/exchange/*/outbound >/dev/null 2>&1; then \
	  echo "make lab: releasing the assignments to the course's local exchange (once, about a minute), so nbgrader's Assignments tab lists them"; \
	  JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter" $(BIN)/course release --root assignments --exchange \
	  || echo "make lab: the release failed (see above); nbgrader's Assignments tab will say 'No courses found'"; fi
	@$(if $(ROOT_ARGS),echo "$(ROOT_NOTE)")
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH))" \
	  $(BIN)/jupyter lab --ServerApp.root_dir="$(CURDIR)" $(ROOT_ARGS) $(ARGS) "$(LESSON)"

html: install
	$(BIN)/python -m course.lesson_html notebooks/*.ipynb --out build/lessons

test: install system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lite: install
	$(BIN)/python tools/lite/build.py

clean:
	rm -rf $(VENV) dist .lite-cache assignments/release assignments/submitted assignments/autograded assignments/feedback assignments/gradebook.db

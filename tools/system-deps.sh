#!/usr/bin/env bash
# System programs that some tests use: Debian's chromium (the browser tests), postgresql
# (the PostgreSQL gradebook) and npm with Node.js (the zero-install edition's build, `make lite`). Installed only when missing, and only where we may (root + apt).
# Elsewhere the tests that need them skip with a message, except under CI=true, where they fail.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
{ command -v npm && command -v node; } >/dev/null 2>&1 || need+=(npm)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${need[*]} with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "system-deps: apt-get could not install ${need[*]}" >&2; exit 1; }
else
  echo "system-deps: ${need[*]} not found and not installable here (needs root and apt-get);"
  echo "             the tests that need them will be skipped."
fi

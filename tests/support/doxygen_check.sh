#!/usr/bin/env bash
# The API reference builds without a single Doxygen warning about the public
# headers (docs/Doxyfile: documentation errors, incomplete parameter lists).
# Usage: doxygen_check.sh DOXYGEN SOURCE_DIR WORK_DIR. Exit 77 (skipped) when
# doxygen is not installed.
set -euo pipefail
doxygen=$1 src=$2 work=$3
command -v "$doxygen" >/dev/null 2>&1 || { echo "SKIP: doxygen not installed (apt-get install doxygen)"; exit 77; }
rm -rf "$work" && mkdir -p "$work"
cd "$src"
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $work"; echo "WARN_LOGFILE = $work/warnings.log"; } | "$doxygen" - > "$work/doxygen.out" 2>&1 ||
  { cat "$work/doxygen.out"; echo "FAIL: doxygen exited with an error"; exit 1; }
[ -f "$work/html/index.html" ] || { echo "FAIL: no $work/html/index.html"; exit 1; }
if [ -s "$work/warnings.log" ]; then
  cat "$work/warnings.log"
  echo "FAIL: $(wc -l < "$work/warnings.log") Doxygen warning line(s) about the public headers"
  exit 1
fi
echo "ok: API reference built without warnings ($work/html/index.html)"

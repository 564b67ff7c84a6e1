#!/usr/bin/env bash
# The test command: bash scripts/test.sh [pytest arguments]
# Works on a fresh clone: creates .venv and installs the project with its test extras.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/_venv.sh
ensure_venv test

status=0
.venv/bin/python -m pytest -q -p no:cacheprovider "$@" || status=$?
if [ "$status" -eq 5 ]; then
  # pytest's "no tests collected": a broken test layout must not look green.
  echo "scripts/test.sh: no tests were collected" >&2
fi
exit "$status"

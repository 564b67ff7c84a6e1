#!/usr/bin/env bash
# The run command: bash scripts/run.sh [--host H] [--port P]
# Without GATEWAY_MONGODB_URI the gateway starts its embedded demo database.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/_venv.sh
ensure_venv
exec .venv/bin/scicat-gateway serve "$@"

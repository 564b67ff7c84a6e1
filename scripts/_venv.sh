# Sourced by scripts/test.sh and scripts/run.sh (not run on its own).
#
# ensure_venv [EXTRAS]: create .venv with python3 (or $PYTHON) if it is missing,
# then install the project into it in editable mode. The install is repeated only
# when pyproject.toml changed, so a second run starts at once and needs no network.

ensure_venv() {
  local extras="${1:-}"
  local spec="."
  [ -n "$extras" ] && spec=".[$extras]"
  if [ ! -x .venv/bin/python ]; then
    "${PYTHON:-python3}" -m venv .venv
  fi
  local stamp=".venv/.installed${extras:+-$extras}"
  local wanted
  wanted=$(.venv/bin/python -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    PIP_NO_INPUT=1 .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec"
    printf '%s\n' "$wanted" > "$stamp"
  fi
}

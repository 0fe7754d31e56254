# Sourced by ./run and ./test: a virtual environment with the project installed, and the
# front-end packages from npm. Re-installs only when pyproject.toml or package-lock.json change.
# Usage: bootstrap_env [dev]
bootstrap_env() {
  local extras="${1:-}"
  local python="${PYTHON:-python3}"
  command -v "$python" >/dev/null || { echo "error: $python not found (Python 3.11+ is needed)" >&2; exit 1; }
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "error: Python 3.11+ is needed, found $("$python" --version)" >&2; exit 1; }
  command -v npm >/dev/null || { echo "error: npm not found (Node.js is needed for the front-end assets)" >&2; exit 1; }
  mkdir -p var
  if [ ! -x .venv/bin/python ]; then
    echo "==> creating the virtual environment (.venv)"
    "$python" -m venv .venv
  fi
  local spec="."
  [ "$extras" = dev ] && spec=".[dev]"
  local stamp="var/.pip-$extras-$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    echo "==> installing Python packages ($spec)"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e "$spec"
    rm -f var/.pip-"$extras"-*
    touch "$stamp"
  fi
  local npm_stamp="var/.npm-$(cat package-lock.json | sha256sum | cut -c1-16)"
  if [ ! -f "$npm_stamp" ] || [ ! -d node_modules ]; then
    echo "==> installing front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
    rm -f var/.npm-*
    touch "$npm_stamp"
  fi
  export PATH="$PWD/.venv/bin:$PATH"
}

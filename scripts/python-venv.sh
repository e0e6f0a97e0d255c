#!/usr/bin/env bash
# Makes the Python venv for the example and protocol tools from a pinned requirements file.
#   scripts/python-venv.sh                       -> .venv-tools from examples/requirements-tools.txt
#   scripts/python-venv.sh examples/requirements.txt .venv-examples   (the torch examples too; about 5 GB)
# Never needed by `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."
requirements="${1:-examples/requirements-tools.txt}"
venv="${2:-.venv-tools}"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=...)")'
[ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
echo "$venv ready: $venv/bin/python"

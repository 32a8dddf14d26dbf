# Sourced by the Python clients' run.sh: runs the client's scenario.py with the repository's
# .venv and conformance/drivers/common on the module path.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
export PYTHONPATH="$ROOT/conformance/drivers/common${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
exec "$ROOT/.venv/bin/python" scenario.py

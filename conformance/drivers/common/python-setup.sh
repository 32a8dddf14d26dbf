# Sourced by the Python clients' setup.sh: the repository's .venv (as scripts/test.sh makes it)
# with the client's pinned requirements.txt installed. Idempotent: pip skips what is there.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
VENV="$ROOT/.venv"

if [[ ! -x "$VENV/bin/python" ]]; then
    if ! python3 -m venv "$VENV"; then
        rm -rf "$VENV"
        if [[ $(id -u) -eq 0 ]]; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv ||
                { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv; }
            python3 -m venv "$VENV"
        else
            echo "python3 -m venv failed and this is not root: install python3-venv" >&2
            exit 1
        fi
    fi
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt

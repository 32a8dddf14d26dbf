#!/usr/bin/env bash
# Installs sqlalchemy (pinned in requirements.txt) into the repository's .venv.
cd "$(dirname "$0")"
source ../common/python-setup.sh

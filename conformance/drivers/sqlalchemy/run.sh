#!/usr/bin/env bash
# Runs the sqlalchemy scenario once against the target the runner describes in PGBRIDGE_DRIVER_*.
cd "$(dirname "$0")"
source ../common/python-run.sh

#!/usr/bin/env bash
# pgbench comes with psql in Debian's postgresql-client: the same install.
exec "$(cd "$(dirname "$0")" && pwd)/../psql/setup.sh"

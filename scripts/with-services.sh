#!/usr/bin/env bash
# Runs a command with the tests' throw-away services started (see
# scripts/services.sh), for running some packages' tests by hand:
#   ./scripts/with-services.sh go test -race ./blob/... ./postgres/...
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/services.sh
start_services
"$@"

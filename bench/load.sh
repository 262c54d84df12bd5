#!/usr/bin/env bash
# The project's load tool: mixed traffic against a running wengao at a
# fixed rate (anonymous pages and searches, downloads that spend points,
# favourites, uploads), or one fault (slowloris, flood, logins, junk).
# It needs accounts PREFIX1…PREFIXn with points; bench/soak.sh makes them.
#
#   bench/load.sh -url http://127.0.0.1:8080 -rate 10 -users 6 -duration 1m
#   bench/load.sh flood -url http://127.0.0.1:8080 -n 600
#   bench/load.sh -h
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
exec go run ./bench/load "$@"

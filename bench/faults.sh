#!/usr/bin/env bash
# The fault campaign of issue 16, long form: N rounds (default 100) of
# wengao serve, an import and a backup on one data folder under a
# concurrent HTTP workload (uploads, approvals, downloads that spend
# points with double-spend attempts, reads, favourites, complaints filed
# and resolved), each round ended by kill -9 of all three at a random
# moment, then the data folder checked against every acknowledged write
# (cmd/wengao TestFaults; its comments list the invariants).
#
# Usage, from anywhere in the repository:
#
#   bench/faults.sh [N]                 # report to stdout and bench/faults-report.txt
#   WENGAO_FAULTS_SEED=123 bench/faults.sh 100   # rerun a campaign
#
# It runs at nice 10. The CI short form is the plain test (5 rounds):
# go test -run 'TestFaults$' ./cmd/wengao
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-100}"
report="${REPORT:-$root/bench/faults-report.txt}"
export GOTOOLCHAIN="${GOTOOLCHAIN:-go1.27.3}"
cd "$root"
start=$(date +%s)
status=0
WENGAO_FAULTS="$rounds" WENGAO_FAULTS_KEEP_GOING=1 WENGAO_FAULTS_REPORT="$report" \
	nice -n 10 go test -count=1 -timeout 0 -run 'TestFaults$' -v ./cmd/wengao >"$report.log" 2>&1 || status=$?
{
	echo "bench/faults.sh $rounds — $(date -u +%Y-%m-%dT%H:%MZ), $(($(date +%s) - start)) s, test exit status $status"
	grep -m1 'seed ' "$report.log" | sed 's/^ *faults_test.go:[0-9]*: //' || true
	cat "$report" 2>/dev/null || echo "no report: see $report.log"
} | tee "$report.tmp"
mv "$report.tmp" "$report"
exit "$status"

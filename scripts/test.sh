#!/usr/bin/env bash
# Runs every check of the project: go vet, the whole test suite with the
# race detector, and short fuzzing runs. On a machine without the system
# packages some tests need, it installs them when run as root (in CI,
# CI=true, they must be present and their tests must run).
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"

echo "== go vet"
go vet ./...

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt: not formatted:"; echo "$unformatted"; exit 1
fi

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

echo "== fuzz (short)"
FUZZTIME="${FUZZTIME:-10s}"
go test -run '^$' -fuzz '^FuzzParse$' -fuzztime "$FUZZTIME" ./query
for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' chinese/*_test.go | sed 's/func //'); do
	go test -run '^$' -fuzz "^$f\$" -fuzztime "$FUZZTIME" ./chinese
done
echo "== all checks passed"

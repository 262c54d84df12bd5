#!/usr/bin/env bash
# Runs every check of the project: go vet, the whole test suite with the
# race detector, and short fuzzing runs. On a machine without the system
# packages some tests need, it installs them when run as root (in CI,
# CI=true, they must be present and their tests must run).
set -euo pipefail
cd "$(dirname "$0")/.."

export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
# The toolchain go.mod names (go1.27.3, fetched once through the module
# proxy): it carries the standard-library fixes govulncheck asks for below.
export GOTOOLCHAIN=go1.27.3

# The end-to-end test drives the site in Debian's Chromium, with a CJK font
# so that screenshots show Chinese. Install them when missing and root;
# without them the test skips, except with CI=true, where it fails.
# (bench/site.sh installs nginx and wrk for itself.)
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
dpkg -s fonts-wqy-microhei >/dev/null 2>&1 || need+=(fonts-wqy-microhei)
# .doc and .pdf conversion use antiword and pdftotext (poppler-utils).
command -v antiword >/dev/null 2>&1 || need+=(antiword)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
# The generated .docx is rendered with LibreOffice (TestGeneratedDocxInLibreOffice
# in ./http/web), with CJK serif, sans and 楷 faces standing in for the fonts
# the file names.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-arphic-ukai >/dev/null 2>&1 || need+=(fonts-arphic-ukai)
if [ ${#need[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "== apt-get install ${need[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	else
		echo "== missing ${need[*]}: the end-to-end and LibreOffice tests will skip (CI=true makes them fail)"
	fi
fi

echo "== go vet"
go vet ./...

# staticcheck, at a fixed version from the Go module proxy (built once,
# then cached by the go command).
echo "== staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

# govulncheck against the Go vulnerability database. The database comes
# from the module proxy too (golang.org/x/vulndb at a fixed version, indexed
# into a temporary folder), so the check is repeatable and needs no other
# host; raise the version to learn of newer reports.
echo "== govulncheck"
vulndb_version=v0.0.0-20261105234957-e22db6528018
vulndb=$(mktemp -d)
go mod download golang.org/x/vulndb@$vulndb_version
go run golang.org/x/vulndb/cmd/indexdb@$vulndb_version \
	-vulns "$(go env GOMODCACHE)/golang.org/x/vulndb@$vulndb_version/data/osv" -out "$vulndb"
go run golang.org/x/vuln/cmd/govulncheck@v1.9.0 -db "file://$vulndb" ./...
rm -rf "$vulndb"

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
	echo "gofmt: not formatted:"; echo "$unformatted"; exit 1
fi

# Throw-away services for the tests (scripts/services.sh): a PostgreSQL
# cluster (Debian's postgresql, installed when missing and root) and
# SeaweedFS's S3 server (built from the Go module proxy when missing), on
# loopback ports, stopped and removed when the script ends.
. scripts/services.sh
start_services

echo "== go test -race"
go test -race -count=1 -timeout 20m ./...

# Checks of quality over the corpus are cut short under the race detector,
# which makes them ten times slower without finding anything in them: they
# run in full here.
echo "== go test (quality over the corpus, without -race)"
go test -count=1 -timeout 10m -run 'TestTopKAgreesWithRank|TestRelatedOnCorpus' ./search/ ./sqlite/
# The security suite's anonymous crawl visits every page only here.
go test -count=1 -timeout 10m -run 'TestSecurityAnonymousCrawl' ./http/

echo "== fuzz (short)"
FUZZTIME="${FUZZTIME:-8s}"
# fuzz PKG TARGET runs one fuzz target briefly. Go's fuzzer sometimes ends
# a run on its own time limit with "context deadline exceeded" and no
# failing input; that run is tried once more. A real failure (a failing
# input written to testdata/fuzz) fails the script.
fuzz() {
	local out
	for try in 1 2; do
		if out=$(go test -run '^$' -fuzz "^$2\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 5s "./$1" 2>&1); then
			echo "$out" | tail -1
			return 0
		fi
		if ! grep -q "context deadline exceeded" <<<"$out" || grep -q "Failing input written" <<<"$out"; then
			echo "$out"
			return 1
		fi
		echo "fuzz $1 $2: the fuzzer hit its own deadline (no failing input); trying again"
	done
	echo "$out"
	return 1
}
fuzz query FuzzParse
fuzz . FuzzCutPreview
for pkg in chinese convert gongwen neardup svgchart docx copycheck; do
	[ -d "$pkg" ] || continue
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' $pkg/*_test.go | sed 's/func //'); do
		fuzz "$pkg" "$f"
	done
done
echo "== all checks passed"

#!/usr/bin/env bash
# Benchmarks wengao on the test corpus and prints a Markdown report, ready to
# paste into docs/benchmarks.md:
#
#   1. import of the corpus into a fresh data folder: wall time, documents/s,
#      MB/s of raw text, peak RSS, size of the store against the raw text;
#   2. `wengao serve` start-up: time until /healthz answers, RSS when idle,
#      and RSS after it has answered the query list once;
#   3. search latency (bench/latency, in process and over HTTP);
#   4. ranking quality (bench/relevance).
#
# Usage, from the repository root (or anywhere: it finds the root itself):
#
#   bench/search.sh
#   CORPUS=/path/to/docs.jsonl.gz RUNS=5 VERBOSE=1 bench/search.sh
#
# CORPUS defaults to ../shared/corpus/docs.jsonl.gz relative to the
# repository root (where CI lays shared/). RUNS is the number of timed passes
# of the latency benchmark (default 5). VERBOSE=1 also lists the queries
# whose target did not rank first. Everything happens in a temporary folder,
# removed at the end, with the server stopped. Progress goes to stderr, the
# report to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -n "${CORPUS:-}" ]; then
	corpus="$(cd "$(dirname "$CORPUS")" && pwd)/$(basename "$CORPUS")"
else
	corpus="$root/../shared/corpus/docs.jsonl.gz"
fi
runs="${RUNS:-5}"
cd "$root"
if [ ! -f "$corpus" ]; then
	echo "search.sh: no corpus at $corpus (set CORPUS)" >&2
	exit 1
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/wengao-bench.XXXXXX")"
serve_pid=""
cleanup() {
	if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
		kill -TERM "$serve_pid" 2>/dev/null || true
		wait "$serve_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "search.sh: $*" >&2; }
. "$root/bench/lib.sh"

load_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
log "building ./cmd/wengao, ./bench/latency and ./bench/relevance"
go build -o "$tmp/wengao" ./cmd/wengao
go build -o "$tmp/latency" ./bench/latency
go build -o "$tmp/relevance" ./bench/relevance

case "$corpus" in
*.gz) raw_bytes=$(gzip -dc "$corpus" | wc -c) ;;
*) raw_bytes=$(wc -c <"$corpus") ;;
esac
gz_bytes=$(wc -c <"$corpus")

# 1. Import.
log "importing $corpus"
data="$tmp/data"
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v -o "$tmp/import.time" "$tmp/wengao" import --quiet --data "$data" "$corpus" >"$tmp/import.out" 2>&1 ||
		{ cat "$tmp/import.out" "$tmp/import.time" >&2; exit 1; }
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, a, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + a[i]; print s }' "$tmp/import.time")
	peak_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/import.time")
	rss_how="/usr/bin/time -v"
else
	# No GNU time: wall time from the clock, peak RSS from VmHWM, sampled.
	start=$(now_ns)
	"$tmp/wengao" import --quiet --data "$data" "$corpus" >"$tmp/import.out" 2>&1 &
	pid=$!
	peak_kb=0
	while kill -0 "$pid" 2>/dev/null; do
		hwm=$(status_kb "$pid" VmHWM)
		if [ -n "$hwm" ] && [ "$hwm" -gt "$peak_kb" ]; then peak_kb=$hwm; fi
		sleep 0.05
	done
	wait "$pid" || { cat "$tmp/import.out" >&2; exit 1; }
	wall=$(calc "($(now_ns) - $start) / 1e9")
	rss_how="VmHWM sampled every 50 ms"
fi
docs=$(sed -n 's/^imported \([0-9]*\),.*/\1/p' "$tmp/import.out")
store_bytes=$(du -sb "$data" | cut -f1)

# 2. Serve start-up.
port=$(free_port)
base="http://127.0.0.1:$port"
log "starting wengao serve on $base"
start=$(now_ns)
WENGAO_SEED=false "$tmp/wengao" serve --data "$data" --addr "127.0.0.1:$port" --search-per-minute 0 >"$tmp/serve.log" 2>&1 &
serve_pid=$!
until http_ok "$base/healthz"; do
	if ! kill -0 "$serve_pid" 2>/dev/null; then
		echo "search.sh: wengao serve exited:" >&2
		cat "$tmp/serve.log" >&2
		exit 1
	fi
	if [ $(($(now_ns) - start)) -gt 60000000000 ]; then
		echo "search.sh: /healthz did not answer within 60 s" >&2
		exit 1
	fi
	sleep 0.01
done
startup_ms=$(calc "($(now_ns) - $start) / 1e6")
sleep 2
idle_kb=$(status_kb "$serve_pid" VmRSS)
log "serving the query list once over HTTP"
"$tmp/latency" --url "$base" --queries bench/queries.txt --runs 1 >"$tmp/serve-latency.out"
loaded_kb=$(status_kb "$serve_pid" VmRSS)
loaded_hwm_kb=$(status_kb "$serve_pid" VmHWM)
kill -TERM "$serve_pid"
wait "$serve_pid" || true
serve_pid=""

# 3 and 4. Latency and relevance.
log "measuring latency ($runs passes, in process and over HTTP)"
"$tmp/latency" --data "$data" --queries bench/queries.txt --runs "$runs" --http >"$tmp/latency.out"
log "measuring relevance"
rel_flags=()
if [ "${VERBOSE:-0}" = 1 ]; then rel_flags+=(-v); fi
"$tmp/relevance" --data "$data" --dir bench/relevance ${rel_flags[@]+"${rel_flags[@]}"} >"$tmp/relevance.out"

# Report.
load_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
mb() { calc "$1 / 1e6"; }
commit=$(git rev-parse --short HEAD 2>/dev/null || echo "none")
if [ -n "$(git status --porcelain 2>/dev/null)" ]; then commit="$commit + uncommitted changes"; fi
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)
mem_gib=$(awk '/^MemTotal/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo 2>/dev/null || true)

cat <<EOF
## Benchmark of $(date -u +%Y-%m-%d)

Machine: ${cpu:-unknown CPU}, $(nproc) cores, ${mem_gib:-?} GiB RAM, $(uname -sr); $(go version | cut -d' ' -f3-).
Load average (1 min) $load_start at the start, $load_end at the end: other work on the machine makes the figures noisier.
Commit: $commit. Corpus: \`$(basename "$corpus")\`, $(printf "%.1f" "$(mb "$raw_bytes")") MB of JSON lines ($(printf "%.1f" "$(mb "$gz_bytes")") MB compressed).

### Import

\`wengao import --quiet\` into an empty data folder (optimize and checkpoint included); peak RSS by $rss_how.

| documents | wall time | documents/s | MB/s (raw) | peak RSS | store size | store / raw |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
| $docs | $(printf "%.1f" "$wall") s | $(printf "%.0f" "$(calc "$docs / $wall")") | $(printf "%.2f" "$(calc "$raw_bytes / 1e6 / $wall")") | $(printf "%.0f" "$(calc "$peak_kb / 1024")") MiB | $(printf "%.1f" "$(mb "$store_bytes")") MB | $(printf "%.2f" "$(calc "$store_bytes / $raw_bytes")") × |

### Serve

\`WENGAO_SEED=false wengao serve --search-per-minute 0\` on the imported folder.

| start-up (until /healthz answers) | RSS idle after start | RSS after answering the query list once | peak RSS then |
| ---: | ---: | ---: | ---: |
| $(printf "%.0f" "$startup_ms") ms | $(printf "%.1f" "$(calc "$idle_kb / 1024")") MiB | $(printf "%.1f" "$(calc "$loaded_kb / 1024")") MiB | $(printf "%.1f" "$(calc "$loaded_hwm_kb / 1024")") MiB |

### Search latency

\`go run ./bench/latency --data DIR --queries bench/queries.txt --runs $runs --http\`

$(cat "$tmp/latency.out")

The same list once against \`wengao serve\` (a separate process, HTTP):

$(sed -n '/^| queries/,/^$/p' "$tmp/serve-latency.out")

### Relevance

\`go run ./bench/relevance --data DIR\`

$(cat "$tmp/relevance.out")
EOF

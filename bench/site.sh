#!/usr/bin/env bash
# Benchmarks the reading site with wrk and prints a Markdown report, ready
# for docs/benchmarks.md:
#
#   1. nginx (Debian) serving a saved static copy of an article page;
#   2. wengao serving the same article, /doc/{id};
#   3. wengao's article pages over every document of the library;
#   4. wengao's search page for one query, /search?q=;
#   5. wengao's search page over the queries of bench/queries.txt.
#
# All in one run, one after the other, on this machine's cores (the
# targets are for 2 cores), each with wrk's 2 threads and 50 connections.
# Targets: the article page reaches at least 40% of nginx's requests per
# second; the search page's p99 latency is at most 50 ms.
#
# Usage, from anywhere:
#
#   bench/site.sh
#   DURATION=30s CONNS=50 DOC_ID=gov-4840e2ef5ea7 QUERY=乡村振兴 bench/site.sh
#   CORPUS=../shared/corpus/docs.jsonl.gz bench/site.sh   # the full corpus
#
# The library is the sample that `wengao serve` seeds, or CORPUS imported
# into a fresh data folder. wrk and nginx are installed with apt-get when
# missing and running as root. Everything happens in a temporary folder,
# removed at the end, with both servers stopped. Progress goes to stderr,
# the report to stdout.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${DURATION:-15s}"
CONNS="${CONNS:-50}"
THREADS=2
DOC_ID="${DOC_ID:-gov-4840e2ef5ea7}"
QUERY="${QUERY:-乡村振兴}"
QUERIES="${QUERIES:-$root/bench/queries.txt}"
UA="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"

log() { echo "site.sh: $*" >&2; }

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		log "installing ${missing[*]}"
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
	else
		echo "site.sh: needs ${missing[*]} (apt-get install ${missing[*]})" >&2
		exit 1
	fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

tmp="$(mktemp -d)"
chmod 755 "$tmp" # nginx's workers may run as another user
wengao_pid=""
cleanup() {
	if [ -n "$wengao_pid" ] && kill -0 "$wengao_pid" 2>/dev/null; then
		kill "$wengao_pid" 2>/dev/null || true
		wait "$wengao_pid" 2>/dev/null || true
	fi
	if [ -f "$tmp/nginx/nginx.pid" ]; then
		kill "$(cat "$tmp/nginx/nginx.pid")" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

log "building"
(cd "$root" && go build -o "$tmp/wengao" ./cmd/wengao)
data="$tmp/data"
if [ -n "${CORPUS:-}" ]; then
	log "importing $CORPUS"
	"$tmp/wengao" import --data "$data" --quiet "$CORPUS" >&2
fi

log "starting wengao"
"$tmp/wengao" serve --data "$data" --addr 127.0.0.1:0 --search-per-minute 0 --registrations-per-hour 0 >"$tmp/serve.out" 2>"$tmp/serve.log" &
wengao_pid=$!
base=""
for _ in $(seq 1 600); do
	base="$(sed -n 's/^wengao is serving at //p' "$tmp/serve.out")"
	[ -n "$base" ] && curl -fsS -o /dev/null "$base/healthz" && break
	kill -0 "$wengao_pid" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
	sleep 0.1
done
[ -n "$base" ] || { log "wengao did not start"; exit 1; }
docs="$(curl -fsS "$base/healthz" | sed -n 's/.*"documents":\([0-9]*\).*/\1/p')"
log "wengao at $base with $docs documents"

# The static copy: the article page as a first visitor gets it.
mkdir -p "$tmp/www/doc" "$tmp/nginx"
curl -fsS -A "$UA" -o "$tmp/www/doc/index.html" "$base/doc/$DOC_ID"
page_bytes="$(wc -c <"$tmp/www/doc/index.html")"
chmod -R a+rX "$tmp/www"

port=""
for p in $(seq 18180 18280); do
	if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
		port=$p
		break
	fi
done
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $tmp/nginx/body;
	proxy_temp_path $tmp/nginx/proxy;
	fastcgi_temp_path $tmp/nginx/fastcgi;
	uwsgi_temp_path $tmp/nginx/uwsgi;
	scgi_temp_path $tmp/nginx/scgi;
	types { text/html html; }
	server {
		listen 127.0.0.1:$port;
		root $tmp/www;
	}
}
EOF
"$NGINX" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/error.log" 2>/dev/null || "$NGINX" -c "$tmp/nginx/nginx.conf"
for _ in $(seq 1 50); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/doc/" && break
	sleep 0.1
done
cmp -s <(curl -fsS "http://127.0.0.1:$port/doc/") "$tmp/www/doc/index.html" || { log "nginx does not serve the copy"; exit 1; }

# Lua scripts that walk a list of paths, each thread from its own place.
cat >"$tmp/paths.lua" <<'EOF'
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do
	if line ~= "" then paths[#paths + 1] = line end
end
local n = 0
function setup(thread)
	n = n + 1
	thread:set("offset", n * 7919)
end
function init(args)
	i = offset or 0
end
function request()
	i = i + 1
	return wrk.format("GET", paths[(i % #paths) + 1])
end
EOF
urlencode() { # the bytes of $1, percent-encoded but for unreserved ASCII
	local s="$1" out="" c i
	local LC_ALL=C
	for ((i = 0; i < ${#s}; i++)); do
		c="${s:i:1}"
		case "$c" in
		[a-zA-Z0-9.~_-]) out+="$c" ;;
		*) out+="$(printf '%%%02X' "'$c")" ;;
		esac
	done
	printf '%s' "$out"
}
grep -v '^[[:space:]]*$' "$QUERIES" | while IFS= read -r q; do
	echo "/search?q=$(urlencode "$q")"
done >"$tmp/search-paths.txt"
curl -fsS "$base/sitemap.xml" | grep -o '/doc/[^<]*' >"$tmp/doc-paths.txt"

# run NAME URL [SCRIPT PATHS]: one wrk run; keeps its output in $out/NAME.
out="$tmp/wrk"
mkdir -p "$out"
run() {
	local name="$1" url="$2" script="${3:-}" paths="${4:-}"
	log "wrk $name: $url${paths:+ over $(wc -l <"$paths") paths} for $DURATION"
	local args=(-t"$THREADS" -c"$CONNS" -d"$DURATION" --latency -H "User-Agent: $UA")
	if [ -n "${COOKIE:-}" ]; then
		args+=(-H "Cookie: $COOKIE")
	fi
	if [ -n "$script" ]; then
		PATHS_FILE="$paths" wrk "${args[@]}" -s "$script" "$url" >"$out/$name"
	else
		wrk "${args[@]}" "$url" >"$out/$name"
	fi
	sleep 2 # let the server finish what the last run left in flight
	if grep -q 'Non-2xx' "$out/$name"; then
		log "$name: $(grep 'Non-2xx' "$out/$name")"
	fi
}
rps() { awk '/^Requests\/sec:/ {print $2}' "$out/$1"; }
pct() { awk -v p="$2%" '$1 == p {print $2}' "$out/$1"; }
ms() { # a wrk latency such as 830.00us, 12.5ms or 1.2s, in milliseconds
	awk -v v="$1" 'BEGIN {
		if (v ~ /us$/) { sub(/us$/, "", v); printf "%.2f", v / 1000 }
		else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.2f", v }
		else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.2f", v * 1000 }
		else printf "%s", v }'
}
errors() { # wrk's error counts, if any
	awk '/Non-2xx/ {print "non-2xx " $NF} /Socket errors/ {sub(/.*Socket errors: /, ""); print}' "$out/$1" | paste -sd';' -
}

curl -fsS -o /dev/null "$base/search?q=$(urlencode "$QUERY")"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run nginx "http://127.0.0.1:$port/doc/"
run doc "$base/doc/$DOC_ID"
# A logged-in reader: the whole text, and the account and buttons filled
# in for them on each request.
session="$(curl -fsS -o /dev/null -D - -H 'Content-Type: application/json' \
	-d '{"username":"benchreader","password":"bench password"}' "$base/api/v1/auth/register" |
	sed -n 's/^[Ss]et-[Cc]ookie: \(wengao_session=[^;]*\).*/\1/p')"
[ -n "$session" ] || { log "could not register a reader"; exit 1; }
COOKIE="$session" run doc_user "$base/doc/$DOC_ID"
run search "$base/search?q=$(urlencode "$QUERY")"
run searches "$base" "$tmp/paths.lua" "$tmp/search-paths.txt"
# Last: first views of documents compute their related reading, which
# keeps the server busy for a while after wrk stops.
run docs "$base" "$tmp/paths.lua" "$tmp/doc-paths.txt"

log "stopping wengao"
kill -TERM "$wengao_pid"
wait "$wengao_pid" && stopped="cleanly" || stopped="with status $?"
wengao_pid=""
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

ratio="$(awk -v a="$(rps doc)" -v b="$(rps nginx)" 'BEGIN {printf "%.0f", 100 * a / b}')"
search_p99="$(ms "$(pct search 99)")"
searches_p99="$(ms "$(pct searches 99)")"
verdict() { if awk -v a="$1" -v b="$2" "BEGIN {exit !(a $3 b)}"; then echo "met"; else echo "**missed**"; fi; }

cat <<EOF
### Reading site (bench/site.sh)

$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(go version | cut -d' ' -f3), $("$NGINX" -v 2>&1 | sed 's/.*version: //'), wrk $THREADS threads and $CONNS connections for $DURATION per row, on the same cores as the servers; load average $load_before before the runs, $load_after after (other work on the machine skews the figures).
Library: $docs documents ($([ -n "${CORPUS:-}" ] && basename "$CORPUS" || echo "the seeded sample")); article \`/doc/$DOC_ID\`, $page_bytes bytes of HTML; requests as a browser without cookies, so each is a new visitor to count (who reads the preview), except the logged-in row.

| what | requests/s | p50 ms | p90 ms | p99 ms | errors |
| --- | ---: | ---: | ---: | ---: | --- |
| nginx, static copy of the article | $(rps nginx) | $(ms "$(pct nginx 50)") | $(ms "$(pct nginx 90)") | $(ms "$(pct nginx 99)") | $(errors nginx) |
| wengao \`/doc/$DOC_ID\` | $(rps doc) | $(ms "$(pct doc 50)") | $(ms "$(pct doc 90)") | $(ms "$(pct doc 99)") | $(errors doc) |
| wengao \`/doc/$DOC_ID\`, a logged-in reader (whole text) | $(rps doc_user) | $(ms "$(pct doc_user 50)") | $(ms "$(pct doc_user 90)") | $(ms "$(pct doc_user 99)") | $(errors doc_user) |
| wengao \`/doc/{id}\`, all $(wc -l <"$tmp/doc-paths.txt") documents in turn | $(rps docs) | $(ms "$(pct docs 50)") | $(ms "$(pct docs 90)") | $(ms "$(pct docs 99)") | $(errors docs) |
| wengao \`/search?q=$QUERY\` | $(rps search) | $(ms "$(pct search 50)") | $(ms "$(pct search 90)") | $(ms "$(pct search 99)") | $(errors search) |
| wengao \`/search\`, $(wc -l <"$tmp/search-paths.txt") queries of bench/queries.txt in turn | $(rps searches) | $(ms "$(pct searches 50)") | $(ms "$(pct searches 90)") | $(ms "$(pct searches 99)") | $(errors searches) |

- Article page: ${ratio}% of nginx's requests per second (target ≥ 40%: $(verdict "$ratio" 40 ">=")).
- Search page p99: ${search_p99} ms for one query, ${searches_p99} ms over the query list (target ≤ 50 ms: $(verdict "$search_p99" 50 "<=") / $(verdict "$searches_p99" 50 "<=")).
- wengao stopped $stopped after the runs (buffered reads are written on stop).
EOF

#!/usr/bin/env bash
# Soak test (issue 16): mixed traffic against one wengao for MINUTES
# (default 30) with one fault a minute (FAULT_EVERY seconds), in rotation:
#
#   kill     kill -9 of wengao serve; `wengao ledger check` on the data as
#            the crash left it; restart on the same address
#   junk     hostile uploads: a 25 MB file (over the limit), a multipart
#            body cut short, a .docx that is no zip, a .pdf of noise
#   logins   50 wrong passwords for one account from one address, then
#            its owner logs in from another
#   slowloris 200 connections that send headers a line at a time for 20 s
#   flood    600 searches as fast as 8 connections go, from one address
#
# The traffic is bench/load (pages, searches, downloads that spend
# points, favourites, uploads) at RATE actions a second shared by USERS
# accounts, each behind its own X-Forwarded-For address (the server trusts
# 127.0.0.1 as a proxy, so per-address limits apply per user and the flood
# and the login burst have addresses of their own). Every SAMPLE seconds
# it records the server's RSS, goroutines (/metrics), open files
# (/proc/PID/fd), the database size (wengao.db + -wal) and the load's
# running counts; at the end bench/soakplot writes SVG charts to
# docs/soak/ and replaces the "## Soak" section of docs/reliability.md.
#
# Usage, from anywhere (nice it; the machine is shared):
#
#   nice -n 10 bench/soak.sh            # 30 minutes
#   nice -n 10 bench/soak.sh 10
#   RATE=20 USERS=8 SAMPLE=10 SEARCH_PER_MINUTE=60 bench/soak.sh 30
#
# Everything runs in a temporary folder, removed at the end; the trap
# stops the server, the load and any fault client it started. It exits
# non-zero if a ledger check failed or the server did not come back.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=lib.sh
. "$root/bench/lib.sh"
MINUTES="${1:-30}"
RATE="${RATE:-10}"
USERS="${USERS:-6}"
SAMPLE="${SAMPLE:-5}"
FAULT_EVERY="${FAULT_EVERY:-60}" # seconds between faults
SEARCH_PER_MINUTE="${SEARCH_PER_MINUTE:-60}"
PASSWORD="soak password 2026"
case "$MINUTES" in '' | *[!0-9]*) echo "soak.sh: MINUTES must be a whole number" >&2; exit 2 ;; esac

log() { echo "soak.sh: $(date -u +%H:%M:%S) $*" >&2; }

tmp="$(mktemp -d)"
serve_pid=""
load_pid=""
fault_pids=()
cleanup() {
	local p
	for p in "${fault_pids[@]}" "$load_pid" "$serve_pid"; do
		if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
			kill "$p" 2>/dev/null || true
			wait "$p" 2>/dev/null || true
		fi
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "building"
(cd "$root" && go build -o "$tmp/wengao" ./cmd/wengao && go build -o "$tmp/load" ./bench/load && go build -o "$tmp/soakplot" ./bench/soakplot)
data="$tmp/data"
port="$(free_port)"
base="http://127.0.0.1:$port"
serve_args=(serve --data "$data" --addr "127.0.0.1:$port" --log-format json
	--search-per-minute "$SEARCH_PER_MINUTE" --trusted-proxies 127.0.0.1/32
	--registrations-per-hour 0 --uploads-per-day 0)

# start_server: starts wengao serve and waits until /healthz answers.
start_server() {
	"$tmp/wengao" "${serve_args[@]}" >>"$tmp/serve.out" 2>>"$tmp/serve.log" &
	serve_pid=$!
	local i
	for i in $(seq 1 600); do
		http_ok "$base/healthz" && return 0
		kill -0 "$serve_pid" 2>/dev/null || break
		sleep 0.1
	done
	log "wengao did not start"
	tail -n 20 "$tmp/serve.log" >&2
	return 1
}

log "seeding the sample library"
start_server
kill -TERM "$serve_pid"
wait "$serve_pid" || true
serve_pid=""
accounts=(victim junk)
for i in $(seq 1 "$USERS"); do accounts+=("soak$i"); done
for a in "${accounts[@]}"; do
	printf '%s\n' "$PASSWORD" | "$tmp/wengao" user add --data "$data" --password-stdin "$a" >/dev/null
	"$tmp/wengao" points grant --data "$data" "$a" 100000 --reason "soak test" >/dev/null
done
"$tmp/wengao" ledger check --data "$data" >/dev/null

start_server
log "wengao at $base (pid $serve_pid), $MINUTES minutes at $RATE actions/s by $USERS users"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$tmp/load" -url "$base" -duration "${MINUTES}m" -rate "$RATE" -users "$USERS" -forwarded \
	-password "$PASSWORD" -queries "$root/bench/queries.txt" -stats "$tmp/stats.json" >"$tmp/load.json" 2>"$tmp/load.log" &
load_pid=$!

samples="$tmp/samples.tsv"
faults="$tmp/faults.tsv"
printf 't\tpid\trss_kb\tgoroutines\tfds\tdb_bytes\trequests\tok\tlimited\trefused\tserver\ttransport\n' >"$samples"
printf 't\tfault\tresult\n' >"$faults"

# sample T: one line of samples.tsv.
sample() {
	local t="$1" rss gor fds db counts c requests
	rss="$(status_kb "$serve_pid" VmRSS)"
	gor="$(curl -fsS --max-time 5 "$base/metrics" 2>/dev/null | awk '$1 == "go_goroutines" {print $2}' || true)"
	fds="$(ls "/proc/$serve_pid/fd" 2>/dev/null | wc -l || true)"
	[ "$fds" = 0 ] && fds=""
	db=0
	for f in "$data/wengao.db" "$data/wengao.db-wal"; do
		[ -f "$f" ] && db=$((db + $(stat -c %s "$f")))
	done
	requests="" counts=("" "" "" "" "")
	if [ -f "$tmp/stats.json" ]; then
		requests="$(sed -n 's/.*"requests":\([0-9]*\).*/\1/p' "$tmp/stats.json")"
		c="$(sed -n 's/.*"classes":{\([^}]*\)}.*/\1/p' "$tmp/stats.json")"
		counts=()
		for k in ok limited refused server transport; do
			counts+=("$(printf '%s' "$c" | tr ',' '\n' | sed -n "s/^\"$k\":\([0-9]*\)$/\1/p")")
		done
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$serve_pid" "$rss" "$gor" "$fds" "$db" "$requests" "${counts[@]}" >>"$samples"
}

kills=0
ledger_ok=0
ledger_fail=0
# fault_kill T: kill -9, ledger check on the crashed data, restart.
fault_kill() {
	local t="$1" result check down
	kill -9 "$serve_pid"
	wait "$serve_pid" 2>/dev/null || true
	kills=$((kills + 1))
	down="$(now_ns)"
	if check="$("$tmp/wengao" ledger check --data "$data" 2>&1)"; then
		ledger_ok=$((ledger_ok + 1))
		result="ledger check passed"
	else
		ledger_fail=$((ledger_fail + 1))
		result="**ledger check failed**: $(printf '%s' "$check" | tr '\n\t' '  ' | cut -c1-200)"
	fi
	if start_server; then
		result="$result; serving again after $(calc "($(now_ns) - $down) / 1e9" | xargs printf '%.1f') s"
	else
		result="$result; **did not restart**"
		printf '%s\tkill -9\t%s\n' "$t" "$result" >>"$faults"
		return 1
	fi
	printf '%s\tkill -9\t%s\n' "$t" "$result" >>"$faults"
}

# fault_bg T NAME ARGS...: runs a fault client in the background; its
# report becomes the result.
fault_bg() {
	local t="$1" name="$2"
	shift 2
	(
		out="$("$tmp/load" "$@" -url "$base" 2>&1 | tr '\n\t' '  ' | cut -c1-300)" || true
		ok="healthy after"
		http_ok "$base/healthz" || ok="**not answering after**"
		printf '%s\t%s\t%s (%s)\n' "$t" "$name" "$out" "$ok" >>"$faults"
	) &
	fault_pids+=($!)
}

start_s="$(date +%s)"
end_s=$((start_s + MINUTES * 60))
next_fault=$((start_s + FAULT_EVERY))
fault_i=0
while :; do
	now="$(date +%s)"
	[ "$now" -ge "$end_s" ] && break
	t=$((now - start_s))
	sample "$t"
	if [ "$now" -ge "$next_fault" ] && [ "$now" -lt $((end_s - 10)) ]; then
		case $((fault_i % 5)) in
		0) log "fault: kill -9"; fault_kill "$t" ;;
		1) log "fault: hostile uploads"; fault_bg "$t" "hostile uploads" junk -user junk -password "$PASSWORD" ;;
		2) log "fault: wrong-password burst"; fault_bg "$t" "wrong-password burst" logins -user victim -password "$PASSWORD" ;;
		3) log "fault: slowloris"; fault_bg "$t" "slowloris" slowloris -n 200 -hold 20s ;;
		4) log "fault: search flood"; fault_bg "$t" "search flood" flood -n 600 -c 8 ;;
		esac
		fault_i=$((fault_i + 1))
		next_fault=$((next_fault + FAULT_EVERY))
	fi
	sleep $((SAMPLE - ($(date +%s) - now) > 0 ? SAMPLE - ($(date +%s) - now) : 1))
done

log "waiting for the load to finish"
wait "$load_pid" || { log "load failed"; cat "$tmp/load.log" >&2; exit 1; }
load_pid=""
for p in "${fault_pids[@]}"; do wait "$p" 2>/dev/null || true; done
fault_pids=()
sample "$(($(date +%s) - start_s))"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"
kill -TERM "$serve_pid"
wait "$serve_pid" && stopped="cleanly" || stopped="with status $?"
serve_pid=""
if "$tmp/wengao" ledger check --data "$data" >/dev/null 2>&1; then final_ledger="passed"; else final_ledger="**failed**"; ledger_fail=$((ledger_fail + 1)); fi
uploads_dir="$data/files"
files="$(find "$uploads_dir" -type f 2>/dev/null | wc -l)"

cat >"$tmp/notes.md" <<EOF
Run of $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')), $(go version | cut -d' ' -f3), at nice $(nice), on a machine shared with other work: load average $load_before before, $load_after after. Seeded sample library; $USERS reader accounts with 100,000 points each; $RATE actions a second (weights: pages 40, searches 30, downloads 14, favourites 12, uploads 4); \`--search-per-minute $SEARCH_PER_MINUTE\` per address, \`--trusted-proxies 127.0.0.1/32\`, \`--uploads-per-day 0\`.

- \`kill -9\`: $kills times; \`wengao ledger check\` on the data as each crash left it: $ledger_ok passed, $ledger_fail failed; after the run, on a clean stop ($stopped): $final_ledger.
- Files in the data folder's files/ at the end: $files.
EOF

log "writing docs/reliability.md and docs/soak/*.svg"
niced="" # the command as it ran: nice -n N when niced
[ "$(nice)" = 0 ] || niced="nice -n $(nice) "
"$tmp/soakplot" -samples "$samples" -faults "$faults" -load "$tmp/load.json" -notes "$tmp/notes.md" \
	-svg-dir "$root/docs/soak" -doc "$root/docs/reliability.md" -command "${niced}bench/soak.sh $MINUTES"
cp "$samples" "$root/docs/soak/samples.tsv"
cp "$faults" "$root/docs/soak/faults.tsv"
cp "$tmp/load.json" "$root/docs/soak/load.json"
cp "$tmp/notes.md" "$root/docs/soak/notes.md"
log "done: $kills kills, ledger checks $ledger_ok passed, $ledger_fail failed"
[ "$ledger_fail" -eq 0 ]

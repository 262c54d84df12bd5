# Shell helpers of the benchmark scripts (search.sh, scale.sh), sourced by
# them. They need nothing but bash, awk and coreutils; http_ok uses curl
# when present, else bash's /dev/tcp.

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { printf \"%s\", $1 }"; }
# now_ns: nanoseconds since the epoch.
now_ns() { date +%s%N; }
# status_kb PID FIELD: a memory field of /proc/PID/status, in kB.
status_kb() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
# http_ok URL: whether GET URL answers 200.
http_ok() {
	if command -v curl >/dev/null; then
		curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
		return
	fi
	(
		hostport="${1#http://}"
		path="/${1#http://*/}"
		hostport="${hostport%%/*}"
		exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || exit 1
		printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
		read -r _ status _ <&3 || exit 1
		[ "$status" = "200" ]
	) 2>/dev/null
}
# free_port: a TCP port of 127.0.0.1 that nothing listens on.
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return
		fi
	done
	echo "$(basename "$0"): no free port found" >&2
	return 1
}

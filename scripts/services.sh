# Throw-away services for the tests, sourced by scripts/test.sh and
# scripts/with-services.sh (not run by itself):
#
#   start_postgres  a PostgreSQL cluster in a temporary folder on a
#                   loopback port, UTF-8, with a random password; exports
#                   WENGAO_TEST_POSTGRES=postgres://…
#   start_s3        SeaweedFS's S3 server on loopback ports, with an
#                   access key and secret (signatures checked); exports
#                   WENGAO_TEST_S3=http://KEY:SECRET@127.0.0.1:PORT
#   stop_services   stops both and removes their folders (set as an EXIT
#                   trap by start_services)
#
# Debian's postgresql is installed when missing and root; SeaweedFS's
# weed is built from the Go module proxy when missing (see SEAWEEDFS_VERSION).
# A service that cannot start is reported and left unset: its tests skip,
# except with CI=true, where they fail.

# SEAWEEDFS_VERSION is the SeaweedFS module version built for the tests.
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6

services_dir=""
services_pids=()
pg_bin=""
pg_data=""

# pg_as runs a PostgreSQL program as the cluster's owner: postgres
# refuses to run as root.
pg_as() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# free_port prints a TCP port in 20000-49999 that nothing listens on
# (below 55535: SeaweedFS also takes port+10000 for gRPC).
free_port() {
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

start_postgres() {
	pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "== apt-get install postgresql"
		# Only the programs: no cluster of the system's own.
		mkdir -p /etc/postgresql-common
		[ -e /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
		pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	fi
	if [ -z "$pg_bin" ]; then
		echo "== PostgreSQL missing (not root, or no apt-get): its tests will skip (CI=true makes them fail)"
		return 0
	fi
	if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
		echo "== no postgres user to run PostgreSQL as: its tests will skip (CI=true makes them fail)"
		return 0
	fi
	pg_data="$services_dir/pg"
	mkdir -p "$pg_data"
	local pw
	pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
	echo "$pw" >"$services_dir/pg.pw"
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres: "$services_dir"
		chmod 700 "$services_dir"
	fi
	if ! pg_as "$pg_bin/initdb" -D "$pg_data" -U wengao --pwfile="$services_dir/pg.pw" \
		--auth-local=scram-sha-256 --auth-host=scram-sha-256 \
		--encoding=UTF8 --locale=C.UTF-8 >"$services_dir/initdb.log" 2>&1; then
		cat "$services_dir/initdb.log"
		echo "== initdb failed: PostgreSQL tests will skip (CI=true makes them fail)"
		return 0
	fi
	rm -f "$services_dir/pg.pw"
	local port
	for _ in 1 2 3; do
		port=$(free_port) || break
		# fsync off: a throw-away cluster need not survive a crash.
		if pg_as "$pg_bin/pg_ctl" -D "$pg_data" -l "$services_dir/pg.log" -w -t 60 start \
			-o "-c listen_addresses=127.0.0.1 -p $port -k $pg_data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
			export WENGAO_TEST_POSTGRES="postgres://wengao:$pw@127.0.0.1:$port/postgres?sslmode=disable"
			echo "== $("$pg_bin/postgres" --version) on 127.0.0.1:$port ($pg_data)"
			return 0
		fi
	done
	tail -5 "$services_dir/pg.log" 2>/dev/null
	echo "== PostgreSQL did not start: its tests will skip (CI=true makes them fail)"
}

# weed_path prints where the weed binary of SEAWEEDFS_VERSION is kept.
weed_path() {
	echo "$(go env GOPATH)/bin/weed-$SEAWEEDFS_VERSION"
}

# build_weed builds SeaweedFS's weed from the module proxy. go install
# pkg@version refuses the module (its go.mod has replace directives), so
# it is built inside the downloaded module.
build_weed() {
	local dir out
	out=$(weed_path)
	echo "== building SeaweedFS $SEAWEEDFS_VERSION (once; a few minutes)"
	dir=$(go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' || true)
	[ -n "$dir" ] || return 1
	mkdir -p "$(dirname "$out")"
	(cd "$dir" && GOFLAGS=-buildvcs=false go build -o "$out.$$.tmp" ./weed) && mv "$out.$$.tmp" "$out"
}

# http_status prints the status code of GET / on a loopback port.
http_status() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
		read -r -t 5 _ code _ <&3 && echo "$code"
	) 2>/dev/null
}

start_s3() {
	local weed
	weed=$(weed_path)
	if [ ! -x "$weed" ] && ! build_weed; then
		echo "== SeaweedFS could not be built: the S3 tests will skip (CI=true makes them fail)"
		return 0
	fi
	local key secret dir
	key="wengao$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
	secret=$(od -An -N20 -tx1 /dev/urandom | tr -d ' \n')
	dir="$services_dir/s3"
	mkdir -p "$dir/data"
	cat >"$dir/s3.json" <<-EOF
		{"identities": [{"name": "wengao", "credentials": [{"accessKey": "$key", "secretKey": "$secret"}],
		  "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
	EOF
	local s3port mport vport fport
	if ! { s3port=$(free_port) && mport=$(free_port) && vport=$(free_port) && fport=$(free_port); }; then
		echo "== no free port for SeaweedFS: the S3 tests will skip (CI=true makes them fail)"
		return 0
	fi
	"$weed" server -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$dir/data" \
		-master.port="$mport" -volume.port="$vport" -filer -filer.port="$fport" \
		-s3 -s3.port="$s3port" -s3.port.iceberg=0 -s3.config="$dir/s3.json" \
		-master.telemetry=false -master.volumeSizeLimitMB=64 -volume.max=0 \
		>"$dir/weed.log" 2>&1 &
	services_pids+=($!)
	# Ready when a signed request is answered (the bucket listing of an
	# unknown key is refused with 403 once the S3 gateway runs).
	for _ in $(seq 120); do
		if [ "$(http_status "$s3port")" = 403 ]; then
			export WENGAO_TEST_S3="http://$key:$secret@127.0.0.1:$s3port"
			echo "== SeaweedFS S3 on 127.0.0.1:$s3port"
			return 0
		fi
		sleep 0.5
	done
	tail -20 "$dir/weed.log"
	echo "== SeaweedFS did not start: the S3 tests will skip (CI=true makes them fail)"
}

stop_services() {
	local pid
	for pid in "${services_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	services_pids=()
	if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
		pg_as "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	if [ -n "$services_dir" ]; then
		rm -rf "$services_dir"
	fi
	services_dir=""
}

start_services() {
	services_dir=$(mktemp -d /tmp/wengao-test-services.XXXXXX)
	chmod 755 "$services_dir"
	trap stop_services EXIT
	trap 'exit 130' INT TERM
	start_postgres
	start_s3
}

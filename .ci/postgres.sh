#!/usr/bin/env bash
# A throwaway PostgreSQL 15 + pgvector for the test suite (see STACK.md, "PostgreSQL 15 + pgvector").
#
#   .ci/postgres.sh        -> prints the DATABASE_URL to test against
#
# Idempotent and quiet: builds pgvector once (Debian 12 has no package; it is built from Debian's
# trixie source package without touching /etc/apt), starts a cluster on 127.0.0.1:5433 with its data
# in /tmp unless one already answers there, creates the `vector` extension in template1 (so Django's
# test databases get it; CREATE EXTENSION needs a superuser) and the database `samenspel`.
#
# Exit codes: 0 ready; 77 PostgreSQL cannot be installed here (not root and no sudo, or no network);
# anything else is a real failure. Progress and errors go to stderr, the URL alone to stdout.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
PORT=5433
HOST=127.0.0.1
# Per user, so a run as root (cluster owned by postgres) and one as a developer never collide.
SUFFIX=$([ "$(id -u)" = 0 ] || echo "-$(id -un)")
DATA=/tmp/samenspel-pg${PORT}${SUFFIX}
SOCK=/tmp/samenspel-pg${PORT}-sock${SUFFIX}
BUILD=/tmp/pgvector-build${SUFFIX}
LOG=/tmp/samenspel-pg${PORT}-setup${SUFFIX}.log
CONTROL=/usr/share/postgresql/15/extension/vector.control
URL="postgres://postgres@${HOST}:${PORT}/samenspel"

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
	say "ERROR: $*"
	if [ -s "$LOG" ]; then
		say "last lines of $LOG:"
		tail -n 30 "$LOG" >&2
	fi
	exit 1
}
skip() {
	say "cannot set up PostgreSQL here: $*"
	exit 77
}

# Root runs apt and the cluster (as the postgres user); otherwise sudo for apt, the cluster as us.
if [ "$(id -u)" = 0 ]; then
	AS_ROOT=()
	as_owner() { runuser -u postgres -- "$@"; }
	OWNER=postgres
else
	AS_ROOT=(sudo -n)
	as_owner() { "$@"; }
	OWNER=$(id -un)
fi
can_install() { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }

# PostgreSQL 15 itself is in the image (STACK.md); elsewhere install it from Debian when we may.
if [ ! -x "$PG_BIN/initdb" ] || ! command -v psql >/dev/null || ! command -v pg_isready >/dev/null; then
	can_install || skip "PostgreSQL 15 is not installed ($PG_BIN/initdb missing) and installing it needs root or sudo."
	command -v apt-get >/dev/null || skip "PostgreSQL 15 is not installed and this is not a Debian system."
	say "installing PostgreSQL 15 from Debian (log: $LOG)"
	: >"$LOG"
	"${AS_ROOT[@]}" apt-get update -qq >>"$LOG" 2>&1 || skip "apt-get update failed (no network?); see $LOG."
	"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 postgresql-client-15 \
		>>"$LOG" 2>&1 || die "could not install postgresql-15."
	[ -x "$PG_BIN/initdb" ] || die "PostgreSQL 15 installed, but $PG_BIN/initdb is still missing."
fi

psql_su() { psql -X -q -v ON_ERROR_STOP=1 -h "$HOST" -p "$PORT" -U postgres "$@"; }

# 1. pgvector, built once from Debian's trixie source package.
build_pgvector() {
	can_install || skip "pgvector is not installed ($CONTROL missing) and installing it needs root or sudo."
	say "building pgvector from Debian's trixie source package (once, ~1 min; log: $LOG)"
	: >"$LOG"
	local uri opts
	uri=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
	[ -n "$uri" ] || uri=http://deb.debian.org/debian
	"${AS_ROOT[@]}" rm -rf "$BUILD"
	mkdir -p "$BUILD/lists/partial" "$BUILD/cache/archives/partial" "$BUILD/src"
	printf 'deb-src %s trixie main\n' "$uri" >"$BUILD/sources.list"
	opts=(-o "Dir::Etc::SourceList=$BUILD/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$BUILD/lists" -o "Dir::Cache=$BUILD/cache")
	apt-get "${opts[@]}" update -qq >>"$LOG" 2>&1 \
		|| skip "cannot reach the Debian mirror $uri (no network?); see $LOG."
	local pkgs=(postgresql-server-dev-15)
	command -v dpkg-source >/dev/null || pkgs+=(dpkg-dev)
	command -v gcc >/dev/null || pkgs+=(gcc)
	command -v make >/dev/null || pkgs+=(make)
	if ! "${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >>"$LOG" 2>&1; then
		# A fresh image may have no package lists yet.
		"${AS_ROOT[@]}" apt-get update -qq >>"$LOG" 2>&1 \
			|| skip "apt-get update failed (no network?); see $LOG."
		"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >>"$LOG" 2>&1 \
			|| die "could not install ${pkgs[*]}."
	fi
	(cd "$BUILD/src" && apt-get "${opts[@]}" source -qq pgvector) >>"$LOG" 2>&1 \
		|| die "could not fetch the pgvector source package from trixie."
	local src
	src=$(find "$BUILD/src" -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
	[ -n "$src" ] || die "pgvector source directory not found under $BUILD/src."
	(cd "$src" && make -s PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="") >>"$LOG" 2>&1 \
		|| die "building pgvector failed."
	(cd "$src" && "${AS_ROOT[@]}" make -s PG_CONFIG="$PG_BIN/pg_config" install) >>"$LOG" 2>&1 \
		|| die "installing pgvector failed."
	[ -f "$CONTROL" ] || die "pgvector installed, but $CONTROL is still missing."
	say "pgvector $(awk -F"'" '/default_version/{print $2}' "$CONTROL") installed"
}
[ -f "$CONTROL" ] || build_pgvector

# 2. The throwaway cluster (trust authentication, local connections only).
if ! pg_isready -q -h "$HOST" -p "$PORT" -U postgres -d postgres; then
	start() {
		as_owner "$PG_BIN/pg_ctl" -D "$DATA" -l "$DATA/log.txt" -w -t 30 \
			-o "-c listen_addresses=$HOST -p $PORT -k $SOCK -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
			start >>"$LOG" 2>&1
	}
	init() {
		rm -rf "$DATA"
		mkdir -p "$DATA" "$SOCK"
		chown "$OWNER" "$DATA" "$SOCK"
		chmod 700 "$DATA"
		as_owner "$PG_BIN/initdb" -D "$DATA" -A trust -U postgres --locale=C.UTF-8 -E UTF8 >>"$LOG" 2>&1 \
			|| die "initdb failed."
	}
	: >"$LOG"
	mkdir -p "$SOCK" && chown "$OWNER" "$SOCK"
	if [ -f "$DATA/PG_VERSION" ] && start; then
		:
	else
		# No cluster yet, or a broken one from an earlier run: start over.
		init
		start || die "the cluster in $DATA did not start (see $DATA/log.txt)."
	fi
	pg_isready -q -h "$HOST" -p "$PORT" -U postgres -d postgres || die "the cluster started but does not answer on $HOST:$PORT."
fi

# 3. The extension in template1 (inherited by every database Django creates) and the database.
psql_su -d template1 -c 'CREATE EXTENSION IF NOT EXISTS vector' >>"$LOG" 2>&1 \
	|| die "CREATE EXTENSION vector failed on $HOST:$PORT (is pgvector installed for this server?)."
if [ "$(psql_su -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'samenspel'")" != 1 ]; then
	psql_su -d postgres -c 'CREATE DATABASE samenspel' >>"$LOG" 2>&1 || die "CREATE DATABASE samenspel failed."
fi
psql_su -d samenspel -c 'CREATE EXTENSION IF NOT EXISTS vector' >>"$LOG" 2>&1 \
	|| die "CREATE EXTENSION vector failed in database samenspel."

echo "$URL"

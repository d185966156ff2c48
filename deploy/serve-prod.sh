#!/usr/bin/env bash
# `make serve-prod`: Samenspel as in production, on one machine, in the foreground.
#
# Reads the environment, then deploy/samenspel.env (or $SAMENSPEL_ENV_FILE) for whatever the
# environment does not set; refuses to start without PostgreSQL, DEBUG=false, a SECRET_KEY
# and ALLOWED_HOSTS. Then migrate, createcachetable, collectstatic, and two processes:
# gunicorn (deploy/gunicorn.conf.py, several workers; whitenoise serves /static/) and the
# background worker (manage.py qcluster). When either stops, or on Ctrl-C, both stop.
# On a server, the systemd units in deploy/ run the same two processes instead.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
GUNICORN=.venv/bin/gunicorn
ENV_FILE=${SAMENSPEL_ENV_FILE:-deploy/samenspel.env}

refuse() {
	printf 'serve-prod: %s\n' "$1" >&2
	shift
	[ $# -eq 0 ] || printf '%s\n' "$@" >&2
	exit 2
}

# KEY=value lines (systemd EnvironmentFile syntax); the environment wins over the file.
if [ -f "$ENV_FILE" ]; then
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		case "$line" in '' | '#'*) continue ;; esac
		key=${line%%=*}
		value=${line#*=}
		[[ $key =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || refuse "$ENV_FILE: not a KEY=value line: $line"
		case "$value" in \"*\") value=${value:1:-1} ;; \'*\') value=${value:1:-1} ;; esac
		[ -n "${!key+set}" ] || export "$key=$value"
	done <"$ENV_FILE"
fi

case "${DATABASE_URL:-}" in
postgres://* | postgresql://*) ;;
*)
	refuse "DATABASE_URL must point at PostgreSQL (postgres://USER:PASSWORD@HOST:PORT/NAME); it is '${DATABASE_URL:-unset}'." \
		"  Set it in the environment or in $ENV_FILE (cp deploy/samenspel.env.example $ENV_FILE)." \
		"  To try it on this machine: bash .ci/postgres.sh starts a local PostgreSQL 15 + pgvector on" \
		"  127.0.0.1:5433; create a database of your own there, e.g." \
		"    psql -h 127.0.0.1 -p 5433 -U postgres -c 'CREATE DATABASE samenspel_prod'" \
		"  and use DATABASE_URL=postgres://postgres@127.0.0.1:5433/samenspel_prod." \
		"  Moving an existing SQLite site: see README, 'Moving from SQLite to PostgreSQL'."
	;;
esac
export DEBUG=${DEBUG:-false}
case "${DEBUG,,}" in
false | 0 | no | off) ;;
*) refuse "DEBUG=$DEBUG: serve-prod runs with DEBUG=false only (use 'make run' to develop)." ;;
esac
if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
	refuse "SECRET_KEY (or SECRET_KEY_FILE) is required, at least 50 characters; make one with" \
		"  $PY -c 'import secrets; print(secrets.token_urlsafe(64))'"
fi
[ -n "${ALLOWED_HOSTS:-}" ] || refuse "ALLOWED_HOSTS is required, e.g. ALLOWED_HOSTS=samenspel.example.org"

"$PY" manage.py migrate --noinput
"$PY" manage.py createcachetable
"$PY" manage.py collectstatic --noinput

pids=()
stop() {
	trap - EXIT INT TERM
	if [ ${#pids[@]} -gt 0 ]; then
		kill -TERM "${pids[@]}" 2>/dev/null || true
		wait "${pids[@]}" 2>/dev/null || true
	fi
}
trap stop EXIT
trap 'stop; exit 130' INT TERM

"$PY" manage.py qcluster &
pids+=($!)
"$GUNICORN" -c deploy/gunicorn.conf.py &
pids+=($!)
echo "serve-prod: gunicorn on ${GUNICORN_BIND:-127.0.0.1:8000} (pid ${pids[1]}), worker (pid ${pids[0]}); Ctrl-C stops both." >&2

status=0
wait -n "${pids[@]}" || status=$?
echo "serve-prod: a process stopped (exit $status); stopping the other." >&2
exit "$status"

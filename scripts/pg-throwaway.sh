#!/usr/bin/env bash
# A throwaway PostgreSQL on loopback for slowburn-store-pg's tests (issue 17).
#
#   bash scripts/pg-throwaway.sh start     # stdout: postgres://postgres@127.0.0.1:PORT/postgres
#                                          # stderr: the server's directory and how to stop it
#   bash scripts/pg-throwaway.sh stop DIR  # stop that server and delete DIR
#
# The server runs as the `postgres` user when this runs as root (PostgreSQL refuses root), in a
# fresh directory under $TMPDIR, listening on 127.0.0.1 only (and a socket in that directory),
# trust authentication, fsync off: it is for tests and holds nothing worth keeping.
# When initdb is missing it is installed with apt on CI (CI=true); elsewhere it fails loudly.
set -euo pipefail

die() {
    echo "pg-throwaway: $*" >&2
    exit 1
}

find_bin() {
    local name=$1
    if command -v "$name" >/dev/null 2>&1; then
        command -v "$name"
        return
    fi
    local b
    for b in /usr/local/bin/"$name" /usr/lib/postgresql/*/bin/"$name"; do
        if [ -x "$b" ]; then
            echo "$b"
            return
        fi
    done
    return 1
}

ensure_postgres() {
    if find_bin initdb >/dev/null && find_bin pg_ctl >/dev/null; then
        return
    fi
    if [ "${CI:-}" != "true" ]; then
        die "initdb/pg_ctl not found. Install PostgreSQL 15 (e.g. apt-get install -y postgresql-15) \
or run with CI=true to let this script install it."
    fi
    [ "$(id -u)" = 0 ] || die "initdb not found and not root: cannot install PostgreSQL"
    echo "pg-throwaway: installing PostgreSQL with apt (CI=true)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql-15 >&2 || apt-get install -y postgresql >&2 \
        || die "apt-get could not install PostgreSQL"
    find_bin initdb >/dev/null || die "PostgreSQL installed but initdb still not found"
}

# Run a PostgreSQL binary as the postgres user when we are root.
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root and there is no 'postgres' user"
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        return
    fi
    local p
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 40000))
        if ! (echo >/dev/tcp/127.0.0.1/"$p") 2>/dev/null; then
            echo "$p"
            return
        fi
    done
    die "no free port found"
}

start() {
    ensure_postgres
    local initdb pg_ctl dir port
    initdb=$(find_bin initdb)
    pg_ctl=$(find_bin pg_ctl)
    dir=$(mktemp -d "${TMPDIR:-/tmp}/slowburn-pg.XXXXXX")
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$dir"
    fi
    as_pg "$initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; die "initdb failed (log above; directory $dir)"; }
    local tries=0
    until
        port=$(free_port)
        as_pg "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off" start >&2
    do
        tries=$((tries + 1))
        [ "$tries" -lt 3 ] || { cat "$dir/server.log" >&2; die "the server did not start (directory $dir)"; }
    done
    local url="postgres://postgres@127.0.0.1:$port/postgres"
    echo "$url" >"$dir/url"
    echo "pg-throwaway: PostgreSQL running, directory $dir (stop: bash $0 stop $dir)" >&2
    echo "$url"
}

stop() {
    local dir=${1:-}
    [ -n "$dir" ] || die "usage: $0 stop DIR"
    [ -d "$dir/data" ] || die "$dir is not a directory made by '$0 start'"
    local pg_ctl
    pg_ctl=$(find_bin pg_ctl) || die "pg_ctl not found"
    as_pg "$pg_ctl" -D "$dir/data" -m fast -w stop >&2 || echo "pg-throwaway: server was not running" >&2
    rm -rf "$dir"
}

case "${1:-}" in
    start) start ;;
    stop) stop "${2:-}" ;;
    *) die "usage: $0 start | $0 stop DIR" ;;
esac

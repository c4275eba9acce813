#!/usr/bin/env bash
# Run every process of the platform under supervisord (scripts/supervisord.conf):
# each one is restarted when it dies, with backoff, and one dying never stops
# the others.
#
#   scripts/run.sh          # foreground; Ctrl-C stops every process
#   scripts/run.sh start    # the same, in the background (returns once supervisord answers)
#   scripts/run.sh stop     # stop every process and supervisord
#   scripts/run.sh status   # one line per process
#   scripts/run.sh credentials  # the demo credentials `make seed` wrote
#   scripts/run.sh ctl ...  # any supervisorctl command, e.g. `ctl restart worker`
set -euo pipefail
cd "$(dirname "$0")/.."

export CQRS_REPO="$PWD"
export CQRS_HOME="${CQRS_HOME:-$PWD/.local}"
mkdir -p "$CQRS_HOME/run" "$CQRS_HOME/logs"
CQRS_HOME="$(cd "$CQRS_HOME" && pwd)"
# Every variable scripts/supervisord.conf interpolates, with its default.
# Addresses the web processes bind to: loopback unless a host address is given
# (several machines, see README "Running on several machines").
export WRITE_HOST="${WRITE_HOST:-127.0.0.1}"
export READ_HOST="${READ_HOST:-127.0.0.1}"
export WRITE_PORT="${WRITE_PORT:-8000}"
export READ_PORT="${READ_PORT:-8001}"
export WRITE_WORKERS="${WRITE_WORKERS:-2}"
export READ_WORKERS="${READ_WORKERS:-2}"
export DRAMATIQ_PROCESSES="${DRAMATIQ_PROCESSES:-1}"
export DRAMATIQ_THREADS="${DRAMATIQ_THREADS:-4}"
export DRAMATIQ_WORKER_TIMEOUT_MS="${DRAMATIQ_WORKER_TIMEOUT_MS:-1000}"
export CQRS_PROJECTOR_NICE="${CQRS_PROJECTOR_NICE:-10}"
export CQRS_WRITE_SETTINGS="${CQRS_WRITE_SETTINGS:-config.settings.write}"
# The programs this host runs (scripts/cluster.sh gives each host its share).
CQRS_PROGRAMS="${CQRS_PROGRAMS:-write read worker listener metrics}"
for program in write read worker listener metrics; do
    if [[ " $CQRS_PROGRAMS " == *" $program "* ]]; then start=true; else start=false; fi
    export "CQRS_START_${program^^}=$start"
done
# Per-role folders of Prometheus multiprocess files, read by `serve_metrics`.
export CQRS_METRICS_DIR="${CQRS_METRICS_DIR:-$CQRS_HOME/metrics}"
export CQRS_METRICS_PORT="${CQRS_METRICS_PORT:-9108}"
export PYTHONUNBUFFERED=1

CONF="$CQRS_REPO/scripts/supervisord.conf"
PIDFILE="$CQRS_HOME/run/supervisord.pid"
CREDENTIALS="$CQRS_HOME/demo-credentials"
SUPERVISORD=.venv/bin/supervisord
SUPERVISORCTL=(.venv/bin/supervisorctl -c "$CONF")

supervisord_pid() {
    local pid
    pid=$(cat "$PIDFILE" 2>/dev/null || true)
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && echo "$pid" || true
}

banner() {
    echo
    echo "  admin      http://$WRITE_HOST:$WRITE_PORT/admin/"
    echo "  write API  http://$WRITE_HOST:$WRITE_PORT/api/products  (docs: /api/docs)"
    echo "  read API   http://$READ_HOST:$READ_PORT/v1/products  (docs: /v1/docs)"
    echo "  health     http://$READ_HOST:$READ_PORT/readyz  (write side: :$WRITE_PORT/readyz)"
    echo "  metrics    http://127.0.0.1:$CQRS_METRICS_PORT/metrics  (Prometheus, not on the API ports)"
    echo "  logs       $CQRS_HOME/logs/{write,read,worker,listener,metrics,supervisord}.log"
    echo "  status with 'scripts/run.sh status'; stop with Ctrl-C here, or 'make down'"
    echo
}

credentials() {
    if [[ $CQRS_WRITE_SETTINGS == *production* ]]; then
        echo "  demo credentials are not shown with production settings"
    elif [[ -f $CREDENTIALS ]]; then
        echo "  demo credentials (from the last 'make seed'; again with 'make credentials'):"
        sed 's/^/    /' "$CREDENTIALS"
        echo
    else
        echo "  no demo credentials yet: 'make seed' writes them to $CREDENTIALS"
    fi
}

# Every program RUNNING (supervisorctl's exit status counts STARTING as running).
all_running() {
    "${SUPERVISORCTL[@]}" status 2>/dev/null | awk '$2 != "RUNNING" { bad = 1 } END { exit bad || NR == 0 }'
}

# The banner and the credentials again once every process runs, below the
# start-up lines that would otherwise scroll them away.
announce_when_running() {
    local deadline=$((SECONDS + 120))
    until all_running; do
        ((SECONDS < deadline)) || { echo "not every process runs after 120s; 'scripts/run.sh status'" >&2; return 0; }
        sleep 1
    done
    banner
    credentials
}

refuse_second() {
    if [[ -n $(supervisord_pid) ]]; then
        echo "supervisord already runs for $CQRS_HOME (pid $(supervisord_pid)); 'scripts/run.sh status'" >&2
        exit 1
    fi
}

run() {
    refuse_second
    banner
    announce_when_running &
    # exec: Ctrl-C (SIGINT) and SIGTERM reach supervisord itself, which stops
    # every program (TERM to its process group, KILL after stopwaitsecs).
    exec "$SUPERVISORD" -c "$CONF"
}

start() {
    refuse_second
    # Still nodaemon (no double fork), but detached from this shell.
    setsid "$SUPERVISORD" -c "$CONF" </dev/null >>"$CQRS_HOME/logs/supervisord.out" 2>&1 &
    local deadline=$((SECONDS + 30))
    until "${SUPERVISORCTL[@]}" pid >/dev/null 2>&1; do
        ((SECONDS < deadline)) || { echo "supervisord did not answer within 30s; see $CQRS_HOME/logs/supervisord.log" >&2; exit 1; }
        sleep 0.2
    done
    banner
    credentials
}

stop() {
    local pid
    pid=$(supervisord_pid)
    if [[ -z $pid ]]; then
        echo "processes: not running"
        return 0
    fi
    kill -TERM "$pid"
    # Programs get up to their stopwaitsecs (max 40 s) to drain.
    local deadline=$((SECONDS + 60))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "supervisord (pid $pid) did not stop within 60s" >&2
        exit 1
    fi
    echo "processes: stopped"
}

status() {
    if [[ -z $(supervisord_pid) ]]; then
        echo "processes: not running (no supervisord for $CQRS_HOME)"
        return 0
    fi
    # supervisorctl exits 3 when a program is not RUNNING; the table says which.
    "${SUPERVISORCTL[@]}" status || true
}

case "${1:-run}" in
    run) run ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    credentials) credentials ;;
    ctl) shift; exec "${SUPERVISORCTL[@]}" "$@" ;;
    *) echo "usage: $0 [run|start|stop|status|credentials|ctl ...]" >&2; exit 2 ;;
esac

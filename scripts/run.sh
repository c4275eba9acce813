#!/usr/bin/env bash
# Run every process of the platform (Procfile) in the foreground, or stop them.
set -euo pipefail
cd "$(dirname "$0")/.."
CQRS_HOME="${CQRS_HOME:-$PWD/.local}"
PIDFILE="$CQRS_HOME/run/honcho.pid"
mkdir -p "$CQRS_HOME/run"

stop() {
    if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        kill -TERM "$(cat "$PIDFILE")"
        for _ in $(seq 1 100); do
            kill -0 "$(cat "$PIDFILE")" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$PIDFILE"
    # Children that outlived honcho (e.g. after a SIGKILL of honcho itself).
    pkill -f "gunicorn config.wsgi_(write|read)" 2>/dev/null || true
    pkill -f "manage.py (rundramatiq|outbox_listener)" 2>/dev/null || true
    pkill -f "dramatiq django_dramatiq.setup" 2>/dev/null || true
}

status() {
    if [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
        echo "processes: running (honcho pid $(cat "$PIDFILE"))"
    else
        echo "processes: stopped"
    fi
}

run() {
    echo
    echo "  admin      http://127.0.0.1:${WRITE_PORT:-8000}/admin/"
    echo "  write API  http://127.0.0.1:${WRITE_PORT:-8000}/api/"
    echo "  read API   http://127.0.0.1:${READ_PORT:-8001}/v1/products  (docs: /v1/docs)"
    echo "  health     http://127.0.0.1:${READ_PORT:-8001}/readyz"
    echo "  stop with Ctrl-C here, or 'make down' from another shell"
    echo
    .venv/bin/honcho start -f Procfile &
    echo $! > "$PIDFILE"
    trap 'stop; exit 0' INT TERM
    wait
    rm -f "$PIDFILE"
}

case "${1:-run}" in
    run) run ;;
    stop) stop ;;
    status) status ;;
    *) echo "usage: $0 [run|stop|status]" >&2; exit 2 ;;
esac

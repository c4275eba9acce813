#!/usr/bin/env bash
# Run every benchmark once with its default size; each prints its own ratios.
# Sizes: BENCH_OUTBOX_N, BENCH_PROJECTION_EVENTS, BENCH_READAPI_N, BENCH_READAPI_PAGE, BENCH_REBUILD_N,
# BENCH_SUGGEST_N, BENCH_VERSION_N, BENCH_OUTBOX_SCALE_N, BENCH_SCAN_EVENTS, BENCH_MIXED_SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m pip install --quiet -r bench/requirements-bench.txt
echo "### outbox";     $PY bench/outbox_bench.py --n "${BENCH_OUTBOX_N:-2000}"
echo "### projection"; $PY bench/projection_bench.py --events "${BENCH_PROJECTION_EVENTS:-20000}"
echo "### read API";   $PY bench/readapi_bench.py --n "${BENCH_READAPI_N:-100000}" --page "${BENCH_READAPI_PAGE:-1000}"
echo "### rebuild";    $PY bench/rebuild_bench.py --n "${BENCH_REBUILD_N:-100000}"
echo "### relevance"; $PY bench/relevance_bench.py --n "${BENCH_SUGGEST_N:-100000}"
echo "### versions";   $PY bench/version_bench.py --n "${BENCH_VERSION_N:-100000}"
echo "### outbox scale"; $PY bench/outbox_scale_bench.py --large "${BENCH_OUTBOX_SCALE_N:-1000000}"
echo "### listener scan"; $PY bench/scan_bench.py --events 2000 "${BENCH_SCAN_EVENTS:-20000}"
# Last: it exits non-zero on any failed request.
echo "### mixed load"; $PY bench/mixed_load_bench.py --duration "${BENCH_MIXED_SECONDS:-30}"

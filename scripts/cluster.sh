#!/usr/bin/env bash
# A small cluster of the platform on this machine: three "hosts" made from
# Linux network namespaces joined by a bridge, each with its own address in a
# private network this script owns.
#
#   host a  10.210.0.11  PostgreSQL, Redis, write web, outbox listener,
#                        OpenSearch node a (cluster manager only: the tiebreaker)
#   host b  10.210.0.12  OpenSearch node b (cluster manager + data), Dramatiq worker, read API
#   host c  10.210.0.13  OpenSearch node c (cluster manager + data), Dramatiq worker, read API
#
# The data lives on two nodes (replicas 1); three cluster-manager-eligible
# nodes keep a quorum (2 of 3) when any one of them stops, so either data
# node can go away, planned or not (OpenSearch's advice: an odd number of
# cluster-manager-eligible nodes, at least three; node a holds no data and
# runs on a small heap).
#
#   scripts/cluster.sh up       # network, services, migrate, seed, processes
#   scripts/cluster.sh down     # every process of the cluster, its namespaces and bridge
#   scripts/cluster.sh status   # hosts, OpenSearch health, processes per host
#   scripts/cluster.sh env HOST # the environment the processes of HOST run with
#   scripts/cluster.sh kill HOST        # SIGKILL every process of HOST (a host lost)
#   scripts/cluster.sh start HOST       # start HOST's services and processes again
#   scripts/cluster.sh node-stop HOST   # stop only HOST's OpenSearch node (a, b or c)
#   scripts/cluster.sh node-start HOST  # start it again
#   scripts/cluster.sh exec HOST [VAR=value...] CMD...  # run CMD on HOST with its
#                                       # environment (VAR=value overrides it), e.g. a
#                                       # second read API with another CQRS_READ_RATE
#
# Every listener is inside these namespaces (their own loopback or their
# address on the bridge); the bridge's own address lets this machine reach
# them. State lives under CLUSTER_HOME (.local/cluster), one folder per host,
# each the CQRS_HOME of that host's scripts/services.sh and scripts/run.sh.
# OpenSearch is the install scripts/services.sh keeps under CQRS_HOME; both
# nodes run from it with their own config, data and logs. Needs root.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

: "${CLUSTER_NAME:=cqrs}"            # prefix of namespaces and interfaces (<= 8 chars)
: "${CLUSTER_SUBNET:=10.210.0}"       # a /24 this script owns: .1 bridge, .11-.13 hosts
: "${CLUSTER_HOME:=$REPO_ROOT/.local/cluster}"
: "${CLUSTER_NAMESPACE:=cqrs}"        # CQRS_NAMESPACE of the cluster's processes
: "${CLUSTER_SEED:=--categories 12 --products 200 --customers 50 --orders 100}"
: "${CQRS_HOME:=$REPO_ROOT/.local}"   # where scripts/services.sh installed OpenSearch
: "${OPENSEARCH_VERSION:=2.19.6}"
: "${CLUSTER_OPENSEARCH_HEAP:=512m}"
: "${CLUSTER_MANAGER_HEAP:=256m}"     # heap of the tiebreaker node a (no data)
: "${CLUSTER_READY_TIMEOUT:=240}"
export OPENSEARCH_VERSION

HOSTS=(a b c)
declare -A HOST_IP=([a]="$CLUSTER_SUBNET.11" [b]="$CLUSTER_SUBNET.12" [c]="$CLUSTER_SUBNET.13")
declare -A HOST_PROGRAMS=([a]="write listener" [b]="worker read" [c]="worker read")
declare -A NODE_ROLES=([a]="cluster_manager" [b]="cluster_manager, data, ingest"
  [c]="cluster_manager, data, ingest")
NODES=(a b c)            # every OpenSearch node
OPENSEARCH_HOSTS=(b c)   # the nodes clients send requests to (OPENSEARCH_HOSTS)
BRIDGE="$CLUSTER_NAME-br"
BRIDGE_IP="$CLUSTER_SUBNET.1"
PG_PORT=5432
REDIS_PORT=6379
OS_HTTP_PORT=9200
# Transport stays on each host's loopback, one port per node, the same port on
# every host: a relay per host (scripts/transport_relay.py) carries it across
# the bridge. See "OpenSearch transport" below.
declare -A TRANSPORT_PORT=([a]=9301 [b]=9302 [c]=9303)
RELAY_OFFSET=100
WRITE_PORT=8000
READ_PORT=8001
OS_INSTALL="$CQRS_HOME/opensearch/opensearch-$OPENSEARCH_VERSION"

log() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: ERROR: %s\n' "$*" >&2; exit 1; }

netns() { echo "$CLUSTER_NAME-$1"; }
host_home() { echo "$CLUSTER_HOME/$1"; }
node_dir() { echo "$CLUSTER_HOME/$1/opensearch-node"; }

# Run a command on a host: in its network namespace, with its own host name
# (a private UTS namespace), so `socket.gethostname()` names the host.
on_host() {  # host cmd...
  local host=$1; shift
  host_prefix "$host"
  "${HOST_PREFIX[@]}" "$@"
}

host_prefix() {  # host -> HOST_PREFIX: the command line on_host runs before a command
  HOST_PREFIX=(ip netns exec "$(netns "$1")" unshare --uts --
    sh -c 'hostname "$0" && exec "$@"' "$CLUSTER_NAME-$1")
}

require_root() {
  [[ $EUID -eq 0 ]] || die "needs root (network namespaces, bridge); run it with sudo"
  command -v ip >/dev/null || die "needs iproute2 (apt-get install iproute2)"
  command -v unshare >/dev/null || die "needs unshare (util-linux)"
}

# ---------------------------------------------------------------- network

net_exists() { ip netns list | grep -qw "^$(netns "$1")"; }

net_up() {
  local other
  other=$(ip -4 -o addr show | awk -v net="$CLUSTER_SUBNET." -v br="$BRIDGE" '$4 ~ "^"net && $2 != br {print $2}')
  [[ -z $other ]] || die "$CLUSTER_SUBNET.0/24 is already used by $other; choose CLUSTER_SUBNET"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  local host
  for host in "${HOSTS[@]}"; do net_host_up "$host"; done
}

net_host_up() {  # host
  local host=$1 ns outside="$CLUSTER_NAME-$1"
  ns=$(netns "$host")
  net_exists "$host" || ip netns add "$ns"
  if ! ip link show "$outside" >/dev/null 2>&1; then
    ip link add "$outside" type veth peer name eth0 netns "$ns"
    ip link set "$outside" master "$BRIDGE"
    ip -n "$ns" addr add "${HOST_IP[$host]}/24" dev eth0
  fi
  ip link set "$outside" up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
}

net_down() {
  local host
  for host in "${HOSTS[@]}"; do
    ip link del "$CLUSTER_NAME-$host" 2>/dev/null || true
    net_exists "$host" && ip netns del "$(netns "$host")"
  done
  ip link del "$BRIDGE" 2>/dev/null || true
}

# ---------------------------------------------------------------- environment

opensearch_hosts() {
  local host urls=()
  for host in "${OPENSEARCH_HOSTS[@]}"; do urls+=("http://${HOST_IP[$host]}:$OS_HTTP_PORT"); done
  (IFS=,; echo "${urls[*]}")
}

# The environment of a host's processes: every store by its address. Tunables
# (CQRS_LEASE_SECONDS, ...) of the caller pass through; store locations never do.
host_env() {  # host
  local host=$1 a=${HOST_IP[a]}
  env | grep -E '^(CQRS_[A-Z_]+|LOG_LEVEL|DRAMATIQ_(PROCESSES|THREADS|WORKER_TIMEOUT_MS|WAKE_TIMEOUT_MS)|(READ|WRITE)_WORKERS)=' \
    | grep -vE '^CQRS_(HOME|NAMESPACE|PROGRAMS)=' || true
  cat <<EOF
CQRS_HOME=$(host_home "$host")
CQRS_NAMESPACE=$CLUSTER_NAMESPACE
CQRS_PROGRAMS=${HOST_PROGRAMS[$host]}
CQRS_INDEX_REPLICAS=${CQRS_INDEX_REPLICAS:-1}
DJANGO_SETTINGS_MODULE=config.settings.write
DJANGO_ALLOWED_HOSTS=${HOST_IP[a]},${HOST_IP[b]},${HOST_IP[c]},127.0.0.1,localhost
PGHOST=$a
PGPORT=$PG_PORT
PGDATABASE=cqrs
PGUSER=cqrs
PGPASSWORD=cqrs
REDIS_URL=redis://:${REDIS_PASSWORD:-cqrs}@$a:$REDIS_PORT/0
DRAMATIQ_BROKER_URL=redis://:${REDIS_PASSWORD:-cqrs}@$a:$REDIS_PORT/0
OPENSEARCH_HOSTS=$(opensearch_hosts)
WRITE_HOST=${HOST_IP[$host]}
READ_HOST=${HOST_IP[$host]}
WRITE_PORT=$WRITE_PORT
READ_PORT=$READ_PORT
PYTHONUNBUFFERED=1
EOF
}

# Run a command on a host with exactly that host's environment (plus PATH).
on_host_env() {  # host cmd...
  local host=$1 vars=()
  shift
  mapfile -t vars < <(host_env "$host")
  on_host "$host" env -i PATH="$PATH" HOME="${HOME:-/root}" "${vars[@]}" "$@"
}

# ---------------------------------------------------------------- services

services_up() {
  log "host a: PostgreSQL $PG_PORT, Redis $REDIS_PORT on ${HOST_IP[a]}"
  on_host a env CQRS_HOME="$(host_home a)" PGPORT=$PG_PORT REDIS_PORT=$REDIS_PORT \
    PGUSER=cqrs PGPASSWORD=cqrs PGDATABASE=cqrs \
    SERVICES_HOST="${HOST_IP[a]}" SERVICES_CLIENT_NET="$CLUSTER_SUBNET.0/24" \
    bash "$REPO_ROOT/scripts/services.sh" up postgres redis
}

java_home() {
  local d
  for d in ${OPENSEARCH_JAVA_HOME:-} ${JAVA_HOME:-} /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*17*; do
    if [[ -x $d/bin/java ]] && "$d/bin/java" -version 2>&1 | grep -q 'version "17'; then
      echo "$d"; return 0
    fi
  done
  die "no Java 17 found; set OPENSEARCH_JAVA_HOME"
}

opensearch_install() {
  if [[ ! -x $OS_INSTALL/bin/opensearch || ! -d $OS_INSTALL/modules/analysis-common ]]; then
    log "no OpenSearch under $OS_INSTALL yet: scripts/services.sh install"
    CQRS_HOME="$CQRS_HOME" bash "$REPO_ROOT/scripts/services.sh" install
  fi
}

# OpenSearch transport. Bound to a non-loopback address, a node enforces its
# production bootstrap checks, and one of them (65535 open files) cannot pass
# where the hard limit is lower and cannot be raised (containers, CI). So each
# node binds transport to 127.0.0.1:<its port> and publishes that address; on
# every host, 127.0.0.1:<port of node x> reaches node x through the relays:
# the local one (when x runs elsewhere) forwards to x's host address at
# port+RELAY_OFFSET, where x's relay forwards to x's loopback. Transport
# traffic crosses the bridge like any other, so a dead host or a cut link cuts
# it too. HTTP binds to the host address (allowed in development mode).
node_config() {  # host
  local host=$1 dir manager seeds=() managers=()
  dir=$(node_dir "$host")
  for manager in "${NODES[@]}"; do
    if [[ ${NODE_ROLES[$manager]} == *cluster_manager* ]]; then
      seeds+=("\"127.0.0.1:${TRANSPORT_PORT[$manager]}\"")
      managers+=("\"$manager\"")
    fi
  done
  cat <<EOF
# generated by scripts/cluster.sh on each start; edits are lost
cluster.name: $CLUSTER_NAME-cluster
node.name: $host
node.roles: [${NODE_ROLES[$host]}]
http.host: [${HOST_IP[$host]}, 127.0.0.1]
http.port: $OS_HTTP_PORT
transport.host: 127.0.0.1
transport.port: ${TRANSPORT_PORT[$host]}
discovery.seed_hosts: [$(IFS=,; echo "${seeds[*]}")]
cluster.initial_cluster_manager_nodes: [$(IFS=,; echo "${managers[*]}")]
path.data: $dir/data
path.logs: $dir/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
EOF
}

relay_pairs() {  # host -> LISTEN=TARGET pairs of its transport relay
  local host=$1 other port
  port=${TRANSPORT_PORT[$host]}
  echo "${HOST_IP[$host]}:$((port + RELAY_OFFSET))=127.0.0.1:$port"
  for other in "${NODES[@]}"; do
    [[ $other == "$host" ]] && continue
    port=${TRANSPORT_PORT[$other]}
    echo "127.0.0.1:$port=${HOST_IP[$other]}:$((port + RELAY_OFFSET))"
  done
}

relay_start() {  # host
  local host=$1 pairs
  mapfile -t pairs < <(relay_pairs "$host")
  host_prefix "$host"
  # exec: nothing of this script stays behind holding its output open.
  (exec "${HOST_PREFIX[@]}" setsid python3 "$REPO_ROOT/scripts/transport_relay.py" \
    "${pairs[@]}") </dev/null >>"$(host_home "$host")/transport-relay.log" 2>&1 &
}

node_pid() {  # host -> pid of the node's JVM, or nothing
  local pid
  pid=$(cat "$(node_dir "$1")/opensearch.pid" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid" || true
}

node_start() {  # host
  local host=$1 dir java heap=$CLUSTER_OPENSEARCH_HEAP
  dir=$(node_dir "$host")
  [[ -n $(node_pid "$host") ]] && return 0
  [[ ${NODE_ROLES[$host]} == *data* ]] || heap=$CLUSTER_MANAGER_HEAP
  java=$(java_home)
  mkdir -p "$dir/config" "$dir/data" "$dir/logs" "$dir/tmp"
  cp -r "$OS_INSTALL/config/." "$dir/config/"
  node_config "$host" >"$dir/config/opensearch.yml"
  chown -R opensearch: "$dir"
  relay_start "$host"
  log "host $host: OpenSearch node $host (${NODE_ROLES[$host]}) on ${HOST_IP[$host]}:$OS_HTTP_PORT (heap $heap)"
  # cwd: jvm.options writes gc logs and heap dumps relative to it.
  host_prefix "$host"
  (cd "$dir" && exec "${HOST_PREFIX[@]}" setsid env OPENSEARCH_JAVA_HOME="$java" \
    OPENSEARCH_JAVA_OPTS="-Xms$heap -Xmx$heap" \
    OPENSEARCH_PATH_CONF="$dir/config" OPENSEARCH_TMPDIR="$dir/tmp" \
    runuser -u opensearch -- "$OS_INSTALL/bin/opensearch" -p "$dir/opensearch.pid") \
    </dev/null >>"$dir/logs/console.log" 2>&1 &
}

opensearch_health() {  # -> the cluster's health JSON from the first node that answers
  local host
  for host in "${NODES[@]}"; do
    curl -sf --max-time 3 "http://${HOST_IP[$host]}:$OS_HTTP_PORT/_cluster/health" && return 0
  done
  return 0
}

wait_until() {  # what timeout cmd...
  local what=$1 timeout=$2 deadline
  shift 2
  deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || die "$what not within ${timeout}s (logs under $CLUSTER_HOME)"
    sleep 0.5
  done
}

cluster_formed() {
  local health
  health=$(opensearch_health)
  [[ $health == *"\"number_of_nodes\":${#NODES[@]},"* && $health != *'"status":"red"'* ]]
}

# ---------------------------------------------------------------- the platform

manage() {  # args... (on host a)
  (cd "$REPO_ROOT" && on_host_env a "$REPO_ROOT/.venv/bin/python" manage.py "$@")
}

platform_up() {
  log "migrate"
  manage migrate --noinput -v 0
  log "seed: $CLUSTER_SEED"
  # shellcheck disable=SC2086
  manage seed_demo $CLUSTER_SEED | tee "$CLUSTER_HOME/seed.txt"
  local host
  for host in "${HOSTS[@]}"; do
    log "host $host: ${HOST_PROGRAMS[$host]}"
    (cd "$REPO_ROOT" && on_host_env "$host" bash scripts/run.sh start >/dev/null)
  done
}

host_pids() {  # host -> every process in its namespace
  net_exists "$1" && ip netns pids "$(netns "$1")" || true
}

# TERM to every process of the cluster (supervisord drains its programs),
# KILL to whatever is left after the deadline.
processes_down() {
  local host pids deadline=$((SECONDS + ${CLUSTER_STOP_TIMEOUT:-40}))
  for host in "${HOSTS[@]}"; do
    pids=$(host_pids "$host")
    [[ -z $pids ]] || kill -TERM $pids 2>/dev/null || true
  done
  while ((SECONDS < deadline)); do
    pids=$(for host in "${HOSTS[@]}"; do host_pids "$host"; done)
    [[ -z $pids ]] && return 0
    sleep 0.5
  done
  log "still running after the deadline, killing: $pids"
  kill -KILL $pids 2>/dev/null || true
  sleep 1
}

# ---------------------------------------------------------------- commands

cmd_up() {
  require_root
  local start=$SECONDS host
  mkdir -p "$CLUSTER_HOME"
  chmod 755 "$CLUSTER_HOME"
  [[ -f $CLUSTER_HOME/.gitignore ]] || echo '*' >"$CLUSTER_HOME/.gitignore"
  for host in "${HOSTS[@]}"; do mkdir -p "$(host_home "$host")"; chmod 755 "$(host_home "$host")"; done
  opensearch_install
  net_up
  for host in "${NODES[@]}"; do node_start "$host"; done
  services_up
  wait_until "the OpenSearch cluster with ${#NODES[@]} nodes" "$CLUSTER_READY_TIMEOUT" cluster_formed
  log "OpenSearch: $(opensearch_health)"
  platform_up
  log "up in $((SECONDS - start))s"
  cmd_status
}

cmd_down() {
  require_root
  processes_down
  net_down
  log "down"
}

cmd_status() {
  local host
  for host in "${HOSTS[@]}"; do
    if net_exists "$host"; then
      printf '%-6s %-15s %-5s processes=%s\n' "host $host" "${HOST_IP[$host]}" up "$(host_pids "$host" | wc -l)"
    else
      printf '%-6s %-15s %s\n' "host $host" "${HOST_IP[$host]}" down
    fi
  done
  net_exists b || return 0
  echo "opensearch: $(opensearch_health)"
  for host in "${NODES[@]}"; do
    printf 'node %s (%s): %s\n' "$host" "${NODE_ROLES[$host]}" \
      "$([[ -n $(node_pid "$host") ]] && echo running || echo stopped)"
  done
  for host in "${HOSTS[@]}"; do
    echo "--- host $host: ${HOST_PROGRAMS[$host]}"
    (cd "$REPO_ROOT" && on_host_env "$host" bash scripts/run.sh status) || true
  done
  echo "write API  http://${HOST_IP[a]}:$WRITE_PORT/api/"
  echo "read API   http://${HOST_IP[b]}:$READ_PORT/v1/products  http://${HOST_IP[c]}:$READ_PORT/v1/products"
}

cmd_kill() {  # host
  local pids
  pids=$(host_pids "$1")
  [[ -z $pids ]] || kill -KILL $pids 2>/dev/null || true
  log "host $1: killed $(echo $pids | wc -w) processes"
}

cmd_start() {  # host
  local host=$1
  if [[ $host == a ]]; then services_up; fi
  if [[ -n ${NODE_ROLES[$host]:-} ]]; then node_start "$host"; fi
  # Idempotent: a host whose supervisord still runs is left alone.
  if (cd "$REPO_ROOT" && on_host_env "$host" bash scripts/run.sh status) | grep -q 'not running'; then
    (cd "$REPO_ROOT" && on_host_env "$host" bash scripts/run.sh start >/dev/null)
  fi
  log "host $host: started"
}

cmd_node_stop() {  # host
  local pid
  pid=$(node_pid "$1")
  [[ -n $pid ]] || { log "node $1: not running"; return 0; }
  kill -TERM "$pid"
  wait_until "node $1 to stop" 60 node_gone "$1"
  log "node $1: stopped"
}

node_gone() { [[ -z $(node_pid "$1") ]]; }

# A command on a host, in its namespace with exactly its environment; leading
# VAR=value arguments override that environment (env(1) applies them last).
# exec: the caller's pid is the command's, so it can stop it by that pid.
cmd_exec() {  # host [VAR=value...] cmd...
  local host=$1 vars=()
  shift
  [[ $# -gt 0 ]] || die "exec: name a command to run on host $host"
  mapfile -t vars < <(host_env "$host")
  host_prefix "$host"
  cd "$REPO_ROOT"
  exec "${HOST_PREFIX[@]}" env -i PATH="$PATH" HOME="${HOME:-/root}" "${vars[@]}" "$@"
}

cmd_node_start() {  # host
  node_start "$1"
}

host_arg() {  # name -> the name, if it is one of the hosts
  [[ -n ${HOST_IP[${1:-}]:-} ]] || die "unknown host '${1:-}' (choose from: ${HOSTS[*]})"
  echo "$1"
}

main() {
  case "${1:-}" in
    kill) require_root; cmd_kill "$(host_arg "${2:-}")" ;;
    start) require_root; cmd_start "$(host_arg "${2:-}")" ;;
    node-stop) require_root; cmd_node_stop "$(host_arg "${2:-}")" ;;
    node-start) require_root; cmd_node_start "$(host_arg "${2:-}")" ;;
    exec) require_root; cmd_exec "$(host_arg "${2:-}")" "${@:3}" ;;
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    env) host_env "$(host_arg "${2:-}")" ;;
    *) echo "usage: $0 {up|down|status|env HOST|kill HOST|start HOST|node-stop HOST|node-start HOST|exec HOST CMD...}" >&2; exit 2 ;;
  esac
}

main "$@"; exit

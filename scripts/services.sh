#!/usr/bin/env bash
# Local backing services for development and tests, without Docker:
# PostgreSQL, Redis and OpenSearch as private instances on loopback-only
# ports, with all state under one git-ignored folder.
#
#   scripts/services.sh install   # fetch/unpack/initdb only, starts nothing
#   scripts/services.sh up        # install + start + wait until ready
#   scripts/services.sh down      # stop all three, verify the ports are free
#   scripts/services.sh status    # one line per service
#   scripts/services.sh up redis  # up/down take service names: postgres redis opensearch
#
# The environment variable names and defaults match the Django settings, so
# exporting nothing gives a working setup. docker-compose.yml at the repo root
# offers the same ports when a Docker engine is available.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

: "${CQRS_HOME:=$REPO_ROOT/.local}"
# Every service listens on 127.0.0.1 only (that is PGHOST for the app), plus
# SERVICES_HOST when set: a host address inside a private network such as the
# ones scripts/cluster.sh builds; PostgreSQL then accepts passwords from
# SERVICES_CLIENT_NET (CIDR) too.
: "${SERVICES_HOST:=}"
: "${SERVICES_CLIENT_NET:=}"
: "${PGPORT:=54329}"
: "${PGUSER:=cqrs}"
: "${PGPASSWORD:=cqrs}"
: "${PGDATABASE:=cqrs}"
: "${REDIS_PORT:=63790}"
# Redis always runs with a password (requirepass), so the authenticated code
# path is the one every run exercises; the settings' default REDIS_URL carries
# the same default. Override both together.
: "${REDIS_PASSWORD:=cqrs}"
: "${OPENSEARCH_PORT:=9209}"
: "${OPENSEARCH_TRANSPORT_PORT:=9309}"
: "${OPENSEARCH_VERSION:=2.19.6}"
: "${OPENSEARCH_JAVA_OPTS:=-Xms512m -Xmx512m}"
# Durability is worthless for a throw-away dev/test database and costs a lot
# of test time, so fsync & co. are off by default. PG_FAST=0 restores them
# (takes effect on the next start).
: "${PG_FAST:=1}"
# Readiness deadlines in seconds. OpenSearch's first boot is the slow one.
# (Not OPENSEARCH_TIMEOUT: the Django settings use that for client requests.)
: "${PG_READY_TIMEOUT:=60}"
: "${REDIS_READY_TIMEOUT:=30}"
: "${OPENSEARCH_READY_TIMEOUT:=120}"
: "${STOP_TIMEOUT:=60}"
# How long to wait for another concurrent invocation to finish.
: "${LOCK_TIMEOUT:=300}"

PG_OS_USER=postgres
OS_OS_USER=opensearch

mkdir -p "$CQRS_HOME"
CQRS_HOME="$(cd "$CQRS_HOME" && pwd)"   # absolute: configs and daemons need it
LOG_DIR="$CQRS_HOME/logs"
RUN_DIR="$CQRS_HOME/run"

PG_DATA="$CQRS_HOME/pg"
PG_LOG="$LOG_DIR/postgresql.log"
PG_SOCKET_DIR="$RUN_DIR"

REDIS_DIR="$CQRS_HOME/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_LOG="$LOG_DIR/redis.log"
REDIS_PIDFILE="$RUN_DIR/redis.pid"

OS_BASE="$CQRS_HOME/opensearch"
OS_HOME="$OS_BASE/opensearch-$OPENSEARCH_VERSION"
OS_DATA="$OS_BASE/data"
OS_LOGS="$OS_BASE/logs"     # OpenSearch's own rolling logs (path.logs)
OS_TMP="$OS_BASE/tmp"
OS_LOG="$LOG_DIR/opensearch.log"   # console output of the java process
OS_PIDFILE="$RUN_DIR/opensearch.pid"
OS_M2="${MAVEN_REPO:-${HOME:-$(cd ~ && pwd)}/.m2/repository}"
OS_ZIP="$OS_M2/org/opensearch/distribution/integ-test-zip/opensearch/$OPENSEARCH_VERSION/opensearch-$OPENSEARCH_VERSION.zip"
# Modules the integ-test-zip lacks and the project needs: analysis-common
# serves asciifolding, stemmers, edge_ngram and synonyms to the products index.
# Its Maven artifact is the bare jar (no dependencies: lucene-analysis-common
# ships in the node's lib/), without the plugin descriptor we write ourselves.
OS_MODULES=(analysis-common)
declare -A OS_MODULE_CLASS=([analysis-common]=org.opensearch.analysis.common.CommonAnalysisPlugin)
declare -A OS_MODULE_DESCRIPTION=([analysis-common]="Adds analysis components: asciifolding, stemmers, edge_ngram, synonyms and more.")

# ---------------------------------------------------------------- helpers

log() { printf '%s\n' "$*"; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Print the tail of a log and fail; every readiness failure goes through here
# so the message always names the service and where to look.
fail_with_log() {  # service logfile message
  local service=$1 logfile=$2 msg=$3
  {
    printf 'ERROR: %s %s; see %s\n' "$service" "$msg" "$logfile"
    if [[ -f $logfile ]]; then
      printf -- '--- last 20 lines of %s ---\n' "$logfile"
      tail -n 20 "$logfile"
      printf -- '---\n'
    fi
  } >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }

is_root() { [[ $EUID -eq 0 ]]; }

# PostgreSQL and OpenSearch refuse to run as root. As root we drop to their
# system user; as a normal user we simply run them as ourselves.
as_user() {  # user cmd...
  local user=$1; shift
  if is_root; then runuser -u "$user" -- "$@"; else "$@"; fi
}

chown_to() {  # user path...
  local user=$1; shift
  if is_root; then chown -R "$user:" "$@"; fi
}

ensure_system_user() {  # name
  id -u "$1" >/dev/null 2>&1 && return 0
  is_root || die "system user '$1' is missing and we are not root to create it"
  useradd --system --no-create-home --shell /usr/sbin/nologin "$1"
}

APT_UPDATED=0
apt_install() {  # packages...
  is_root || die "missing packages ($*); install them (apt-get install -y $*) or re-run as root"
  have apt-get || die "missing packages ($*) and no apt-get to install them"
  if [[ $APT_UPDATED -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
}

# kill -0 alone also succeeds for a zombie; daemons reparented to an init
# that is slow to reap (as in some containers) would look alive after exit.
proc_running() {  # pid
  kill -0 "$1" 2>/dev/null || return 1
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0   # no procfs: trust kill
  [[ ${stat##*) } != Z* ]]
}

pid_alive() {  # pid [cmdline-substring]
  local pid=$1 want=${2:-}
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  proc_running "$pid" || return 1
  # A recycled pid belonging to some other program must not count as ours.
  if [[ -n $want && -r /proc/$pid/cmdline ]]; then
    local cmdline
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *"$want"* ]] || return 1
  fi
  return 0
}

read_pidfile() {  # file -> first line, or nothing
  [[ -f $1 ]] && head -n 1 "$1" 2>/dev/null | tr -d '[:space:]' || true
}

port_listening() {  # port
  if have ss; then
    [[ -n $(ss -ltnH "sport = :$1" 2>/dev/null) ]]
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

# Serialise up/down/install: two concurrent `up`s would both see "not running"
# and race each other (two JVMs fighting over the data dir lock, concurrent
# ALTER ROLE). The lock is fd 9; every daemon we spawn closes it (9>&-) so a
# long-lived server never holds it.
take_lock() {
  mkdir -p "$RUN_DIR"
  have flock || return 0
  exec 9>>"$RUN_DIR/services.lock"
  if ! flock -n 9; then
    log "waiting for another scripts/services.sh to finish (up to ${LOCK_TIMEOUT}s)"
    flock -w "$LOCK_TIMEOUT" 9 || die "another scripts/services.sh still holds $RUN_DIR/services.lock after ${LOCK_TIMEOUT}s"
  fi
}

# Called only when our own instance is not running: anything listening on
# the port then belongs to someone else, and the daemon would die on bind.
ensure_port_free() {  # service logfile port...
  local service=$1 logfile=$2 port; shift 2
  for port in "$@"; do
    if port_listening "$port"; then
      fail_with_log "$service" "$logfile" "cannot start: 127.0.0.1:$port is already in use by another process (ss -ltnp 'sport = :$port')"
    fi
  done
}

# Poll until a check succeeds, the process we launched dies, or the deadline
# passes. The liveness probe lets a crash fail fast instead of waiting it out.
wait_ready() {  # service logfile timeout check-fn alive-fn
  local service=$1 logfile=$2 timeout=$3 check=$4 alive=$5
  local deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "$check"; then return 0; fi
    if ! "$alive"; then
      sleep 0.5   # give the log a moment to receive the last words
      "$check" && return 0
      fail_with_log "$service" "$logfile" "exited during startup"
    fi
    sleep 0.5
  done
  fail_with_log "$service" "$logfile" "did not become ready within ${timeout}s"
}

wait_gone() {  # service pid timeout -> 0 if gone, 1 otherwise
  local pid=$2 deadline=$((SECONDS + $3))
  while ((SECONDS < deadline)); do
    proc_running "$pid" || return 0
    sleep 0.2
  done
  return 1
}

common_install() {
  mkdir -p "$LOG_DIR" "$RUN_DIR"
  # Keep the state folder out of git even if the repo's .gitignore forgets it.
  [[ -f $CQRS_HOME/.gitignore ]] || echo '*' >"$CQRS_HOME/.gitignore"
  # Sticky and world-writable like /run: postgres puts its socket here and
  # opensearch its pid file, each running as its own system user.
  chmod 1777 "$RUN_DIR"
  local missing=()
  have curl || missing+=(curl)
  have ss || missing+=(iproute2)
  ((${#missing[@]} == 0)) || apt_install "${missing[@]}"
}

# ---------------------------------------------------------------- postgres

PG_BIN=""
pg_find_bin() {
  local d
  # Debian keeps the server binaries off PATH, one dir per major version;
  # prefer 15 (what docker-compose uses), then the newest installed.
  for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [[ -x $d/initdb && -x $d/pg_ctl ]]; then PG_BIN=$d; return 0; fi
  done
  if have initdb && have pg_ctl; then
    PG_BIN="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    return 0
  fi
  return 1
}

pg_install() {
  if ! pg_find_bin; then
    apt_install postgresql
    # Note: on a fresh box the Debian package may start its own "main" cluster
    # on 5432; it does not conflict with ours.
    pg_find_bin || die "postgres binaries not found even after apt-get install postgresql"
  fi
  ensure_system_user "$PG_OS_USER"
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    log "postgres: initdb $PG_DATA"
    mkdir -p "$PG_DATA"
    chown_to "$PG_OS_USER" "$PG_DATA"
    chmod 700 "$PG_DATA"
    # Unix socket: trust (only reachable via the private socket dir, used to
    # bootstrap the role). TCP: password auth, so the app's credentials are
    # really exercised.
    (cd / && as_user "$PG_OS_USER" "$PG_BIN/initdb" -D "$PG_DATA" \
        --username=postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --no-locale --no-instructions >/dev/null)
    # Our settings live in a file we regenerate on every start, so changing
    # the port or PG_FAST never requires editing postgresql.conf.
    echo "include_if_exists = 'cqrs.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  touch "$PG_LOG"
  chown_to "$PG_OS_USER" "$PG_LOG"
}

pg_write_conf() {
  {
    echo "# generated by scripts/services.sh on each start; edits are lost"
    echo "listen_addresses = '127.0.0.1${SERVICES_HOST:+,$SERVICES_HOST}'"
    echo "port = $PGPORT"
    echo "unix_socket_directories = '$PG_SOCKET_DIR'"
    echo "max_connections = 200"
    # A forgotten open transaction delays its own outbox events (and vacuum):
    # end it after a while. The application role should set its own too.
    echo "idle_in_transaction_session_timeout = '${PG_IDLE_IN_TRANSACTION_TIMEOUT:-5min}'"
    if [[ $PG_FAST == 1 ]]; then
      echo "fsync = off"
      echo "synchronous_commit = off"
      echo "full_page_writes = off"
    fi
  } >"$PG_DATA/cqrs.conf"
  chown_to "$PG_OS_USER" "$PG_DATA/cqrs.conf"
  if [[ -n $SERVICES_CLIENT_NET ]]; then
    local rule="host all all $SERVICES_CLIENT_NET scram-sha-256"
    grep -qxF "$rule" "$PG_DATA/pg_hba.conf" || echo "$rule" >>"$PG_DATA/pg_hba.conf"
  fi
}

pg_pid() {
  local pid
  pid=$(read_pidfile "$PG_DATA/postmaster.pid")
  pid_alive "$pid" postgres && echo "$pid" || true
}

pg_alive() { [[ -n $(pg_pid) ]]; }

pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" -t 1 >/dev/null 2>&1
}

# Idempotent: the app role is a superuser because the test runner creates and
# drops databases; its password is (re)set every time so changing PGPASSWORD
# just works.
pg_bootstrap_role() {
  "$PG_BIN/psql" -X -q -h "$PG_SOCKET_DIR" -p "$PGPORT" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 -v user="$PGUSER" -v pass="$PGPASSWORD" -v db="$PGDATABASE" >/dev/null <<'SQL'
SELECT format('CREATE ROLE %I LOGIN SUPERUSER', :'user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I WITH LOGIN SUPERUSER PASSWORD %L', :'user', :'pass') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SQL
}

pg_start() {
  if pg_alive && pg_ready; then
    log "postgres: already running (pid $(pg_pid), port $PGPORT)"
  else
    if ! pg_alive; then
      ensure_port_free postgres "$PG_LOG" "$PGPORT"
      pg_write_conf
      log "postgres: starting on 127.0.0.1:$PGPORT"
      # -W: don't let pg_ctl wait; we poll ourselves with a deadline. A stale
      # postmaster.pid is detected and ignored by postgres itself.
      (cd / && as_user "$PG_OS_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -W start >/dev/null 9>&-) \
        || fail_with_log postgres "$PG_LOG" "failed to start"
      # pg_ctl returns before the postmaster writes its pid file; give it a
      # brief, bounded moment so the liveness probe below is meaningful.
      local t=$((SECONDS + 5))
      while ! pg_alive && ((SECONDS < t)); do sleep 0.1; done
    fi
    wait_ready postgres "$PG_LOG" "$PG_READY_TIMEOUT" pg_ready pg_alive
    log "postgres: ready (pid $(pg_pid))"
  fi
  pg_bootstrap_role || fail_with_log postgres "$PG_LOG" "is up but creating role/database '$PGUSER'/'$PGDATABASE' failed"
}

pg_stop() {
  pg_find_bin || { log "postgres: not installed"; return 0; }
  local pid
  pid=$(pg_pid)
  if [[ -z $pid ]]; then log "postgres: not running"; return 0; fi
  log "postgres: stopping (pid $pid)"
  (cd / && as_user "$PG_OS_USER" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t "$STOP_TIMEOUT" stop >/dev/null) \
    || { log "postgres: fast shutdown timed out, sending SIGQUIT"; kill -QUIT "$pid" 2>/dev/null || true; wait_gone postgres "$pid" 10 || true; }
}

pg_status() {
  local pid state=stopped
  pid=$(pg_pid)
  [[ -n $pid ]] && state=running
  printf '%-10s %-8s port=%-6s pid=%-8s log=%s\n' postgres "$state" "$PGPORT" "${pid:--}" "$PG_LOG"
}

# ---------------------------------------------------------------- redis

redis_install() {
  have redis-server && have redis-cli || apt_install redis-server
  mkdir -p "$REDIS_DIR"
}

redis_write_conf() {
  # Durable: read models and queued messages outlive a restart. The append-only
  # file is fsynced every second (at most a second of writes lost on a crash,
  # none on a clean shutdown); no RDB snapshots.
  cat >"$REDIS_CONF" <<EOF
# generated by scripts/services.sh on each start; edits are lost
port $REDIS_PORT
bind 127.0.0.1${SERVICES_HOST:+ $SERVICES_HOST}
daemonize yes
pidfile "$REDIS_PIDFILE"
logfile "$REDIS_LOG"
dir "$REDIS_DIR"
save ""
appendonly yes
appendfsync everysec
requirepass "$REDIS_PASSWORD"
EOF
  # Bound to a private host address too: with REDIS_PASSWORD empty, Redis's
  # protected mode would refuse every client that is not on loopback.
  [[ -z $SERVICES_HOST ]] || echo "protected-mode no" >>"$REDIS_CONF"
  chmod 600 "$REDIS_CONF"
}

# redis-cli against our instance; the password goes through the environment,
# never the command line (where ps would show it).
redis_cli() {
  REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"
}

# A node started before it had a password (an older services.sh) gets it now,
# without a restart, so clients that send the password are not refused.
redis_ensure_password() {
  [[ $(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null) == PONG ]] || return 0
  log "redis: the running node has no password; setting requirepass (REDIS_PASSWORD)"
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" config set requirepass "$REDIS_PASSWORD" >/dev/null
}

redis_pid() {
  local pid
  pid=$(read_pidfile "$REDIS_PIDFILE")
  pid_alive "$pid" redis-server && echo "$pid" || true
}

redis_alive() { [[ -n $(redis_pid) ]]; }

redis_ready() {
  [[ $(redis_cli ping 2>/dev/null) == PONG ]]
}

redis_start() {
  if redis_alive; then redis_ensure_password; fi
  if redis_alive && redis_ready; then
    log "redis: already running (pid $(redis_pid), port $REDIS_PORT)"
    return 0
  fi
  if ! redis_alive; then
    rm -f "$REDIS_PIDFILE"   # stale: the process is gone
    ensure_port_free redis "$REDIS_LOG" "$REDIS_PORT"
    redis_write_conf
    log "redis: starting on 127.0.0.1:$REDIS_PORT"
    redis-server "$REDIS_CONF" >>"$REDIS_LOG" 2>&1 9>&- \
      || fail_with_log redis "$REDIS_LOG" "failed to start"
    local t=$((SECONDS + 5))
    while ! redis_alive && ((SECONDS < t)); do sleep 0.1; done
  fi
  wait_ready redis "$REDIS_LOG" "$REDIS_READY_TIMEOUT" redis_ready redis_alive
  log "redis: ready (pid $(redis_pid))"
}

redis_stop() {
  local pid
  pid=$(redis_pid)
  if [[ -z $pid ]]; then rm -f "$REDIS_PIDFILE"; log "redis: not running"; return 0; fi
  log "redis: stopping (pid $pid)"
  # SHUTDOWN (and SIGTERM) fsync the append-only file before exiting.
  redis_cli shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone redis "$pid" "$STOP_TIMEOUT"; then
    log "redis: did not exit within ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone redis "$pid" 5 || true
  fi
  rm -f "$REDIS_PIDFILE"
}

redis_status() {
  local pid state=stopped
  pid=$(redis_pid)
  [[ -n $pid ]] && state=running
  printf '%-10s %-8s port=%-6s pid=%-8s log=%s\n' redis "$state" "$REDIS_PORT" "${pid:--}" "$REDIS_LOG"
}

# ---------------------------------------------------------------- opensearch

java_major() {  # java-home -> major version, or nothing
  [[ -x $1/bin/java ]] || return 0
  "$1/bin/java" -version 2>&1 | sed -n '1s/.*version "\([0-9]*\).*/\1/p'
}

OS_JAVA_HOME=""
os_find_java() {
  # An explicit OPENSEARCH_JAVA_HOME wins; then JAVA_HOME if it is a 17;
  # then any 17 under /usr/lib/jvm (OpenSearch 2.x is tested on 17 LTS).
  if [[ -n ${OPENSEARCH_JAVA_HOME:-} ]]; then OS_JAVA_HOME=$OPENSEARCH_JAVA_HOME; return 0; fi
  if [[ -n ${JAVA_HOME:-} && $(java_major "$JAVA_HOME") == 17 ]]; then OS_JAVA_HOME=$JAVA_HOME; return 0; fi
  local d
  for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/*17*; do
    if [[ $(java_major "$d") == 17 ]]; then OS_JAVA_HOME=$d; return 0; fi
  done
  return 1
}

os_fetch_zip() {
  [[ -s $OS_ZIP ]] && return 0
  log "opensearch: fetching $OPENSEARCH_VERSION via maven (cached in ~/.m2 afterwards)"
  have mvn || apt_install maven
  # MAVEN_REPO only overrides the local repository when explicitly set, so a
  # localRepository from ~/.m2/settings.xml is otherwise left alone.
  local repo_args=()
  [[ -n ${MAVEN_REPO:-} ]] && repo_args=(-Dmaven.repo.local="$MAVEN_REPO")
  mvn -q dependency:get "${repo_args[@]}" \
    -Dartifact="org.opensearch.distribution.integ-test-zip:opensearch:$OPENSEARCH_VERSION:zip" \
    -Dtransitive=false
  [[ -s $OS_ZIP ]] || die "maven finished but $OS_ZIP is missing (custom localRepository? set MAVEN_REPO)"
}

os_unpack() {
  [[ -x $OS_HOME/bin/opensearch ]] && return 0
  os_fetch_zip
  log "opensearch: unpacking into $OS_HOME"
  # Unpack beside the target and rename, so an interrupted unzip never
  # leaves a half tree that a later run would mistake for installed.
  local tmp="$OS_BASE/.unpack.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  have unzip || have python3 || apt_install unzip
  if have unzip; then
    unzip -q "$OS_ZIP" -d "$tmp"
  else
    python3 -m zipfile -e "$OS_ZIP" "$tmp"
    chmod +x "$tmp/opensearch-$OPENSEARCH_VERSION"/bin/*   # python drops modes
  fi
  rm -rf "$OS_HOME"
  mv "$tmp/opensearch-$OPENSEARCH_VERSION" "$OS_HOME"
  rm -rf "$tmp"
}

os_module_jar() {  # module -> path of its jar in the local Maven repository
  echo "$OS_M2/org/opensearch/plugin/$1/$OPENSEARCH_VERSION/$1-$OPENSEARCH_VERSION.jar"
}

os_fetch_module() {  # module
  local jar
  jar=$(os_module_jar "$1")
  [[ -s $jar ]] && return 0
  log "opensearch: fetching module $1 $OPENSEARCH_VERSION via maven (cached in ~/.m2 afterwards)"
  have mvn || apt_install maven
  local repo_args=()
  [[ -n ${MAVEN_REPO:-} ]] && repo_args=(-Dmaven.repo.local="$MAVEN_REPO")
  mvn -q dependency:get "${repo_args[@]}" \
    -Dartifact="org.opensearch.plugin:$1:$OPENSEARCH_VERSION:jar" -Dtransitive=false \
    || die "cannot install the OpenSearch module $1: maven could not fetch org.opensearch.plugin:$1:$OPENSEARCH_VERSION (offline? a mirror in ~/.m2/settings.xml?). Search needs it; put the jar at $jar and re-run."
  [[ -s $jar ]] || die "cannot install the OpenSearch module $1: maven finished but $jar is missing (custom localRepository? set MAVEN_REPO)"
}

os_module_descriptor() {  # module
  cat <<EOF
# written by scripts/services.sh: the Maven jar carries no descriptor
description=${OS_MODULE_DESCRIPTION[$1]}
version=$OPENSEARCH_VERSION
name=$1
classname=${OS_MODULE_CLASS[$1]}
java.version=17
opensearch.version=$OPENSEARCH_VERSION
custom.foldername=
extended.plugins=
has.native.controller=false
EOF
}

os_module_installed() {  # module
  local dir="$OS_HOME/modules/$1"
  cmp -s "$(os_module_jar "$1")" "$dir/$1-$OPENSEARCH_VERSION.jar" \
    && cmp -s <(os_module_descriptor "$1") "$dir/plugin-descriptor.properties"
}

# Idempotent: an existing node (e.g. unpacked before the project needed the
# module) gets it here; a running one loads it on its next start (os_wait).
os_install_module() {  # module
  os_module_installed "$1" && return 0
  os_fetch_module "$1"
  log "opensearch: installing module $1 into $OS_HOME/modules/$1"
  local dir="$OS_HOME/modules/$1" tmp="$OS_HOME/modules/.$1.$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  cp "$(os_module_jar "$1")" "$tmp/"
  os_module_descriptor "$1" >"$tmp/plugin-descriptor.properties"
  rm -rf "$dir"
  mv "$tmp" "$dir"
  os_module_installed "$1" || die "cannot install the OpenSearch module $1 into $dir"
}

os_install() {
  if ! os_find_java; then
    apt_install openjdk-17-jre-headless
    os_find_java || die "no Java 17 found under /usr/lib/jvm; set OPENSEARCH_JAVA_HOME"
  fi
  ensure_system_user "$OS_OS_USER"
  mkdir -p "$OS_BASE" "$OS_DATA" "$OS_LOGS" "$OS_TMP"
  os_unpack
  local module
  for module in "${OS_MODULES[@]}"; do os_install_module "$module"; done
  chown_to "$OS_OS_USER" "$OS_BASE"
}

os_write_conf() {
  cat >"$OS_HOME/config/opensearch.yml" <<EOF
# generated by scripts/services.sh on each start; edits are lost
cluster.name: cqrs-local
node.name: local
discovery.type: single-node
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
path.data: $OS_DATA
path.logs: $OS_LOGS
# Dev disks are often nearly full; don't let watermarks make indices read-only.
cluster.routing.allocation.disk.threshold_enabled: false
action.auto_create_index: true
EOF
  chown_to "$OS_OS_USER" "$OS_HOME/config/opensearch.yml"
}

os_pid() {
  local pid f
  pid=$(read_pidfile "$OS_PIDFILE")
  if pid_alive "$pid" org.opensearch.bootstrap.OpenSearch; then echo "$pid"; return 0; fi
  # The JVM writes its pid file only a few seconds into boot (or never, if
  # killed early), so also look for a java whose path.home is our install.
  for f in $(grep -lsazxF -- "-Dopensearch.path.home=$OS_HOME" /proc/[0-9]*/cmdline 2>/dev/null); do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    if pid_alive "$pid" org.opensearch.bootstrap.OpenSearch; then echo "$pid"; return 0; fi
  done
}

OS_LAUNCHER_PID=""
os_alive() {
  [[ -n $(os_pid) ]] && return 0
  # Before the JVM writes its pid file, the launcher we spawned is the only
  # sign of life.
  [[ -n $OS_LAUNCHER_PID ]] && proc_running "$OS_LAUNCHER_PID"
}

os_ready() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 3 \
    "http://127.0.0.1:$OPENSEARCH_PORT/_cluster/health?wait_for_status=yellow&timeout=1s") == 200 ]]
}

# Launch without waiting, so the slow JVM boot overlaps the other services.
os_launch() {
  if [[ -n $(os_pid) ]]; then return 0; fi
  rm -f "$OS_PIDFILE"   # stale: the process is gone
  ensure_port_free opensearch "$OS_LOG" "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT"
  os_write_conf
  log "opensearch: starting on 127.0.0.1:$OPENSEARCH_PORT (transport $OPENSEARCH_TRANSPORT_PORT)"
  : >>"$OS_LOG"
  printf '\n=== %s services.sh: starting opensearch %s ===\n' "$(date -Is)" "$OPENSEARCH_VERSION" >>"$OS_LOG"
  local as_os_user=()
  is_root && as_os_user=(runuser -u "$OS_OS_USER" --)
  # Foreground mode under setsid+nohup rather than -d: the daemon mode closes
  # stdout after boot, and we want the whole console output in $OS_LOG.
  # The log is opened by us (root) and inherited, so the opensearch user
  # needs no write access to logs/. cd: jvm.options has paths relative to
  # the install dir (logs/gc.log, heap dumps).
  (cd "$OS_HOME" && exec setsid nohup env \
      OPENSEARCH_JAVA_HOME="$OS_JAVA_HOME" \
      OPENSEARCH_JAVA_OPTS="$OPENSEARCH_JAVA_OPTS" \
      OPENSEARCH_TMPDIR="$OS_TMP" \
      OPENSEARCH_PATH_CONF="$OS_HOME/config" \
      "${as_os_user[@]}" bin/opensearch -p "$OS_PIDFILE" \
      </dev/null >>"$OS_LOG" 2>&1 9>&-) &
  OS_LAUNCHER_PID=$!
  # Wait (briefly) for the JVM's pid file: until it exists, `down` could not
  # find this instance, e.g. after a later service fails and aborts `up`.
  local t=$((SECONDS + 30))
  while [[ -z $(os_pid) ]] && ((SECONDS < t)); do
    proc_running "$OS_LAUNCHER_PID" || fail_with_log opensearch "$OS_LOG" "exited during startup"
    sleep 0.2
  done
}

# Modules the running node has loaded, one name a line.
os_loaded_modules() {
  curl -s --max-time 5 \
    "http://127.0.0.1:$OPENSEARCH_PORT/_nodes/_local/plugins?filter_path=nodes.*.modules.name" \
    | grep -o '"name":"[^"]*"' | cut -d'"' -f4 || true
}

os_missing_modules() {  # -> the wanted modules the running node has not loaded
  local loaded module
  loaded=$(os_loaded_modules)
  for module in "${OS_MODULES[@]}"; do
    grep -qxF "$module" <<<"$loaded" || echo "$module"
  done
}

os_wait() {
  local missing
  if [[ -z $OS_LAUNCHER_PID ]] && os_ready; then
    missing=$(os_missing_modules)
    if [[ -z $missing ]]; then
      log "opensearch: already running (pid $(os_pid), port $OPENSEARCH_PORT)"
      return 0
    fi
    # Started before its modules were installed: a JVM loads modules only at
    # boot and search needs them, so restart it (its data is kept).
    log "opensearch: the running node (pid $(os_pid)) lacks module(s) $(echo $missing); restarting it to load them"
    os_stop
    os_launch
  fi
  wait_ready opensearch "$OS_LOG" "$OPENSEARCH_READY_TIMEOUT" os_ready os_alive
  missing=$(os_missing_modules)
  [[ -z $missing ]] || fail_with_log opensearch "$OS_LOG" "started without module(s) $(echo $missing) from $OS_HOME/modules"
  log "opensearch: ready (pid $(os_pid))"
}

os_stop() {
  local pid
  pid=$(os_pid)
  if [[ -z $pid ]]; then rm -f "$OS_PIDFILE"; log "opensearch: not running"; return 0; fi
  log "opensearch: stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone opensearch "$pid" "$STOP_TIMEOUT"; then
    log "opensearch: did not exit within ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone opensearch "$pid" 5 || true
  fi
  rm -f "$OS_PIDFILE"
}

os_status() {
  local pid state=stopped
  pid=$(os_pid)
  [[ -n $pid ]] && state=running
  printf '%-10s %-8s port=%-6s pid=%-8s log=%s\n' opensearch "$state" "$OPENSEARCH_PORT" "${pid:--}" "$OS_LOG"
}

# ---------------------------------------------------------------- commands

cmd_install() {
  common_install
  pg_install
  redis_install
  os_install
}

SERVICES=(postgres redis opensearch)

services_chosen() {  # [service...] -> the names, all three when none given
  local name
  if (($# == 0)); then printf '%s\n' "${SERVICES[@]}"; return; fi
  for name in "$@"; do
    [[ " ${SERVICES[*]} " == *" $name "* ]] \
      || die "unknown service '$name' (choose from: ${SERVICES[*]})"
    printf '%s\n' "$name"
  done
}

chosen() {  # name list... -> 0 if name is in the list
  local name=$1; shift
  [[ " $* " == *" $name "* ]]
}

cmd_up() {
  local start=$SECONDS wanted
  wanted=$(services_chosen "$@" | tr '\n' ' ')
  common_install
  if chosen postgres $wanted; then pg_install; fi
  if chosen redis $wanted; then redis_install; fi
  if chosen opensearch $wanted; then os_install; fi
  # OpenSearch boots slowest: launch it first, wait for it last.
  if chosen opensearch $wanted; then os_launch; fi
  if chosen postgres $wanted; then pg_start; fi
  if chosen redis $wanted; then redis_start; fi
  if chosen opensearch $wanted; then os_wait; fi
  log "services up in $((SECONDS - start))s: $wanted"
}

cmd_down() {
  local wanted port busy=()
  wanted=$(services_chosen "$@" | tr '\n' ' ')
  if chosen opensearch $wanted; then os_stop; fi
  if chosen redis $wanted; then redis_stop; fi
  if chosen postgres $wanted; then pg_stop; fi
  local ports=()
  if chosen postgres $wanted; then ports+=("$PGPORT"); fi
  if chosen redis $wanted; then ports+=("$REDIS_PORT"); fi
  if chosen opensearch $wanted; then ports+=("$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT"); fi
  for port in "${ports[@]}"; do
    if port_listening "$port"; then busy+=("$port"); fi
  done
  if ((${#busy[@]})); then
    die "still listening after down on port(s): ${busy[*]} (ss -ltnp shows who)"
  fi
  log "services down: $wanted"
}

cmd_status() {
  pg_status
  redis_status
  os_status
}

main() {
  case "${1:-}" in
    install) take_lock; cmd_install ;;
    up) take_lock; cmd_up "${@:2}" ;;
    down) take_lock; cmd_down "${@:2}" ;;
    status) cmd_status ;;
    *) echo "usage: $0 {install|up [service...]|down [service...]|status}" >&2; exit 2 ;;
  esac
}

# bash reads a script lazily; parsing everything into main() first and
# exiting on the same line keeps a running invocation safe if this file is
# edited meanwhile (e.g. by a git checkout).
main "$@"; exit

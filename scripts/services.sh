#!/usr/bin/env bash
# Start, stop or report the local PostgreSQL 15 and Elasticsearch 8.19 that `make test` uses.
# Both run detached on 127.0.0.1 as an unprivileged user, with data and logs under .services/.
# `start` reuses services that already answer and writes .services.env for any shell to source.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DATA="$ROOT/.services"
SVC_USER=${CPLMS_SERVICE_USER:-cplms-svc}
PG_PORT=${CPLMS_PG_PORT:-54329}
ES_PORT=${CPLMS_ES_PORT:-59200}
ES_VERSION=8.19.7
ES_HOME="$DATA/elasticsearch-$ES_VERSION"
PG_BIN=/usr/lib/postgresql/15/bin
PG_DATA="$DATA/pg/data"
DB_NAME=cplms

log() { printf 'services: %s\n' "$*" >&2; }

as_service_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$SVC_USER" -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id -u "$SVC_USER" >/dev/null 2>&1 \
    || useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
  mkdir -p "$DATA"
  chown "$SVC_USER" "$DATA"
  if ! runuser -u "$SVC_USER" -- test -w "$DATA"; then
    log "the user $SVC_USER cannot write $DATA; make its parent folders traversable (chmod o+x)"
    exit 1
  fi
}

pg_up() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" 2>/dev/null; }

start_pg() {
  if pg_up; then
    log "PostgreSQL already answers on port $PG_PORT"
  else
    if [ ! -f "$PG_DATA/PG_VERSION" ]; then
      as_service_user mkdir -p "$DATA/pg"
      as_service_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust \
        -E UTF8 --locale=C.UTF-8 >"$DATA/pg/initdb.log" 2>&1 \
        || { log "initdb failed:"; tail -20 "$DATA/pg/initdb.log" >&2; exit 1; }
    fi
    as_service_user mkdir -p "$DATA/pg/run"
    # Test data only: durability settings are traded for speed.
    if ! as_service_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$DATA/pg/postgresql.log" -w -t 60 \
      -o "-p $PG_PORT -k $DATA/pg/run -c listen_addresses=127.0.0.1 -c fsync=off \
-c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start </dev/null >"$DATA/pg/pg_ctl.log" 2>&1; then
      log "PostgreSQL did not start; the end of its log:"
      tail -30 "$DATA/pg/postgresql.log" >&2 || true
      exit 1
    fi
    log "PostgreSQL started on port $PG_PORT"
  fi
  if ! "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='$DB_NAME'" | grep -q 1; then
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$DB_NAME"
  fi
}

es_up() { curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health" >/dev/null 2>&1; }

fetch_es() {
  [ -x "$ES_HOME/bin/elasticsearch" ] && return 0
  local zip="$HOME/.m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip"
  if [ ! -f "$zip" ]; then
    log "fetching Elasticsearch $ES_VERSION from Maven Central"
    mvn -q dependency:get -Dtransitive=false \
      "-Dartifact=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
  fi
  local tmp
  tmp=$(mktemp -d "$DATA/unpack.XXXXXX")
  unzip -q "$zip" -d "$tmp"
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rmdir "$tmp"
  [ "$(id -u)" -ne 0 ] || chown -R "$SVC_USER" "$ES_HOME"
}

start_es() {
  if es_up; then
    log "Elasticsearch already answers on port $ES_PORT"
    return 0
  fi
  fetch_es
  # The zip lacks analysis-common: our own analysis plugin brings CJK bigrams, stemming,
  # folding and edge n-grams (search/es_plugin). Idempotent; the node must be stopped.
  bash "$ROOT/scripts/build-es-plugin.sh" "$ES_HOME"
  as_service_user mkdir -p "$DATA/es/data" "$DATA/es/logs" "$DATA/es/tmp"
  cat >"$ES_HOME/config/elasticsearch.yml" <<YAML
cluster.name: cplms-local
node.name: cplms-local-1
path.data: $DATA/es/data
path.logs: $DATA/es/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $((ES_PORT + 100))
discovery.type: single-node
action.destructive_requires_name: false
cluster.routing.allocation.disk.threshold_enabled: false
# The integ-test zip carries the security module: local test nodes run without it.
xpack.security.enabled: false
YAML
  local java_home
  java_home=${ES_JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}
  as_service_user env ES_JAVA_HOME="$java_home" ES_TMPDIR="$DATA/es/tmp" \
    ES_JAVA_OPTS="-Xms1g -Xmx1g" \
    setsid "$ES_HOME/bin/elasticsearch" -d -p "$DATA/es/es.pid" \
    </dev/null >"$DATA/es/stdout.log" 2>&1 || true
  local health="" pid=""
  for _ in $(seq 1 180); do
    health=$(curl -fsS "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null || true)
    [ -n "$health" ] && break
    [ -f "$DATA/es/es.pid" ] && pid=$(cat "$DATA/es/es.pid")
    if [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null; then break; fi
    sleep 1
  done
  if [ -z "$health" ]; then
    log "Elasticsearch did not come up; the end of its logs:"
    for f in "$DATA/es/stdout.log" "$DATA/es/logs/cplms-local.log"; do
      [ -f "$f" ] && tail -40 "$f" | cut -c1-400 >&2
    done
    exit 1
  fi
  log "Elasticsearch started on port $ES_PORT"
}

write_env() {
  cat >"$ROOT/.services.env" <<ENV
export DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$DB_NAME
export ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT
ENV
}

stop_all() {
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    as_service_user "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
    log "PostgreSQL stopped"
  fi
  if [ -f "$DATA/es/es.pid" ]; then
    local pid
    pid=$(cat "$DATA/es/es.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    log "Elasticsearch stopped"
  fi
}

case "${1:-start}" in
  start) ensure_user; start_pg; start_es; write_env ;;
  stop) stop_all ;;
  status)
    pg_up && log "PostgreSQL up on $PG_PORT" || log "PostgreSQL down"
    es_up && log "Elasticsearch up on $ES_PORT" || log "Elasticsearch down" ;;
  *) log "usage: $0 start|stop|status"; exit 2 ;;
esac

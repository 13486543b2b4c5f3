# Sourced by scripts/test: start this machine's PostgreSQL when it is installed but stopped, so the
# PostgreSQL tests run instead of skipping. It only ever starts a server; it never stops or kills one.
# Skipped when FRAMEWORK_M_TEST_POSTGRES_URL points the tests at another server.

start_local_postgres() {
  if [ -n "${FRAMEWORK_M_TEST_POSTGRES_URL:-}" ]; then
    return 0
  fi
  if ! command -v pg_isready >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    return 0
  fi
  if pg_isready -q -h 127.0.0.1 -p 5432; then
    return 0
  fi
  local version=""
  if [ -d /etc/postgresql ]; then
    version="$(ls /etc/postgresql | sort -V | tail -n 1)" || version=""
  fi
  if [ -z "$version" ]; then
    return 0
  fi
  echo "== starting PostgreSQL $version (cluster main)"
  if ! pg_ctlcluster --skip-systemctl-redirect "$version" main start; then
    echo "warning: could not start PostgreSQL $version; its tests will skip (or fail under CI=true)" >&2
    return 0
  fi
  local attempt
  for attempt in $(seq 1 30); do
    if pg_isready -q -h 127.0.0.1 -p 5432; then
      return 0
    fi
    sleep 0.5
  done
  echo "warning: PostgreSQL $version started but is not accepting connections yet" >&2
}

start_local_postgres

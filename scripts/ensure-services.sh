#!/usr/bin/env bash
# The integration suite runs against the real PostgreSQL and Redis on this
# machine. Start whichever is down; fail loudly if one cannot be reached.
set -uo pipefail
PGHOST=${KHLANG_TEST_PGHOST:-127.0.0.1}
PGPORT=${KHLANG_TEST_PGPORT:-5432}
REDIS_PORT=${KHLANG_TEST_REDIS_PORT:-6379}

pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" 2>/dev/null; }
redis_up() {
  if command -v redis-cli >/dev/null 2>&1; then
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
  else
    (exec 3<>/dev/tcp/127.0.0.1/"$REDIS_PORT" && printf 'PING\r\n' >&3 && head -c 5 <&3 | grep -q PONG) 2>/dev/null
  fi
}
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

if ! pg_up; then
  echo "PostgreSQL ไม่ทำงาน กำลังเริ่ม / PostgreSQL is down, starting it"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  fi
  wait_for pg_up || { echo "ERROR: ติดต่อ PostgreSQL ที่ $PGHOST:$PGPORT ไม่ได้ / cannot reach PostgreSQL at $PGHOST:$PGPORT" >&2; exit 1; }
fi
if ! redis_up; then
  echo "Redis ไม่ทำงาน กำลังเริ่ม / Redis is down, starting it"
  if command -v redis-server >/dev/null 2>&1; then
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no || true
  fi
  wait_for redis_up || { echo "ERROR: ติดต่อ Redis ที่ 127.0.0.1:$REDIS_PORT ไม่ได้ / cannot reach Redis at 127.0.0.1:$REDIS_PORT" >&2; exit 1; }
fi
echo "PostgreSQL และ Redis พร้อม / PostgreSQL and Redis are up"

#!/usr/bin/env bash
# Makes sure a MongoDB-wire server answers at 127.0.0.1:$FERRETDB_PORT (default 27018) for the
# MongoDB store tests: FerretDB v1.24 (scripts/ferretdb/, embedded as a Go library) on the local
# PostgreSQL. Last line of stdout: MONGODB_URL=mongodb://127.0.0.1:PORT/?directConnection=true
# (progress goes to stderr), so callers can do: export "$(bash scripts/ensure-ferretdb.sh | tail -n1)".
#
# Idempotent and safe to run concurrently (flock): if something already answers the MongoDB wire
# protocol on the port, it only prints the URL. Otherwise it starts PostgreSQL if needed (installing
# it with apt-get if absent), creates the database (UTF8, C collation) if missing, builds the Go
# program if the binary is missing or older than its sources (needs Go >= 1.24 and the Go module
# proxy; cold build takes minutes, then the Go cache makes it seconds), starts it in the background
# and waits for it to answer. Binary, log and pid file live in scripts/ferretdb/out/ (git-ignored).
#
# Env: FERRETDB_PORT (27018; not 27017 to avoid a real mongod), FERRETDB_DB (troly1022_ferretdb),
# FERRETDB_LOG_LEVEL (warn; at warn FerretDB also logs every error reply, e.g. each E11000).
# Stop it: kill "$(cat scripts/ferretdb/out/ferretdb-27018.pid)".
set -euo pipefail

PORT="${FERRETDB_PORT:-27018}"
DB="${FERRETDB_DB:-troly1022_ferretdb}"
LOG_LEVEL="${FERRETDB_LOG_LEVEL:-warn}"
HOST=127.0.0.1
PG_HOST=127.0.0.1
PG_PORT=5432
PG_USER=postgres
URL="mongodb://$HOST:$PORT/?directConnection=true"

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/ferretdb" && pwd)"
OUT="$SRC/out"
BIN="$OUT/ferretdb"
LOG="$OUT/ferretdb-$PORT.log"
PIDFILE="$OUT/ferretdb-$PORT.pid"

say() { echo "ensure-ferretdb: $*" >&2; }
die() { say "$*"; exit 1; }
done_ok() { echo "MONGODB_URL=$URL"; exit 0; }

case "$PORT" in ''|*[!0-9]*) die "FERRETDB_PORT must be a port number, got '$PORT'";; esac
case "$DB" in ''|*[!A-Za-z0-9_]*) die "FERRETDB_DB must be letters, digits and _, got '$DB'";; esac
case "$LOG_LEVEL" in debug|info|warn|error) ;; *) die "FERRETDB_LOG_LEVEL must be debug, info, warn or error, got '$LOG_LEVEL'";; esac

command -v node >/dev/null 2>&1 || die "node not found on PATH (needed to probe the MongoDB wire protocol)"

# Sends OP_MSG {ping: 1, $db: "admin"} without any npm package. Exit 0: a MongoDB-wire server
# replied ok: 1; 1: nothing listens (connection refused); 2: something else answers, or timeout.
PROBE_JS='
const net = require("net");
const port = Number(process.argv[1]);
const el = (t, k, v) => Buffer.concat([Buffer.from([t]), Buffer.from(k + "\0"), v]);
const i32 = (n) => { const b = Buffer.alloc(4); b.writeInt32LE(n); return b; };
const str = (s) => { const b = Buffer.from(s + "\0"); return Buffer.concat([i32(b.length), b]); };
const body = Buffer.concat([el(0x10, "ping", i32(1)), el(0x02, "$db", str("admin")), Buffer.from([0])]);
const doc = Buffer.concat([i32(body.length + 4), body]);
const msg = Buffer.concat([i32(0), i32(1), i32(0), i32(2013), i32(0), Buffer.from([0]), doc]);
msg.writeInt32LE(msg.length, 0);
const fixed = { 1: 8, 7: 12, 8: 1, 9: 8, 10: 0, 16: 4, 17: 8, 18: 8, 19: 16, 127: 0, 255: 0 };
function okOf(d) {
  let p = 4;
  while (p < d.length - 1) {
    const t = d[p]; const e = d.indexOf(0, p + 1); const k = d.toString("utf8", p + 1, e); p = e + 1;
    if (k === "ok") return t === 1 ? d.readDoubleLE(p) : t === 16 ? d.readInt32LE(p) : t === 8 ? d[p] : t === 18 ? Number(d.readBigInt64LE(p)) : 0;
    if (t in fixed) p += fixed[t];
    else if (t === 2 || t === 13 || t === 14) p += 4 + d.readInt32LE(p);
    else if (t === 3 || t === 4) p += d.readInt32LE(p);
    else if (t === 5) p += 5 + d.readInt32LE(p);
    else return 0;
  }
  return 0;
}
let buf = Buffer.alloc(0);
const s = net.connect(port, "127.0.0.1", () => s.write(msg));
s.setTimeout(3000, () => process.exit(2));
s.on("error", (e) => process.exit(e.code === "ECONNREFUSED" ? 1 : 2));
s.on("close", () => process.exit(2));
s.on("data", (c) => {
  buf = Buffer.concat([buf, c]);
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
  const ok = buf.length >= 21 && buf.readInt32LE(12) === 2013 && buf[20] === 0 && okOf(buf.subarray(21)) === 1;
  process.exit(ok ? 0 : 2);
});
'
probe() { node -e "$PROBE_JS" "$PORT" >/dev/null 2>&1; }

# Cheap path first (no lock): already running.
if probe; then done_ok; fi

mkdir -p "$OUT"
exec 9>"$OUT/.lock-$PORT"
if ! flock -w 900 9; then die "another ensure-ferretdb.sh held $OUT/.lock-$PORT for 15 min"; fi

# Another run may have started it while we waited for the lock.
rc=0; probe || rc=$?
if [ "$rc" -eq 0 ]; then done_ok; fi

our_pid_alive() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(readlink "/proc/$pid/exe" 2>/dev/null || true)" = "$BIN" ]
}

wait_answers() { # $1: pid, $2: seconds
  local pid="$1" n=$(( $2 * 5 )) rc
  for _ in $(seq 1 "$n"); do
    rc=0; probe || rc=$?
    if [ "$rc" -eq 0 ]; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "FerretDB (pid $pid) exited; last lines of $LOG:"; tail -n 20 "$LOG" >&2 || true
      return 1
    fi
    sleep 0.2
  done
  say "FerretDB (pid $pid) did not answer on $HOST:$PORT within $2 s; last lines of $LOG:"
  tail -n 20 "$LOG" >&2 || true
  return 1
}

if [ "$rc" -eq 2 ]; then
  if our_pid_alive; then
    wait_answers "$(cat "$PIDFILE")" 60 && done_ok
    exit 1
  fi
  die "something that is not a MongoDB-wire server answers on $HOST:$PORT (or it did not reply within 3 s); set FERRETDB_PORT to a free port"
fi

# ---- PostgreSQL -----------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "not root and no sudo: cannot run '$*'; start PostgreSQL yourself or set MONGODB_URL"
  fi
}

pg_ready() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" >/dev/null 2>&1; }

if ! command -v pg_isready >/dev/null 2>&1 || ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  say "PostgreSQL not found; installing it with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -qq >&2
  as_root apt-get install -y -qq postgresql >&2
  PG_VER="$(ls /etc/postgresql | sort -V | tail -n1)"
  # A fresh Debian cluster asks for a password over TCP; this test server trusts local TCP
  # connections from the postgres user (as the project's machines are set up).
  HBA="/etc/postgresql/$PG_VER/main/pg_hba.conf"
  if ! grep -q 'ensure-ferretdb' "$HBA"; then
    say "allowing trust auth for user postgres from 127.0.0.1 and ::1 in $HBA"
    as_root sed -i '1i host all postgres 127.0.0.1/32 trust # ensure-ferretdb\nhost all postgres ::1/128 trust # ensure-ferretdb' "$HBA"
    if pg_ready; then as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VER" main reload >&2 || true; fi
  fi
fi

if ! pg_ready; then
  PG_VER="$(ls /etc/postgresql | sort -V | tail -n1)"
  say "starting PostgreSQL $PG_VER (cluster main)"
  as_root pg_ctlcluster --skip-systemctl-redirect "$PG_VER" main start >&2 || true
  for _ in $(seq 1 150); do pg_ready && break; sleep 0.2; done
  pg_ready || die "PostgreSQL does not answer at $PG_HOST:$PG_PORT after 30 s (see /var/log/postgresql/)"
fi

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -U "$PG_USER" -h "$PG_HOST" -p "$PG_PORT" -d postgres -tA)
info="$("${PSQL[@]}" -c "SELECT pg_encoding_to_char(encoding) || ' ' || datcollate || ' ' || datctype FROM pg_database WHERE datname = '$DB'")" \
  || die "cannot query PostgreSQL as user $PG_USER at $PG_HOST:$PG_PORT (trust auth expected)"
if [ -z "$info" ]; then
  say "creating PostgreSQL database $DB (UTF8, C collation)"
  createdb -U "$PG_USER" -h "$PG_HOST" -p "$PG_PORT" -E UTF8 --lc-collate=C --lc-ctype=C -T template0 "$DB" >&2
else
  read -r enc coll ctype <<<"$info"
  ok_loc() { case "$1" in C|POSIX|C.UTF8|C.UTF-8|C.utf8|en_US.UTF8|en_US.UTF-8|en_US.utf8) return 0;; *) return 1;; esac; }
  if [ "$enc" != "UTF8" ] || ! ok_loc "$coll" || ! ok_loc "$ctype"; then
    die "database $DB is $enc / collate $coll / ctype $ctype; FerretDB needs UTF8 with C collation: drop it (dropdb -U postgres -h 127.0.0.1 $DB) or set FERRETDB_DB"
  fi
fi

# ---- build ----------------------------------------------------------------------------------
GO="$(command -v go || true)"
[ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; } || true
if [ ! -x "$BIN" ] || [ -n "$(find "$SRC" -maxdepth 1 \( -name '*.go' -o -name go.mod -o -name go.sum \) -newer "$BIN" -print -quit)" ]; then
  [ -n "$GO" ] || die "Go not found (neither 'go' on PATH nor /usr/local/go/bin/go): install Go >= 1.24 to build FerretDB, or set MONGODB_URL to a running MongoDB"
  say "building FerretDB (scripts/ferretdb) with $("$GO" version); a cold build takes a few minutes"
  ( cd "$SRC" && "$GO" build -tags ferretdb_no_sqlite -trimpath -buildvcs=false -o "$BIN.tmp" . ) >&2 \
    || die "go build failed (needs the Go module proxy for a cold build)"
  mv -f "$BIN.tmp" "$BIN"
fi

# ---- start ----------------------------------------------------------------------------------
if our_pid_alive; then
  # Ours, but not answering (rc 1: not listening): replace it.
  old="$(cat "$PIDFILE")"
  say "stopping unresponsive FerretDB pid $old"
  kill "$old" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$old" 2>/dev/null || break; sleep 0.2; done  # ~2 s normally
  kill -9 "$old" 2>/dev/null || true
fi

say "starting FerretDB on $HOST:$PORT (PostgreSQL database $DB), log $LOG"
echo "---- $(date -Is) start" >>"$LOG"
setsid nohup "$BIN" -listen-addr "$HOST:$PORT" \
  -postgresql-url "postgres://$PG_USER@$PG_HOST:$PG_PORT/$DB" -log-level "$LOG_LEVEL" \
  </dev/null >>"$LOG" 2>&1 9>&- &   # 9>&-: the server must not keep holding the lock
pid=$!
echo "$pid" >"$PIDFILE"

wait_answers "$pid" 60 || exit 1
say "FerretDB answers (pid $pid)"
done_ok

#!/bin/bash
# CPU cost of the observers in instructions, which (unlike inserts/s on a shared machine) do not
# move with the load of other processes:
#
#     bench/observers_callgrind.sh target/release/pgbridge off|on|nomatch|batch [INSERTS] [CLIENTS]
#
# Runs a release pgbridge (built with --features observers; line-tables debug info helps
# callgrind_annotate) under valgrind's callgrind on a fresh SQLite file, with one webhook target
# (16 lanes, as benches/observers.rs) posting to a small Python receiver (`on`), a rule that
# matches nothing (`nomatch`), batches of up to 500 (`batch`), or no [observers] (`off`). It warms
# up, zeroes the counters, runs INSERTS (default 2000) single-row autocommit INSERTs with pgbench
# (CLIENTS connections, default 8, prepared), waits until every event is delivered and its
# delivery deleted from the journal, dumps, and prints instructions per insert: the whole process,
# and without the session opens (pgbench's CLIENTS new connections, each ~11M instructions in
# Worker::open, which are not per-insert work). The receiver's own cost is not counted.
# Under callgrind the process runs ~50x slower, so time-driven batching (group commits, the 50 ms
# ack flush, batch max_wait) gathers fewer events than at full speed.
# Needs valgrind, pgbench, psql, sqlite3, curl, python3.
set -e
BIN=$1; MODE=$2; N=${3:-2000}; C=${4:-8}
D=$(mktemp -d /tmp/obsperf-XXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
RPORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
cat > $D/p.toml <<T
listen = "127.0.0.1:$PORT"
backend = "sqlite://$D/data.db"
log_level = "warn"
T
echo "INSERT INTO events_bench (payload, n) VALUES ('order placed by customer 42', 7);" > $D/insert.sql
if [ "$MODE" != off ]; then
  TABLES=""; BATCH=""
  [ "$MODE" = nomatch ] && TABLES='tables = ["no_such_table"]'
  [ "$MODE" = batch ] && BATCH='batch = { max_events = 500, max_wait = "5ms" }'
  cat >> $D/p.toml <<T
[observers]
queue_capacity = 200000
journal = { path = "$D/journal.db", sync = "normal" }
[[observers.targets]]
name = "hook"
kind = "webhook"
url = "http://127.0.0.1:$RPORT/hook"
timeout = "10m"
max_in_flight = 16
$BATCH
[[observers.rules]]
name = "all"
$TABLES
targets = ["hook"]
T
fi
cat > $D/receiver.py <<'PY'
# Minimal keep-alive webhook receiver for the callgrind runs: counts events, answers 200.
import json, sys, threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
lock = threading.Lock()
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers["Content-Length"]))
        doc = json.loads(body)
        with lock:
            count += len(doc) if isinstance(doc, list) else 1
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def do_GET(self):
        data = str(count).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(data))); self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a): pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
python3 $D/receiver.py $RPORT & RPID=$!
until curl -s http://127.0.0.1:$RPORT/ >/dev/null; do sleep 0.1; done
valgrind --tool=callgrind --collect-atstart=yes --callgrind-out-file=$D/cg.out $BIN --config $D/p.toml > $D/log 2>&1 & VPID=$!
for i in $(seq 600); do pg_isready -q -h 127.0.0.1 -p $PORT && break; sleep 0.2; done
export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGDATABASE=test
psql -qc "CREATE TABLE events_bench (id bigserial PRIMARY KEY, payload text, n int)" >/dev/null
pgbench -n -M prepared -f $D/insert.sql -c $C -t 50 >/dev/null 2>&1
wait_delivered() {
  want=$1
  [ "$MODE" = off ] || [ "$MODE" = nomatch ] && return 0
  for i in $(seq 3000); do
    got=$(curl -s http://127.0.0.1:$RPORT/)
    left=$(sqlite3 $D/journal.db "select count(*) from deliveries" 2>/dev/null || echo x)
    [ "$got" -ge "$want" ] && [ "$left" = 0 ] && return 0
    sleep 0.2
  done
  echo "not delivered: $got of $want, $left left" >&2; return 1
}
wait_delivered $((C*50))
sleep 1
callgrind_control -z $VPID >/dev/null
pgbench -n -M prepared -f $D/insert.sql -c $C -t $((N / C)) > $D/pgbench.log 2>&1
wait_delivered $((C*50 + N))
sleep 0.5
callgrind_control -d $VPID >/dev/null
kill $VPID; wait $VPID 2>/dev/null || true
kill $RPID; wait $RPID 2>/dev/null || true
OUT=$D/cg.out.1
TOTAL=$(grep -h "^summary:\|^totals:" $OUT | head -1 | awk '{print $2}')
OPEN=$(callgrind_annotate --inclusive=yes $OUT 2>/dev/null | grep -m1 "connect::Worker::open \[" | awk '{gsub(",", "", $1); print $1}')
OPEN=${OPEN:-0}
echo "$MODE: $N inserts, $TOTAL instructions, $((TOTAL / N)) per insert, $(((TOTAL - OPEN) / N)) per insert without session opens (profile: $OUT)"

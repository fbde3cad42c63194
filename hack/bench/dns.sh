#!/usr/bin/env bash
# ferry's DNS server against CoreDNS (file plugin) and Knot DNS serving the
# same zone on the same machine in the same run: dnsperf sends a fixed number
# of queries to each, alternating, and the medians of the rounds are compared.
# Then one more run against a separate ferry with --cpuprofile, counted by
# `perf stat` (system calls), explains where ferry's time goes.
#
# Knobs (environment): DNS_BENCH_QUERIES (per run, default 400000),
# DNS_BENCH_CLIENTS (dnsperf -c, default 10), DNS_BENCH_ROUNDS (default 3),
# DNS_BENCH_PORT (first of six loopback ports, default 15300).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
bash hack/deps/dns.sh --bench

QUERIES="${DNS_BENCH_QUERIES:-400000}"
CLIENTS="${DNS_BENCH_CLIENTS:-10}"
ROUNDS="${DNS_BENCH_ROUNDS:-3}"
PORT="${DNS_BENCH_PORT:-15300}"
FERRY_PORT=$PORT CORE_PORT=$((PORT + 1)) ADMIN_PORT=$((PORT + 2)) KNOT_PORT=$((PORT + 3))
PROF_PORT=$((PORT + 4)) PROF_ADMIN=$((PORT + 5))
COREDNS_VERSION=v1.14.7

bin="$FERRY_CACHE/bin"
mkdir -p "$bin"
if ! "$bin/coredns" -version 2>/dev/null | grep -q "CoreDNS-${COREDNS_VERSION#v}"; then
  echo "building CoreDNS $COREDNS_VERSION into $bin (about 2 minutes)" >&2
  (cd "$FERRY_CACHE" && GOBIN="$bin" GOFLAGS=-modcacherw go install "github.com/coredns/coredns@$COREDNS_VERSION")
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/" ./cmd/ferry ./cmd/ferry-engine
cp hack/bench/dns.zone "$work/example.test.zone"
cat > "$work/queries" <<'Q'
www.example.test A
api.example.test A
v6.example.test AAAA
alias.example.test A
example.test SOA
example.test TXT
nope.example.test A
www.example.test AAAA
Q
cat > "$work/Corefile" <<C
example.test:$CORE_PORT {
    bind 127.0.0.1
    file $work/example.test.zone
}
C
mkdir -p "$work/knot"
cat > "$work/knot.conf" <<K
server:
    listen: 127.0.0.1@$KNOT_PORT
    rundir: "$work/knot"
    user: $(id -un):$(id -gn)
database:
    storage: "$work/knot"
log:
  - target: stderr
    any: error
template:
  - id: default
    storage: "$work"
    file: "%s.zone"
    journal-content: none
    zonefile-sync: -1
zone:
  - domain: example.test
K

ferry_serve() { # dns-port admin-port data-dir [flags...]
  local port=$1 admin=$2 data=$3; shift 3
  "$work/ferry" dns serve --zone-file "$work/example.test.zone" --listen "127.0.0.1:$port" \
    --admin "127.0.0.1:$admin" --data "$data" --token-file "$work/token" "$@" 2>>"$work/ferry.log" &
  pids+=($!)
}
ferry_serve "$FERRY_PORT" "$ADMIN_PORT" "$work/data"
"$bin/coredns" -conf "$work/Corefile" -quiet >"$work/coredns.log" 2>&1 &
pids+=($!)
knotd -c "$work/knot.conf" >"$work/knot.log" 2>&1 &
pids+=($!)

wait_for() { # port
  for _ in $(seq 1 100); do
    dig @127.0.0.1 -p "$1" +short +tries=1 +time=1 www.example.test A >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  cat "$work"/*.log >&2
  return 1
}
wait_for "$FERRY_PORT"; wait_for "$CORE_PORT"; wait_for "$KNOT_PORT"

# ferry answers api.example.test from a weighted 10/90 set (one record per
# answer, as the peers' api.example.test has one record), so the benchmark
# measures the weighted path.
set_weighted() { # admin-port
  "$work/ferry" dns set api.example.test A legacy=10:192.0.2.20 cluster=90:192.0.2.21 \
    --server "http://127.0.0.1:$1" --token-file "$work/token" >/dev/null
}
set_weighted "$ADMIN_PORT"

lines=$(wc -l < "$work/queries")
runs=$(( (QUERIES + lines - 1) / lines ))

perf_run() { # port [extra dnsperf flags...]
  local port=$1; shift
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -c "$CLIENTS" -n "$runs" "$@" 2>&1
}
qps() { perf_run "$1" | awk '/Queries per second:/ {print $4}'; }
p99_ms() { # p99 latency of every answered query in one verbose run, in ms
  perf_run "$1" -v | awk '/^> / {print $NF}' | sort -g |
    awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.3f", v[i]*1000}'
}
lost() { perf_run "$1" | awk '/Queries lost:/ {print $3}'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

names=(ferry coredns knot)
ports=("$FERRY_PORT" "$CORE_PORT" "$KNOT_PORT")
for p in "${ports[@]}"; do perf_run "$p" >/dev/null; done # warm up

declare -A q99 rates
for r in $(seq 1 "$ROUNDS"); do
  line="round $r:"
  for i in "${!names[@]}"; do
    n=${names[$i]} p=${ports[$i]}
    rate=$(qps "$p"); p99=$(p99_ms "$p")
    rates[$n]+="$rate "; q99[$n]+="$p99 "
    line+=" $n $rate q/s p99 $p99 ms;"
  done
  echo "$line" >&2
done

echo "== dns: ferry dns serve vs CoreDNS $COREDNS_VERSION (file plugin) and $(knotd --version | head -1), same zone, $(nproc) CPUs"
echo "   dnsperf -c $CLIENTS, $((runs * lines)) queries per run, median of $ROUNDS rounds"
printf '   %-8s %12s %10s %8s\n' server "queries/s" "p99 ms" lost
declare -A mq mp
for i in "${!names[@]}"; do
  n=${names[$i]}
  mq[$n]=$(printf '%s\n' ${rates[$n]} | median); mp[$n]=$(printf '%s\n' ${q99[$n]} | median)
  printf '   %-8s %12.0f %10s %8s\n' "$n" "${mq[$n]}" "${mp[$n]}" "$(lost "${ports[$i]}")"
done
for peer in coredns knot; do
  awk -v f="${mq[ferry]}" -v c="${mq[$peer]}" -v fp="${mp[ferry]}" -v cp="${mp[$peer]}" -v peer="$peer" 'BEGIN {
    printf "   ratio ferry/%s: %.2fx queries/s, p99 %.2fx (goal: >= 1.00x rate, p99 <= 1.00x)\n", peer, f/c, fp/cp }'
done

# Where ferry's time goes: a separate ferry, profiled, under the same load;
# perf counts its system calls (when the kernel lets it).
ferry_serve "$PROF_PORT" "$PROF_ADMIN" "$work/data-prof" --cpuprofile "$work/cpu.pprof"
prof_pid=${pids[-1]}
wait_for "$PROF_PORT"
set_weighted "$PROF_ADMIN"
syscalls=""
if perf stat -e raw_syscalls:sys_enter -x, -o /dev/null -- true >/dev/null 2>&1; then
  perf stat -e raw_syscalls:sys_enter -x, -o "$work/perf.txt" -p "$prof_pid" &
  perf_pid=$!
  sleep 0.2
fi
answered=$(perf_run "$PROF_PORT" | awk '/Queries completed:/ {print $3}')
if [ -n "${perf_pid:-}" ]; then
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  syscalls=$(awk -F, '/raw_syscalls/ {print $1}' "$work/perf.txt")
fi
kill -TERM "$prof_pid"; wait "$prof_pid" 2>/dev/null || true
echo "== where ferry's time goes ($answered queries, one profiled run)"
if [ -n "$syscalls" ]; then
  awk -v s="$syscalls" -v q="$answered" 'BEGIN { printf "   system calls: %d, %.2f per query (recvmmsg/sendmmsg batches of up to 32)\n", s, s/q }'
else
  echo "   system calls: not counted (perf stat was refused)"
fi
go tool pprof -top -nodecount=12 "$work/ferry-engine" "$work/cpu.pprof" 2>/dev/null | sed -n '4,20p' | sed 's/^/   /'
echo "   wire path alone: go test -run '^\$' -bench Respond -benchmem ./internal/dns/server"

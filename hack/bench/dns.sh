#!/usr/bin/env bash
# ferry's DNS server against CoreDNS (file plugin) serving the same zone on the
# same machine in the same run: dnsperf sends a fixed number of queries to each,
# alternating, and the medians of the rounds are compared.
#
# Knobs (environment): DNS_BENCH_QUERIES (per run, default 400000),
# DNS_BENCH_CLIENTS (dnsperf -c, default 10), DNS_BENCH_ROUNDS (default 3),
# DNS_BENCH_PORT (first of three loopback ports, default 15300).
set -euo pipefail
cd "$(dirname "$0")/../.."
source hack/lib.sh
ferry::apt_install dnsperf dnsutils

QUERIES="${DNS_BENCH_QUERIES:-400000}"
CLIENTS="${DNS_BENCH_CLIENTS:-10}"
ROUNDS="${DNS_BENCH_ROUNDS:-3}"
PORT="${DNS_BENCH_PORT:-15300}"
FERRY_PORT=$PORT CORE_PORT=$((PORT + 1)) ADMIN_PORT=$((PORT + 2))
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

go build -o "$work/ferry" ./cmd/ferry
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

"$work/ferry" dns serve --zone-file "$work/example.test.zone" --listen "127.0.0.1:$FERRY_PORT" \
  --admin "127.0.0.1:$ADMIN_PORT" --data "$work/data" --token-file "$work/token" 2>"$work/ferry.log" &
pids+=($!)
"$bin/coredns" -conf "$work/Corefile" -quiet >"$work/coredns.log" 2>&1 &
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
wait_for "$FERRY_PORT"
wait_for "$CORE_PORT"

# ferry answers api.example.test from a weighted 10/90 set (one record per
# answer, as CoreDNS's api.example.test has one record), so the benchmark
# measures the weighted path.
"$work/ferry" dns set api.example.test A legacy=10:192.0.2.20 cluster=90:192.0.2.21 \
  --server "http://127.0.0.1:$ADMIN_PORT" --token-file "$work/token" >/dev/null

lines=$(wc -l < "$work/queries")
runs=$(( (QUERIES + lines - 1) / lines ))

perf() { # port [extra dnsperf flags...]
  local port=$1; shift
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -c "$CLIENTS" -n "$runs" "$@" 2>&1
}
qps() { perf "$1" | awk '/Queries per second:/ {print $4}'; }
p99_ms() { # p99 latency of every answered query in one verbose run, in ms
  perf "$1" -v | awk '/^> / {print $NF}' | sort -g |
    awk '{v[NR]=$1} END {i=int(NR*0.99); if (i<1) i=1; printf "%.3f", v[i]*1000}'
}
lost() { perf "$1" | awk '/Queries lost:/ {print $3}'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

perf "$FERRY_PORT" >/dev/null   # warm up both
perf "$CORE_PORT" >/dev/null

declare -a fq cq fp cp
for r in $(seq 1 "$ROUNDS"); do
  fq+=("$(qps "$FERRY_PORT")"); cq+=("$(qps "$CORE_PORT")")
  fp+=("$(p99_ms "$FERRY_PORT")"); cp+=("$(p99_ms "$CORE_PORT")")
  echo "round $r: ferry ${fq[-1]} q/s p99 ${fp[-1]} ms; coredns ${cq[-1]} q/s p99 ${cp[-1]} ms" >&2
done
f_qps=$(printf '%s\n' "${fq[@]}" | median); c_qps=$(printf '%s\n' "${cq[@]}" | median)
f_p99=$(printf '%s\n' "${fp[@]}" | median); c_p99=$(printf '%s\n' "${cp[@]}" | median)
f_lost=$(lost "$FERRY_PORT"); c_lost=$(lost "$CORE_PORT")

echo "== dns: ferry dns serve vs CoreDNS $COREDNS_VERSION (file plugin), same zone, $(nproc) CPUs"
echo "   dnsperf -c $CLIENTS, $((runs * lines)) queries per run, median of $ROUNDS rounds"
printf '   %-8s %12s %10s %8s\n' server "queries/s" "p99 ms" lost
printf '   %-8s %12.0f %10s %8s\n' ferry "$f_qps" "$f_p99" "$f_lost"
printf '   %-8s %12.0f %10s %8s\n' coredns "$c_qps" "$c_p99" "$c_lost"
awk -v f="$f_qps" -v c="$c_qps" -v fp="$f_p99" -v cp="$c_p99" 'BEGIN {
  printf "   ratio ferry/coredns: %.2fx queries/s, p99 %.2fx (goal: >= 1.00x rate, p99 <= 1.00x)\n", f/c, fp/cp }'

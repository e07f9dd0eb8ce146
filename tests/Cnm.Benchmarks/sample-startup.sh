#!/usr/bin/env bash
# Start-up time and idle memory of a sample plugin binary: from exec to the first answered Plugin.Activate on its
# unix socket, then VmRSS after IDLE seconds. Usage:
#   tests/Cnm.Benchmarks/sample-startup.sh BINARY [RUNS] [IDLE] [extra plugin arguments...]
# e.g. (Native AOT)  dotnet publish plugins/samples/Cnm.Samples.FileIpam -c Release -o /tmp/ipam-aot
#                    tests/Cnm.Benchmarks/sample-startup.sh /tmp/ipam-aot/Cnm.Samples.FileIpam 10 2 --state /tmp/s.json
#      (JIT)         tests/Cnm.Benchmarks/sample-startup.sh "dotnet plugins/samples/.../Cnm.Samples.FileIpam.dll" 10 2 ...
# Prints one line per run and the median. The process is stopped by its PID after each run.
set -euo pipefail
binary=$1; runs=${2:-10}; idle=${3:-2}; shift $(( $# >= 3 ? 3 : $# ))
dir=$(mktemp -d /tmp/cnm-sample-startup.XXXXXX)
trap 'rm -rf "$dir"' EXIT
times=(); rss=()
for i in $(seq 1 "$runs"); do
  sock="$dir/bench$i.sock"
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  $binary --name "bench$i" --socket-dir "$dir" "$@" >/dev/null 2>&1 &
  pid=$!
  until curl -fsS --unix-socket "$sock" -X POST http://plugin.moby.localhost/Plugin.Activate -o /dev/null 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "run $i: the plugin exited" >&2; exit 1; }
    sleep 0.005
  done
  end=$(date +%s%N)
  sleep "$idle"
  kb=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
  kill -TERM "$pid"; wait "$pid" || true
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms"); rss+=("$kb")
  echo "run $i: ready ${ms} ms, RSS $(( kb / 1024 )) MB after ${idle} s"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median: ready $(median "${times[@]}") ms, RSS $(( $(median "${rss[@]}") / 1024 )) MB (min/max ready $(printf '%s\n' "${times[@]}" | sort -n | head -1)/$(printf '%s\n' "${times[@]}" | sort -n | tail -1) ms)"

#!/usr/bin/env bash
# Instructions per network cycle of native cnmds, counted by valgrind's callgrind: unlike the wall-clock benchmarks,
# the count does not move with the machine's load (two runs of one binary agree within 0.1%), so a change of a few
# percent in cnmd's own work shows (spec/performance.md, "Instructions per cycle, counted"). Usage (root only to install valgrind):
#   tests/bench-callgrind.sh WARMUP CYCLES CNMD...   (e.g. 30 60 /var/tmp/cnmd/cnmd)
# For each CNMD (a native cnmd from `dotnet publish src/Cnm.Daemon -c Release -o DIR`, with its cnmd.dbg beside it) it
# starts the benchmark plugin and that cnmd under callgrind (`--store memory --sandbox memory`), runs the warm-up
# cycles with counting off, counts the given cycles of one client (POST /networks/create + DELETE, six plugin calls
# each), and prints the total and the count per cycle; the profile is kept in the temp dir given at the end, for
# callgrind_annotate. CNM_CALLGRIND_STORE replaces `--store memory` (e.g. "--store sqlite --store-sync normal", the
# state file in the run's temp dir). It installs valgrind when it is missing. valgrind 3.19 cannot read the DWARF 5 of cnmd.dbg, so
# each binary is copied with a symbol-only debug file. Stops every process it started by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 3 ] || { echo "usage: $0 WARMUP CYCLES CNMD..." >&2; exit 2; }
WARMUP=$1 CYCLES=$2; shift 2
read -r -a store <<< "${CNM_CALLGRIND_STORE:---store memory}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! command -v valgrind >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi
dotnet build tests/Cnm.DaemonBench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
BENCH="dotnet $PWD/tests/Cnm.DaemonBench/bin/Release/net10.0/cnm-daemonbench.dll"
out=$(mktemp -d /var/tmp/cnm-callgrind.XXXXXX)
pids=()
cleanup() {
  set +e
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null; wait "${pids[$i]}" 2>/dev/null; done
  rm -rf "$out/run"
}
trap cleanup EXIT
echo "bench-callgrind: $(valgrind --version); $WARMUP warm-up and $CYCLES counted network cycles per cnmd; ${store[*]}; $(date -u '+%Y-%m-%d %H:%M UTC')"
n=0
for cnmd in "$@"; do
  n=$((n + 1))
  bin="$out/bin$n" run="$out/run"
  mkdir -p "$bin" "$run/plugins" "$run/specs"
  cp "$cnmd" "$bin/cnmd"
  # The native libraries published beside it (SQLite's, for a --store sqlite run).
  find "$(dirname "$cnmd")" -maxdepth 1 -name '*.so' -exec cp {} "$bin/" \;
  objcopy --strip-debug "$(dirname "$cnmd")/cnmd.dbg" "$bin/cnmd.dbg"
  objcopy --remove-section=.gnu_debuglink "$bin/cnmd"
  objcopy --add-gnu-debuglink="$bin/cnmd.dbg" "$bin/cnmd"
  $BENCH plugin "$run/plugins/cgbench.sock" > "$run/plugin.log" 2>&1 &
  plugin=$!; pids+=("$plugin")
  for _ in $(seq 300); do [ -S "$run/plugins/cgbench.sock" ] && break; sleep 0.1; done
  [ -S "$run/plugins/cgbench.sock" ] || { echo "bench-callgrind: the plugin did not start: $(tail -3 "$run/plugin.log")" >&2; exit 1; }
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/cnmd$n.callgrind" "$bin/cnmd" \
    --host "unix://$run/cnmd.sock" --data-root "$run/data" --exec-root "$run/exec" --plugin-dir "$run/plugins" \
    --spec-dir "$run/specs" --sandbox memory "${store[@]}" --log-level warn > "$run/cnmd.log" 2>&1 &
  daemon=$!; pids+=("$daemon")
  ready=""
  for _ in $(seq 1200); do curl -sf --unix-socket "$run/cnmd.sock" http://localhost/_ping >/dev/null 2>&1 && ready=1 && break; sleep 0.1; done
  [ -n "$ready" ] || { echo "bench-callgrind: $cnmd did not answer /_ping under valgrind: $(tail -3 "$run/cnmd.log")" >&2; exit 1; }
  run_cycles() {
    $BENCH run --target "c=cnmd:$run/cnmd.sock" --plugin-socket "$run/plugins/cgbench.sock" --driver cgbench \
      --scenarios network --single --cycles "$1" --rounds 1 --warmup 1 > /dev/null
  }
  run_cycles "$WARMUP"
  callgrind_control -i on "$daemon" > /dev/null 2>&1
  run_cycles "$CYCLES"
  callgrind_control -i off "$daemon" > /dev/null 2>&1
  kill -TERM "$daemon"; wait "$daemon" 2>/dev/null || true
  kill -TERM "$plugin"; wait "$plugin" 2>/dev/null || true
  pids=()
  # The counted cycles ran one more warm-up cycle first (the client's own): CYCLES + 1 cycles in all.
  total=$(awk '/^totals:/ {print $2}' "$out/cnmd$n.callgrind")
  clear=$(callgrind_annotate --threshold=100 "$out/cnmd$n.callgrind" | awk '/memset/ {gsub(/,/,"",$1); s+=$1} END {print s+0}') \
    || { echo "bench-callgrind: callgrind_annotate failed on $out/cnmd$n.callgrind" >&2; exit 1; }
  # The collections that fell inside the window: a few per few hundred cycles, each worth many cycles' instructions,
  # and how many fall inside depends on where the window starts. A median cycle has none, so the count outside them is
  # the one that compares binaries.
  # Each awk reads its input to the end: one that exits early leaves callgrind_annotate writing into a closed pipe,
  # and its SIGPIPE, through pipefail and set -e, ends the script with nothing printed.
  gc=$(callgrind_annotate --inclusive=yes --threshold=100 "$out/cnmd$n.callgrind" \
    | awk '/GCHeap::GarbageCollectGeneration/ && !done {gsub(/,/, "", $1); print $1; done = 1}')
  # The collections are the calls of GarbageCollectGeneration: the counts of its callers, the "<" lines of its block
  # in the caller tree (a "<" line naming it is one of its own calls out, to some other function).
  gcs=$(callgrind_annotate --tree=caller --threshold=100 "$out/cnmd$n.callgrind" | awk '
    /^$/ {calls = 0; next}
    /%\)  < / {if (match($0, /\([0-9,]+x\)/)) {k = substr($0, RSTART + 1, RLENGTH - 3); gsub(/,/, "", k); calls += k}; next}
    /%\)  \* .*GCHeap::GarbageCollectGeneration/ && !done {print calls; done = 1}')
  awk -v t="$total" -v m="$clear" -v g="${gc:-0}" -v k="${gcs:-0}" -v c="$((CYCLES + 1))" -v name="$cnmd" 'BEGIN {
    printf "%s: %.0f instructions, %.0f per cycle; without memset (the GC clearing memory for new objects, counted byte by byte): %.0f per cycle\n", name, t, t / c, (t - m) / c
    printf "%s: outside garbage collections: %.0f per cycle; %d collection(s) in the window, %.0f instructions\n", name, (t - g) / c, k, g }'
  rm -rf "$run" "$bin"
done
echo "profiles: $out/cnmd*.callgrind (callgrind_annotate FILE)"

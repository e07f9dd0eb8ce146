#!/usr/bin/env bash
# A/B of native cnmds on the network cycle (issue 15's host time per plugin call), without dockerd: every target is a
# cnmd `--store memory` (or the store given by CNM_AB_STORE, e.g. "--store-sync full"), all driven by one
# cnm-daemonbench client with the rounds interleaved, against one plugin process (spec/performance.md, "Daemon against
# dockerd (issue 15)"). Usage:
#   tests/bench-daemon-ab.sh CYCLES ROUNDS WARMUP NAME=CNMD[,VAR=VALUE...] NAME=CNMD[,VAR=VALUE...] ...
# VAR=VALUE pairs are set in that cnmd's environment only. CNMD `floor` is cnm-daemonbench's transport floor, a stand-in
# daemon on cnmd's stack that only relays the cycle's six plugin calls (tests/Cnm.DaemonBench/FloorDaemon.cs). CNM_AB_PLUGIN_ENV="VAR=VALUE ..." is the plugin's
# environment. CNM_AB_MODES is what picks the client modes, "--single" (1 client) unless set; set it empty for 1 and 8
# clients. CNM_AB_KEEP_LOGS=DIR keeps the plugin's and the cnmds' logs there. Stops every process it started by PID and
# removes its temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES=$1 ROUNDS=$2 WARMUP=$3; shift 3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build tests/Cnm.DaemonBench -c Release --nologo -v q -clp:ErrorsOnly >/dev/null
BENCH="dotnet $PWD/tests/Cnm.DaemonBench/bin/Release/net10.0/cnm-daemonbench.dll"
tmp=$(mktemp -d /var/tmp/cnm-ab.XXXXXX)
pids=()
cleanup() {
  set +e
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do kill -TERM "${pids[$i]}" 2>/dev/null; wait "${pids[$i]}" 2>/dev/null; done
  [ -n "${CNM_AB_KEEP_LOGS:-}" ] && mkdir -p "$CNM_AB_KEEP_LOGS" && cp "$tmp"/*.log "$CNM_AB_KEEP_LOGS"/
  rm -rf "$tmp"
}
trap cleanup EXIT
NAME="cnmab$$"
mkdir -p "$tmp/plugins" "$tmp/specs"
# shellcheck disable=SC2086 # the plugin's environment is a list of words
env ${CNM_AB_PLUGIN_ENV:-} $BENCH plugin "$tmp/plugins/$NAME.sock" > "$tmp/plugin.log" 2>&1 &
pids+=($!)
for _ in $(seq 300); do [ -S "$tmp/plugins/$NAME.sock" ] && break; sleep 0.1; done
read -r -a store <<< "${CNM_AB_STORE:---store memory}"
args=()
for spec in "$@"; do
  name=${spec%%=*} rest=${spec#*=}
  IFS=, read -r -a parts <<< "$rest"
  cnmd=${parts[0]}
  [ "$cnmd" = floor ] && cnmd="$tmp/floor.sh" && printf '#!/bin/sh\nexec %s floor "$@"\n' "$BENCH" > "$cnmd" && chmod 755 "$cnmd"
  mkdir -p "$tmp/$name"
  env "${parts[@]:1}" "$cnmd" --host "unix://$tmp/$name.sock" --data-root "$tmp/$name/data" --exec-root "$tmp/$name/exec" \
    --plugin-dir "$tmp/plugins" --spec-dir "$tmp/specs" --sandbox memory --log-level warn "${store[@]}" > "$tmp/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 600); do curl -sf --unix-socket "$tmp/$name.sock" http://localhost/_ping >/dev/null 2>&1 && break; sleep 0.1; done
  args+=(--target "$name=cnmd:$tmp/$name.sock" --pid "$name=$pid")
done
echo "bench-daemon-ab: $(nproc) cores; $(uname -r); targets: $*; plugin env: ${CNM_AB_PLUGIN_ENV:-none}"
$BENCH run "${args[@]}" --plugin-socket "$tmp/plugins/$NAME.sock" --driver "$NAME" --scenarios network ${CNM_AB_MODES---single} \
  --cycles "$CYCLES" --rounds "$ROUNDS" --warmup "$WARMUP"

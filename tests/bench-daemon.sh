#!/usr/bin/env bash
# The daemon benchmark of issue 15 (spec/performance.md, "Daemon against dockerd"): cnmd in three store configurations
# against Debian's dockerd 20.10 in the same run, with the same plugin process and the same client process
# (tests/Cnm.DaemonBench). Run as root on a Debian 12 machine:
#   tests/bench-daemon.sh [cycles=200] [rounds=3] [warm-up=200]
# Environment: CNM_DAEMON_PATH = a native cnmd to use (else it is published with Native AOT here);
#   CNM_BENCH_PROFILE=1 = afterwards, record `perf` samples of the --store memory cnmd during network cycles.
# It installs docker.io when /usr/sbin/dockerd is missing (service starts refused, units and init scripts disabled), starts
# every daemon on sockets and roots of its own under a temp dir, stops every process it started by PID, and removes
# its temp dir and the plugin socket it put in /run/docker/plugins (dockerd's fixed plugin directory).
set -euo pipefail
cd "$(dirname "$0")/.."
CYCLES=${1:-200} ROUNDS=${2:-3} WARMUP=${3:-200}
[ "$(id -u)" -eq 0 ] || { echo "bench-daemon: needs root (dockerd, /run/docker/plugins)" >&2; exit 1; }
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# --- docker.io (the benchmark's anchor), never started as a service -------------------------------------------
DOCKERD=/usr/sbin/dockerd
if [ ! -x "$DOCKERD" ]; then
  policy=/usr/sbin/policy-rc.d saved=""
  if [ -e "$policy" ]; then saved=$(mktemp); cp -a "$policy" "$saved"; fi
  printf '#!/bin/sh\n# tests/bench-daemon.sh: no service may start while docker.io is installed\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io; } || rc=$?
  if [ -n "$saved" ]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || { echo "bench-daemon: installing docker.io failed (exit $rc)" >&2; exit "$rc"; }
fi
# Whether installed now or before: no Docker service is enabled or running outside this script. (systemctl disable
# also works where systemd is not running: it removes the units' symlinks, so they do not start at the next boot.)
if command -v systemctl >/dev/null 2>&1; then
  if [ -d /run/systemd/system ]; then
    systemctl disable --now docker.socket docker.service containerd.service >/dev/null 2>&1 || true
  else
    systemctl disable docker.socket docker.service containerd.service >/dev/null 2>&1 || true
  fi
fi
for s in docker containerd; do
  [ -e "/etc/init.d/$s" ] && update-rc.d "$s" disable >/dev/null 2>&1 || true
done
if running=$(pidof dockerd containerd); then
  echo "bench-daemon: a dockerd or containerd is already running (pids: $running); stop it first" >&2
  exit 1
fi
DOCKERD_VERSION=$("$DOCKERD" --version)

# --- builds ----------------------------------------------------------------------------------------------------
dotnet build tests/Cnm.DaemonBench -c Release --nologo -v q -clp:ErrorsOnly
BENCH="dotnet $PWD/tests/Cnm.DaemonBench/bin/Release/net10.0/cnm-daemonbench.dll"
if [ -z "${CNM_DAEMON_PATH:-}" ]; then
  dotnet publish src/Cnm.Daemon -c Release --nologo -v q -clp:ErrorsOnly -o src/Cnm.Daemon/bin/publish
  CNM_DAEMON_PATH="$PWD/src/Cnm.Daemon/bin/publish/cnmd"
fi
CNMD=$CNM_DAEMON_PATH

# --- everything below is undone by cleanup -----------------------------------------------------------------------
tmp=$(mktemp -d /var/tmp/cnm-bench.XXXXXX)
NAME="cnmbench$$"
DOCKER_PLUGIN_SOCK="/run/docker/plugins/$NAME.sock"
made_dirs=()
for d in /run/docker /run/docker/plugins /etc/docker; do
  [ -d "$d" ] || { mkdir -p "$d"; made_dirs=("$d" "${made_dirs[@]}"); }
done
had_key=0; [ -e /etc/docker/key.json ] && had_key=1
pids=()

stop_pid() { # TERM, up to 20 s, then KILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 200); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  set +e
  local i
  for (( i=${#pids[@]}-1; i>=0; i-- )); do stop_pid "${pids[$i]}"; done
  # dockerd stops the containerd it started; one left behind (by a killed dockerd) is stopped by its pidfile.
  [ -f "$tmp/docker/exec/containerd/containerd.pid" ] && stop_pid "$(cat "$tmp/docker/exec/containerd/containerd.pid")"
  rm -f "$DOCKER_PLUGIN_SOCK"
  [ "$had_key" -eq 1 ] || rm -f /etc/docker/key.json # dockerd 20.10 writes its libtrust key there
  for d in "${made_dirs[@]}"; do rmdir "$d" 2>/dev/null; done
  umount -R "$tmp/docker/exec" 2>/dev/null; umount -R "$tmp/docker/data" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

wait_socket() { # SOCKET NAME: wait until GET /_ping answers, up to 60 s
  local i
  for i in $(seq 600); do
    curl -sf --unix-socket "$1" http://localhost/_ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench-daemon: $2 did not answer /_ping on $1 within 60 s" >&2; return 1
}
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'; }

# Load average every 10 s while the benchmark runs.
( while sleep 10; do cut -d' ' -f1-3 /proc/loadavg; done ) > "$tmp/load" &
pids+=($!)

# The plugin: one process, listening both where dockerd looks and in cnmd's plugin dir.
mkdir -p "$tmp/plugins" "$tmp/specs"
$BENCH plugin "$DOCKER_PLUGIN_SOCK" "$tmp/plugins/$NAME.sock" > "$tmp/plugin.log" 2>&1 &
pids+=($!)
for i in $(seq 300); do [ -S "$tmp/plugins/$NAME.sock" ] && [ -S "$DOCKER_PLUGIN_SOCK" ] && break; sleep 0.1; done
[ -S "$tmp/plugins/$NAME.sock" ] || { echo "bench-daemon: the plugin did not start: $(cat "$tmp/plugin.log")" >&2; exit 1; }

# dockerd 20.10: its own roots, socket, pidfile and config; no bridge, no iptables, no forwarding, no masquerade.
mkdir -p "$tmp/docker"
echo '{}' > "$tmp/docker/daemon.json"
"$DOCKERD" --config-file "$tmp/docker/daemon.json" --data-root "$tmp/docker/data" --exec-root "$tmp/docker/exec" \
  -H "unix://$tmp/docker.sock" --pidfile "$tmp/docker/dockerd.pid" --bridge=none --iptables=false --ip6tables=false \
  --ip-forward=false --ip-masq=false --userland-proxy=false --storage-driver=vfs --log-level=warn \
  > "$tmp/dockerd.log" 2>&1 &
DOCKERD_PID=$!
pids+=("$DOCKERD_PID")

# cnmd: three configurations, same plugin dir, memory sandboxes (the plugin's Join names no real interface).
declare -A CNMD_PID
for cfg in full normal memory; do
  case $cfg in
    full) store=(--store-sync full) ;; normal) store=(--store-sync normal) ;; memory) store=(--store memory) ;;
  esac
  mkdir -p "$tmp/cnmd-$cfg"
  "$CNMD" --host "unix://$tmp/cnmd-$cfg.sock" --data-root "$tmp/cnmd-$cfg/data" --exec-root "$tmp/cnmd-$cfg/exec" \
    --plugin-dir "$tmp/plugins" --spec-dir "$tmp/specs" --sandbox memory --log-level warn "${store[@]}" \
    > "$tmp/cnmd-$cfg.log" 2>&1 &
  CNMD_PID[$cfg]=$!
  pids+=("$!")
done

wait_socket "$tmp/docker.sock" dockerd || { cat "$tmp/dockerd.log" >&2; exit 1; }
for cfg in full normal memory; do wait_socket "$tmp/cnmd-$cfg.sock" "cnmd $cfg" || { cat "$tmp/cnmd-$cfg.log" >&2; exit 1; }; done
# containerd, started by dockerd (its child)
CONTAINERD_PID=$(pgrep -P "$DOCKERD_PID" containerd || true)

targets=(--target "dockerd=docker:$tmp/docker.sock" --target "full=cnmd:$tmp/cnmd-full.sock"
         --target "normal=cnmd:$tmp/cnmd-normal.sock" --target "memory=cnmd:$tmp/cnmd-memory.sock")
pidargs=(--pid "dockerd=$DOCKERD_PID${CONTAINERD_PID:+,$CONTAINERD_PID}" --pid "full=${CNMD_PID[full]}"
         --pid "normal=${CNMD_PID[normal]}" --pid "memory=${CNMD_PID[memory]}")
common=(--plugin-socket "$tmp/plugins/$NAME.sock" --driver "$NAME")

sleep 5
rss_report() { # TITLE
  local line="| $1 | $(mb "$(rss_kb "$DOCKERD_PID")")"
  [ -n "$CONTAINERD_PID" ] && line+=" (+ containerd $(mb "$(rss_kb "$CONTAINERD_PID")"))"
  for cfg in full normal memory; do line+=" | $(mb "$(rss_kb "${CNMD_PID[$cfg]}")")"; done
  echo "$line |"
}
RSS_IDLE=$(rss_report "idle RSS, 5 s after ready")
# The readiness pings are a burst too: cnmd gives its garbage back 5-10 s after them (IdleMemory), so also settled:
sleep 10
RSS_SETTLED=$(rss_report "idle RSS, 15 s after ready")

# RSS with 1,000 networks on the plugin, then back to empty before the cycles.
$BENCH fill "${targets[@]}" "${common[@]}" --count 1000 >/dev/null
sleep 2
RSS_FULL=$(rss_report "RSS with 1,000 networks (plugin driver + IPAM)")
# cnmd gives a burst's garbage back once its API has been quiet for 5-10 s (IdleMemory); dockerd's Go runtime returns
# memory on its own schedule. The same daemons, 12 s after the last create:
sleep 10
RSS_LATER=$(rss_report "… the same, 12 s after the last create")
$BENCH drain "${targets[@]}" "${common[@]}" --count 1000 >/dev/null

echo "bench-daemon: $DOCKERD_VERSION; cnmd $CNMD; $(nproc) cores; $(uname -r)"
$BENCH run "${targets[@]}" "${pidargs[@]}" "${common[@]}" --cycles "$CYCLES" --rounds "$ROUNDS" --warmup "$WARMUP"
echo
echo "| memory | dockerd | cnmd full | cnmd normal | cnmd memory |"
echo "|---|---:|---:|---:|---:|"
echo "$RSS_IDLE"
echo "$RSS_SETTLED"
echo "$RSS_FULL"
echo "$RSS_LATER"
echo
echo "load average (1, 5, 15 min) every 10 s during the run: $(tr '\n' ';' < "$tmp/load")"

if [ "${CNM_BENCH_PROFILE:-}" = 1 ] && command -v perf >/dev/null 2>&1; then
  perf record -F 999 --call-graph fp -p "${CNMD_PID[memory]}" -o "$tmp/perf.data" > "$tmp/perf.log" 2>&1 &
  PERF_PID=$!
  pids+=("$PERF_PID")
  sleep 1
  $BENCH run --target "memory=cnmd:$tmp/cnmd-memory.sock" --pid "memory=${CNMD_PID[memory]}" "${common[@]}" \
    --scenarios network --single --cycles 1000 --rounds 3 --warmup 200 | sed -n '4,16p'
  kill -INT "$PERF_PID"; wait "$PERF_PID" 2>/dev/null || true
  echo
  echo "perf: cnmd --store memory during network cycles; inclusive share of samples (children), frames >= 2%:"
  perf report -i "$tmp/perf.data" --children --sort symbol -g none --percent-limit 2 --stdio 2>/dev/null \
    | grep -E '^ +[0-9]' | sed -E 's/ +$//' | cut -c1-180 | head -90 || true # head closes the pipe early
  echo
  echo "perf: self time by symbol (top 20):"
  perf report -i "$tmp/perf.data" --no-children --sort dso,symbol -g none --stdio 2>/dev/null \
    | grep -E '^ +[0-9]' | sed -E 's/ +$//' | cut -c1-180 | head -20 || true
  echo
  echo "perf: by shared object:"
  perf report -i "$tmp/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -8 || true
fi

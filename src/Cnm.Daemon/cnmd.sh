#!/bin/sh
# Publishes the native cnmd (Native AOT) and runs it in the foreground. Extra arguments go to cnmd, e.g.
#   src/Cnm.Daemon/cnmd.sh --log-level debug
#   src/Cnm.Daemon/cnmd.sh --host unix:///tmp/cnmd.sock --data-root /tmp/cnm/data --exec-root /tmp/cnm/run
# With no --host, cnmd listens on unix:///run/cnm/cnmd.sock (mode 0660), which needs root. Sandboxes are network
# namespaces (--sandbox linux, the default), which needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run it as root, or pass
# --sandbox memory for a dry run that moves no interface (spec/linux-sandboxes.md, "cnmd").
# Native AOT starts in ~0.1 s with ~30 MB idle, against ~0.5 s and ~60 MB under the JIT
# (spec/performance.md, "Native AOT cnmd"). It needs clang and zlib1g-dev, installed here with apt, and libnftables1 for the bridge driver's firewall.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
missing=
for p in clang zlib1g-dev libnftables1; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "cnmd.sh: need root to install:$missing" >&2; exit 1; }
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
fi
out="$here/bin/publish"
dotnet publish "$here/Cnm.Daemon.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly -o "$out" >&2
exec "$out/cnmd" "$@"

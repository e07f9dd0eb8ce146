#!/bin/sh
# Builds cnmd (Release, ReadyToRun) and runs it in the foreground. Extra arguments go to cnmd, e.g.
#   src/Cnm.Daemon/cnmd.sh --log-level debug
#   src/Cnm.Daemon/cnmd.sh --host unix:///tmp/cnmd.sock --data-root /tmp/cnm/data --exec-root /tmp/cnm/run
# With no --host, cnmd listens on unix:///run/cnm/cnmd.sock (mode 0660), which needs root.
# ReadyToRun (code compiled ahead of time, JIT kept for the rest) nearly halves the time to the readiness
# line; Native AOT would do better but loses some API responses (spec/performance.md, "Daemon and CLI (issue 4)").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
case "$(uname -m)" in
  x86_64) rid=linux-x64 ;;
  aarch64) rid=linux-arm64 ;;
  *) rid= ;;
esac
out="$here/bin/cnmd-release"
if [ -n "$rid" ]; then
  dotnet publish "$here/Cnm.Daemon.csproj" -c Release -r "$rid" --self-contained false -p:PublishReadyToRun=true \
    -nologo -v quiet -o "$out" >&2
else
  dotnet build "$here/Cnm.Daemon.csproj" -c Release -nologo -v quiet -o "$out" >&2
fi
exec dotnet "$out/cnmd.dll" "$@"

#!/bin/sh
# Builds cnmd (Release) and runs it in the foreground. Extra arguments go to cnmd, e.g.
#   src/Cnm.Daemon/cnmd.sh --log-level debug
#   src/Cnm.Daemon/cnmd.sh --host unix:///tmp/cnmd.sock --data-root /tmp/cnm/data --exec-root /tmp/cnm/run
# With no --host, cnmd listens on unix:///run/cnm/cnmd.sock (mode 0660), which needs root.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dotnet build "$here/Cnm.Daemon.csproj" -c Release -nologo -v quiet -o "$here/bin/cnmd-release" >&2
exec dotnet "$here/bin/cnmd-release/cnmd.dll" "$@"

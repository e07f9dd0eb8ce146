#!/usr/bin/env bash
# Finds the docker CLI the tests run against cnmd, or installs one. Sourced by tests/run; run on its own with
# --dry-run to see what it would do (apt-get simulates the install: nothing is changed).
#
# The CLI is CNM_DOCKER_CLI when set, else the first `docker` on PATH. When there is none, Debian's docker.io is
# installed for its CLI (/usr/bin/docker). Its daemons (dockerd, containerd) must not start, and do not: service
# starts are refused during the install (policy-rc.d exiting 101, which invoke-rc.d and deb-systemd-invoke honour),
# their systemd units are disabled, and the script fails if a dockerd or containerd runs afterwards. No test needs a
# Docker daemon; the tests point the CLI at cnmd's own socket.
# Prints the CLI's path on stdout as its last line; messages go to stderr.
set -euo pipefail

cnm_find_docker_cli() {
  if [ -n "${CNM_DOCKER_CLI:-}" ]; then
    [ -x "$CNM_DOCKER_CLI" ] || { echo "tests/run: CNM_DOCKER_CLI=$CNM_DOCKER_CLI is not an executable file" >&2; return 1; }
    echo "$CNM_DOCKER_CLI"; return 0
  fi
  command -v docker 2>/dev/null || true
}

cnm_install_docker_cli() {
  local dry=${1:-} policy=/usr/sbin/policy-rc.d saved=""
  if [ -n "$dry" ]; then
    echo "tests/run: no docker CLI on PATH; would install Debian's docker.io for /usr/bin/docker, with service starts refused" >&2
    apt-get install -s --no-install-recommends docker.io >&2
    echo /usr/bin/docker
    return 0
  fi

  [ "$(id -u)" -eq 0 ] || { echo "tests/run: need root to install docker.io (for its docker CLI)" >&2; return 1; }
  echo "tests/run: no docker CLI on PATH; installing Debian's docker.io for /usr/bin/docker (its daemons are not started)" >&2
  if [ -e "$policy" ]; then saved=$(mktemp); cp -a "$policy" "$saved"; fi
  printf '#!/bin/sh\n# tests/run: no service may start while docker.io is installed\nexit 101\n' > "$policy"
  chmod 755 "$policy"
  local rc=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2; } || rc=$?
  if [ -n "$saved" ]; then mv -f "$saved" "$policy"; else rm -f "$policy"; fi
  [ "$rc" -eq 0 ] || { echo "tests/run: installing docker.io failed (exit $rc)" >&2; return "$rc"; }

  # Under systemd, keep the units from ever starting (socket activation included).
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now docker.socket docker.service containerd.service >/dev/null 2>&1 || true
  fi
  local running
  running=$(pidof dockerd containerd 2>/dev/null || true)
  if [ -n "$running" ]; then
    echo "tests/run: a Docker daemon runs after installing docker.io (pids: $running); stop it: the tests must not depend on one" >&2
    return 1
  fi
  [ -x /usr/bin/docker ] || { echo "tests/run: docker.io is installed but /usr/bin/docker is missing" >&2; return 1; }
  echo /usr/bin/docker
}

# Prints the CLI to use, installing it when there is none.
cnm_docker_cli() {
  local dry=${1:-} found
  found=$(cnm_find_docker_cli)
  if [ -n "$found" ]; then echo "$found"; return 0; fi
  cnm_install_docker_cli "$dry"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  case "${1:-}" in
    --dry-run) cnm_docker_cli dry ;;
    "") cnm_docker_cli ;;
    *) echo "usage: tests/docker-cli.sh [--dry-run]" >&2; exit 2 ;;
  esac
fi

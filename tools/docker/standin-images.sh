#!/usr/bin/env bash
# Builds local stand-ins for the public base images the Dockerfile names, for machines whose Docker
# engine cannot pull from Docker Hub (this project's CI machines). It prints the environment that makes
# docker-compose.yml build on them:
#
#   eval "$(tools/docker/standin-images.sh)" && docker compose up --build -d
#
#   cairn-standin/debian:bookworm      debootstrap of Debian bookworm (minbase) from the Debian mirror
#   cairn-standin/postgres:15-bookworm Debian's PostgreSQL 15 where the official image keeps it
#   cairn-standin/jdk:local            this machine's JDK (>= 21) where the Temurin images keep it
#   cairn-standin/socat:local          Debian's socat, for Testcontainers' port ambassador
#
# Testcontainers' reaper (Ryuk) and its start-up checks (which run alpine) have no stand-ins: the smoke
# test runs with both disabled and takes its stack down itself.
#
# The stand-ins are not the official images: a run on them shows that the compose file, the Dockerfile
# and Cairn's services work in containers, with Debian's build of PostgreSQL 15 as the compute.
set -euo pipefail
cd "$(dirname "$0")"
source ../jdk.sh

log() { echo "standin-images: $*" >&2; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

if ! have_image cairn-standin/debian:bookworm; then
  command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  rootfs="$(mktemp -d)"
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm into $rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >&2
  tar -C "$rootfs" -c . | docker import - cairn-standin/debian:bookworm >&2
fi

if ! have_image cairn-standin/postgres:15-bookworm; then
  log "building cairn-standin/postgres:15-bookworm"
  docker build -q -t cairn-standin/postgres:15-bookworm -f postgres-standin.Dockerfile . >&2
fi

if ! have_image cairn-standin/jdk:local; then
  jdk="$(find_jdk)" || { log "no JDK >= 21 on this machine to put in the image"; exit 1; }
  context="$(mktemp -d)"
  mkdir -p "$context/ca"
  # -L: the JDK's cacerts is often a link to the system store; the image needs the file itself.
  cp -rL "$jdk" "$context/jdk"
  cp /usr/local/share/ca-certificates/*.crt "$context/ca/" 2>/dev/null || true
  log "building cairn-standin/jdk:local from $jdk"
  docker build -q -t cairn-standin/jdk:local -f jdk-standin.Dockerfile "$context" >&2
  rm -rf "$context"
fi

if ! have_image cairn-standin/socat:local; then
  log "building cairn-standin/socat:local"
  docker build -q -t cairn-standin/socat:local -f socat-standin.Dockerfile . >&2
fi

echo "export CAIRN_JDK_IMAGE=cairn-standin/jdk:local"
echo "export CAIRN_JRE_IMAGE=cairn-standin/jdk:local"
echo "export CAIRN_POSTGRES_IMAGE=cairn-standin/postgres:15-bookworm"
echo "export TESTCONTAINERS_SOCAT_CONTAINER_IMAGE=cairn-standin/socat:local"
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
echo "export TESTCONTAINERS_CHECKS_DISABLE=true"
# A /.dockerenv (these machines carry one) makes Testcontainers look for the Docker host's address by
# running alpine; the engine here is local.
if [[ -e /.dockerenv && -S /var/run/docker.sock ]]; then
  echo "export TESTCONTAINERS_HOST_OVERRIDE=localhost"
fi

#!/usr/bin/env bash
# Makes sure this machine has a running Docker engine with the compose v2 plugin, for the compose smoke
# test. Machines of this project's CI kind ship only the docker client: this installs Debian's engine
# (docker.io) and starts dockerd in the background, and takes the compose plugin from Debian's next
# release (bookworm has only compose v1), checked against the archive's SHA-256.
# Exits 0 when `docker compose` can talk to an engine, 1 (with the reason) when this machine cannot run one.
set -euo pipefail

log() { echo "docker-engine: $*" >&2; }

if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null; then
    log "installing Debian's docker.io"
    apt-get update -q >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io >&2 \
      || { log "cannot install docker.io"; exit 1; }
  fi
  log "starting dockerd (log: /tmp/dockerd.log)"
  nohup dockerd >/tmp/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; its log ends:"; tail -5 /tmp/dockerd.log >&2; exit 1; }
fi

if ! docker compose version >/dev/null 2>&1; then
  mirror=http://deb.debian.org/debian
  entry="$(curl -fsS "$mirror/dists/trixie/main/binary-amd64/Packages.xz" | xz -d | awk '/^Package: docker-compose$/,/^$/')"
  file="$(sed -n 's/^Filename: //p' <<<"$entry")"
  sum="$(sed -n 's/^SHA256: //p' <<<"$entry")"
  [[ -n "$file" && -n "$sum" ]] || { log "no docker-compose package in Debian trixie's index"; exit 1; }
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  log "installing the compose plugin from $file"
  curl -fsS -o "$work/compose.deb" "$mirror/$file"
  echo "$sum  $work/compose.deb" | sha256sum -c --quiet - >&2 || { log "checksum mismatch for $file"; exit 1; }
  dpkg-deb -x "$work/compose.deb" "$work/x"
  install -D -m 0755 "$work/x/usr/libexec/docker/cli-plugins/docker-compose" /usr/local/lib/docker/cli-plugins/docker-compose
fi
log "$(docker compose version), engine $(docker version --format '{{.Server.Version}}')"

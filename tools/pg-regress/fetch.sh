#!/usr/bin/env bash
# Fetches PostgreSQL's own regression and isolation suites for the installed major version (Debian's source
# package postgresql-15, the same archive the binaries came from) and builds what they load, for cli's
# PgRegressIT:
#   $CAIRN_PG_SOURCE/src                     the unpacked source tree (src/test/regress, src/test/isolation)
#   $CAIRN_PG_SOURCE/lib                     regress.so, refint.so, autoinc.so (pg_regress --dlpath)
#   $(pg_config --pkglibdir)                 test_custom_rmgrs.so, a custom WAL resource manager for
#                                            shared_preload_libraries (PostgreSQL 15 has no such test
#                                            module; ours is in test_custom_rmgrs/), with `make install`
# Idempotent: does nothing when this script's build is already there (BUILT names the source version and
# a checksum of tools/pg-regress, so a changed module or script builds again).
# Needs root (apt-get, installing into pkglibdir). Default location: /var/cache/cairn/postgresql-15.
set -euo pipefail

log() { echo "pg-regress fetch: $*" >&2; }

MAJOR=15
DEST="${CAIRN_PG_SOURCE:-/var/cache/cairn/postgresql-$MAJOR}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PKGLIBDIR="$(pg_config --pkglibdir)"

recipe="$(cd "$HERE" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)"
if [[ -f "$DEST/BUILT" && -f "$DEST/lib/regress.so" && -f "$PKGLIBDIR/test_custom_rmgrs.so" ]] \
    && grep -q "recipe $recipe" "$DEST/BUILT"; then
  log "already built in $DEST ($(cat "$DEST/BUILT"))"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
installed="$(dpkg-query -W -f '${Version}' "postgresql-$MAJOR")"
need=()
command -v dpkg-source >/dev/null || need+=(dpkg-dev)
command -v make >/dev/null || need+=(make)
command -v cc >/dev/null || need+=(gcc libc6-dev)
# pgxs and the server headers, at the installed server's version (its Makefile.global matches the binaries)
[[ "$(dpkg-query -W -f '${Status}' "postgresql-server-dev-$MAJOR" 2>/dev/null)" == "install ok installed" ]] \
  || need+=("postgresql-server-dev-$MAJOR=$installed")

# A deb-src entry for the same archive as the binary packages: the binary entries with their type changed.
src_list=/etc/apt/sources.list.d/cairn-deb-src.sources
if [[ ! -f "$src_list" ]]; then
  [[ -f /etc/apt/sources.list.d/debian.sources ]] \
    || { log "no /etc/apt/sources.list.d/debian.sources to derive a deb-src entry from; add one for postgresql-$MAJOR's archive"; exit 1; }
  log "adding $src_list (deb-src for the archive in debian.sources)"
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
fi
apt-get update -q >&2
if (( ${#need[@]} )); then
  log "installing ${need[*]}"
  apt-get install -y -q --no-install-recommends "${need[@]}" >&2
fi

# The exact installed version when the archive still serves it, else the newest it serves (same major version:
# the suite's expected output only changes with bug fixes).
work="$(mktemp -d "${TMPDIR:-/tmp}/pg-source.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
if apt-get source -q "postgresql-$MAJOR=$installed" >&2; then
  version="$installed"
else
  log "the archive does not serve postgresql-$MAJOR $installed; taking the newest source it serves"
  apt-get source -q "postgresql-$MAJOR" >&2
  version="$(dpkg-parsechangelog -l postgresql-$MAJOR-*/debian/changelog -S Version)"
fi
tree="$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "postgresql-$MAJOR*" | head -1)"
[[ -n "$tree" && -f "$tree/src/test/regress/parallel_schedule" ]] || { log "no source tree with src/test/regress in $work"; exit 1; }

# regress.c has no pgxs Makefile of its own (its Makefile needs a configured tree): build it as a pgxs module.
log "building regress.so, refint.so, autoinc.so and test_custom_rmgrs with pgxs"
make -s -C "$tree/src/test/regress" -f "$HERE/regress.mk" >&2
make -s -C "$tree/contrib/spi" USE_PGXS=1 >&2
cp -r "$HERE/test_custom_rmgrs" "$work/test_custom_rmgrs"
make -s -C "$work/test_custom_rmgrs" >&2
make -s -C "$work/test_custom_rmgrs" install >&2

rm -rf "$DEST"
mkdir -p "$DEST/lib"
cp -a "$tree" "$DEST/src"
install -m 0755 "$tree/src/test/regress/regress.so" "$tree/contrib/spi/refint.so" "$tree/contrib/spi/autoinc.so" "$DEST/lib/"
# the server (the postgres user) reads the suite's files and loads the libraries
chmod -R a+rX "$DEST"
echo "postgresql-$MAJOR $version (installed: $installed), recipe $recipe" >"$DEST/BUILT"
log "done: $(cat "$DEST/BUILT") in $DEST"

# Stand-in for the official postgres:15-bookworm image on machines that cannot pull from Docker Hub:
# Debian bookworm's own PostgreSQL 15 at the path the official image uses (/usr/lib/postgresql/15/bin),
# with its `postgres` user. Built by tools/docker/standin-images.sh; never published.
ARG BASE=cairn-standin/debian:bookworm
FROM ${BASE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql-15 locales \
 && rm -rf /var/lib/apt/lists/* \
 && localedef -i en_US -c -f UTF-8 -A /usr/share/locale/locale.alias en_US.UTF-8
ENV LANG=en_US.utf8 \
    PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    PGDATA=/var/lib/postgresql/data

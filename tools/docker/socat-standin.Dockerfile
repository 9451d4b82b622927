# Stand-in for alpine/socat, the image Testcontainers runs as the ambassador that publishes a compose
# service's port to the test: Debian's socat. Built by tools/docker/standin-images.sh; never published.
ARG BASE=cairn-standin/debian:bookworm
FROM ${BASE}
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends socat \
 && rm -rf /var/lib/apt/lists/*

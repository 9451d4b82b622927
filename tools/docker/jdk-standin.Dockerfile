# Stand-in for eclipse-temurin:21-jdk / -jre on machines that cannot pull from Docker Hub: this machine's
# own JDK (>= 21) at the path the Temurin images use (/opt/java/openjdk), plus curl, and the machine's CA
# certificates so that the Maven build inside `docker build` reaches Maven Central through the same egress
# this machine uses. Built by tools/docker/standin-images.sh; never published.
ARG BASE=cairn-standin/debian:bookworm
FROM ${BASE}
COPY ca/ /usr/local/share/ca-certificates/
RUN apt-get update -q \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && update-ca-certificates
COPY jdk/ /opt/java/openjdk/
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

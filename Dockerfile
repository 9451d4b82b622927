# The Cairn jar on the official PostgreSQL image: every service runs from this one image, and the
# compute manager starts the image's own stock postgres binaries as computes.
#   docker compose up --build
# The base images are arguments so that machines without Docker Hub can build on local stand-ins
# (tools/docker/standin-images.sh); the defaults are the official images.
ARG JDK_IMAGE=eclipse-temurin:21-jdk
ARG JRE_IMAGE=eclipse-temurin:21-jre
ARG POSTGRES_IMAGE=postgres:15-bookworm

FROM ${JRE_IMAGE} AS jre

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -ntp -q -DskipTests -pl cli -am package

FROM ${POSTGRES_IMAGE}
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    CAIRN_PG_BIN=/usr/lib/postgresql/15/bin
COPY --from=build /src/cli/target/cairn.jar /opt/cairn/cairn.jar
# `cairn` in the image, as ./cairn outside: no JDK 24+ warning for sun.misc.Unsafe (Netty) and none for native
# access (the jar's manifest). JDK 21-22 do not know the Unsafe option; -XX:+IgnoreUnrecognizedVMOptions makes them
# skip it.
RUN printf '#!/bin/sh\nexec java -XX:+IgnoreUnrecognizedVMOptions --sun-misc-unsafe-memory-access=allow -XX:+UseSerialGC -jar /opt/cairn/cairn.jar "$@"\n' \
      > /usr/local/bin/cairn && chmod 755 /usr/local/bin/cairn
# Services run as root inside the container; Cairn runs postgres itself as the image's `postgres` user.
ENTRYPOINT ["cairn"]
CMD ["--help"]

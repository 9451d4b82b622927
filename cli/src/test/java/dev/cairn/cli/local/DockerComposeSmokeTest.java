package dev.cairn.cli.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.ContainerState;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brings docker-compose.yml up wherever a Docker engine exists and runs SQL through the proxy. Without
 * Docker it is reported as skipped (never as passed), with the reason.
 *
 * <p>It drives the machine's own {@code docker compose}, the command users run. Where Docker Hub is out of
 * reach, {@code tools/docker/standin-images.sh} prints the environment that builds the stack on local
 * stand-ins for the base images (the compose file reads {@code CAIRN_*_IMAGE}); the test logs which ones
 * it used.
 */
class DockerComposeSmokeTest {
    private static final int IDLE_SUSPEND_SECONDS = 5;

    @Test
    void composeStackServesSqlThroughTheProxy() throws Exception {
        Assumptions.assumeTrue(dockerEngineExists(),
                "no Docker engine on this machine (no DOCKER_HOST, no /var/run/docker.sock): the compose smoke test did not run");
        try (ComposeContainer stack = new ComposeContainer(new File("../docker-compose.yml"))
                .withLocalCompose(true)
                .withBuild(true)
                .withEnv("CAIRN_PASSWORD", "smoke-test")
                .withEnv("CAIRN_IDLE_SUSPEND", Integer.toString(IDLE_SUSPEND_SECONDS))
                .withExposedService("proxy", 15432, Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(10)))) {
            System.out.println("compose smoke test: postgres image " + imageOrDefault("CAIRN_POSTGRES_IMAGE", "postgres:15-bookworm")
                    + ", JDK image " + imageOrDefault("CAIRN_JDK_IMAGE", "eclipse-temurin:21-jdk"));
            stack.start();
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("password", "smoke-test");
            p.setProperty("sslmode", "require");
            p.setProperty("options", "endpoint=main");
            String url = "jdbc:postgresql://" + stack.getServiceHost("proxy", 15432) + ":"
                    + stack.getServicePort("proxy", 15432) + "/postgres";
            String firstCompute;
            try (Connection c = connectWhenReady(url, p); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE smoke (id int)");
                s.execute("INSERT INTO smoke SELECT generate_series(1, 100)");
                assertThat(count(s)).isEqualTo(100);
                firstCompute = computeStartTime(s);
            }
            // Kill the container the compute runs in: the next connection gets a fresh compute, built from
            // the safekeepers and the pageserver, with every acknowledged row.
            ContainerState manager = stack.getContainerByServiceName("compute-manager").orElseThrow();
            DockerClient docker = DockerClientFactory.instance().client();
            docker.killContainerCmd(manager.getContainerId()).exec();
            docker.startContainerCmd(manager.getContainerId()).exec();
            String secondCompute;
            JsonNode running;
            try (Connection c = connectWhenReady(url, p); Statement s = c.createStatement()) {
                running = endpoint(manager);
                secondCompute = computeStartTime(s);
                assertThat(secondCompute).as("postmaster start time of the compute now serving").isNotEqualTo(firstCompute);
                assertThat(count(s)).as("rows after the compute's container was killed").isEqualTo(100);
            }
            // With no connection left the proxy suspends the endpoint: its postgres and its PGDATA are gone.
            assertThat(running.get("state").asText()).isEqualTo("running");
            JsonNode suspended = awaitState(manager, "suspended", Duration.ofSeconds(IDLE_SUSPEND_SECONDS + 60));
            assertThat(suspended.get("pid").isNull()).as("pid of a suspended endpoint").isTrue();
            var gone = manager.execInContainer("sh", "-c", "test ! -e /proc/" + running.get("pid").asLong()
                    + " && test ! -e '" + running.get("dataDirectory").asText() + "'");
            assertThat(gone.getExitCode()).as("postgres %s and PGDATA %s gone after suspend", running.get("pid"),
                    running.get("dataDirectory")).isZero();
            try (Connection c = connectWhenReady(url, p); Statement s = c.createStatement()) {
                assertThat(computeStartTime(s)).as("a woken compute").isNotEqualTo(secondCompute);
                assertThat(count(s)).as("rows after suspend and wake").isEqualTo(100);
            }
        }
    }

    /** The endpoint as the compute manager reports it, asked with the CLI inside its container. */
    private static JsonNode endpoint(ContainerState manager) throws Exception {
        var listed = manager.execInContainer("cairn", "endpoint", "list", "--json",
                "--compute-manager", "http://localhost:15437");
        assertThat(listed.getExitCode()).as("endpoint list: %s", listed.getStderr()).isZero();
        for (JsonNode e : new ObjectMapper().readTree(listed.getStdout())) {
            if (e.get("name").asText().equals("main")) {
                return e;
            }
        }
        throw new AssertionError("endpoint main not listed: " + listed.getStdout());
    }

    private static JsonNode awaitState(ContainerState manager, String state, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode e = endpoint(manager);
        while (!e.get("state").asText().equals(state)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("endpoint main not " + state + " after " + timeout + ": " + e);
            }
            Thread.sleep(1000);
            e = endpoint(manager);
        }
        return e;
    }

    private static String computeStartTime(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int count(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM smoke")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The init service creates the endpoint after the services listen, and a killed manager takes a
     *  moment to come back: retry until the proxy serves the endpoint. */
    private static Connection connectWhenReady(String url, Properties p) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            try {
                return DriverManager.getConnection(url, p);
            } catch (SQLException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
                Thread.sleep(2000);
            }
        }
    }

    private static String imageOrDefault(String variable, String official) {
        String image = System.getenv(variable);
        return image == null || image.isBlank() ? official + " (official)" : image + " (stand-in)";
    }

    /**
     * Whether this machine has a Docker engine to talk to. Only its absence skips the test: an engine
     * that is there but cannot build or run the stack fails it.
     */
    private static boolean dockerEngineExists() {
        String host = System.getenv("DOCKER_HOST");
        return (host != null && !host.isBlank()) || Files.exists(Path.of("/var/run/docker.sock"));
    }
}

package dev.cairn.cli.local;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Brings docker-compose.yml up wherever a Docker engine exists and runs SQL through the proxy. Without
 * Docker it is reported as skipped (never as passed), with the reason.
 */
class DockerComposeSmokeTest {

    @Test
    void composeStackServesSqlThroughTheProxy() throws Exception {
        Assumptions.assumeTrue(dockerAvailable(), "no Docker engine on this machine: the compose smoke test did not run");
        try (ComposeContainer stack = new ComposeContainer(new File("../docker-compose.yml"))
                .withBuild(true)
                .withEnv("CAIRN_PASSWORD", "smoke-test")
                .withExposedService("proxy", 15432, Wait.forListeningPort().withStartupTimeout(Duration.ofMinutes(10)))) {
            stack.start();
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("password", "smoke-test");
            p.setProperty("sslmode", "require");
            p.setProperty("options", "endpoint=main");
            String url = "jdbc:postgresql://" + stack.getServiceHost("proxy", 15432) + ":"
                    + stack.getServicePort("proxy", 15432) + "/postgres";
            Connection c = connectWhenReady(url, p);
            try (c; Statement s = c.createStatement()) {
                s.execute("CREATE TABLE smoke (id int)");
                s.execute("INSERT INTO smoke SELECT generate_series(1, 100)");
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM smoke")) {
                    rs.next();
                    assertThat(rs.getInt(1)).isEqualTo(100);
                }
            }
        }
    }

    /** The init service creates the endpoint after the services listen: retry until it exists. */
    private static Connection connectWhenReady(String url, Properties p) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (true) {
            try {
                return DriverManager.getConnection(url, p);
            } catch (java.sql.SQLException notYet) {
                if (System.currentTimeMillis() > deadline) {
                    throw notYet;
                }
                Thread.sleep(2000);
            }
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }
}

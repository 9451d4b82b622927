package dev.cairn.cli.local;

import dev.cairn.local.ClusterConfig;
import dev.cairn.local.ClusterDir;
import dev.cairn.local.ComponentSpec;
import dev.cairn.local.LocalTopology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml must run what {@code cairn local} runs: the same services, subcommands, flags and
 * ports. The launcher's {@link LocalTopology} is the reference, so a flag added there and forgotten in
 * the compose file fails here.
 */
class DockerComposeFileTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @Test
    void composeRunsEveryServiceOfTheLocalClusterWithTheSameFlagsAndPorts() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        JsonNode services = compose.get("services");
        ClusterConfig config = new ClusterConfig("127.0.0.1", 15432, "00000000000000000000000000000001",
                "00000000000000000000000000000001", "main", "postgres", "secret", null, 300, false, 0, false);
        List<ComponentSpec> components = new LocalTopology(config, new ClusterDir(Path.of("/tmp/x"))).components();
        for (ComponentSpec spec : components) {
            JsonNode service = services.get(spec.name());
            assertThat(service).as("service %s in docker-compose.yml", spec.name()).isNotNull();
            List<String> command = new ArrayList<>();
            service.get("command").forEach(n -> command.add(n.asText()));
            assertThat(words(command)).as("subcommand of %s", spec.name()).isEqualTo(words(spec.cairnArgs()));
            Set<String> composeFlags = flags(command);
            composeFlags.remove("--compute-host"); // containers reach computes by the manager's host name
            assertThat(composeFlags).as("flags of %s", spec.name()).isEqualTo(flags(spec.cairnArgs()));
            assertThat(value(command, "--listen")).as("listen port of %s", spec.name()).endsWith(":" + spec.port());
            assertThat(service.toString()).as("port of %s", spec.name()).contains(Integer.toString(spec.port()));
            if (spec.cairnArgs().contains("--metrics-listen")) {
                String metrics = value(spec.cairnArgs(), "--metrics-listen");
                String port = metrics.substring(metrics.lastIndexOf(':'));
                assertThat(value(command, "--metrics-listen")).as("metrics port of %s", spec.name()).endsWith(port);
                assertThat(service.get("expose").toString()).as("metrics port of %s exposed", spec.name())
                        .contains(port.substring(1));
            }
            // Computes' postmasters are orphaned to PID 1 when they stop; Java there would never reap them.
            assertThat(inherited(compose, service, "init").asBoolean()).as("%s runs under an init that reaps zombies", spec.name())
                    .isTrue();
        }
        assertThat(value(list(services.get("pageserver")), "--safekeepers").split(","))
                .as("safekeepers the pageserver streams from").hasSize(LocalTopology.SAFEKEEPERS);
        assertThat(services.get("proxy").get("ports").get(0).asText()).isEqualTo("15432:15432");
        assertThat(services.get("compute-manager").get("shm_size")).as("computes' PGDATA on memory").isNotNull();
        String init = services.get("init").get("command").get(0).asText();
        assertThat(init).contains("timeline create").contains("endpoint create " + config.endpoint())
                .contains("--role " + config.role());
    }

    /**
     * A service's own setting, else the one it merges in from the shared {@code x-cairn} block ({@code <<: *cairn};
     * Jackson reads the alias as its name, not as the block).
     */
    private static JsonNode inherited(JsonNode compose, JsonNode service, String field) {
        JsonNode own = service.get(field);
        if (own != null) {
            return own;
        }
        JsonNode merge = service.get("<<");
        if (merge == null || !merge.asText().equals("cairn")) {
            return MissingNode.getInstance();
        }
        return compose.get("x-cairn").path(field);
    }

    private static List<String> list(JsonNode service) {
        List<String> command = new ArrayList<>();
        service.get("command").forEach(n -> command.add(n.asText()));
        return command;
    }

    /** The subcommand path: the words before the first flag. */
    private static List<String> words(List<String> args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            if (a.startsWith("--")) {
                break;
            }
            words.add(a);
        }
        return words;
    }

    private static Set<String> flags(List<String> args) {
        Set<String> flags = new TreeSet<>();
        args.stream().filter(a -> a.startsWith("--")).forEach(flags::add);
        return flags;
    }

    private static String value(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertThat(i).as("flag %s in %s", flag, args).isNotNegative();
        return args.get(i + 1);
    }
}

package dev.cairn.cli.admin;

import dev.cairn.local.Provisioning;

import dev.cairn.compute.api.ComputeManagerClient;
import dev.cairn.compute.api.EndpointStatus;
import dev.cairn.common.TimelineKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;

/** {@code cairn endpoint create|list|start|stop|delete}: endpoints live on the compute manager. */
@Command(name = "endpoint", mixinStandardHelpOptions = true, description = "Create, list, start and stop endpoints (on the compute manager).",
        subcommands = {EndpointCommand.Create.class, EndpointCommand.ListEndpoints.class, EndpointCommand.Start.class,
                EndpointCommand.Stop.class, EndpointCommand.Delete.class})
public final class EndpointCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Register an endpoint for a timeline.")
    static final class Create extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Parameters(index = "0", description = "Endpoint name (lower-case letters, digits, '-').")
        String name;

        @Option(names = "--tenant", required = true, description = "Tenant id (32 hex digits).")
        String tenant;

        @Option(names = "--timeline", required = true, description = "Timeline id (32 hex digits).")
        String timeline;

        @Option(names = "--role", defaultValue = "postgres", description = "Role clients log in as (default ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--password-env", required = true, description = "Environment variable holding the role's password (only its SCRAM verifier leaves this process).")
        String passwordEnv;

        @Option(names = "--max-connections", defaultValue = "100", description = "Connection limit (default ${DEFAULT-VALUE}).")
        int maxConnections;

        @Option(names = "--if-not-exists", description = "Succeed, changing nothing, when the endpoint exists.")
        boolean ifNotExists;

        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the compute manager to accept connections (default ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        protected void run() throws Exception {
            String password = System.getenv(passwordEnv);
            if (password == null || password.isEmpty()) {
                throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
            }
            TimelineKey key = new TimelineKey(AdminIds.parseOrNew(tenant, "--tenant"), AdminIds.parseOrNew(timeline, "--timeline"));
            Provisioning.ensureEndpoint(new ComputeManagerClient(urls.computeManager()), name, key, role, password,
                    maxConnections, ifNotExists, Duration.ofSeconds(waitSeconds));
            out().println("endpoint " + name + " serves tenant " + key.tenant() + " timeline " + key.timeline());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List endpoints and their computes.")
    static final class ListEndpoints extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        protected void run() throws Exception {
            List<EndpointStatus> all = new ComputeManagerClient(urls.computeManager()).list();
            if (json) {
                out().println(TimelineCommand.JSON.writeValueAsString(all));
                return;
            }
            out().printf("%-16s %-10s %-8s %-6s %-14s %s%n", "ENDPOINT", "STATE", "PID", "PORT", "STARTED AT", "TIMELINE");
            for (EndpointStatus e : all) {
                out().printf("%-16s %-10s %-8s %-6s %-14s %s/%s%n", e.name(), e.state(), e.pid() == null ? "-" : e.pid(),
                        e.port() == null ? "-" : e.port(), e.syncLsn() == null ? "-" : e.syncLsn(), e.tenant(), e.timeline());
            }
        }
    }

    /** A command on one named endpoint of the compute manager. */
    abstract static class OneEndpoint extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Parameters(index = "0", description = "Endpoint name.")
        String name;

        ComputeManagerClient manager() {
            return new ComputeManagerClient(urls.computeManager());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start (wake) an endpoint's compute now.")
    static final class Start extends OneEndpoint {
        @Override
        protected void run() {
            var address = manager().wake(name, Duration.ofMinutes(2));
            out().println("endpoint " + name + " running at " + address);
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Suspend an endpoint's compute (scale to zero).")
    static final class Stop extends OneEndpoint {
        @Override
        protected void run() {
            EndpointStatus s = manager().suspend(name);
            out().println("endpoint " + name + " " + s.state());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Suspend and unregister an endpoint (its timeline stays).")
    static final class Delete extends OneEndpoint {
        @Override
        protected void run() {
            manager().delete(name);
            out().println("endpoint " + name + " deleted");
        }
    }
}

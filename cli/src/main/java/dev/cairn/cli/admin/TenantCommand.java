package dev.cairn.cli.admin;

import dev.cairn.local.Provisioning;

import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/** {@code cairn tenant create|list}: a tenant exists through its timelines on the pageserver. */
@Command(name = "tenant", mixinStandardHelpOptions = true, description = "Create and list tenants.",
        subcommands = {TenantCommand.Create.class, TenantCommand.ListTenants.class})
public final class TenantCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a tenant with its first timeline (from initdb).")
    static final class Create extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the pageserver (default ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        protected void run() throws Exception {
            TimelineInfo t = Provisioning.ensureTimeline(new PageserverClient(urls.pageserver()),
                    new TimelineKey(Id128.random(), Id128.random()), false, Duration.ofSeconds(waitSeconds));
            out().println("tenant " + t.key().tenant() + " with timeline " + t.key().timeline() + " (starts at " + t.startLsn() + ")");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List tenants and their timeline counts.")
    static final class ListTenants extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Override
        protected void run() {
            Map<String, Integer> tenants = new TreeMap<>();
            for (TimelineInfo t : new PageserverClient(urls.pageserver()).timelines()) {
                tenants.merge(t.key().tenant().toString(), 1, Integer::sum);
            }
            out().printf("%-32s %s%n", "TENANT", "TIMELINES");
            tenants.forEach((tenant, n) -> out().printf("%-32s %d%n", tenant, n));
        }
    }
}

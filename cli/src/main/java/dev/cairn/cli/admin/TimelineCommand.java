package dev.cairn.cli.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.safekeeper.Id128;
import dev.cairn.safekeeper.TimelineKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** {@code cairn timeline create|list}: timelines live on the pageserver. */
@Command(name = "timeline", mixinStandardHelpOptions = true, description = "Create and list timelines (on the pageserver).",
        subcommands = {TimelineCommand.Create.class, TimelineCommand.ListTimelines.class})
public final class TimelineCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Create a timeline from a fresh initdb, or with --import-from from an existing cluster;",
                    "prints its tenant and timeline ids and start LSN."})
    static final class Create extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Option(names = "--tenant", description = "Tenant id, 32 hex digits (default: a new tenant).")
        String tenant;

        @Option(names = "--timeline", description = "Timeline id, 32 hex digits (default: new).")
        String timeline;

        @Option(names = "--import-from", paramLabel = "DIR", description = {"Import an existing cluster: a data directory on the "
                + "pageserver's machine, e.g. `pg_basebackup -X stream -D DIR` output or a stopped cluster (not modified).",
                "Stock PostgreSQL first recovers a copy of it to a clean shutdown."})
        java.nio.file.Path importFrom;

        @Option(names = "--if-not-exists", description = "Succeed when the timeline already exists.")
        boolean ifNotExists;

        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the pageserver to accept connections (default ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        protected void run() throws Exception {
            TimelineKey key = new TimelineKey(AdminIds.parseOrNew(tenant, "--tenant"), AdminIds.parseOrNew(timeline, "--timeline"));
            TimelineInfo info = Provisioning.ensureTimeline(new PageserverClient(urls.pageserver()), key,
                    importFrom == null ? null : importFrom.toAbsolutePath(), ifNotExists, Duration.ofSeconds(waitSeconds));
            out().println("tenant " + info.key().tenant() + " timeline " + info.key().timeline() + " starts at " + info.startLsn());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List timelines with their LSNs.")
    static final class ListTimelines extends AdminCommand {
        @Mixin
        ServiceUrls urls;

        @Option(names = "--json", description = "Machine-readable output.")
        boolean json;

        @Override
        protected void run() throws Exception {
            List<TimelineInfo> all = new PageserverClient(urls.pageserver()).timelines();
            if (json) {
                out().println(JSON.writeValueAsString(all.stream().map(AdminIds::describe).toList()));
                return;
            }
            out().printf("%-32s %-32s %-8s %-14s %-14s %s%n", "TENANT", "TIMELINE", "STATE", "START", "INGESTED", "DURABLE");
            for (TimelineInfo t : all) {
                out().printf("%-32s %-32s %-8s %-14s %-14s %s%n", t.key().tenant(), t.key().timeline(), t.state(),
                        t.startLsn(), t.ingestedLsn(), t.durableLsn());
            }
        }
    }
}

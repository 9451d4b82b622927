package dev.cairn.cli.admin;

import dev.cairn.local.Provisioning;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.pageserver.api.PageserverClient;
import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
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
            description = {"Create a timeline from a fresh initdb, with --import-from from an existing cluster, or with",
                    "--branch-from as a copy of another timeline of the tenant at an LSN (--at);",
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

        @Option(names = "--branch-from", paramLabel = "TIMELINE", description = {"Branch: copy this timeline of --tenant "
                + "as it was at --at (the pageserver copies the data, in proportion to its size)."})
        String branchFrom;

        @Option(names = "--at", paramLabel = "LSN", description = {"With --branch-from: the LSN as PostgreSQL prints it, "
                + "e.g. 0/3000028 (the branch holds every record ending at or before it; default: the newest WAL the "
                + "pageserver has). It must lie within the source's retained history."})
        String at;

        @Option(names = "--json", description = "Print the timeline as JSON (as `timeline list --json`).")
        boolean json;

        @Option(names = "--if-not-exists", description = "Succeed when the timeline already exists.")
        boolean ifNotExists;

        @Option(names = "--wait", defaultValue = "60", description = "Seconds to wait for the pageserver to accept connections (default ${DEFAULT-VALUE}).")
        long waitSeconds;

        @Override
        protected void run() throws Exception {
            BranchSource branch = branchSource();
            if (branch != null && importFrom != null) {
                throw new IllegalArgumentException("--branch-from and --import-from exclude each other");
            }
            TimelineKey key = new TimelineKey(AdminIds.parseOrNew(tenant, "--tenant"), AdminIds.parseOrNew(timeline, "--timeline"));
            PageserverClient pageserver = new PageserverClient(urls.pageserver());
            Duration wait = Duration.ofSeconds(waitSeconds);
            TimelineInfo info = branch != null
                    ? Provisioning.ensureBranch(pageserver, key, branch.timeline(), branch.at(), ifNotExists, wait)
                    : Provisioning.ensureTimeline(pageserver, key, importFrom == null ? null : importFrom.toAbsolutePath(),
                    ifNotExists, wait);
            if (json) {
                out().println(JSON.writeValueAsString(AdminIds.describe(info)));
                return;
            }
            // scripts take the ids from this line: keep its start as it is
            out().println("tenant " + info.key().tenant() + " timeline " + info.key().timeline() + " starts at " + info.startLsn()
                    + (info.ancestry() == null ? "" : " (branched from " + info.ancestry().timeline() + " at "
                    + info.ancestry().lsn() + ")"));
        }

        private record BranchSource(Id128 timeline, Lsn at) {
        }

        /** The branch options, checked; null without --branch-from. */
        private BranchSource branchSource() {
            if (branchFrom == null) {
                if (at != null) {
                    throw new IllegalArgumentException("--at needs --branch-from");
                }
                return null;
            }
            if (tenant == null) {
                throw new IllegalArgumentException("--branch-from needs --tenant: a branch stays in its source's tenant");
            }
            Id128 source;
            try {
                source = Id128.parse(branchFrom);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--branch-from must be a timeline id of 32 hex digits, got '" + branchFrom + "'");
            }
            if (at == null) {
                return new BranchSource(source, null);
            }
            try {
                return new BranchSource(source, Lsn.parse(at));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--at must be an LSN as PostgreSQL prints it, e.g. 0/3000028, got '"
                        + at + "'");
            }
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
            out().printf("%-32s %-32s %-8s %-14s %-14s %-14s %s%n", "TENANT", "TIMELINE", "STATE", "START", "INGESTED",
                    "DURABLE", "BRANCHED FROM");
            for (TimelineInfo t : all) {
                out().printf("%-32s %-32s %-8s %-14s %-14s %-14s %s%n", t.key().tenant(), t.key().timeline(), t.state(),
                        t.startLsn(), t.ingestedLsn(), t.durableLsn(),
                        t.ancestry() == null ? "-" : t.ancestry().timeline() + " at " + t.ancestry().lsn());
            }
        }
    }
}

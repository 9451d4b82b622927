package dev.cairn.chaos.nemesis;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The families of faults a run may inject, as chosen with {@code --nemesis}. */
public enum NemesisClass {
    /** SIGKILL of a safekeeper, the pageserver, the compute's postgres or the proxy (the supervisor restarts it). */
    KILL,
    /** SIGSTOP of a safekeeper or the pageserver for a while, then SIGCONT. */
    PAUSE,
    /** Links cut: proposer from one safekeeper (minority) or two (majority), pageserver from its safekeepers. */
    PARTITION,
    /** A second compute for the timeline while the first runs. */
    ZOMBIE,
    /** The tenant's CMK disabled in the KMS mid-workload and enabled again, or the KMS unreachable for a while. */
    KMS,
    /**
     * SIGKILL of the compute manager while its compute runs: the compute is orphaned until the supervisor has
     * restarted the manager, which must stop it and delete its state before it wakes a new one.
     */
    ORPHAN;

    /** Parses {@code all} or a comma-separated list such as {@code kill,partition}. */
    public static Set<NemesisClass> parse(String text) {
        if (text.equalsIgnoreCase("all")) {
            return EnumSet.allOf(NemesisClass.class);
        }
        List<NemesisClass> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                out.add(valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown nemesis '" + part.trim() + "': expected all or a list of "
                        + EnumSet.allOf(NemesisClass.class).toString().toLowerCase(Locale.ROOT));
            }
        }
        return EnumSet.copyOf(out);
    }
}

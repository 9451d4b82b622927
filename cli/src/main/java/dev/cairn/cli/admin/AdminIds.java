package dev.cairn.cli.admin;

import dev.cairn.pageserver.api.TimelineInfo;
import dev.cairn.common.Id128;

import java.util.LinkedHashMap;
import java.util.Map;

/** Id arguments and the JSON shape of a timeline, shared by the admin commands. */
final class AdminIds {
    private AdminIds() {
    }

    static Id128 parseOrNew(String hex, String option) {
        if (hex == null) {
            return Id128.random();
        }
        try {
            return Id128.parse(hex);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(option + " must be 32 hex digits, got '" + hex + "'");
        }
    }

    static Map<String, Object> describe(TimelineInfo t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", t.key().tenant().toString());
        m.put("timeline", t.key().timeline().toString());
        m.put("state", t.state());
        m.put("startLsn", String.valueOf(t.startLsn()));
        m.put("ingestedLsn", String.valueOf(t.ingestedLsn()));
        m.put("durableLsn", String.valueOf(t.durableLsn()));
        m.put("error", t.error());
        m.put("walSource", t.walSource());
        m.put("ancestorTimeline", t.ancestry() == null ? null : t.ancestry().timeline().toString());
        m.put("ancestorLsn", t.ancestry() == null ? null : t.ancestry().lsn().toString());
        return m;
    }
}

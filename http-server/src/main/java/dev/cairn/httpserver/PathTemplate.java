package dev.cairn.httpserver;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A path like {@code /v1/tenants/{tenant}/timelines/{timeline}}: literal segments and named parameters, each
 * parameter one whole non-empty segment. A trailing slash on the request path is ignored.
 */
final class PathTemplate {
    private final String template;
    /** Literal segments as they are; parameters as their name, with {@link #isParam} set. */
    private final String[] segments;
    private final boolean[] isParam;

    PathTemplate(String template) {
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("a path template starts with /: " + template);
        }
        this.template = template;
        List<String> parts = segments(template);
        segments = new String[parts.size()];
        isParam = new boolean[parts.size()];
        for (int i = 0; i < segments.length; i++) {
            String s = parts.get(i);
            if (s.startsWith("{") && s.endsWith("}") && s.length() > 2) {
                segments[i] = s.substring(1, s.length() - 1);
                isParam[i] = true;
            } else if (s.isEmpty() || s.contains("{") || s.contains("}")) {
                throw new IllegalArgumentException("bad segment '" + s + "' in path template " + template);
            } else {
                segments[i] = s;
            }
        }
    }

    /** The parameters by name if {@code pathSegments} fits, else null. */
    Map<String, String> match(List<String> pathSegments) {
        if (pathSegments.size() != segments.length) {
            return null;
        }
        Map<String, String> params = null;
        for (int i = 0; i < segments.length; i++) {
            String s = pathSegments.get(i);
            if (isParam[i]) {
                if (s.isEmpty()) {
                    return null;
                }
                if (params == null) {
                    params = new HashMap<>();
                }
                params.put(segments[i], s);
            } else if (!segments[i].equals(s)) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    /** A path's segments: "/a/b/" -> [a, b]; "/" -> []. */
    static List<String> segments(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/") || p.isEmpty()) {
            return List.of();
        }
        return List.of(p.substring(1).split("/", -1));
    }

    @Override
    public String toString() {
        return template;
    }
}

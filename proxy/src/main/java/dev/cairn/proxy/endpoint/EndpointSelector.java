package dev.cairn.proxy.endpoint;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the endpoint name a client asked for: the first label of the TLS SNI host name, or an
 * {@code endpoint=NAME} item in the startup "options" (also as {@code -c endpoint=NAME},
 * {@code -cendpoint=NAME} or {@code --endpoint=NAME}). The item is removed from the options
 * forwarded to the compute, whose postgres would reject an unknown setting.
 */
public final class EndpointSelector {
    private EndpointSelector() {}

    public record Selection(String endpoint, String remainingOptions) {}

    public static Selection select(String sniHost, String options) {
        List<String> args = splitOptions(options == null ? "" : options);
        String fromOptions = null;
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = null;
            if (arg.equals("-c") && i + 1 < args.size() && args.get(i + 1).startsWith("endpoint=")) {
                value = args.get(++i).substring("endpoint=".length());
            } else if (arg.startsWith("-cendpoint=")) {
                value = arg.substring("-cendpoint=".length());
            } else if (arg.startsWith("--endpoint=")) {
                value = arg.substring("--endpoint=".length());
            } else if (arg.startsWith("endpoint=")) {
                value = arg.substring("endpoint=".length());
            }
            if (value == null) {
                kept.add(arg);
            } else {
                fromOptions = value;
            }
        }
        String fromSni = sniEndpoint(sniHost);
        if (fromOptions != null && fromSni != null && !fromOptions.equals(fromSni)) {
            throw new ProxyException(SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION, fromOptions,
                    "endpoint \"" + fromOptions + "\" in options differs from \"" + fromSni + "\" in the TLS server name");
        }
        String endpoint = fromOptions != null ? fromOptions : fromSni;
        if (endpoint == null || endpoint.isEmpty()) {
            throw new ProxyException(SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION, null,
                    "no endpoint given: connect to <endpoint>.<proxy host> with TLS, or pass options=endpoint=<name>");
        }
        return new Selection(endpoint, joinOptions(kept));
    }

    /** The first label of a host name; IP literals and single-label names carry no endpoint. */
    static String sniEndpoint(String host) {
        if (host == null || host.indexOf('.') < 0 || host.chars().allMatch(c -> Character.isDigit(c) || c == '.') || host.contains(":")) {
            return null;
        }
        return host.substring(0, host.indexOf('.'));
    }

    /** Splits like PostgreSQL's pg_split_opts: whitespace separates, backslash escapes the next character. */
    static List<String> splitOptions(String options) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inArg = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inArg) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inArg = false;
                }
                continue;
            }
            inArg = true;
            if (c == '\\' && i + 1 < options.length()) {
                c = options.charAt(++i);
            }
            cur.append(c);
        }
        if (inArg) {
            out.add(cur.toString());
        }
        return out;
    }

    static String joinOptions(List<String> args) {
        List<String> escaped = new ArrayList<>();
        for (String a : args) {
            escaped.add(a.replace("\\", "\\\\").replace(" ", "\\ "));
        }
        return String.join(" ", escaped);
    }
}

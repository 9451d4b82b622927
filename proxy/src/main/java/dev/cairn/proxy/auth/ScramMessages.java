package dev.cairn.proxy.auth;

import java.util.HashMap;
import java.util.Map;

/** Parses the comma-separated attribute=value form of SCRAM messages. */
final class ScramMessages {
    private ScramMessages() {}

    static Map<Character, String> attributes(String message) {
        Map<Character, String> out = new HashMap<>();
        for (String part : message.split(",", -1)) {
            if (part.length() < 2 || part.charAt(1) != '=') {
                throw new ScramException("malformed SCRAM message");
            }
            out.putIfAbsent(part.charAt(0), part.substring(2));
        }
        return out;
    }

    static String require(Map<Character, String> attrs, char name) {
        String v = attrs.get(name);
        if (v == null) {
            throw new ScramException("malformed SCRAM message: missing attribute " + name);
        }
        return v;
    }
}

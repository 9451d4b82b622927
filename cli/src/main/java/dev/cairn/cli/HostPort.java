package dev.cairn.cli;

import java.net.InetSocketAddress;

/** HOST:PORT arguments. */
public final class HostPort {
    private HostPort() {
    }

    public static InetSocketAddress parse(String text, String option) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(option + " must be HOST:PORT, got '" + text + "'");
        }
        try {
            int port = Integer.parseInt(text.substring(colon + 1));
            if (port < 0 || port > 65535) {
                throw new NumberFormatException();
            }
            return new InetSocketAddress(text.substring(0, colon), port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " has an invalid port: '" + text + "'");
        }
    }
}

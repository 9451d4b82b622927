package dev.cairn.proxy.protocol;

import java.util.Map;

/** The first packet of a connection (no type byte): one of four kinds. */
public sealed interface StartupPacket {
    int SSL_REQUEST_CODE = 80877103;
    int GSSENC_REQUEST_CODE = 80877104;
    int CANCEL_REQUEST_CODE = 80877102;

    record SslRequest() implements StartupPacket {}

    record GssEncRequest() implements StartupPacket {}

    record CancelRequest(CancelKey key) implements StartupPacket {}

    /** protocolVersion is major << 16 | minor; parameters keep the client's order. */
    record StartupMessage(int protocolVersion, Map<String, String> parameters) implements StartupPacket {
        public int majorVersion() {
            return protocolVersion >>> 16;
        }

        public int minorVersion() {
            return protocolVersion & 0xffff;
        }

        public String user() {
            return parameters.get("user");
        }

        /** PostgreSQL defaults the database to the user name. */
        public String database() {
            return parameters.getOrDefault("database", user());
        }
    }
}

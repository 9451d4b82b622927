package dev.cairn.httpapi;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The one JSON mapper of the admin APIs, server and client side. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }
}

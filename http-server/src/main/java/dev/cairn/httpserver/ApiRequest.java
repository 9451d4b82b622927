package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;
import dev.cairn.httpapi.Json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.util.Map;

/**
 * One request as a route handler sees it: method, path (decoded), the path template's parameters by name,
 * the query parameters (first value of each) and the body bytes (empty when there is none).
 */
public record ApiRequest(String method, String path, Map<String, String> pathParams, Map<String, String> query,
                         byte[] body) {
    public ApiRequest {
        pathParams = Map.copyOf(pathParams);
        query = Map.copyOf(query);
    }

    /** The value of path parameter {@code {name}} of the route's template. */
    public String pathParam(String name) {
        String v = pathParams.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the route has no path parameter {" + name + "}");
        }
        return v;
    }

    /** A query parameter, or null when absent ({@code ?flag} without a value is ""). */
    public String query(String name) {
        return query.get(name);
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** The body as a JSON tree, null when there is none; a body that is not JSON is a 400. */
    public JsonNode json() {
        if (!hasBody()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    /** The body read as {@code type}; a missing body, one that is not JSON or one that does not fit is a 400. */
    public <T> T json(Class<T> type) {
        if (!hasBody()) {
            throw new ApiError(400, "bad_request", "request body must be a JSON " + type.getSimpleName() + ", got none");
        }
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (IOException e) {
            throw malformed(e);
        }
    }

    private static ApiError malformed(IOException e) {
        String detail = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        if (e instanceof com.fasterxml.jackson.core.exc.StreamReadException) {
            return new ApiError(400, "bad_request", "request body must be JSON: " + detail);
        }
        return new ApiError(400, "bad_request", "request body does not fit: " + detail);
    }
}

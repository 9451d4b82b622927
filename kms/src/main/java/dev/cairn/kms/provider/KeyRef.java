package dev.cairn.kms.provider;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A reference to a customer-managed key, written as a URI-like string:
 * <ul>
 *   <li>{@code local://name} — the embedded file keyring (not for production);</li>
 *   <li>{@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID} (or {@code alias/NAME?region=R});</li>
 *   <li>{@code azure-kv://VAULT-HOST/keys/NAME[/VERSION]};</li>
 *   <li>{@code gcp-kms://projects/P/locations/L/keyRings/R/cryptoKeys/K[/cryptoKeyVersions/V]}.</li>
 * </ul>
 * Query parameters configure the client, e.g. {@code ?endpoint=http://127.0.0.1:4566&region=us-east-1}.
 */
public record KeyRef(String scheme, String resource, Map<String, String> params) {

    public KeyRef {
        if (scheme == null || scheme.isEmpty() || resource == null || resource.isEmpty()) {
            throw new IllegalArgumentException("key reference needs a scheme and a resource");
        }
        params = Map.copyOf(new TreeMap<>(params == null ? Map.of() : params));
    }

    public static KeyRef parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("key reference is required");
        }
        int sep = text.indexOf("://");
        if (sep <= 0) {
            throw new IllegalArgumentException("invalid key reference '" + text
                    + "': expected SCHEME://RESOURCE, e.g. local://default or aws-kms://arn:aws:kms:...");
        }
        String scheme = text.substring(0, sep);
        String rest = text.substring(sep + 3);
        Map<String, String> params = new TreeMap<>();
        int q = rest.indexOf('?');
        if (q >= 0) {
            for (String pair : rest.substring(q + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String k = eq < 0 ? pair : pair.substring(0, eq);
                String v = eq < 0 ? "" : pair.substring(eq + 1);
                params.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            }
            rest = rest.substring(0, q);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("invalid key reference '" + text + "': empty resource");
        }
        return new KeyRef(scheme, rest, params);
    }

    public static KeyRef local(String name) {
        return new KeyRef("local", name, Map.of());
    }

    public Optional<String> param(String name) {
        return Optional.ofNullable(params.get(name));
    }

    /** The same key with a different resource (e.g. a specific version), keeping parameters. */
    public KeyRef withResource(String newResource) {
        return new KeyRef(scheme, newResource, params);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(scheme).append("://").append(resource);
        char sep = '?';
        for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
            sb.append(sep).append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }
}

package dev.cairn.proxy;

import dev.cairn.proxy.endpoint.ConnectionLimiter;
import dev.cairn.proxy.endpoint.EndpointConfig;
import dev.cairn.proxy.protocol.CancelKey;

import java.util.Map;

/** What the proxy has learnt about one client connection as its handlers run. */
final class ClientSession {
    String sniHost;
    boolean tls;
    EndpointConfig endpoint;
    String user;
    /** Startup parameters to send to the compute (endpoint routing already removed). */
    Map<String, String> backendParameters;
    ConnectionLimiter.Permit permit;
    CancelKey proxyCancelKey;

    String endpointName() {
        return endpoint == null ? null : endpoint.name();
    }
}

package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.fhirclient.auth.AccessTokenSource;
import io.fhirpipe.fhirclient.config.DeleteDetection;

import java.net.URI;
import java.time.Duration;

/** A named FHIR server the poller may poll, with its token source and how its deletes are learned. */
public record PolledServer(String name, URI baseUrl, Duration connectTimeout, Duration requestTimeout,
        AccessTokenSource tokens, DeleteDetection deletes) {

    /** True when {@code url} has this server's scheme, host and port and lies under its base path. */
    public boolean owns(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || uri.getUserInfo() != null) {
            return false;
        }
        if (!uri.getScheme().equalsIgnoreCase(baseUrl.getScheme())
                || !uri.getHost().equalsIgnoreCase(baseUrl.getHost())
                || port(uri) != port(baseUrl)) {
            return false;
        }
        String basePath = baseUrl.getRawPath() == null ? "" : baseUrl.getRawPath().replaceAll("/+$", "");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        if (path.contains("/../") || path.endsWith("/..")) {
            return false;
        }
        return path.equals(basePath) || path.startsWith(basePath + "/");
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}

package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.fhirclient.auth.AccessTokenSource;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import java.net.URI;
import java.time.Duration;

/**
 * A configured FHIR server as every service sees it (fhirpipe.servers.&lt;name&gt;.*): where it is,
 * how it differs from the IG, how its deletes are learned, its timeouts and its token source.
 *
 * @param baseUrl without a trailing slash
 */
public record FhirServer(
        String name,
        URI baseUrl,
        ServerFlavor flavor,
        boolean postKickoff,
        Duration connectTimeout,
        Duration requestTimeout,
        AccessTokenSource tokens,
        DeleteDetection deletes) {

    public FhirServer {
        String text = baseUrl.toString();
        if (text.endsWith("/")) {
            baseUrl = URI.create(text.replaceAll("/+$", ""));
        }
    }

    /**
     * The URL to send this server's token to, normalised: the one place that decides whether a URL
     * from a message, a manifest or a Bundle link is this server's (see {@link ServerUrls}). Fetch
     * what this returns, never the text it was given, so what was checked is what is sent.
     *
     * @throws ForeignUrlException naming why the URL is not this server's
     */
    public URI checked(String url) {
        return ServerUrls.check(baseUrl, url);
    }

    /** True when {@link #checked} accepts {@code url}. */
    public boolean owns(String url) {
        try {
            checked(url);
            return true;
        } catch (ForeignUrlException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "FhirServer[" + name + " " + baseUrl + "]";
    }
}

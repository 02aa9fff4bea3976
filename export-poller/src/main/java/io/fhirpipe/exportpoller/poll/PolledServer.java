package io.fhirpipe.exportpoller.poll;

import io.fhirpipe.fhirclient.auth.AccessTokenSource;
import io.fhirpipe.fhirclient.config.DeleteDetection;

import java.net.URI;
import java.time.Duration;

/** A named FHIR server the poller may poll, with its token source and how its deletes are learned. */
public record PolledServer(String name, URI baseUrl, Duration connectTimeout, Duration requestTimeout,
        AccessTokenSource tokens, DeleteDetection deletes) {

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
}

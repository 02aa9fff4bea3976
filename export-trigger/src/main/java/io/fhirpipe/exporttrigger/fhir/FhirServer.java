package io.fhirpipe.exporttrigger.fhir;

import io.fhirpipe.fhirclient.auth.AccessTokenSource;
import io.fhirpipe.fhirclient.config.DeleteDetection;

import java.time.Duration;

/** A configured FHIR server, ready to call. */
public record FhirServer(String name, String baseUrl, ServerFlavor flavor, boolean postKickoff,
        Duration requestTimeout, AccessTokenSource tokens, DeleteDetection deletes) {

    public FhirServer {
        baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    @Override
    public String toString() {
        return "FhirServer[" + name + " " + baseUrl + "]";
    }
}

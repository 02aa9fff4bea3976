package io.fhirpipe.fhirclient.bulkdata;

import java.net.URI;
import java.util.Optional;

/** The HTTP request that starts an export: a GET with query parameters, or a POST with a Parameters body. */
public record KickoffRequest(String method, URI uri, Optional<String> parametersBody) {}

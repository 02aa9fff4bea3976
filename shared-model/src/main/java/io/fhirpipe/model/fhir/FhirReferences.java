package io.fhirpipe.model.fhir;

import java.util.regex.Pattern;

/** References to a resource as DELETE entries name them: {@code Type/id}, absolute or with {@code /_history/n}. */
public final class FhirReferences {

    /** Group 1 the resource type, group 2 the id. */
    public static final Pattern TYPE_AND_ID =
            Pattern.compile("(?:^|.*/)([A-Z][A-Za-z]{1,63})/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?/?");

    private FhirReferences() {}
}

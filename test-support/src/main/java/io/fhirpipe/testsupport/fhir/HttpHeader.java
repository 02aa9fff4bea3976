package io.fhirpipe.testsupport.fhir;

import java.util.Objects;

/** One response header line; a name may repeat. */
record HttpHeader(String name, String value) {

    public HttpHeader {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}

package io.fhirpipe.sqlonfhir.sql;

import java.util.List;

/** Builds "$.a.b[0]" paths; segments were validated as element names by the FHIRPath parser. */
final class JsonPaths {

    private JsonPaths() {}

    static String of(List<String> segments) {
        StringBuilder sb = new StringBuilder("$");
        for (String s : segments) {
            sb.append('.').append(s);
        }
        return sb.toString();
    }
}

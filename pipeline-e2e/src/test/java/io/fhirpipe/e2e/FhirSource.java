package io.fhirpipe.e2e;

/** The FHIR server the deployment exports from, asked for its own counts. */
record FhirSource(AuthorizedHttp http, String baseUrl) {

    /** {@code GET [base]/Type?_summary=count}: the Bundle's {@code total}. */
    long total(String type) {
        AuthorizedHttp.Answer answer = http.get(baseUrl + "/" + type + "?_summary=count", "application/fhir+json");
        if (answer.status() != 200 || !answer.body().path("total").canConvertToLong()) {
            throw new AssertionError(type + "?_summary=count answered " + answer.status() + ": " + answer.body());
        }
        return answer.body().path("total").asLong();
    }
}

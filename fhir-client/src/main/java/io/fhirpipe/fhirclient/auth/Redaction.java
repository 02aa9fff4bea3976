package io.fhirpipe.fhirclient.auth;

/** What stands in for a secret wherever a secret would otherwise be printed. */
final class Redaction {

    static final String REDACTED = "<redacted>";

    private Redaction() {}

    static String presence(Object secret) {
        return secret == null ? "<absent>" : REDACTED;
    }
}

package io.fhirpipe.sqlonfhir.sql;

/** Hands out unique table aliases for one compiled statement, so nested scopes never shadow. */
final class AliasSequence {
    private int next = 1;

    String next(String prefix) {
        return prefix + next++;
    }
}

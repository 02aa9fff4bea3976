package io.fhirpipe.sqlonfhir.fhirpath;

/**
 * A FHIRPath construct outside the supported subset. It carries no view or column: the compiler
 * catches it and rethrows with both, so the parser stays independent of views.
 */
public class UnsupportedPathException extends RuntimeException {
    public UnsupportedPathException(String reason) {
        super(reason);
    }
}

package io.fhirpipe.runtime.failure;

/** Processing can never succeed for this input: dead-letter it now, with this reason. */
public class PermanentFailure extends RuntimeException {

    private final String reason;

    /**
     * @param reason short machine-friendly reason, e.g. {@code InvalidMessage}; shown as the dead
     *               letter's reason
     * @param description what is wrong, for a person
     */
    public PermanentFailure(String reason, String description) {
        super(description);
        this.reason = reason;
    }

    public PermanentFailure(String reason, String description, Throwable cause) {
        super(description, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}

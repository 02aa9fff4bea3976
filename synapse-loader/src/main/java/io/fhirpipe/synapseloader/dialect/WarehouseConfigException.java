package io.fhirpipe.synapseloader.dialect;

/** A warehouse setting that is missing or wrong; stops start-up and names the property. */
final class WarehouseConfigException extends IllegalStateException {

    private final String property;

    public WarehouseConfigException(String property, String message) {
        super(message);
        this.property = property;
    }

    /** The full property name, e.g. {@code fhirpipe.loader.sql.jdbc-url}. */
    public String property() {
        return property;
    }
}

package io.fhirpipe.model;

/** Subscription names: one per consuming service, so each service gets its own copy of a topic's messages. */
public final class Subscriptions {
    public static final String EXPORT_TRIGGER = "export-trigger";
    public static final String EXPORT_POLLER = "export-poller";
    public static final String EXPORT_TRANSFER = "export-transfer";
    public static final String NDJSON_SPLITTER = "ndjson-splitter";
    public static final String SYNAPSE_LOADER = "synapse-loader";
    public static final String EXPORT_TRACKER = "export-tracker";

    private Subscriptions() {}
}

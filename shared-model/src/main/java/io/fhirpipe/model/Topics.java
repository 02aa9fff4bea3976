package io.fhirpipe.model;

/**
 * Names of the message topics. On Service Bus these are topics; on Artemis they are multicast
 * addresses. Every service and every deployment file refers to these constants or to
 * {@link io.fhirpipe.model.topology.Topology#standard()}, never to string literals of its own.
 */
public final class Topics {
    public static final String EXPORT_REQUESTED = "export-requested";
    /** Carries both the first {@code export.accepted} and every later poll-due reschedule. */
    public static final String EXPORT_ACCEPTED = "export-accepted";

    public static final String EXPORT_FILE_READY = "export-file-ready";
    public static final String EXPORT_COMPLETED = "export-completed";
    public static final String EXPORT_FAILED = "export-failed";
    public static final String BLOB_CREATED = "blob-created";
    public static final String CHUNK_READY = "chunk-ready";
    public static final String SPLIT_COMPLETED = "split-completed";
    public static final String CHUNK_LOADED = "chunk-loaded";
    public static final String CHUNK_FAILED = "chunk-failed";
    /** A file the transfer or the splitter dead-lettered: its export can no longer load completely. */
    public static final String FILE_FAILED = "file-failed";

    public static final String EXPORT_LOADED = "export-loaded";

    private Topics() {}
}

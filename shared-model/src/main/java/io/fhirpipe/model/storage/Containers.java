package io.fhirpipe.model.storage;

import java.util.List;

/** The storage containers of a fhirpipe account, one per stage of the data's life. */
public final class Containers {
    /** What {@code $export} produced, as transferred (or written by the FHIR server itself). */
    public static final String LANDING = "landing";
    /** Bounded NDJSON chunks cut from landing files, the unit of loading. */
    public static final String CHUNKS = "chunks";
    /** Lines that could not be loaded, with the reason. */
    public static final String REJECTED = "rejected";
    /** Parquet written by CETAS or DuckDB. */
    public static final String CURATED = "curated";
    /** Export runs, watermarks and schedule claims. */
    public static final String STATE = "state";

    public static final List<String> ALL = List.of(LANDING, CHUNKS, REJECTED, CURATED, STATE);

    private Containers() {}
}

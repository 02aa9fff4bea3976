package io.fhirpipe.synapseloader.curated;

import java.nio.file.Path;

/** Receives the Parquet snapshot of one typed table. */
@FunctionalInterface
public interface CuratedSink {

    void put(String resourceType, String view, Path parquetFile);
}

package io.fhirpipe.synapseloader.load;

import io.fhirpipe.synapseloader.duckdb.TypedStorage;

/** Every case of {@link ChunkLoaderTest} again, with the typed rows as DuckDB views over the raw tables. */
class ChunkLoaderViewsModeTest extends ChunkLoaderTest {

    @Override
    TypedStorage typed() {
        return TypedStorage.VIEWS;
    }
}

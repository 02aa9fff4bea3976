package io.fhirpipe.synapseloader.duckdb;

/** Every case of {@link LatestVersionTest} again, with the typed rows as DuckDB views over the raw tables. */
class LatestVersionViewsModeTest extends LatestVersionTest {

    @Override
    TypedStorage typed() {
        return TypedStorage.VIEWS;
    }
}

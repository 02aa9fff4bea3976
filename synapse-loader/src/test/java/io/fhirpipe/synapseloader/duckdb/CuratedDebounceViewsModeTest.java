package io.fhirpipe.synapseloader.duckdb;

/** Every case of {@link CuratedDebounceTest} again, with the typed rows as DuckDB views over the raw tables. */
class CuratedDebounceViewsModeTest extends CuratedDebounceTest {

    @Override
    TypedStorage typed() {
        return TypedStorage.VIEWS;
    }
}

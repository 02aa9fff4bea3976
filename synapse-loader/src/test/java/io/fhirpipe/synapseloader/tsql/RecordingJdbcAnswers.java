package io.fhirpipe.synapseloader.tsql;

import java.util.List;
import java.util.function.Function;

/** Query answers for {@link RecordingJdbc}. */
public final class RecordingJdbcAnswers {

    private RecordingJdbcAnswers() {}

    /** The ledger query finds nothing; every COUNT_BIG query answers 0. */
    public static Function<String, List<Object[]>> noLedgerRows() {
        return sql -> sql.startsWith("SELECT [rows_loaded]") ? List.of() : List.<Object[]>of(new Object[] {0L});
    }
}

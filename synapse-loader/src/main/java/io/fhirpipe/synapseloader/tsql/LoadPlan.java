package io.fhirpipe.synapseloader.tsql;

import java.util.ArrayList;
import java.util.List;

/**
 * The statements of one chunk load, in the order they run.
 *
 * @param ledgerCheck a query returning one row with the number of ledger rows for the chunk;
 *     non-zero means the chunk was loaded before and nothing else may run
 * @param stage idempotent statements run outside the transaction (the dialects cannot put
 *     COPY INTO, CTAS or CETAS in a user transaction): each starts by dropping what an earlier,
 *     interrupted attempt left behind
 * @param rejectedCount a query returning one row with the number of chunk lines that are not a
 *     resource of the chunk's type (null where the dialect cannot count them separately)
 * @param rejectedLines a query returning the rejected lines' text (null: none)
 * @param transaction statements run in one transaction, ending with the ledger row (empty for
 *     serverless, which has no transactions: its stage is the whole, idempotent, load)
 * @param cleanup statements dropping the staging objects after commit
 */
record LoadPlan(
        SqlStatement ledgerCheck,
        List<SqlStatement> stage,
        SqlStatement rejectedCount,
        SqlStatement rejectedLines,
        List<SqlStatement> transaction,
        List<SqlStatement> cleanup) {

    public LoadPlan {
        stage = List.copyOf(stage);
        transaction = List.copyOf(transaction);
        cleanup = List.copyOf(cleanup);
    }

    /** Every statement, in order, for golden files and reviews. */
    public List<SqlStatement> all() {
        List<SqlStatement> all = new ArrayList<>();
        if (ledgerCheck != null) {
            all.add(ledgerCheck);
        }
        all.addAll(stage);
        if (rejectedCount != null) {
            all.add(rejectedCount);
        }
        if (rejectedLines != null) {
            all.add(rejectedLines);
        }
        all.addAll(transaction);
        all.addAll(cleanup);
        return all;
    }
}

package io.fhirpipe.synapseloader.tsql;

import io.fhirpipe.sqlonfhir.sql.SqlIdentifiers;
import io.fhirpipe.sqlonfhir.sql.TSqlDialect;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Identifiers and literals for the generated T-SQL. Identifiers (resource types, view, column,
 * schema names) are validated by sql-on-fhir's {@link SqlIdentifiers} policy and rejected, never
 * escaped, when they are anything but letters, digits and underscore; values that must be
 * literals (COPY INTO and OPENROWSET accept no parameters) are escaped, and values containing
 * control characters are refused outright because no legitimate id or path has them.
 */
final class TSqlText {

    private static final TSqlDialect DIALECT = new TSqlDialect();

    private TSqlText() {}

    /** {@code [name]} after validation. */
    static String quote(String identifier, String what) {
        return DIALECT.quote(SqlIdentifiers.requireValid(identifier, what));
    }

    /** {@code [schema].[name]}. */
    static String table(String schema, String name) {
        return quote(schema, "schema") + "." + quote(name, "table");
    }

    /** A Unicode string literal {@code N'...'} with quotes doubled. */
    static String literal(String value, String what) {
        return "N'" + plain(value, what).replace("'", "''") + "'";
    }

    /** A non-Unicode literal {@code '...'}, for the option values of COPY / OPENROWSET / CETAS. */
    static String optionLiteral(String value, String what) {
        return "'" + plain(value, what).replace("'", "''") + "'";
    }

    private static String plain(String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                throw new IllegalArgumentException(what + " contains a control character");
            }
        }
        return value;
    }

    /**
     * A short, identifier-safe key for a chunk id (which is free text: blob paths, URLs), used to
     * name its staging tables and curated folders so a redelivery reuses the same names.
     */
    static String chunkKey(String chunkId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(chunkId.getBytes(StandardCharsets.UTF_8));
            return "c" + HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}

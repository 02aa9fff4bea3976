package io.fhirpipe.sqlonfhir.sql;

import java.util.regex.Pattern;

/**
 * Identifier policy shared by all dialects: only letters, digits and underscore, starting with a
 * letter or underscore. Anything else is rejected outright (not escaped) so that a view, column or
 * table name taken from a user-supplied file can never change the statement's structure.
 */
public final class SqlIdentifiers {

    private static final Pattern SAFE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private SqlIdentifiers() {}

    public static boolean isValid(String name) {
        return name != null && SAFE.matcher(name).matches();
    }

    public static String requireValid(String name, String what) {
        if (!isValid(name)) {
            throw new IllegalArgumentException(
                    what + " '" + name + "' is not a valid identifier (letters, digits, underscore only)");
        }
        return name;
    }
}

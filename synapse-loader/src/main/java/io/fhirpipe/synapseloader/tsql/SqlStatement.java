package io.fhirpipe.synapseloader.tsql;

/**
 * One statement to execute, with a name for logs and golden files. {@code sensitive} marks
 * statements carrying a secret (a SAS in a CREDENTIAL clause): their text is never logged and
 * {@link #toString()} hides it.
 */
record SqlStatement(String name, String sql, boolean sensitive) {

    public SqlStatement(String name, String sql) {
        this(name, sql, false);
    }

    /** Text safe for logs and exception messages. */
    public String loggable() {
        return sensitive ? "<" + name + ": statement with a storage credential, not shown>" : sql;
    }

    @Override
    public String toString() {
        return "SqlStatement[" + name + "] " + loggable();
    }
}

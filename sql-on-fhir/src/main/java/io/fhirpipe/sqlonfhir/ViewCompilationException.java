package io.fhirpipe.sqlonfhir;

/**
 * Raised when a ViewDefinition cannot be compiled. The message always names the view, the column
 * (or the clause, e.g. "forEach" or "where") and the offending expression, because the loader
 * surfaces it at start-up and the operator must be able to fix the file from the message alone.
 */
public class ViewCompilationException extends RuntimeException {

    private final String view;
    private final String column;
    private final String expression;

    public ViewCompilationException(String view, String column, String expression, String reason) {
        super("ViewDefinition '" + view + "', column '" + column + "', expression '" + expression + "': " + reason);
        this.view = view;
        this.column = column;
        this.expression = expression;
    }

    public String view() {
        return view;
    }

    public String column() {
        return column;
    }

    public String expression() {
        return expression;
    }
}

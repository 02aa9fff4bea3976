package io.fhirpipe.runtime.logging;

/**
 * Values from outside (message text, URLs, blob names, event fields, a server's answers) as they
 * may appear in a log line or in a failure description that ends up in one. A value written as it
 * came could end the line and forge the next one (CR, LF, U+2028), hide text (other control and
 * bidi characters) or pass for another field (quotes), so every such value goes through here:
 * quoted, escaped Java-style, and cut to a length a log line can carry.
 */
public final class LogValues {

    /** Longer values are cut: a 1 MB message body in one log line is a problem of its own. */
    public static final int MAX_LENGTH = 300;

    private LogValues() {}

    /** {@code "value"} with quotes and backslashes escaped and control characters as escapes; {@code null} unquoted. */
    public static String quoted(Object value) {
        return value == null ? "null" : "\"" + escape(String.valueOf(value), true) + "\"";
    }

    /**
     * Free text from outside that is not one value, e.g. a library's exception message that may
     * echo input: control characters escaped, quotes left as they are, cut like {@link #quoted}.
     */
    public static String escaped(Object text) {
        return text == null ? "null" : escape(String.valueOf(text), false);
    }

    private static String escape(String value, boolean quoting) {
        int length = Math.min(value.length(), MAX_LENGTH);
        StringBuilder out = new StringBuilder(length + 16);
        for (int i = 0; i < length; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append(quoting ? "\\\\" : "\\");
                case '"' -> out.append(quoting ? "\\\"" : "\"");
                default -> {
                    if (unsafe(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (value.length() > MAX_LENGTH) {
            out.append("…(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    /** Control characters (C0, DEL, C1), line and paragraph separators, and bidi overrides and isolates. */
    private static boolean unsafe(char c) {
        return c < 0x20
                || (c >= 0x7f && c <= 0x9f)
                || c == '\u2028'
                || c == '\u2029'
                || (c >= '\u202a' && c <= '\u202e')
                || (c >= '\u2066' && c <= '\u2069')
                || c == '\u200e'
                || c == '\u200f'
                || c == '\u061c'
                || c == '\ufeff';
    }
}

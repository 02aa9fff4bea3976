package io.fhirpipe.loadgenerator.synthetic;

/**
 * A compact JSON writer for one NDJSON line. Hand-written rather than Jackson: a load test serves
 * hundreds of MB/s from one core, and the shapes are fixed, so a tree or a reflective writer would
 * only cost time. Callers open and close containers in order; the writer only places commas.
 */
final class Json {

    private final StringBuilder out;
    private boolean first = true;

    Json(StringBuilder out) {
        this.out = out;
    }

    Json obj() {
        separate();
        out.append('{');
        first = true;
        return this;
    }

    Json obj(String name) {
        key(name);
        out.append('{');
        first = true;
        return this;
    }

    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    Json arr(String name) {
        key(name);
        out.append('[');
        first = true;
        return this;
    }

    Json endArr() {
        out.append(']');
        first = false;
        return this;
    }

    Json str(String name, String value) {
        key(name);
        quote(value);
        first = false;
        return this;
    }

    /** A string element of an array. */
    Json str(String value) {
        separate();
        quote(value);
        first = false;
        return this;
    }

    Json num(String name, long value) {
        key(name);
        out.append(value);
        first = false;
        return this;
    }

    /** A decimal with one fraction digit, from tenths (no double formatting on the hot path). */
    Json tenths(String name, long tenths) {
        key(name);
        if (tenths < 0) {
            out.append('-');
            tenths = -tenths;
        }
        out.append(tenths / 10).append('.').append(tenths % 10);
        first = false;
        return this;
    }

    Json bool(String name, boolean value) {
        key(name);
        out.append(value);
        first = false;
        return this;
    }

    private void key(String name) {
        separate();
        out.append('"').append(name).append("\":");
    }

    private void separate() {
        if (!first) {
            out.append(',');
        }
    }

    private void quote(String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

package io.fhirpipe.runtime.logging;

import org.jboss.logging.MDC;

/**
 * The MDC keys that tie a log line to its work: {@value #EXPORT_ID} and, where there is one,
 * {@value #CHUNK_ID}. The messaging layer sets them while a message is handled
 * ({@link io.fhirpipe.runtime.messaging.MessageWork}); the plain log format prints them and the JSON
 * format carries them as {@code mdc} fields. Values come from messages, so they are escaped like any
 * value from outside: a forged id cannot end a plain log line.
 */
public final class LogContext {

    public static final String EXPORT_ID = "exportId";
    public static final String CHUNK_ID = "chunkId";

    private LogContext() {}

    /** Sets (or, for null, removes) one key; returns what it held, for {@link #restore}. */
    public static Object put(String key, String value) {
        Object before = MDC.get(key);
        if (value == null || value.isBlank()) {
            MDC.remove(key);
        } else {
            MDC.put(key, LogValues.escaped(value));
        }
        return before;
    }

    /** Puts back what a key held before this piece of work (the same thread may be in an outer one). */
    public static void restore(String key, Object before) {
        if (before == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, before);
        }
    }
}

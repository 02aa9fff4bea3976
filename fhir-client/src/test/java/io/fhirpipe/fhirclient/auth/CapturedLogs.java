package io.fhirpipe.fhirclient.auth;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Every record this package logs, at every level, while open. Each record is kept as its message,
 * its parameters and its exception's stack trace, so a secret is found whichever of them it hides
 * in and however the message would have been formatted.
 */
final class CapturedLogs extends Handler implements AutoCloseable {

    private final Logger logger = Logger.getLogger("io.fhirpipe.fhirclient.auth");
    private final Level previousLevel;
    private final List<String> records = new ArrayList<>();

    CapturedLogs() {
        previousLevel = logger.getLevel();
        setLevel(Level.ALL);
        logger.setLevel(Level.ALL);
        logger.addHandler(this);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        StringBuilder text = new StringBuilder(record.getLevel() + " " + record.getMessage());
        if (record.getParameters() != null) {
            text.append(' ').append(Arrays.toString(record.getParameters()));
        }
        if (record.getThrown() != null) {
            StringWriter trace = new StringWriter();
            record.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        records.add(text.toString());
    }

    synchronized List<String> records() {
        return List.copyOf(records);
    }

    synchronized String all() {
        return String.join("\n", records);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        logger.removeHandler(this);
        logger.setLevel(previousLevel);
    }
}

package io.fhirpipe.testsupport;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.jboss.logmanager.LogContext;

/**
 * Lowers the log level of chatty third-party components (Artemis logs dozens of INFO lines per
 * start, and every message through its audit loggers) unless someone configured that logger
 * already.
 *
 * <p>Both logging back ends are set: SLF4J (which Artemis uses) goes to the JBoss LogManager's
 * context, while {@code java.util.logging} is a separate JDK LogManager whenever something touched
 * it before the {@code java.util.logging.manager} property was set, as surefire's forked JVM does.
 * In Quarkus both are the same context.
 */
public final class QuietLogging {

    // java.util.logging may hold loggers weakly: without a strong reference the level would be lost
    // as soon as the logger is garbage collected.
    private static final Map<String, List<Logger>> HELD = new ConcurrentHashMap<>();

    private QuietLogging() {}

    /** Sets {@code category} to WARNING in both back ends, where no level was configured for it. */
    public static void quietDown(String category) {
        HELD.computeIfAbsent(category, name -> {
            Logger jboss = LogContext.getLogContext().getLogger(name);
            if (jboss.getLevel() == null) {
                jboss.setLevel(Level.WARNING);
            }
            Logger jul = Logger.getLogger(name);
            if (jul.getLevel() == null) {
                jul.setLevel(Level.WARNING);
            }
            return List.of(jboss, jul);
        });
    }
}

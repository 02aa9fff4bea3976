package io.fhirpipe.loadgenerator.server;

import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the server has served, for the load test's transfer figures: the stack's own status API counts
 * files and lines, but only the server sees bytes leave and when the first and last ones did.
 */
final class ServeStats {

    private final Map<SyntheticType, LongAdder> lines = new EnumMap<>(SyntheticType.class);
    private final Map<SyntheticType, LongAdder> bytes = new EnumMap<>(SyntheticType.class);
    private final AtomicLong firstByteMillis = new AtomicLong();
    private final AtomicLong lastFileMillis = new AtomicLong();
    private final AtomicLong manifestMillis = new AtomicLong();
    private final LongAdder filesServed = new LongAdder();
    private final LongAdder failuresInjected = new LongAdder();

    ServeStats() {
        for (SyntheticType t : SyntheticType.values()) {
            lines.put(t, new LongAdder());
            bytes.put(t, new LongAdder());
        }
    }

    void served(SyntheticType type, long lineBytes) {
        firstByteMillis.compareAndSet(0, System.currentTimeMillis());
        lines.get(type).increment();
        bytes.get(type).add(lineBytes);
    }

    void fileDone() {
        filesServed.increment();
        lastFileMillis.set(System.currentTimeMillis());
    }

    void manifestServed() {
        manifestMillis.compareAndSet(0, System.currentTimeMillis());
    }

    void failureInjected() {
        failuresInjected.increment();
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        long totalBytes = 0;
        long totalLines = 0;
        Map<String, Object> perType = new LinkedHashMap<>();
        for (SyntheticType t : SyntheticType.values()) {
            long l = lines.get(t).sum();
            long b = bytes.get(t).sum();
            totalLines += l;
            totalBytes += b;
            if (l > 0) {
                perType.put(t.resourceType(), Map.of("lines", l, "bytes", b));
            }
        }
        m.put("bytes", totalBytes);
        m.put("lines", totalLines);
        m.put("filesServed", filesServed.sum());
        m.put("failuresInjected", failuresInjected.sum());
        m.put("firstByteMillis", firstByteMillis.get());
        m.put("lastFileMillis", lastFileMillis.get());
        m.put("manifestMillis", manifestMillis.get());
        m.put("types", perType);
        return m;
    }
}

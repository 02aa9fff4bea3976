package io.fhirpipe.loadgenerator.server;

import java.util.Locale;

/** {@code 200MB}, {@code 1GB}, {@code 1.5GB} (binary units: 1 GB = 1024 MB, as `ls -h` shows files). */
public final class Sizes {

    private Sizes() {}

    public static long parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace("IB", "B");
        long unit = 1;
        if (s.endsWith("GB") || s.endsWith("G")) {
            unit = 1L << 30;
        } else if (s.endsWith("MB") || s.endsWith("M")) {
            unit = 1L << 20;
        } else if (s.endsWith("KB") || s.endsWith("K")) {
            unit = 1L << 10;
        }
        String number = s.replaceAll("[A-Z]+$", "");
        try {
            return Math.round(Double.parseDouble(number) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: " + text + " (e.g. 200MB, 1GB)");
        }
    }
}

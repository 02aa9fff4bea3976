package io.fhirpipe.loadgenerator.freshness;

import java.util.List;

/** Nearest-rank percentiles (each one a value that was measured), in seconds. */
record Percentiles(int count, double p50, double p95, double max) {

    static final Percentiles NONE = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN);

    static Percentiles of(List<Double> values) {
        if (values.isEmpty()) {
            return NONE;
        }
        double[] sorted =
                values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Percentiles(sorted.length, rank(sorted, 50), rank(sorted, 95), sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}

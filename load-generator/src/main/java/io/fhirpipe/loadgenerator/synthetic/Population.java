package io.fhirpipe.loadgenerator.synthetic;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Everything the synthetic server holds: how many resources of each type, and resource {@code i} of a
 * type as a pure function of (seed, type, i). Nothing is stored, so a 10 GB export needs no more memory
 * than a 10 MB one, and two runs with the same seed serve the same bytes.
 *
 * <p>References follow the patient: resource {@code i} of a per-patient type belongs to patient
 * {@code i * patients / count}, and its encounter (or, for a report, its results) is one of that
 * patient's, so every reference resolves to a resource of the population.
 */
public final class Population {

    /** How many resources the size estimate samples per type (deterministic: the first ones). */
    private static final int SAMPLE = 400;

    private final long seed;
    private final long patients;
    private final Map<SyntheticType, Long> counts = new EnumMap<>(SyntheticType.class);
    private final Resources resources;

    private Population(long seed, long patients) {
        if (patients < 1) {
            throw new IllegalArgumentException("a population needs at least one patient, not " + patients);
        }
        this.seed = seed;
        this.patients = patients;
        for (SyntheticType type : SyntheticType.values()) {
            counts.put(type, Math.max(1, Math.round(patients * type.perPatient())));
        }
        this.resources = new Resources(this);
    }

    public static Population ofPatients(long seed, long patients) {
        return new Population(seed, patients);
    }

    /**
     * The population whose resources of {@code types} come to about {@code targetBytes} of NDJSON
     * (sizes estimated from the first resources of each type).
     */
    public static Population ofSize(long seed, long targetBytes, Collection<SyntheticType> types) {
        Population probe = new Population(seed, 1000);
        double bytesPerPatient = 0;
        for (SyntheticType type : types) {
            bytesPerPatient += type.perPatient() * probe.averageLineBytes(type);
        }
        return new Population(seed, Math.max(1, Math.round(targetBytes / bytesPerPatient)));
    }

    public long seed() {
        return seed;
    }

    public long patients() {
        return patients;
    }

    public long count(SyntheticType type) {
        return counts.get(type);
    }

    public long count(Set<SyntheticType> types) {
        return types.stream().mapToLong(this::count).sum();
    }

    /**
     * The id of resource {@code i}: shaped like a UUID (as Azure's FHIR service writes them), unique
     * because the type's ordinal and {@code i} itself are part of it; the other digits only look random.
     */
    public String id(SyntheticType type, long i) {
        long typeBits = mix(seed * 31 + type.ordinal());
        long random = mix(typeBits ^ i);
        return hex((typeBits >>> 32) & 0xffffffffL, 8) + '-' + hex(random & 0xffff, 4) + "-4" + hex(type.ordinal(), 3)
                + '-' + hex(0x8000 | ((random >>> 16) & 0x3fff), 4) + '-' + hex(i, 12);
    }

    /**
     * The {@code meta.versionId} of resource {@code i}: "1" to "3", a pure function of (seed, type, i), so
     * the expected outcome of an export names each version without generating the resource.
     */
    public String versionId(SyntheticType type, long i) {
        return Integer.toString(1 + (int) Long.remainderUnsigned(mix(mix(seed * 7_919L + type.ordinal()) ^ ~i), 3));
    }

    /**
     * A pure function of (seed, purpose, type, i) for choosing which resources or files a fault hits:
     * {@code choice(...) % n == 0} picks about one in n, the same ones for the same seed.
     */
    public long choice(String purpose, SyntheticType type, long i) {
        long stream = mix(seed ^ purpose.hashCode() * 0x9e3779b97f4a7c15L) + type.ordinal() * 0x100000001b3L;
        return mix(stream + i) >>> 1;
    }

    /** Resource {@code i} of {@code type} as one compact JSON line (no line break). */
    public String line(SyntheticType type, long i) {
        if (i < 0) {
            throw new IndexOutOfBoundsException(type.resourceType() + " " + i);
        }
        StringBuilder out = new StringBuilder(1024);
        resources.write(type, i, new Json(out));
        return out.toString();
    }

    /**
     * The owner of resource {@code i} of a per-patient type; the inverse of {@link #firstOwned}, so the
     * resources of one patient are neighbours.
     */
    long owner(SyntheticType type, long i) {
        return i * patients / count(type);
    }

    /** The first index of {@code type} owned by patient {@code p} (inclusive), so owned = [first(p), first(p+1)). */
    long firstOwned(SyntheticType type, long p) {
        long n = count(type);
        // smallest i with i * patients / n >= p
        return (p * n + patients - 1) / patients;
    }

    /** A random generator for one resource: seeded by (seed, type, i) only. */
    java.util.SplittableRandom random(SyntheticType type, long i) {
        return new java.util.SplittableRandom(mix(mix(seed * 1_000_003L + type.ordinal()) + i));
    }

    double averageLineBytes(SyntheticType type) {
        long n = Math.min(SAMPLE, count(type));
        long bytes = 0;
        for (long i = 0; i < n; i++) {
            bytes += line(type, i).getBytes(StandardCharsets.UTF_8).length + 1;
        }
        return (double) bytes / n;
    }

    /** SplitMix64's finaliser: neighbouring inputs give unrelated outputs. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static String hex(long value, int digits) {
        String s = Long.toHexString(value);
        return s.length() >= digits ? s.substring(s.length() - digits) : "0".repeat(digits - s.length()) + s;
    }
}

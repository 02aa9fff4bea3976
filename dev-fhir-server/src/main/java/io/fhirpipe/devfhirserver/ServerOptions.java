package io.fhirpipe.devfhirserver;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Command line of {@link DevFhirServer}.
 *
 * @param port               loopback port to listen on; 0 picks a free one
 * @param h2File             H2 database file (without the {@code .mv.db} suffix); empty means in memory
 * @param seedPatients       number of synthetic patients to load before reporting ready; 0 loads nothing
 * @param seedRandom         seed of the synthetic data generator, so a run can be repeated exactly
 * @param maintenanceMillis  interval of HAPI's batch job maintenance pass, which is what advances an export
 */
record ServerOptions(int port, Optional<Path> h2File, int seedPatients, long seedRandom, long maintenanceMillis) {

    public static final long DEFAULT_SEED_RANDOM = 20261126L;
    public static final long DEFAULT_MAINTENANCE_MILLIS = 1_000L;

    static final String USAGE = "usage: DevFhirServer [--port N] [--h2-file PATH] [--seed PATIENTS] "
            + "[--seed-random LONG] [--maintenance-millis MS]";

    public ServerOptions {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        if (seedPatients < 0) {
            throw new IllegalArgumentException("--seed must not be negative, got " + seedPatients);
        }
        if (maintenanceMillis < 100) {
            throw new IllegalArgumentException("--maintenance-millis must be at least 100, got " + maintenanceMillis);
        }
    }

    public static ServerOptions parse(String... args) {
        int port = 0;
        Path h2File = null;
        int seed = 0;
        long seedRandom = DEFAULT_SEED_RANDOM;
        long maintenance = DEFAULT_MAINTENANCE_MILLIS;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (name.equals("--help") || name.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + name + "\n" + USAGE);
            }
            String value = args[++i];
            try {
                switch (name) {
                    case "--port" -> port = Integer.parseInt(value);
                    case "--h2-file" -> h2File = Path.of(value).toAbsolutePath();
                    case "--seed" -> seed = Integer.parseInt(value);
                    case "--seed-random" -> seedRandom = Long.parseLong(value);
                    case "--maintenance-millis" -> maintenance = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " needs a number, got '" + value + "'");
            }
        }
        return new ServerOptions(port, Optional.ofNullable(h2File), seed, seedRandom, maintenance);
    }

    /** JDBC URL of the database this run uses. */
    public String jdbcUrl() {
        // DB_CLOSE_DELAY=-1 keeps an in-memory database alive between pooled connections.
        return h2File.map(file -> "jdbc:h2:file:" + file).orElse("jdbc:h2:mem:dev-fhir-server;DB_CLOSE_DELAY=-1");
    }
}

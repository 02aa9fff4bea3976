package io.fhirpipe.testsupport.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The one user the local and test brokers accept (anonymous connections are refused). Passed to
 * processes only through the environment ({@value #USERNAME_ENV}, {@value #PASSWORD_ENV}), never on a
 * command line that {@code ps} shows, and never printed: {@link #toString()} hides the password.
 */
public record BrokerCredentials(String username, String password) {

    public static final String USERNAME_ENV = "FHIRPIPE_BROKER_USERNAME";
    public static final String PASSWORD_ENV = "FHIRPIPE_BROKER_PASSWORD";
    /** In the local stack's work folder, so a restart on the same folder uses the same password. */
    public static final String FILE_NAME = "broker-credentials.properties";

    static final String DEFAULT_USERNAME = "fhirpipe";
    private static final SecureRandom RANDOM = new SecureRandom();

    public BrokerCredentials {
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            throw new IllegalArgumentException("the broker needs a user name and a password");
        }
    }

    /** A fresh random password (256 bits) for user {@value #DEFAULT_USERNAME}. */
    public static BrokerCredentials generate() {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        return new BrokerCredentials(
                DEFAULT_USERNAME, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /**
     * The credentials kept in {@code folder}/{@value #FILE_NAME}, generated and written (readable by
     * the owner only) when the file is missing.
     */
    public static BrokerCredentials inFolder(Path folder) {
        Path file = folder.resolve(FILE_NAME);
        try {
            Files.createDirectories(folder);
            if (!Files.exists(file)) {
                BrokerCredentials fresh = generate();
                write(file, fresh);
            }
            Properties properties = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
            return new BrokerCredentials(properties.getProperty("username"), properties.getProperty("password"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the broker credentials in " + file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(
                    file + " holds no username and password; delete it to have new ones made", e);
        }
    }

    /** From {@value #USERNAME_ENV} and {@value #PASSWORD_ENV}, when both are set. */
    public static Optional<BrokerCredentials> fromEnvironment(Map<String, String> environment) {
        String username = environment.get(USERNAME_ENV);
        String password = environment.get(PASSWORD_ENV);
        if (username == null || username.isBlank() || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new BrokerCredentials(username, password));
    }

    /** {@value #USERNAME_ENV} and {@value #PASSWORD_ENV}, for a process's environment. */
    public Map<String, String> environment() {
        return Map.of(USERNAME_ENV, username, PASSWORD_ENV, password);
    }

    @Override
    public String toString() {
        return "BrokerCredentials[username=" + username + ", password=(hidden)]";
    }

    private static void write(Path file, BrokerCredentials credentials) throws IOException {
        Properties properties = new Properties();
        properties.setProperty("username", credentials.username());
        properties.setProperty("password", credentials.password());
        Path temporary = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(temporary);
        try {
            Files.createFile(
                    temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(temporary);
        }
        try (Writer out =
                Files.newBufferedWriter(temporary, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING)) {
            properties.store(out, "the local broker's only user; made by LocalStack, read again at every start");
        }
        try {
            Files.move(temporary, file);
        } catch (FileAlreadyExistsException raced) {
            Files.deleteIfExists(temporary);
        }
    }
}

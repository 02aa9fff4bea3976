package io.fhirpipe.testsupport.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The ports of a local stack, kept in {@code <work>/}{@value #FILE_NAME} so that a restart on the same
 * work folder gets the same ones. Messages in flight carry URLs with these ports (Azurite's blob URLs,
 * the FHIR server's status URLs), and the services' policy treats a blob URL on another port as
 * foreign: a new port at every start dead-lettered the unfinished work of the last run.
 *
 * <p>For each component {@link #port(String, int)} returns, in this order: a port given explicitly
 * (e.g. {@code --amqp-port}), the recorded one, or a new free one (chosen below the kernel's ephemeral
 * range, which outgoing connections use, so that no client socket holds it at the next start).
 * {@link #claim()} then checks that every port is free on {@value #HOST} and records them all. A
 * recorded port that another process holds fails the start, naming the port and this file: another
 * port would silently strand the in-flight messages.
 */
final class StackPorts {

    public static final String FILE_NAME = "ports.properties";
    public static final String AMQP = "amqp";
    public static final String AZURITE_BLOB = "azurite-blob";
    public static final String DEV_FHIR_SERVER = "dev-fhir-server";
    static final String HOST = "127.0.0.1";
    private static final int LOWEST_NEW_PORT = 15000;
    private static final int[] DEFAULT_EPHEMERAL_RANGE = {32768, 60999};

    private final Path file;
    private final Map<String, Integer> recorded;
    private final Map<String, Assignment> assigned = new LinkedHashMap<>();

    private enum Origin {
        EXPLICIT,
        RECORDED,
        NEW
    }

    private record Assignment(int port, Origin origin) {}

    private StackPorts(Path file, Map<String, Integer> recorded) {
        this.file = file;
        this.recorded = recorded;
    }

    /** The ports recorded in this work folder, if any. */
    public static StackPorts in(Path workDirectory) {
        Path file = workDirectory.resolve(FILE_NAME);
        return new StackPorts(file, read(file));
    }

    public Path file() {
        return file;
    }

    /**
     * The port of component {@code name} for this start: {@code explicit} if it is not 0, else the
     * recorded one, else a new free one.
     */
    public synchronized int port(String name, int explicit) {
        if (explicit < 0 || explicit > 65535) {
            throw new IllegalArgumentException("not a port: " + explicit);
        }
        Assignment a = assigned.get(name);
        if (a != null && (explicit == 0 || explicit == a.port())) {
            return a.port();
        }
        if (explicit != 0) {
            a = new Assignment(explicit, Origin.EXPLICIT);
        } else if (recorded.containsKey(name)) {
            a = new Assignment(recorded.get(name), Origin.RECORDED);
        } else {
            a = new Assignment(newFreePort(), Origin.NEW);
        }
        assigned.put(name, a);
        return a.port();
    }

    /** The ports assigned so far, by component. */
    public synchronized Map<String, Integer> assigned() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        assigned.forEach((name, a) -> ports.put(name, a.port()));
        return ports;
    }

    /**
     * Checks that every assigned port is free, then records them (with the recorded ports of
     * components not started this time). Fails, recording nothing, if one is taken.
     */
    public synchronized void claim() {
        Map<Integer, String> byPort = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        assigned.forEach((name, a) -> {
            String other = byPort.putIfAbsent(a.port(), name);
            if (other != null) {
                problems.add("port " + a.port() + " is given to both " + other + " and " + name);
            } else if (!isFree(a.port())) {
                problems.add(describe(name, a));
            }
        });
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("; ", problems));
        }
        Map<String, Integer> all = new TreeMap<>(recorded);
        all.putAll(assigned());
        write(all);
    }

    private String describe(String name, Assignment a) {
        return switch (a.origin()) {
            case RECORDED ->
                "port " + a.port() + " of " + name + ", recorded in " + file + ", is in use by another"
                        + " process. The stack keeps its ports across restarts so that messages in flight still point"
                        + " to it; stop that process (another stack on this work folder?), or, if no export is"
                        + " unfinished, delete the line from " + file + " to choose a new port";
            case EXPLICIT -> "port " + a.port() + " of " + name + ", given explicitly, is in use by another process";
            case NEW ->
                "port " + a.port() + " of " + name + ", just chosen as free, is now in use by another"
                        + " process; try again";
        };
    }

    private int newFreePort() {
        Set<Integer> taken = new HashSet<>(recorded.values());
        assigned.values().forEach(a -> taken.add(a.port()));
        int[] ephemeral = ephemeralRange();
        int low = LOWEST_NEW_PORT;
        int high = ephemeral[0] - 1;
        if (high - low < 1000) { // an unusual ephemeral range: above it then
            low = ephemeral[1] + 1;
            high = 65535;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = random.nextInt(low, high + 1);
            if (!taken.contains(port) && isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + HOST + " between " + low + " and " + high);
    }

    /** The kernel's range of ports for outgoing connections ({@code ip_local_port_range}). */
    static int[] ephemeralRange() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            String[] parts = Files.readString(range).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_RANGE.clone();
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as the servers do: a port in TIME_WAIT from the last run is free
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Integer> read(Path file) {
        Map<String, Integer> ports = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return ports;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the stack's ports from " + file, e);
        }
        for (String name : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(name).trim();
            int port;
            try {
                port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new IllegalStateException(
                        file + ": '" + name + "=" + value + "' is not a port; fix or delete" + " the line");
            }
            ports.put(name, port);
        }
        return ports;
    }

    private void write(Map<String, Integer> ports) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = file.resolveSibling(FILE_NAME + ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                writer.write("# Ports of the local stack on this work folder, kept across restarts: messages in\n"
                        + "# flight carry URLs with them. Delete a line (or the file) to choose a new port.\n");
                for (Map.Entry<String, Integer> e : new TreeMap<>(ports).entrySet()) {
                    writer.write(e.getKey() + "=" + e.getValue() + "\n");
                }
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the stack's ports in " + file, e);
        }
    }
}

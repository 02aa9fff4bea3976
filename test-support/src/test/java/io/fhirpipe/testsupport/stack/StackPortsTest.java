package io.fhirpipe.testsupport.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Real servers, real data" (4): a restart of the local stack on the same work folder must get
 * the same ports, or the URLs in in-flight messages (Azurite's blob URLs above all) point nowhere
 * and the messages are dead-lettered.
 */
class StackPortsTest {

    static final String[] NAMES = {
        StackPorts.AMQP,
        StackPorts.AZURITE_BLOB,
        StackPorts.DEV_FHIR_SERVER,
        "export-trigger",
        "export-poller",
        "ndjson-splitter",
        "synapse-loader"
    };

    @TempDir
    Path work;

    @Test
    void twoStartsOnOneWorkFolderGetTheSamePorts() {
        Map<String, Integer> first = assignAll(StackPorts.in(work));
        assertThat(work.resolve(StackPorts.FILE_NAME)).isRegularFile();
        assertThat(first.values()).doesNotContainNull().doesNotHaveDuplicates().allMatch(p -> p > 0 && p < 65536);

        Map<String, Integer> second = assignAll(StackPorts.in(work));

        assertThat(second).isEqualTo(first);
    }

    @Test
    void explicitPortsWinAndAreRememberedForTheNextStart() throws IOException {
        int explicit = freePort();
        StackPorts ports = StackPorts.in(work);
        int azurite = ports.port(StackPorts.AZURITE_BLOB, 0);
        assertThat(ports.port(StackPorts.AMQP, explicit)).isEqualTo(explicit);
        ports.claim();

        StackPorts again = StackPorts.in(work);
        assertThat(again.port(StackPorts.AMQP, 0)).isEqualTo(explicit);
        assertThat(again.port(StackPorts.AZURITE_BLOB, 0)).isEqualTo(azurite);
        again.claim();
    }

    @Test
    void newPortsAreNotTakenFromTheEphemeralRange() {
        // A recorded port from the range the kernel hands out for outgoing connections could be
        // held by some client's socket at the next start.
        Map<String, Integer> ports = assignAll(StackPorts.in(work));
        int[] range = StackPorts.ephemeralRange();
        assertThat(ports.values()).allMatch(p -> p < range[0] || p > range[1], "outside " + range[0] + "-" + range[1]);
    }

    @Test
    void aRecordedPortTakenByAnotherProcessFailsTheStartNamingThePortAndTheFile() throws IOException {
        Map<String, Integer> recorded = assignAll(StackPorts.in(work));
        int azurite = recorded.get(StackPorts.AZURITE_BLOB);
        try (ServerSocket squatter = new ServerSocket(azurite, 1, InetAddress.getByName("127.0.0.1"))) {
            StackPorts ports = StackPorts.in(work);
            for (String name : NAMES) {
                ports.port(name, 0);
            }
            assertThatThrownBy(ports::claim)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + azurite)
                    .hasMessageContaining(StackPorts.AZURITE_BLOB)
                    .hasMessageContaining(work.resolve(StackPorts.FILE_NAME).toString())
                    .hasMessageContaining("in use");
        }
        assertThat(assignAll(StackPorts.in(work)))
                .as("the record is kept, not replaced")
                .isEqualTo(recorded);
    }

    @Test
    void aBrokenRecordIsNamedInTheError() throws IOException {
        Files.writeString(work.resolve(StackPorts.FILE_NAME), "amqp=not-a-port\n");
        assertThatThrownBy(() -> StackPorts.in(work))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(work.resolve(StackPorts.FILE_NAME).toString())
                .hasMessageContaining("amqp");
    }

    private static Map<String, Integer> assignAll(StackPorts ports) {
        Map<String, Integer> assigned = new LinkedHashMap<>();
        for (String name : NAMES) {
            assigned.put(name, ports.port(name, 0));
        }
        ports.claim();
        return assigned;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }
}

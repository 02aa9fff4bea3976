package io.fhirpipe.devfhirserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ServerOptionsTest {

    @Test
    void defaultsToAFreePortInMemoryWithoutData() {
        ServerOptions options = ServerOptions.parse();

        assertThat(options.port()).isZero();
        assertThat(options.seedPatients()).isZero();
        assertThat(options.maintenanceMillis()).isEqualTo(1_000L);
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:h2:mem:dev-fhir-server;DB_CLOSE_DELAY=-1");
    }

    @Test
    void readsEveryOption() {
        ServerOptions options = ServerOptions.parse(
                "--port",
                "8090",
                "--h2-file",
                "/tmp/x/db",
                "--seed",
                "250",
                "--seed-random",
                "-5",
                "--maintenance-millis",
                "500");

        assertThat(options)
                .isEqualTo(new ServerOptions(8090, java.util.Optional.of(Path.of("/tmp/x/db")), 250, -5L, 500L));
        assertThat(options.jdbcUrl()).isEqualTo("jdbc:h2:file:/tmp/x/db");
    }

    @Test
    void rejectsUnknownAndMalformedOptions() {
        assertThatThrownBy(() -> ServerOptions.parse("--prot", "1")).hasMessageContaining("unknown option --prot");
        assertThatThrownBy(() -> ServerOptions.parse("--port")).hasMessageContaining("missing value for --port");
        assertThatThrownBy(() -> ServerOptions.parse("--seed", "many")).hasMessageContaining("--seed needs a number");
        assertThatThrownBy(() -> ServerOptions.parse("--port", "70000")).hasMessageContaining("0..65535");
    }
}

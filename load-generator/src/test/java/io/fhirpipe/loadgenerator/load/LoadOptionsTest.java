package io.fhirpipe.loadgenerator.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    private static final Path ROOT = Path.of("/checkout");

    @Test
    void theDefaultsAreALoadTestsAndTheServerGetsSizeSeedAndTypes() {
        LoadOptions o = LoadOptions.parse(new String[] {"--types", "Patient,Observation", "--deleted", "5"}, ROOT);
        assertThat(o.size()).isEqualTo("1GB");
        assertThat(o.maxLines()).isEqualTo(100_000);
        assertThat(o.memory()).isEqualTo("container");
        // the local stack's own container sizing, nothing overridden
        assertThat(o.jvmOptions()).isEmpty();
        assertThat(o.heap()).isEmpty();
        assertThat(o.duckDbMemory()).isEmpty();
        assertThat(o.types()).containsExactly(SyntheticType.PATIENT, SyntheticType.OBSERVATION);
        assertThat(o.work()).isEqualTo(ROOT.resolve(".fhirpipe-load"));
        assertThat(o.serverArgs())
                .containsSubsequence("--types", "Patient,Observation")
                .containsSubsequence("--deleted", "5")
                .containsSubsequence("--size", "1GB")
                .containsSubsequence("--seed", "20261203");
    }

    @Test
    void unboundedMemoryIsTheOldSizingAndServiceConfigIsKeptInOrder() {
        LoadOptions o = LoadOptions.parse(
                new String[] {
                    "--memory",
                    "unbounded",
                    "--config",
                    "ndjson-splitter:quarkus.thread-pool.max-threads=4",
                    "--config",
                    "synapse-loader:a.b=c=d"
                },
                ROOT);
        assertThat(o.jvmOptions()).isEmpty();
        assertThat(o.heap()).contains("384m");
        assertThat(o.duckDbMemory()).contains("80%");
        assertThat(o.serviceConfig())
                .isEqualTo(List.of("ndjson-splitter:quarkus.thread-pool.max-threads=4", "synapse-loader:a.b=c=d"));
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--memory", "shipped"}, ROOT))
                .hasMessageContaining("container or unbounded");
    }

    @Test
    void refusesWhatItDoesNotKnow() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--sise", "1GB"}, ROOT))
                .hasMessageContaining("--sise");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--types", "Patient,Basic"}, ROOT))
                .hasMessageContaining("Basic");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--config", "no-equals"}, ROOT))
                .hasMessageContaining("service:key=value");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--size", "lots"}, ROOT))
                .hasMessageContaining("not a size");
    }
}

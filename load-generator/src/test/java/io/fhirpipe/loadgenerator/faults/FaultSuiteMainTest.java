package io.fhirpipe.loadgenerator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class FaultSuiteMainTest {

    @Test
    void theShortSetIsTheScenariosMarkedForCiInTheSuitesOrder() {
        assertThat(FaultSuiteMain.select(true, null))
                .extracting(Scenario::name)
                .containsExactly(
                        "kill-loader",
                        "kill-splitter",
                        "poison-messages",
                        "server-429",
                        "server-500",
                        "malformed-ndjson",
                        "duplicate-delivery");
    }

    @Test
    void onlyPicksByNameAndRefusesUnknownNames() {
        assertThat(FaultSuiteMain.select(false, Set.of("server-429", "kill-poller")))
                .extracting(Scenario::name)
                .containsExactly("kill-poller", "server-429");
        assertThatThrownBy(() -> FaultSuiteMain.select(false, Set.of("kill-everything")))
                .hasMessageContaining("no scenario kill-everything");
        assertThatThrownBy(() -> FaultSuiteMain.select(true, Set.of("kill-poller")))
                .hasMessageContaining("no scenario selected");
    }

    @Test
    void everyScenarioHasItsOwnNameAndTheStackRestartIsLastOnItsStack() {
        var names = Scenario.all().stream().map(Scenario::name).toList();
        assertThat(names).doesNotHaveDuplicates();
        var onDefault = Scenario.all().stream()
                .filter(s -> s.stack().equals(FaultSuite.DEFAULT_STACK))
                .toList();
        assertThat(onDefault.get(onDefault.size() - 1).name()).isEqualTo("stack-restart");
    }
}

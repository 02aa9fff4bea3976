package io.fhirpipe.loadgenerator.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.loadgenerator.synthetic.Population;
import io.fhirpipe.loadgenerator.synthetic.SyntheticType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExpectedOutcomeTest {

    @Test
    void withoutFaultsTheWarehouseHoldsEveryGeneratedResourceWithItsVersionAndNoDeletedOne() {
        ServerOptions options =
                ServerOptions.parse(new String[] {"--patients", "25", "--deleted", "3", "--errors", "2"});
        ExpectedOutcome expected = ExpectedOutcome.of(options);
        Population population = Population.ofPatients(options.seed(), 25);

        assertThat(expected.completes()).isTrue();
        assertThat(expected.rejected()).isEmpty();
        assertThat(expected.errorLines()).isEqualTo(2);
        assertThat(expected.resourceCount()).isEqualTo(population.count(Set.of(SyntheticType.values())));
        assertThat(expected.resources().get("Observation"))
                .containsEntry(
                        population.id(SyntheticType.OBSERVATION, 7),
                        population.versionId(SyntheticType.OBSERVATION, 7));
        assertThat(expected.resources().get("Patient").values())
                .containsOnly("1", "2", "3")
                .contains("1", "2", "3");
        assertThat(expected.deleted().get("Encounter"))
                .hasSize(3)
                .doesNotContainAnyElementsOf(
                        expected.resources().get("Encounter").keySet());
    }

    @Test
    void aPatientLevelExportOfSomeTypesExpectsOnlyThoseOfThePatientCompartment() {
        ServerOptions options = ServerOptions.parse(new String[] {"--patients", "10"});
        ExpectedOutcome expected = ExpectedOutcome.of(
                options, List.of(SyntheticType.PATIENT, SyntheticType.PRACTITIONER, SyntheticType.CONDITION), true);

        assertThat(expected.resources()).containsOnlyKeys("Patient", "Condition");
    }

    @Test
    void anExportThatFailsOrNeverFinishesMustLoadNothing() {
        for (String[] args : List.of(
                new String[] {"--patients", "5", "--fail-export", "true"},
                new String[] {"--patients", "5", "--never-finish", "true", "--malformed-every", "2"})) {
            ExpectedOutcome expected = ExpectedOutcome.of(ServerOptions.parse(args));
            assertThat(expected.completes()).isFalse();
            assertThat(expected.resources()).isEmpty();
            assertThat(expected.rejected()).isEmpty();
        }
    }

    @Test
    void theSameSeedRejectsTheSameLinesAndAnotherSeedOthers() {
        String[] args = {"--patients", "50", "--types", "Observation", "--per-file", "100", "--malformed-every", "10"};
        ExpectedOutcome one = ExpectedOutcome.of(ServerOptions.parse(args));
        ExpectedOutcome again = ExpectedOutcome.of(ServerOptions.parse(args));
        String[] other = {
            "--seed", "7", "--patients", "50", "--types", "Observation", "--per-file", "100", "--malformed-every", "10"
        };

        assertThat(one.rejected()).isEqualTo(again.rejected()).hasSizeBetween(40, 130);
        assertThat(ExpectedOutcome.of(ServerOptions.parse(other)).rejected()).isNotEqualTo(one.rejected());
        assertThat(one.resourceCount() + one.rejected().size()).isEqualTo(800);
    }
}

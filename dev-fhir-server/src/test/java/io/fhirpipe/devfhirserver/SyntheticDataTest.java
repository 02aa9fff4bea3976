package io.fhirpipe.devfhirserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import io.fhirpipe.devfhirserver.seed.SyntheticData;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;

class SyntheticDataTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void sameSeedGivesIdenticalResources() {
        assertThat(encode(SyntheticData.generate(30, 7))).isEqualTo(encode(SyntheticData.generate(30, 7)));
    }

    @Test
    void otherSeedGivesOtherResources() {
        assertThat(encode(SyntheticData.generate(30, 7))).isNotEqualTo(encode(SyntheticData.generate(30, 8)));
    }

    @Test
    void patientsAreSplitIntoTransactionsOfTwentyFive() {
        SyntheticData data = SyntheticData.generate(60, 1);

        // directory + 3 patient batches (25, 25, 10) + groups
        assertThat(data.transactions()).hasSize(5);
        assertThat(data.transactions())
                .allSatisfy(b -> assertThat(b.getType()).isEqualTo(Bundle.BundleType.TRANSACTION));
        long patientsInThird = data.transactions().get(3).getEntry().stream()
                .filter(e -> e.getResource().fhirType().equals("Patient"))
                .count();
        assertThat(patientsInThird).isEqualTo(10);
        assertThat(data.counts().of("Patient")).isEqualTo(60);
    }

    @Test
    void smallGroupHoldsTheFirstFivePatients() {
        assertThat(SyntheticData.generate(60, 1).groupMembers(SyntheticData.SMALL_GROUP))
                .containsExactly("pt-00001", "pt-00002", "pt-00003", "pt-00004", "pt-00005");
        assertThat(SyntheticData.generate(3, 1).groupMembers(SyntheticData.SMALL_GROUP))
                .containsExactly("pt-00001", "pt-00002", "pt-00003");
    }

    @Test
    void everyEntryIsAPutOntoItsOwnId() {
        SyntheticData.generate(10, 3)
                .transactions()
                .forEach(bundle -> bundle.getEntry().forEach(entry -> {
                    assertThat(entry.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
                    assertThat(entry.getRequest().getUrl())
                            .isEqualTo(entry.getResource().fhirType() + "/"
                                    + entry.getResource().getIdElement().getIdPart());
                }));
    }

    @Test
    void refusesAnEmptyPopulation() {
        assertThatThrownBy(() -> SyntheticData.generate(0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<String> encode(SyntheticData data) {
        return data.transactions().stream()
                .map(b -> FHIR.newJsonParser().encodeResourceToString(b))
                .toList();
    }
}

package io.fhirpipe.loadgenerator.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.testsupport.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue #16 item 4 in CI: the short fault scenarios ({@code ./fhirpipe faults --short}) on the local
 * stack as processes. Each ends with source = warehouse by id and version, the rejected lines in
 * rejected/ with their reasons, the dead letters the fault causes and no other, and the export's status.
 */
class FaultSuiteTest {

    @Test
    void theShortScenariosLoseNothingDuplicateNothingAndTellTheTruth() throws Exception {
        Path target = Path.of("target").toAbsolutePath();
        Files.createDirectories(target);
        Path work = Files.createTempDirectory(target, "faults-");
        List<Outcome> outcomes =
                new FaultSuite(LocalStack.findRoot(), work, System.out).run(FaultSuiteMain.select(true, null));
        String table = FaultReport.table(outcomes);
        System.out.print(table);
        assertThat(outcomes)
                .as(table)
                .hasSize(FaultSuiteMain.select(true, null).size())
                .allMatch(Outcome::passed);
    }
}

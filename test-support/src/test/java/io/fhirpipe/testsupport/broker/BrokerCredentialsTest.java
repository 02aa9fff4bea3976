package io.fhirpipe.testsupport.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCredentialsTest {

    @Test
    void aWorkFolderKeepsItsCredentialsAcrossStartsReadableByTheOwnerOnly(@TempDir Path work) throws Exception {
        BrokerCredentials first = BrokerCredentials.inFolder(work);
        BrokerCredentials again = BrokerCredentials.inFolder(work);

        assertThat(again).isEqualTo(first);
        assertThat(first.password()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(BrokerCredentials.inFolder(work.resolve("other"))).isNotEqualTo(first);
        Path file = work.resolve(BrokerCredentials.FILE_NAME);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
    }

    @Test
    void theyTravelInTheEnvironmentAndNeverPrintThePassword() {
        BrokerCredentials credentials = BrokerCredentials.generate();
        Map<String, String> env = credentials.environment();

        assertThat(BrokerCredentials.fromEnvironment(env)).contains(credentials);
        assertThat(BrokerCredentials.fromEnvironment(Map.of())).isEmpty();
        assertThat(credentials.toString()).contains(credentials.username()).doesNotContain(credentials.password());
        assertThat(BrokerCredentials.generate().password()).isNotEqualTo(credentials.password());
    }
}

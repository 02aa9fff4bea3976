package io.fhirpipe.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryRootTest {

    @Test
    void walksUpToThePomThatListsTestSupport() throws Exception {
        Path root = RepositoryRoot.find();

        assertThat(Files.readString(root.resolve("pom.xml"))).contains("<module>test-support</module>");
        assertThat(RepositoryRoot.findFrom(root.resolve("test-support/src/main/java")))
                .isEqualTo(root);
    }

    @Test
    void failsNamingTheStartWhenThereIsNoRoot(@TempDir Path outside) throws Exception {
        Files.writeString(outside.resolve("pom.xml"), "<project><modules><module>other</module></modules></project>");
        assertThatThrownBy(() -> RepositoryRoot.findFrom(outside))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(outside.toString());
    }
}

package io.fhirpipe.loadgenerator.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFolderTest {

    @TempDir
    Path dir;

    @Test
    void aFolderTheCommandDidNotMakeIsNeverEmptied() throws Exception {
        Path work = dir.resolve("mine");
        Files.createDirectories(work);
        Files.writeString(work.resolve("thesis.txt"), "years of work");

        assertThatThrownBy(() -> WorkFolder.prepare(work, "load", name -> false))
                .hasMessageContaining("was not made by ./fhirpipe load");
        assertThat(work.resolve("thesis.txt")).hasContent("years of work");
    }

    @Test
    void itsOwnFolderIsEmptiedButForEarlierResultsAndTheStacksPids() throws Exception {
        Path work = dir.resolve("work");
        WorkFolder.prepare(work, "load", name -> name.startsWith("load-"));
        Files.createDirectories(work.resolve("azurite/data"));
        Files.writeString(work.resolve("azurite/data/blob"), "x");
        Files.writeString(work.resolve("load-1gb.txt"), "last run");
        Files.writeString(work.resolve("stack.pids"), "123");

        WorkFolder.prepare(work, "load", name -> name.startsWith("load-"));

        assertThat(work.resolve("azurite")).doesNotExist();
        assertThat(work.resolve("load-1gb.txt")).hasContent("last run");
        assertThat(work.resolve("stack.pids")).exists();
        // another command's folder is not this one's
        assertThatThrownBy(() -> WorkFolder.prepare(work, "freshness", name -> false))
                .isInstanceOf(IllegalStateException.class);
    }
}

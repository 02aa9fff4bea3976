package io.fhirpipe.testsupport.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeftoverProcessesTest {

    @TempDir
    Path work;

    static Process sleeper() throws Exception {
        return new ProcessBuilder("sleep", "120").start();
    }

    @Test
    void whatAKilledStackLeftRunningIsStoppedAtTheNextStartNewestFirst() throws Exception {
        Process broker = sleeper();
        Process service = sleeper();
        LeftoverProcesses first = LeftoverProcesses.in(work);
        first.record("artemis", broker.pid());
        first.record("export-trigger", service.pid());
        // the stack's JVM dies here: nothing calls forget()

        List<String> stopped = LeftoverProcesses.in(work).stopAll();

        assertThat(stopped)
                .containsExactly("export-trigger (pid " + service.pid() + ")", "artemis (pid " + broker.pid() + ")");
        assertThat(broker.isAlive()).isFalse();
        assertThat(service.isAlive()).isFalse();
        assertThat(work.resolve(LeftoverProcesses.FILE)).doesNotExist();
    }

    @Test
    void aRecordedPidNowHeldByAnotherProcessIsLeftAlone() throws Exception {
        Process other = sleeper();
        try {
            Files.writeString(work.resolve(LeftoverProcesses.FILE), "artemis " + other.pid() + " 12345\n");
            assertThat(LeftoverProcesses.in(work).stopAll()).isEmpty();
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aLeftoverIsStoppedWhenTheRecordedStartDiffersByTheBootTimesSecond() throws Exception {
        Process leftover = sleeper();
        try {
            long start = leftover.info().startInstant().orElseThrow().toEpochMilli();
            // as another JVM, reading /proc/stat's btime a second later, records it
            Files.writeString(
                    work.resolve(LeftoverProcesses.FILE), "artemis " + leftover.pid() + " " + (start + 1000) + "\n");
            assertThat(LeftoverProcesses.in(work).stopAll()).hasSize(1);
            assertThat(leftover.isAlive()).isFalse();
        } finally {
            leftover.destroyForcibly();
        }
        assertThat(LeftoverProcesses.sameStart(10_000, 12_001)).isFalse();
        assertThat(LeftoverProcesses.sameStart(10_000, -1)).isFalse();
    }

    @Test
    void aCleanStopLeavesNoRecord() throws Exception {
        Process p = sleeper();
        try {
            LeftoverProcesses processes = LeftoverProcesses.in(work);
            processes.record("azurite", p.pid());
            assertThat(work.resolve(LeftoverProcesses.FILE)).exists();
            processes.forget();
            assertThat(work.resolve(LeftoverProcesses.FILE)).doesNotExist();
            assertThat(LeftoverProcesses.in(work).stopAll()).isEmpty();
            assertThat(p.isAlive()).isTrue();
        } finally {
            p.destroyForcibly();
        }
    }
}

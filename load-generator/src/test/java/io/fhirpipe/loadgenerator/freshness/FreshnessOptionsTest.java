package io.fhirpipe.loadgenerator.freshness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FreshnessOptionsTest {

    private static final Path ROOT = Path.of("/checkout");

    private static FreshnessOptions parse(String... args) {
        return FreshnessOptions.parse(args, ROOT);
    }

    @Test
    void defaultsAreFiveMinutesOfWritesOnAThirtySecondSchedule() {
        FreshnessOptions o = parse();
        assertThat(o.minutes()).isEqualTo(Duration.ofMinutes(5));
        assertThat(o.cron()).isEqualTo("0/30 * * * * ?");
        assertThat(o.writeEvery()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.work()).isEqualTo(ROOT.resolve(".fhirpipe-freshness"));
        assertThat(o.targetP95()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void theIntervalBecomesASecondsOrMinutesCron() {
        assertThat(parse("--interval", "15s").cron()).isEqualTo("0/15 * * * * ?");
        assertThat(parse("--interval", "2m").cron()).isEqualTo("0 0/2 * * * ?");
        assertThat(parse("--interval", "60").cron()).isEqualTo("0 0/1 * * * ?");
        assertThat(parse("--minutes", "0.5", "--writes-per-minute", "120").writeEvery())
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void anIntervalACronCannotKeepIsRefused() {
        assertThatThrownBy(() -> parse("--interval", "45s")).hasMessageContaining("must divide a minute");
        assertThatThrownBy(() -> parse("--interval", "90s")).hasMessageContaining("must divide a minute");
        assertThatThrownBy(() -> parse("--interval", "soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> parse("--size", "1GB")).hasMessageContaining("unknown option --size");
        assertThatThrownBy(() -> parse("--minutes")).hasMessageContaining("expected --name value");
    }
}

package io.fhirpipe.loadgenerator.freshness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

    @Test
    void nearestRankGivesMeasuredValuesWhateverTheInputOrder() {
        List<Double> oneToTwenty = new ArrayList<>(
                IntStream.rangeClosed(1, 20).mapToObj(i -> (double) i).toList());
        java.util.Collections.reverse(oneToTwenty);
        assertThat(Percentiles.of(oneToTwenty)).isEqualTo(new Percentiles(20, 10, 19, 20));
        // 95 % of 21 is 19.95: the 20th value, not an interpolation between two
        List<Double> oneToTwentyOne =
                IntStream.rangeClosed(1, 21).mapToObj(i -> (double) i).toList();
        assertThat(Percentiles.of(oneToTwentyOne)).isEqualTo(new Percentiles(21, 11, 20, 21));
    }

    @Test
    void oneValueIsEveryPercentileAndNoValuesIsNone() {
        assertThat(Percentiles.of(List.of(42.5))).isEqualTo(new Percentiles(1, 42.5, 42.5, 42.5));
        assertThat(Percentiles.of(List.of()).count()).isZero();
        assertThat(Percentiles.of(List.of()).p95()).isNaN();
    }
}

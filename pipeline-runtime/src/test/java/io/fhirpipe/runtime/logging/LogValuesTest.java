package io.fhirpipe.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogValuesTest {

    @Test
    void lineBreaksAndControlCharactersCannotEndTheLine() {
        String forged = "landing\n2026-12-03 12:00:00,000 INFO  [io.fhirpipe] export x LOADED\r\u2028\u0000\u001b[31m";
        String quoted = LogValues.quoted(forged);
        assertThat(quoted)
                .doesNotContain("\n", "\r", "\u2028", "\u0000", "\u001b")
                .isEqualTo("\"landing\\n2026-12-03 12:00:00,000 INFO  [io.fhirpipe] export x LOADED\\r\\u2028"
                        + "\\u0000\\u001b[31m\"");
    }

    @Test
    void quotesAndBackslashesCannotCloseTheValue() {
        assertThat(LogValues.quoted("a\" status=\"LOADED\\")).isEqualTo("\"a\\\" status=\\\"LOADED\\\\\"");
        assertThat(LogValues.quoted(null)).isEqualTo("null");
    }

    @Test
    void bidiOverridesAreShownNotApplied() {
        assertThat(LogValues.quoted("abc\u202edcba")).isEqualTo("\"abc\\u202edcba\"");
    }

    @Test
    void freeTextKeepsItsQuotesButNotItsLineBreaks() {
        assertThat(LogValues.escaped("Unexpected character ('x') at\nline 2"))
                .isEqualTo("Unexpected character ('x') at\\nline 2");
    }

    @Test
    void longValuesAreCutAndSaySo() {
        assertThat(LogValues.quoted("x".repeat(5000)))
                .isEqualTo("\"" + "x".repeat(LogValues.MAX_LENGTH) + "…(5000 chars)\"");
    }

    @Test
    void ordinaryTextIsUnchanged() {
        assertThat(LogValues.quoted("landing/exp-1/Patient-0.ndjson")).isEqualTo("\"landing/exp-1/Patient-0.ndjson\"");
        assertThat(LogValues.quoted("Ünïcödé ok")).isEqualTo("\"Ünïcödé ok\"");
    }
}

package io.fhirpipe.ndjsonsplitter.chunking;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast recogniser may only skip Jackson for lines Jackson accepts; everything else must reach
 * Jackson so that outcomes and reasons stay Jackson's.
 */
class LineValidatorTest {

    private static final List<String> VALID = List.of(
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"}",
            " {\"id\":\"p1\" , \"resourceType\" : \"Patient\"}\t\r",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true,\"deceasedBoolean\":false,\"x\":null,"
                    + "\"n\":[0,-1,2.50,1e10,-3.2E-7,1E+2],\"name\":[{\"family\":\"Müller\",\"given\":[\"Zoë\",\"名\",\"😀\"]}],"
                    + "\"text\":{\"div\":\"<div>\\\"a\\\"\\\\ \\/ \\b\\f\\n\\r\\t \\u00e9</div>\"},\"empty\":{},\"list\":[],"
                    + "\"a\":{\"a\":{\"a\":[[{\"id\":1,\"resourceType\":2}]]}}}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"\":\"empty name\",\"meta\":{\"id\":\"x\",\"ID\":\"y\"}}");

    private static final List<String> FOR_JACKSON = List.of(
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"a\":1,\"a\":2}}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"res\\u006furceType\":\"Patient\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":01}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":1.}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":.5}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":+1}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":NaN}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"b\":truex}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"a\":[1,]}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"tab\there\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"\\x\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"\\u12G4\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",'s':1}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"} x",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"}{}",
            "{\"resourceType\":\"Patient\",\"id\":\"\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"  \"}",
            "{\"resourceType\":\"Patient\",\"id\":\"\\u0070\"}",
            "{\"resourceType\":\"Patient\",\"id\":7}",
            "{\"resourceType\":\"Observation\",\"id\":\"o1\"}",
            "{\"resourceType\":\"Pat\\u0069ent\",\"id\":\"p1\"}",
            "{\"resourceType\":\"Patient\"}",
            "{\"id\":\"p1\"}",
            "[{\"resourceType\":\"Patient\",\"id\":\"p1\"}]",
            "\uFEFF{\"resourceType\":\"Patient\",\"id\":\"p1\"}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"a\":" + "[".repeat(100) + "]".repeat(100) + "}");

    private final LineValidator validator = new LineValidator("Patient");

    @Test
    void onlyTheBundlesOfADeletedFileMayLackAnId() {
        byte[] bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(new LineValidator("Bundle", false).check(bundle, 0, bundle.length)).isNull();
        assertThat(new LineValidator("Bundle").check(bundle, 0, bundle.length)).isEqualTo("missing id");
        byte[] emptyId = "{\"resourceType\":\"Bundle\",\"id\":\"\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(new LineValidator("Bundle", false).check(emptyId, 0, emptyId.length)).isEqualTo("id is empty");
    }

    @Test
    void ordinaryValidLinesTakeTheFastPathAndJacksonAgrees() {
        for (String line : VALID) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertThat(validator.definitelyValid(bytes, 0, bytes.length)).as(line).isTrue();
            assertThat(validator.checkWithJackson(bytes, 0, bytes.length)).as(line).isNull();
            assertThat(validator.check(bytes, 0, bytes.length)).as(line).isNull();
        }
    }

    @Test
    void anythingUnusualIsLeftToJackson() {
        for (String line : FOR_JACKSON) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertThat(validator.definitelyValid(bytes, 0, bytes.length)).as(line).isFalse();
            assertThat(validator.check(bytes, 0, bytes.length)).as(line)
                    .isEqualTo(validator.checkWithJackson(bytes, 0, bytes.length));
        }
        byte[] badUtf8 = {'{', '"', 'r', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertThat(validator.definitelyValid(badUtf8, 0, badUtf8.length)).isFalse();
        byte[] overlong = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"..\"}".getBytes(StandardCharsets.UTF_8);
        overlong[overlong.length - 4] = (byte) 0xC0;
        overlong[overlong.length - 3] = (byte) 0xAF;
        assertThat(validator.definitelyValid(overlong, 0, overlong.length)).isFalse();
    }

    @Test
    void respectsTheGivenRangeOfTheBuffer() {
        byte[] bytes = "xx{\"resourceType\":\"Patient\",\"id\":\"p1\"}yy".getBytes(StandardCharsets.UTF_8);
        assertThat(validator.definitelyValid(bytes, 2, bytes.length - 4)).isTrue();
        assertThat(validator.definitelyValid(bytes, 2, bytes.length - 5)).isFalse();
        assertThat(validator.check(bytes, 2, bytes.length - 5)).startsWith("malformed JSON");
    }

    /** Random byte edits of valid lines: whenever the fast path vouches for one, Jackson must accept it. */
    @Test
    void theFastPathNeverAcceptsWhatJacksonRejects() {
        Random random = new Random(4);
        byte[] alphabet = "{}[]:,\"\\ \t\r0123456789-+.eEtrufalsn/bu\u00e9x".getBytes(StandardCharsets.UTF_8);
        int vouched = 0;
        for (int round = 0; round < 200_000; round++) {
            byte[] bytes = VALID.get(random.nextInt(VALID.size())).getBytes(StandardCharsets.UTF_8);
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = random.nextInt(bytes.length);
                int kind = random.nextInt(3);
                if (kind == 0) {
                    bytes[at] = alphabet[random.nextInt(alphabet.length)];
                } else if (kind == 1) {
                    bytes[at] = (byte) random.nextInt(256);
                } else {
                    byte[] shorter = new byte[bytes.length - 1];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                    bytes = shorter;
                }
            }
            if (validator.definitelyValid(bytes, 0, bytes.length)) {
                vouched++;
                assertThat(validator.checkWithJackson(bytes, 0, bytes.length))
                        .as(new String(bytes, StandardCharsets.UTF_8)).isNull();
            }
        }
        assertThat(vouched).as("mutations the fast path still accepted").isGreaterThan(1000);
    }
}

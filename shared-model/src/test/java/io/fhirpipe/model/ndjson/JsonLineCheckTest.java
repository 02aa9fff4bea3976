package io.fhirpipe.model.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The one line check of the splitter and the loader. The fast recogniser may only skip Jackson for
 * lines Jackson accepts; everything else must reach Jackson so that outcomes and reasons stay
 * Jackson's. (Merged from the splitter's LineValidatorTest and the loader's FastLineCheckTest.)
 */
class JsonLineCheckTest {

    private static final List<String> VALID = List.of(
            "{\"resourceType\":\"Patient\",\"id\":\"p1\"}",
            " {\"id\":\"p1\" , \"resourceType\" : \"Patient\"}\t\r",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"active\":true,\"deceasedBoolean\":false,\"x\":null,"
                    + "\"n\":[0,-1,2.50,1e10,-3.2E-7,1E+2],\"name\":[{\"family\":\"Müller\",\"given\":[\"Zoë\",\"名\",\"😀\"]}],"
                    + "\"text\":{\"div\":\"<div>\\\"a\\\"\\\\ \\/ \\b\\f\\n\\r\\t \\u00e9</div>\"},\"empty\":{},\"list\":[],"
                    + "\"a\":{\"a\":{\"a\":[[{\"id\":1,\"resourceType\":2}]]}}}",
            "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"\":\"empty name\",\"meta\":{\"id\":\"x\",\"ID\":\"y\"}}");

    /** A line with meta, escapes, UTF-8 and every kind of value, as the loader's screen sees most lines. */
    static final String ORDINARY = "{\"resourceType\":\"Patient\",\"id\":\"pat-1.a\",\"meta\":{\"versionId\":\"3\","
            + "\"lastUpdated\":\"2024-02-01T10:00:00.123+02:00\",\"tag\":[{\"code\":\"x\"}]},\"active\":true,"
            + "\"deceasedBoolean\":false,\"x\":null,\"multipleBirthInteger\":-0,\"n\":1.5e+10,"
            + "\"name\":[{\"family\":\"Müller 李 \\u00e9\\n\\\"q\\\"\",\"given\":[\"A\",\"B\"]}], \"empty\" : { } , \"a\":[ ]}";

    private static final List<String> FOR_JACKSON =
            List.of(
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"a\":1,\"a\":2}}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"res\\u006furceType\":\"Patient\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":01}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":1.}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":.5}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":+1}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"n\":NaN}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"b\":truex}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"x\":tru}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"a\":[1,]}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"tab\there\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"\\x\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"\\u12G4\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",'s':1}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\"} x",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\"}{}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\"} {}",
                    "{\"resourceType\":\"Patient\",\"id\":\"\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"  \"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"\\u0070\"}",
                    "{\"resourceType\":\"Patient\",\"id\":7}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"id\":\"q\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"has space\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(65) + "\"}",
                    "{\"resourceType\":\"Observation\",\"id\":\"o1\"}",
                    "{\"resourceType\":\"Pat\\u0069ent\",\"id\":\"p1\"}",
                    "{\"resource\\u0054ype\":\"Patient\",\"id\":\"p\"}",
                    "{\"resourceType\":\"Patient\"}",
                    "{\"id\":\"p1\"}",
                    "[{\"resourceType\":\"Patient\",\"id\":\"p1\"}]",
                    "\uFEFF{\"resourceType\":\"Patient\",\"id\":\"p1\"}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\"",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-31T00:00:00Z\"}}", // day > 28
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-13-01T00:00:00Z\"}}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-01\"}}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00\\u005a\"}}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"versionId\":1}}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "1".repeat(200) + "}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"a\":" + "[".repeat(100) + "]".repeat(100) + "}",
                    "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}");

    private final JsonLineCheck check = JsonLineCheck.resources("Patient", "chunk");

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    String reason(JsonLineCheck c, String line) {
        byte[] bytes = utf8(line);
        return c.check(bytes, 0, bytes.length);
    }

    @Test
    void ordinaryValidLinesTakeTheFastPathAndJacksonAgrees() {
        List<String> lines = new ArrayList<>(VALID);
        lines.addAll(List.of(
                ORDINARY,
                "  {\"id\":\"p3\", \"resourceType\":\"Patient\", \"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00Z\"}}\t",
                "{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(64)
                        + "\",\"meta\":\"not an object is skipped\"}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"versionId\":\"\\u0031\"}}"));
        for (String line : lines) {
            byte[] bytes = utf8(line);
            assertThat(check.definitelyValid(bytes, 0, bytes.length)).as(line).isTrue();
            assertThat(check.checkWithJackson(bytes, 0, bytes.length)).as(line).isNull();
            assertThat(check.check(bytes, 0, bytes.length)).as(line).isNull();
        }
    }

    @Test
    void anythingUnusualIsLeftToJackson() {
        for (String line : FOR_JACKSON) {
            byte[] bytes = utf8(line);
            assertThat(check.definitelyValid(bytes, 0, bytes.length)).as(line).isFalse();
            assertThat(check.check(bytes, 0, bytes.length))
                    .as(line)
                    .isEqualTo(check.checkWithJackson(bytes, 0, bytes.length));
        }
        // Jackson still accepts the ones that are fine, so the answer does not depend on the fast path
        for (String fine : List.of(
                "{\"resourceType\":\"Patient\",\"id\":\"\\u0070\"}",
                "{\"resourceType\":\"Pat\\u0069ent\",\"id\":\"p1\"}",
                "{\"resource\\u0054ype\":\"Patient\",\"id\":\"p\"}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-31T00:00:00Z\"}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00\\u005a\"}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "1".repeat(200) + "}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}")) {
            assertThat(reason(check, fine)).as(fine).isNull();
        }
        assertThat(reason(check, FOR_JACKSON.get(0)))
                .startsWith("malformed JSON")
                .contains("Duplicate field");
    }

    @Test
    void invalidUtf8IsNotVouchedFor() {
        byte[] badUtf8 = {'{', '"', 'r', '"', ':', '"', (byte) 0xC3, '"', '}'};
        assertThat(check.definitelyValid(badUtf8, 0, badUtf8.length)).isFalse();
        byte[] overlong = utf8("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"s\":\"..\"}");
        overlong[overlong.length - 4] = (byte) 0xC0;
        overlong[overlong.length - 3] = (byte) 0xAF;
        assertThat(check.definitelyValid(overlong, 0, overlong.length)).isFalse();
        byte[] prefix = utf8("{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":\"");
        byte[][] bad = {
            {(byte) 0xC0, (byte) 0x80},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xFF},
            {(byte) 0xE2, (byte) 0x82},
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}
        };
        for (byte[] seq : bad) {
            byte[] line = new byte[prefix.length + seq.length + 2];
            System.arraycopy(prefix, 0, line, 0, prefix.length);
            System.arraycopy(seq, 0, line, prefix.length, seq.length);
            line[line.length - 2] = '"';
            line[line.length - 1] = '}';
            assertThat(check.definitelyValid(line, 0, line.length)).isFalse();
        }
    }

    @Test
    void respectsTheGivenRangeOfTheBuffer() {
        byte[] bytes = utf8("xx{\"resourceType\":\"Patient\",\"id\":\"p1\"}yy");
        assertThat(check.definitelyValid(bytes, 2, bytes.length - 4)).isTrue();
        assertThat(check.definitelyValid(bytes, 2, bytes.length - 5)).isFalse();
        assertThat(check.check(bytes, 2, bytes.length - 5)).startsWith("malformed JSON");
    }

    @Test
    void everyReasonIsOneOfOneSet() {
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"p2\"")).startsWith("malformed JSON");
        assertThat(reason(check, "not json at all")).startsWith("malformed JSON");
        assertThat(reason(check, "{\"resourceType\":\"Observation\",\"id\":\"o1\"}"))
                .isEqualTo("resourceType 'Observation' is not the chunk's type 'Patient'");
        assertThat(reason(
                        JsonLineCheck.resources("Patient", "file"), "{\"resourceType\":\"Observation\",\"id\":\"o1\"}"))
                .isEqualTo("resourceType 'Observation' is not the file's type 'Patient'");
        assertThat(reason(check, "{\"resourceType\":7,\"id\":\"p\"}")).isEqualTo("resourceType is not a string");
        assertThat(reason(check, "{\"resourceType\":\"Patient\"}")).isEqualTo("missing id");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":7}")).isEqualTo("id is not a string");
        assertThat(reason(check, "{\"id\":\"p5\"}")).isEqualTo("missing resourceType");
        assertThat(reason(check, "[1,2]")).isEqualTo("not a JSON object");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"a\"} {\"id\":\"b\"}"))
                .isEqualTo("more than one JSON value on the line");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"\"}")).isEqualTo("id is empty");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"  \"}"))
                .isEqualTo("id is empty");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"has space\"}"))
                .isEqualTo("id is not a FHIR id (1-64 of A-Z a-z 0-9 - .)");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(65) + "\"}"))
                .isEqualTo("id is not a FHIR id (1-64 of A-Z a-z 0-9 - .)");
        assertThat(reason(
                        check, "{\"resourceType\":\"Patient\",\"id\":\"t\",\"meta\":{\"lastUpdated\":\"yesterday\"}}"))
                .isEqualTo("meta.lastUpdated is not a FHIR instant");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"t\",\"meta\":{\"versionId\":1}}"))
                .isEqualTo("meta.versionId is not a string");
        assertThat(reason(check, "{\"resourceType\":\"Patient\",\"id\":\"p8\",\"id\":\"p9\"}"))
                .startsWith("malformed JSON")
                .contains("Duplicate field");
        String deep = "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}";
        assertThat(reason(check, deep)).startsWith("malformed JSON").contains("nesting depth");
    }

    @Test
    void onlyTheBundlesOfADeletedFileMayLackAnId() {
        JsonLineCheck bundles = JsonLineCheck.deletedBundles();
        byte[] bundle = utf8("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]}");
        assertThat(bundles.definitelyValid(bundle, 0, bundle.length)).isTrue();
        assertThat(bundles.check(bundle, 0, bundle.length)).isNull();
        assertThat(bundles.checkWithJackson(bundle, 0, bundle.length)).isNull();
        assertThat(JsonLineCheck.resources("Bundle", "file").check(bundle, 0, bundle.length))
                .isEqualTo("missing id");
        assertThat(reason(bundles, "{\"resourceType\":\"Bundle\",\"id\":\"\"}")).isEqualTo("id is empty");
        assertThat(reason(bundles, "{\"resourceType\":\"Bundle\",\"id\":7}")).isEqualTo("id is not a string");
        // The Bundle's own id and meta are not read: any non-empty id and any meta will do.
        assertThat(reason(
                        bundles,
                        "{\"resourceType\":\"Bundle\",\"id\":\"urn:uuid:1 2\",\"meta\":{\"lastUpdated\":\"x\"}}"))
                .isNull();
        assertThat(reason(bundles, "{\"resourceType\":\"Patient\",\"id\":\"p\"}"))
                .isEqualTo(JsonLineCheck.NOT_A_BUNDLE);
        assertThat(reason(bundles, "{\"resourceType\":\"Bundle\",\"entry\":[]} {}"))
                .isEqualTo("more than one JSON value on the line");
        assertThat(reason(bundles, "{\"resourceType\":\"Bundle\",\"entry\":[],\"entry\":[]}"))
                .startsWith("malformed JSON");
    }

    @Test
    void theLimitsOnlyDecideWhoChecks() {
        String depth64 = "{\"resourceType\":\"Patient\",\"id\":\"p\",\"a\":" + "[".repeat(63) + "]".repeat(63) + "}";
        String depth65 = "{\"resourceType\":\"Patient\",\"id\":\"p\",\"a\":" + "[".repeat(64) + "]".repeat(64) + "}";
        String number100 =
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"n\":" + "1".repeat(JsonLineCheck.MAX_NUMBER) + "}";
        String number101 =
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"n\":" + "1".repeat(JsonLineCheck.MAX_NUMBER + 1) + "}";
        String longLine = "{\"resourceType\":\"Patient\",\"id\":\"p\",\"s\":\""
                + "x".repeat(JsonLineCheck.MAX_LINE_BYTES) + "\"}";
        StringBuilder manyNames = new StringBuilder("{\"resourceType\":\"Patient\",\"id\":\"p\"");
        for (int k = 0; k < 62; k++) {
            manyNames.append(",\"k").append(k).append("\":1");
        }
        String names64 = manyNames + "}";
        String names65 = manyNames + ",\"k62\":1}";
        for (String vouched : List.of(depth64, number100, names64)) {
            byte[] bytes = utf8(vouched);
            assertThat(check.definitelyValid(bytes, 0, bytes.length)).isTrue();
        }
        for (String slow : List.of(depth65, number101, longLine, names65)) {
            byte[] bytes = utf8(slow);
            assertThat(check.definitelyValid(bytes, 0, bytes.length)).isFalse();
            assertThat(check.check(bytes, 0, bytes.length)).isNull();
        }
    }

    @Test
    void aSoftDeletedMarkIsFoundInMetaOnly() throws Exception {
        String mark =
                "\"extension\":[{\"url\":\"" + JsonLineCheck.SOFT_DELETED_URL + "\",\"valueString\":\"soft-deleted\"}]";
        String marked = "{\"resourceType\":\"Patient\",\"id\":\"p1\",\"meta\":{\"versionId\":\"2\","
                + "\"lastUpdated\":\"2024-03-01T10:00:00+01:00\"," + mark + "}}";
        byte[] bytes = utf8(marked);
        assertThat(check.check(bytes, 0, bytes.length)).isNull();
        assertThat(check.softDeletion(bytes, 0, bytes.length))
                .isEqualTo(new JsonLineCheck.SoftDeletion("p1", Instant.parse("2024-03-01T09:00:00Z")));

        // the same line through Jackson (a day the fast path leaves to it), and without lastUpdated
        byte[] slow = utf8(marked.replace("2024-03-01", "2024-03-31"));
        assertThat(check.check(slow, 0, slow.length)).isNull();
        assertThat(check.softDeletion(slow, 0, slow.length))
                .isEqualTo(new JsonLineCheck.SoftDeletion("p1", Instant.parse("2024-03-31T09:00:00Z")));
        byte[] noTime = utf8("{\"resourceType\":\"Patient\",\"id\":\"p2\",\"meta\":{" + mark + "}}");
        assertThat(check.check(noTime, 0, noTime.length)).isNull();
        assertThat(check.softDeletion(noTime, 0, noTime.length)).isEqualTo(new JsonLineCheck.SoftDeletion("p2", null));

        // elsewhere than meta.extension, or another state, it is no mark
        for (String unmarked : List.of(
                "{\"resourceType\":\"Patient\",\"id\":\"p3\"," + mark + "}",
                "{\"resourceType\":\"Patient\",\"id\":\"p3\",\"text\":{\"div\":\"" + JsonLineCheck.SOFT_DELETED_URL
                        + "\"}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p3\",\"meta\":{" + mark.replace("soft-deleted", "active")
                        + "}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p3\"}")) {
            byte[] line = utf8(unmarked);
            assertThat(check.check(line, 0, line.length)).as(unmarked).isNull();
            assertThat(check.softDeletion(line, 0, line.length)).as(unmarked).isNull();
        }
    }

    /** Random byte edits of valid lines: whenever the fast path vouches for one, Jackson must accept it. */
    @Test
    void theFastPathNeverAcceptsWhatJacksonRejects() {
        Random random = new Random(4);
        byte[] alphabet = utf8("{}[]:,\"\\ \t\r0123456789-+.eEtrufalsn/bu\u00e9xZT");
        List<String> bases = new ArrayList<>(VALID);
        bases.add(ORDINARY);
        JsonLineCheck bundles = JsonLineCheck.deletedBundles();
        String bundle = "{\"resourceType\":\"Bundle\",\"id\":\"b1\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                + "{\"method\":\"DELETE\",\"url\":\"Patient/p1\"}}]}";
        int vouched = 0;
        List<String> wrong = new ArrayList<>();
        for (int round = 0; round < 300_000; round++) {
            boolean bundleRound = round % 10 == 0;
            JsonLineCheck c = bundleRound ? bundles : check;
            byte[] bytes = utf8(bundleRound ? bundle : bases.get(random.nextInt(bases.size())));
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
            if (c.definitelyValid(bytes, 0, bytes.length)) {
                vouched++;
                if (c.checkWithJackson(bytes, 0, bytes.length) != null) {
                    wrong.add(new String(bytes, StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(vouched).as("mutations the fast path still accepted").isGreaterThan(1000);
    }
}

package io.fhirpipe.synapseloader.lines;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The byte scan must accept ordinary lines and never accept a line the Jackson check rejects. */
class FastLineCheckTest {

    static final byte[] PATIENT = FastLineCheck.utf8("Patient");

    static final String ORDINARY = "{\"resourceType\":\"Patient\",\"id\":\"pat-1.a\",\"meta\":{\"versionId\":\"3\","
            + "\"lastUpdated\":\"2024-02-01T10:00:00.123+02:00\",\"tag\":[{\"code\":\"x\"}]},\"active\":true,"
            + "\"deceasedBoolean\":false,\"x\":null,\"multipleBirthInteger\":-0,\"n\":1.5e+10,"
            + "\"name\":[{\"family\":\"Müller 李 \\u00e9\\n\\\"q\\\"\",\"given\":[\"A\",\"B\"]}], \"empty\" : { } , \"a\":[ ]}";

    static boolean fast(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return FastLineCheck.accepts(b, 0, b.length, PATIENT);
    }

    static String jackson(String line) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        return ResourceLineScreen.check(b, 0, b.length, "Patient");
    }

    @Test
    void ordinaryLinesAreAcceptedWithoutJackson() {
        List<String> lines = List.of(ORDINARY,
                "{\"resourceType\":\"Patient\",\"id\":\"p2\"}",
                "  {\"id\":\"p3\", \"resourceType\":\"Patient\", \"meta\":{\"lastUpdated\":\"2024-01-01T00:00:00Z\"}}\t",
                "{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(64) + "\",\"meta\":\"not an object is skipped\"}");
        for (String line : lines) {
            assertThat(jackson(line)).as(line).isNull();
            assertThat(fast(line)).as(line).isTrue();
        }
    }

    @Test
    void linesItCannotVouchForGoToJackson() {
        List<String> notSure = List.of(
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"a\":{\"k\":1,\"k\":2}}",           // nested duplicate
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"id\":\"q\"}",                       // duplicate id
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":01}",                           // leading zero
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":1.}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":\"tab\tinside\"}",              // control char
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":\"\\x\"}",                      // bad escape
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":tru}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":[1,]}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\"} {}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\"",
                "{\"resource\\u0054ype\":\"Patient\",\"id\":\"p\"}",                             // escaped key
                "{\"resourceType\":\"Pat\\u0069ent\",\"id\":\"p\"}",                             // escaped value
                "{\"resourceType\":\"Observation\",\"id\":\"p\"}",
                "{\"resourceType\":\"Patient\",\"id\":\"has space\"}",
                "{\"resourceType\":\"Patient\",\"id\":\"" + "a".repeat(65) + "\"}",
                "{\"resourceType\":\"Patient\",\"id\":7}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-31T00:00:00Z\"}}", // day > 28
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-13-01T00:00:00Z\"}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"lastUpdated\":\"2024-01-01\"}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"meta\":{\"versionId\":1}}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "1".repeat(200) + "}",
                "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":" + "[".repeat(300) + "]".repeat(300) + "}",
                "[{\"resourceType\":\"Patient\",\"id\":\"p\"}]");
        for (String line : notSure) {
            assertThat(fast(line)).as(line).isFalse();
        }
        // Jackson still accepts the ones that are fine, so the screen's answer does not change
        assertThat(jackson(notSure.get(12))).isNull();
        assertThat(jackson(notSure.get(17))).isNull();
        assertThat(jackson(notSure.get(0))).startsWith("malformed JSON");
    }

    @Test
    void invalidUtf8IsNotVouchedFor() {
        byte[] prefix = "{\"resourceType\":\"Patient\",\"id\":\"p\",\"x\":\"".getBytes(StandardCharsets.UTF_8);
        byte[][] bad = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xFF},
                {(byte) 0xE2, (byte) 0x82}, {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] seq : bad) {
            byte[] line = new byte[prefix.length + seq.length + 2];
            System.arraycopy(prefix, 0, line, 0, prefix.length);
            System.arraycopy(seq, 0, line, prefix.length, seq.length);
            line[line.length - 2] = '"';
            line[line.length - 1] = '}';
            assertThat(FastLineCheck.accepts(line, 0, line.length, PATIENT)).isFalse();
        }
    }

    /** Random byte edits of good lines: whatever the scan accepts, Jackson accepts too. */
    @Test
    void neverAcceptsWhatJacksonRejects() {
        Random random = new Random(42);
        byte[] alphabet = "{}[]\":,\\ 0123456789-+.eEtrufalsn\u00e9xZT".getBytes(StandardCharsets.UTF_8);
        byte[] base = ORDINARY.getBytes(StandardCharsets.UTF_8);
        int fastAccepted = 0;
        List<String> wrong = new ArrayList<>();
        for (int n = 0; n < 100_000; n++) {
            byte[] line = base.clone();
            int edits = 1 + random.nextInt(3);
            for (int e = 0; e < edits; e++) {
                line[random.nextInt(line.length)] = random.nextInt(10) == 0 ? (byte) random.nextInt(256)
                        : alphabet[random.nextInt(alphabet.length)];
            }
            if (FastLineCheck.accepts(line, 0, line.length, PATIENT)) {
                fastAccepted++;
                if (ResourceLineScreen.check(line, 0, line.length, "Patient") != null) {
                    wrong.add(new String(line, StandardCharsets.UTF_8));
                }
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(fastAccepted).isGreaterThan(1000);
    }
}

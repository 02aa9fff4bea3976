package io.fhirpipe.ndjsonsplitter.chunking;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Checks that one NDJSON line is exactly one JSON object with a string {@code resourceType} equal
 * to the file's type and a non-empty string {@code id}, with no duplicate field name in any object.
 *
 * <p>Jackson's streaming parser (with strict duplicate detection) is the authority and gives every
 * reason. It costs a parser, contexts and hash sets per line, which made validation the splitter's
 * bottleneck, so a line is first run through {@link #definitelyValid}: a single-pass, allocation-free
 * recogniser of a strict subset of what Jackson accepts (RFC 8259 JSON, strictly valid UTF-8, no
 * escapes in names / {@code resourceType} / {@code id}, bounded depth, names and numbers). Only when
 * it says "valid" is Jackson skipped; on anything unusual — including every invalid line — Jackson
 * decides, so the outcome and the reason are always Jackson's. Not thread-safe: one per thread.
 */
public final class LineValidator {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Far below Jackson's StreamReadConstraints (nesting 500+, numbers 1000, names 50000, strings 20M chars). */
    private static final int MAX_DEPTH = 64;
    private static final int MAX_NUMBER = 64;
    private static final int MAX_NAME = 256;
    private static final int MAX_STRING = 4 * 1024 * 1024;
    /** Names of the objects currently open; an object with more than fits goes to Jackson. */
    private static final int MAX_OPEN_NAMES = 512;
    private static final int MAX_NAMES_PER_OBJECT = 64;

    private static final byte[] RESOURCE_TYPE = "resourceType".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);

    private final String expectedResourceType;
    private final byte[] expectedResourceTypeBytes;
    private final boolean idRequired;

    // State of the fast recogniser (one line at a time).
    private byte[] b;
    private int end;
    private final int[] nameStart = new int[MAX_OPEN_NAMES];
    private final int[] nameLength = new int[MAX_OPEN_NAMES];
    private final int[] nameHash = new int[MAX_OPEN_NAMES];
    private int names;
    private boolean sawResourceType;
    private boolean sawId;

    public LineValidator(String expectedResourceType) {
        this(expectedResourceType, true);
    }

    /**
     * @param idRequired false for the Bundles of a deleted-resources file: the Bulk Data specification
     *                   does not require them to have an id (their entries name what was deleted)
     */
    public LineValidator(String expectedResourceType, boolean idRequired) {
        this.expectedResourceType = expectedResourceType;
        this.expectedResourceTypeBytes = expectedResourceType.getBytes(StandardCharsets.UTF_8);
        this.idRequired = idRequired;
    }

    /** @return null when the line is valid, else the reason it is not */
    public String check(byte[] buffer, int offset, int length) {
        if (definitelyValid(buffer, offset, length)) {
            return null;
        }
        return checkWithJackson(buffer, offset, length);
    }

    /** The authoritative check (every line the fast path does not vouch for). */
    String checkWithJackson(byte[] buffer, int offset, int length) {
        try (JsonParser parser = FACTORY.createParser(buffer, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return "not a JSON object";
            }
            String resourceType = null;
            String id = null;
            boolean idPresent = false;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("resourceType".equals(name)) {
                    if (value != JsonToken.VALUE_STRING) {
                        return "resourceType is not a string";
                    }
                    resourceType = parser.getText();
                } else if ("id".equals(name)) {
                    idPresent = true;
                    if (value != JsonToken.VALUE_STRING) {
                        return "id is not a string";
                    }
                    id = parser.getText();
                } else {
                    parser.skipChildren();
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return "malformed JSON: unexpected " + token;
            }
            if (parser.nextToken() != null) {
                return "more than one JSON value on the line";
            }
            if (resourceType == null) {
                return "missing resourceType";
            }
            if (!resourceType.equals(expectedResourceType)) {
                return "resourceType '" + resourceType + "' is not the file's type '" + expectedResourceType + "'";
            }
            if (!idPresent) {
                return idRequired ? "missing id" : null;
            }
            if (id.isBlank()) {
                return "id is empty";
            }
            return null;
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "unreadable line: " + e.getMessage();
        }
    }

    /**
     * True only if the line is certainly valid (Jackson would return null for it). False means
     * "ask Jackson", not "invalid".
     */
    boolean definitelyValid(byte[] buffer, int offset, int length) {
        b = buffer;
        end = offset + length;
        names = 0;
        sawResourceType = false;
        sawId = false;
        try {
            int i = skipWs(offset);
            if (i >= end || b[i] != '{') {
                return false;
            }
            i = object(i, 1, true);
            return i != FAIL && skipWs(i) == end && sawResourceType && sawId;
        } finally {
            b = null;
        }
    }

    // The recogniser's methods take the position of their first byte and return the position after
    // what they recognised, or FAIL.
    private static final int FAIL = -1;

    private int skipWs(int i) {
        byte[] b = this.b;
        int end = this.end;
        while (i < end) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                break;
            }
            i++;
        }
        return i;
    }

    /** At '{'. */
    private int object(int i, int depth, boolean top) {
        if (depth > MAX_DEPTH) {
            return FAIL;
        }
        byte[] b = this.b;
        int end = this.end;
        int first = names;
        i = skipWs(i + 1);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            if (i >= end || b[i] != '"') {
                return FAIL;
            }
            int nameStart = i + 1;
            i = plainString(i);
            if (i == FAIL || !name(first, nameStart, i - 1)) {
                return FAIL;
            }
            i = skipWs(i);
            if (i >= end || b[i] != ':') {
                return FAIL;
            }
            i = skipWs(i + 1);
            if (i >= end) {
                return FAIL;
            }
            int nameLength = this.nameLength[names - 1];
            if (top && nameLength == RESOURCE_TYPE.length && isName(nameStart, RESOURCE_TYPE)) {
                if (b[i] != '"') {
                    return FAIL;
                }
                int valueStart = i + 1;
                i = plainString(i);
                if (i == FAIL || !equalsRange(valueStart, i - 1, expectedResourceTypeBytes)) {
                    return FAIL;
                }
                sawResourceType = true;
            } else if (top && nameLength == ID.length && isName(nameStart, ID)) {
                if (b[i] != '"') {
                    return FAIL;
                }
                int valueStart = i + 1;
                i = plainString(i);
                if (i == FAIL || !hasVisibleAscii(valueStart, i - 1)) {
                    return FAIL;
                }
                sawId = true;
            } else {
                i = value(i, depth);
                if (i == FAIL) {
                    return FAIL;
                }
            }
            i = skipWs(i);
            if (i >= end) {
                return FAIL;
            }
            byte c = b[i++];
            if (c == '}') {
                names = first;
                return i;
            }
            if (c != ',') {
                return FAIL;
            }
            i = skipWs(i);
        }
    }

    /** At '['. */
    private int array(int i, int depth) {
        if (depth > MAX_DEPTH) {
            return FAIL;
        }
        byte[] b = this.b;
        int end = this.end;
        i = skipWs(i + 1);
        if (i < end && b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = value(i, depth);
            if (i == FAIL) {
                return FAIL;
            }
            i = skipWs(i);
            if (i >= end) {
                return FAIL;
            }
            byte c = b[i++];
            if (c == ']') {
                return i;
            }
            if (c != ',') {
                return FAIL;
            }
            i = skipWs(i);
        }
    }

    /** A value inside a container at {@code depth}. */
    private int value(int i, int depth) {
        if (i >= end) {
            return FAIL;
        }
        switch (b[i]) {
            case '"':
                return string(i);
            case '{':
                return object(i, depth + 1, false);
            case '[':
                return array(i, depth + 1);
            case 't':
                return literal(i, TRUE);
            case 'f':
                return literal(i, FALSE);
            case 'n':
                return literal(i, NULL);
            default:
                return number(i);
        }
    }

    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private int literal(int i, byte[] word) {
        int to = i + word.length;
        if (to <= end && java.util.Arrays.equals(b, i, to, word, 0, word.length) && after(to)) {
            return to;
        }
        return FAIL;
    }

    /** A scalar must be followed by whitespace, a separator or a closer (else Jackson decides). */
    private boolean after(int i) {
        if (i >= end) {
            return true;
        }
        byte c = b[i];
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private int number(int i) {
        byte[] b = this.b;
        int end = this.end;
        int start = i;
        if (b[i] == '-') {
            i++;
        }
        if (i >= end) {
            return FAIL;
        }
        byte c = b[i];
        if (c == '0') {
            i++;
        } else if (c >= '1' && c <= '9') {
            i = digits(i + 1);
        } else {
            return FAIL;
        }
        if (i < end && b[i] == '.') {
            int from = i + 1;
            i = digits(from);
            if (i == from) {
                return FAIL;
            }
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            int from = i;
            i = digits(from);
            if (i == from) {
                return FAIL;
            }
        }
        return i - start <= MAX_NUMBER && after(i) ? i : FAIL;
    }

    private int digits(int i) {
        byte[] b = this.b;
        int end = this.end;
        while (i < end && b[i] >= '0' && b[i] <= '9') {
            i++;
        }
        return i;
    }

    /** A string value at '"': escapes allowed (and checked); returns the position past the closing quote. */
    private int string(int i) {
        byte[] b = this.b;
        int end = this.end;
        int start = ++i;
        while (true) {
            byte c = 0;
            while (i < end && (c = b[i]) >= 0x20 && c != '"' && c != '\\') {
                i++;
            }
            if (i >= end) {
                return FAIL;
            }
            if (c == '"') {
                return i + 1 - start <= MAX_STRING ? i + 1 : FAIL;
            }
            if (c == '\\') {
                i = escape(i);
            } else if (c < 0) {
                i = utf8(i);
            } else {
                return FAIL; // unescaped control character
            }
            if (i == FAIL) {
                return FAIL;
            }
        }
    }

    /** A string at '"' without escapes, short enough to be materialised; returns the position past the closing quote. */
    private int plainString(int i) {
        byte[] b = this.b;
        int end = this.end;
        int start = ++i;
        while (true) {
            byte c = 0;
            while (i < end && (c = b[i]) >= 0x20 && c != '"' && c != '\\') {
                i++;
            }
            if (i >= end) {
                return FAIL;
            }
            if (c == '"') {
                return i - start <= MAX_NAME ? i + 1 : FAIL;
            }
            if (c >= 0) {
                return FAIL;
            }
            i = utf8(i);
            if (i == FAIL) {
                return FAIL;
            }
        }
    }

    /** Records the name [start, to) of the object whose names begin at {@code first}; false if it is a duplicate. */
    private boolean name(int first, int start, int to) {
        int length = to - start;
        if (names - first >= MAX_NAMES_PER_OBJECT || names >= MAX_OPEN_NAMES) {
            return false;
        }
        byte[] b = this.b;
        int hash = length == 0 ? 0 : (length << 16) ^ (b[start] << 8) ^ b[to - 1];
        for (int k = first; k < names; k++) {
            if (nameHash[k] == hash && nameLength[k] == length
                    && java.util.Arrays.equals(b, nameStart[k], nameStart[k] + length, b, start, to)) {
                return false; // duplicate: Jackson words the reason
            }
        }
        nameStart[names] = start;
        nameLength[names] = length;
        nameHash[names] = hash;
        names++;
        return true;
    }

    private boolean isName(int start, byte[] expected) {
        return java.util.Arrays.equals(b, start, start + expected.length, expected, 0, expected.length);
    }

    private boolean equalsRange(int from, int to, byte[] expected) {
        return to - from == expected.length && java.util.Arrays.equals(b, from, to, expected, 0, expected.length);
    }

    /** Not blank for {@link String#isBlank()}: some printable ASCII character other than space. */
    private boolean hasVisibleAscii(int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] > 0x20 && b[i] < 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** At '\\'. */
    private int escape(int i) {
        if (i + 1 >= end) {
            return FAIL;
        }
        switch (b[i + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return i + 2;
            }
            case 'u' -> {
                if (i + 6 > end) {
                    return FAIL;
                }
                for (int k = i + 2; k < i + 6; k++) {
                    if (Character.digit(b[k], 16) < 0) {
                        return FAIL;
                    }
                }
                return i + 6;
            }
            default -> {
                return FAIL;
            }
        }
    }

    /** At a byte >= 0x80: one strictly valid UTF-8 sequence (no overlongs, surrogates or > U+10FFFF). */
    private int utf8(int i) {
        int c = b[i] & 0xff;
        int need;
        int lo = 0x80;
        int hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            if (c == 0xe0) {
                lo = 0xa0;
            } else if (c == 0xed) {
                hi = 0x9f;
            }
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            if (c == 0xf0) {
                lo = 0x90;
            } else if (c == 0xf4) {
                hi = 0x8f;
            }
        } else {
            return FAIL;
        }
        if (i + need >= end) {
            return FAIL;
        }
        int second = b[i + 1] & 0xff;
        if (second < lo || second > hi) {
            return FAIL;
        }
        for (int k = 2; k <= need; k++) {
            int next = b[i + k] & 0xff;
            if (next < 0x80 || next > 0xbf) {
                return FAIL;
            }
        }
        return i + need + 1;
    }
}

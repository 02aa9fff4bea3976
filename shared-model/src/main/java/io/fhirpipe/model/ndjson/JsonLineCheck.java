package io.fhirpipe.model.ndjson;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The one check of an NDJSON line, shared by the splitter (so that a chunk holds only lines that
 * load) and the loader (which screens every chunk again: a {@code chunk.ready} can be posted by
 * hand, and one bad line must not fail DuckDB's or COPY INTO's bulk read of the whole chunk).
 *
 * <p>A resource line is valid when it is exactly one JSON object (RFC 8259, no duplicate name in any
 * object) whose {@code resourceType} is a string equal to the expected type, whose {@code id} is a
 * FHIR id, and whose {@code meta.lastUpdated} (if any) is an instant and {@code meta.versionId} (if
 * any) a string: what the raw table and the latest-version rule need. A line of a deleted-resources
 * file must be such an object with {@code resourceType} {@code Bundle}; its {@code id} is optional
 * (the Bulk Data specification does not require one; its entries name what was deleted).
 *
 * <p>Jackson's streaming parser with strict duplicate detection is the authority and gives every
 * reason; what it accepts is bounded by its default {@code StreamReadConstraints} (nesting 1000,
 * numbers 1000 characters, names 50,000, strings 20 M characters). It costs a parser, contexts and
 * hash sets per line, so a line is first run through {@link #definitelyValid}: a single-pass,
 * allocation-free recogniser of a strict subset (strictly valid UTF-8, no escapes in names or in the
 * values the check reads, and the limits below). Only when it says "valid" is Jackson skipped; on
 * anything unusual, including every invalid line, Jackson decides, so the outcome and the reason are
 * always Jackson's. Not thread-safe: one per thread (it is cheap to make).
 */
public final class JsonLineCheck {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    // The one set of limits of the fast recogniser. A line beyond them is not rejected, only left to
    // Jackson; each is far below Jackson's own constraint, so the recogniser never vouches for a line
    // Jackson would refuse for its size.
    /** Deeper nesting (FHIR resources rarely pass 15) goes to Jackson. */
    static final int MAX_DEPTH = 64;
    /** Bounds every string of a vouched line far below Jackson's 20 M characters. */
    static final int MAX_LINE_BYTES = 8 << 20;

    static final int MAX_NUMBER = 100;
    static final int MAX_NAME = 1000;
    /** Names of the objects currently open; an object with more than fits goes to Jackson. */
    private static final int MAX_OPEN_NAMES = 512;

    private static final int MAX_NAMES_PER_OBJECT = 64;

    /** Azure's FHIR service marks a soft-deleted resource's exported version with this extension. */
    public static final String SOFT_DELETED_URL = "http://azurehealthcareapis.com/data-extensions/deleted-state";

    private static final byte[] SOFT_DELETED_HINT = "data-extensions/deleted-state".getBytes(StandardCharsets.US_ASCII);

    static final String NOT_A_FHIR_ID = "id is not a FHIR id (1-64 of A-Z a-z 0-9 - .)";
    static final String NOT_A_BUNDLE = "a deleted-resources line must be a Bundle";
    private static final Pattern FHIR_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");
    private static final byte[] RESOURCE_TYPE = "resourceType".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] META = "meta".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_UPDATED = "lastUpdated".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERSION_ID = "versionId".getBytes(StandardCharsets.US_ASCII);

    private final String expectedType;
    private final byte[] expectedTypeBytes;
    /** Lines of a deleted-resources file: Bundles, id optional and not needed as a FHIR id, meta not read. */
    private final boolean deletedBundles;
    /** What the line is read from ("file", "chunk"), named in the type mismatch reason. */
    private final String source;

    // State of the fast recogniser (one line at a time).
    private byte[] b;
    private int end;
    private final int[] nameStart = new int[MAX_OPEN_NAMES];
    private final int[] nameLength = new int[MAX_OPEN_NAMES];
    private final int[] nameHash = new int[MAX_OPEN_NAMES];
    private int names;
    private boolean sawResourceType;
    private boolean sawId;
    // The line last checked, and where its top-level meta object lies if the recogniser vouched for it.
    private byte[] lastBuffer;
    private int lastOffset;
    private int lastLength;
    private boolean lastVouched;
    private int metaStart;
    private int metaEnd;

    private JsonLineCheck(String expectedType, boolean deletedBundles, String source) {
        this.expectedType = expectedType;
        this.expectedTypeBytes = expectedType.getBytes(StandardCharsets.UTF_8);
        this.deletedBundles = deletedBundles;
        this.source = source;
    }

    /**
     * Lines of resources of one type.
     *
     * @param source what the lines are read from ("file", "chunk"): a wrong type is reported as
     *               "resourceType 'X' is not the {source}'s type 'Y'"
     */
    public static JsonLineCheck resources(String resourceType, String source) {
        return new JsonLineCheck(resourceType, false, source);
    }

    /** Lines of a deleted-resources file, whatever type the file is named after: each is a Bundle. */
    public static JsonLineCheck deletedBundles() {
        return new JsonLineCheck("Bundle", true, "file");
    }

    /** @return null when the line is valid, else the reason it is not */
    public String check(byte[] buffer, int offset, int length) {
        lastBuffer = buffer;
        lastOffset = offset;
        lastLength = length;
        lastVouched = definitelyValid(buffer, offset, length);
        if (lastVouched) {
            return null;
        }
        return checkWithJackson(buffer, offset, length);
    }

    /** The deletion a resource line stands for when it carries Azure's soft-deleted mark. */
    public record SoftDeletion(String id, Instant lastUpdated) {}

    /**
     * For a resource line that {@link #check} accepted: the deletion it stands for when its
     * {@code meta.extension} has {@link #SOFT_DELETED_URL} with {@code valueString}
     * {@code soft-deleted}, else null. {@code lastUpdated} is null when the line has none.
     */
    public SoftDeletion softDeletion(byte[] buffer, int offset, int length) throws IOException {
        int from = offset;
        int to = offset + length;
        if (lastVouched && buffer == lastBuffer && offset == lastOffset && length == lastLength) {
            // The mark can only be inside the top-level meta the recogniser located: no need to
            // search the whole line, which would cost the loader a second pass over every line.
            if (metaStart < 0) {
                return null;
            }
            from = metaStart;
            to = metaEnd;
        }
        if (indexOf(buffer, from, to, SOFT_DELETED_HINT) < 0) {
            return null;
        }
        JsonNode resource = MAPPER.readTree(buffer, offset, length);
        for (JsonNode extension : resource.path("meta").path("extension")) {
            if (SOFT_DELETED_URL.equals(extension.path("url").asText())
                    && "soft-deleted".equals(extension.path("valueString").asText())) {
                String lastUpdated = resource.path("meta").path("lastUpdated").asText(null);
                return new SoftDeletion(
                        resource.path("id").asText(),
                        lastUpdated == null
                                ? null
                                : OffsetDateTime.parse(lastUpdated).toInstant());
            }
        }
        return null;
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
            String metaProblem = null;
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
                } else if (!deletedBundles && "meta".equals(name) && value == JsonToken.START_OBJECT) {
                    String problem = meta(parser);
                    metaProblem = metaProblem == null ? problem : metaProblem;
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
            if (!resourceType.equals(expectedType)) {
                return deletedBundles
                        ? NOT_A_BUNDLE
                        : "resourceType '" + resourceType + "' is not the " + source + "'s type '" + expectedType + "'";
            }
            if (!idPresent) {
                return deletedBundles ? null : "missing id";
            }
            if (id.isBlank()) {
                return "id is empty";
            }
            if (!deletedBundles && !FHIR_ID.matcher(id).matches()) {
                return NOT_A_FHIR_ID;
            }
            return metaProblem;
        } catch (JsonProcessingException e) {
            return "malformed JSON: " + e.getOriginalMessage();
        } catch (IOException e) {
            return "unreadable line: " + e.getMessage();
        }
    }

    private static String meta(JsonParser p) throws IOException {
        String problem = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if ("lastUpdated".equals(name)) {
                if (value != JsonToken.VALUE_STRING || !isInstant(p.getText())) {
                    problem = "meta.lastUpdated is not a FHIR instant";
                }
            } else if ("versionId".equals(name)) {
                if (value != JsonToken.VALUE_STRING) {
                    problem = "meta.versionId is not a string";
                }
            } else {
                p.skipChildren();
            }
        }
        return problem;
    }

    private static boolean isInstant(String text) {
        try {
            OffsetDateTime.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * True only if the line is certainly valid (Jackson would return null for it). False means
     * "ask Jackson", not "invalid".
     */
    boolean definitelyValid(byte[] buffer, int offset, int length) {
        metaStart = -1;
        if (length > MAX_LINE_BYTES) {
            return false;
        }
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
            i = topObject(i);
            return i != FAIL && skipWs(i) == end && sawResourceType && (sawId || deletedBundles);
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

    /** At '{' of an object other than the line itself and its meta: the hot loop, kept minimal. */
    private int object(int i, int depth) {
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
            i = member(i, first);
            if (i == FAIL) {
                return FAIL;
            }
            i = value(i, depth);
            i = i == FAIL ? FAIL : next(i, first);
            if (i != CONTINUE) {
                return i;
            }
            i = skipWs(this.at);
        }
    }

    /** At the line's '{'. */
    private int topObject(int i) {
        int first = names;
        i = skipWs(i + 1);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            int nameStart = i + 1;
            i = member(i, first);
            if (i == FAIL) {
                return FAIL;
            }
            i = topMember(i, nameStart, this.at - 1 - nameStart);
            i = i == FAIL ? FAIL : next(i, first);
            if (i != CONTINUE) {
                return i;
            }
            i = skipWs(this.at);
        }
    }

    /** At the '{' of the line's meta, at {@code depth}. */
    private int metaObject(int i, int depth) {
        int first = names;
        i = skipWs(i + 1);
        if (i < end && b[i] == '}') {
            return i + 1;
        }
        while (true) {
            int nameStart = i + 1;
            i = member(i, first);
            if (i == FAIL) {
                return FAIL;
            }
            i = metaMember(i, depth, nameStart, this.at - 1 - nameStart);
            i = i == FAIL ? FAIL : next(i, first);
            if (i != CONTINUE) {
                return i;
            }
            i = skipWs(this.at);
        }
    }

    /** Where {@link #member} found the end of the name, and {@link #next} the byte after the comma. */
    private int at;

    private static final int CONTINUE = -2;

    /**
     * At a member's '"': records its name as one of the object's whose names begin at {@code first};
     * returns the position of its value (and leaves the position past the name's quote in {@link #at}).
     */
    private int member(int i, int first) {
        if (i >= end || b[i] != '"') {
            return FAIL;
        }
        int nameStart = i + 1;
        i = plainString(i);
        if (i == FAIL || !name(first, nameStart, i - 1)) {
            return FAIL;
        }
        at = i;
        i = skipWs(i);
        if (i >= end || b[i] != ':') {
            return FAIL;
        }
        i = skipWs(i + 1);
        return i < end ? i : FAIL;
    }

    /**
     * After a member's value: the position past the closing '}' (the object is done, its names
     * forgotten), {@link #CONTINUE} after a comma (the next member starts at {@link #at}), or FAIL.
     */
    private int next(int i, int first) {
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
        at = i;
        return CONTINUE;
    }

    /** The value at {@code i} of the line's member named [nameStart, +nameLength). */
    private int topMember(int i, int nameStart, int nameLength) {
        if (isName(nameStart, nameLength, RESOURCE_TYPE)) {
            if (b[i] != '"') {
                return FAIL;
            }
            int valueStart = i + 1;
            i = plainString(i);
            if (i == FAIL || !equalsRange(valueStart, i - 1, expectedTypeBytes)) {
                return FAIL;
            }
            sawResourceType = true;
            return i;
        }
        if (isName(nameStart, nameLength, ID)) {
            if (b[i] != '"') {
                return FAIL;
            }
            int valueStart = i + 1;
            i = plainString(i);
            if (i == FAIL || !(deletedBundles ? hasVisibleAscii(valueStart, i - 1) : fhirId(valueStart, i - 1))) {
                return FAIL;
            }
            sawId = true;
            return i;
        }
        if (!deletedBundles && b[i] == '{' && isName(nameStart, nameLength, META)) {
            int start = i;
            i = metaObject(i, 2);
            metaStart = start;
            metaEnd = i;
            return i;
        }
        return value(i, 1);
    }

    /** meta.lastUpdated must be an instant and meta.versionId a string, else Jackson reports it. */
    private int metaMember(int i, int depth, int nameStart, int nameLength) {
        if (isName(nameStart, nameLength, LAST_UPDATED)) {
            if (b[i] != '"') {
                return FAIL;
            }
            int valueStart = i + 1;
            i = plainString(i);
            return i != FAIL && instant(valueStart, i - 1) ? i : FAIL;
        }
        if (isName(nameStart, nameLength, VERSION_ID)) {
            return b[i] == '"' ? string(i) : FAIL;
        }
        return value(i, depth);
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
                return object(i, depth + 1);
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
        if (to <= end && Arrays.equals(b, i, to, word, 0, word.length) && after(to)) {
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
        i++;
        while (true) {
            byte c = 0;
            while (i < end && (c = b[i]) >= 0x20 && c != '"' && c != '\\') {
                i++;
            }
            if (i >= end) {
                return FAIL;
            }
            if (c == '"') {
                return i + 1;
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

    /** A string at '"' without escapes, short enough to be a name; returns the position past the closing quote. */
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
            if (nameHash[k] == hash
                    && nameLength[k] == length
                    && Arrays.equals(b, nameStart[k], nameStart[k] + length, b, start, to)) {
                return false; // duplicate: Jackson words the reason
            }
        }
        nameStart[names] = start;
        nameLength[names] = length;
        nameHash[names] = hash;
        names++;
        return true;
    }

    private boolean isName(int start, int length, byte[] expected) {
        return length == expected.length && Arrays.equals(b, start, start + length, expected, 0, length);
    }

    private boolean equalsRange(int from, int to, byte[] expected) {
        return to - from == expected.length && Arrays.equals(b, from, to, expected, 0, expected.length);
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

    /** [A-Za-z0-9\-.]{1,64}, as {@link #FHIR_ID}. */
    private boolean fhirId(int from, int to) {
        if (to - from < 1 || to - from > 64) {
            return false;
        }
        for (int k = from; k < to; k++) {
            byte c = b[k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code YYYY-MM-DDThh:mm:ss[.f{1,9}](Z|±hh:mm)} with day at most 28, hour 0-23, minute and second
     * 0-59, offset below 18 hours: a subset of what {@code OffsetDateTime.parse} accepts. Other
     * spellings (day 29-31, say) are left to it.
     */
    private boolean instant(int s, int e) {
        if (e - s < 20) {
            return false;
        }
        if (!(d(s)
                && d(s + 1)
                && d(s + 2)
                && d(s + 3)
                && b[s + 4] == '-'
                && d(s + 5)
                && d(s + 6)
                && b[s + 7] == '-'
                && d(s + 8)
                && d(s + 9)
                && b[s + 10] == 'T'
                && d(s + 11)
                && d(s + 12)
                && b[s + 13] == ':'
                && d(s + 14)
                && d(s + 15)
                && b[s + 16] == ':'
                && d(s + 17)
                && d(s + 18))) {
            return false;
        }
        int month = two(s + 5);
        int day = two(s + 8);
        if (month < 1
                || month > 12
                || day < 1
                || day > 28
                || two(s + 11) > 23
                || two(s + 14) > 59
                || two(s + 17) > 59) {
            return false;
        }
        int k = s + 19;
        if (b[k] == '.') {
            k++;
            int f = k;
            while (k < e && d(k)) {
                k++;
            }
            if (k == f || k - f > 9) {
                return false;
            }
        }
        if (k == e - 1 && b[k] == 'Z') {
            return true;
        }
        return k == e - 6
                && (b[k] == '+' || b[k] == '-')
                && d(k + 1)
                && d(k + 2)
                && b[k + 3] == ':'
                && d(k + 4)
                && d(k + 5)
                && two(k + 1) < 18
                && two(k + 4) < 60;
    }

    private boolean d(int k) {
        return b[k] >= '0' && b[k] <= '9';
    }

    private int two(int k) {
        return (b[k] - '0') * 10 + (b[k + 1] - '0');
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

    /** First index of {@code needle} in {@code buffer[from, to)}, or -1. */
    static int indexOf(byte[] buffer, int from, int to, byte[] needle) {
        int last = to - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (buffer[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (buffer[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}

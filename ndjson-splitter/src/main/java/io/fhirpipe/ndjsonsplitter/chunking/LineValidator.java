package io.fhirpipe.ndjsonsplitter.chunking;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;

/**
 * Checks that one NDJSON line is exactly one JSON object with a string {@code resourceType} equal
 * to the file's type and a non-empty string {@code id}. Uses Jackson's streaming parser: nothing is
 * materialised, the whole line is still tokenised so malformed JSON anywhere in it is caught.
 */
public final class LineValidator {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private final String expectedResourceType;

    public LineValidator(String expectedResourceType) {
        this.expectedResourceType = expectedResourceType;
    }

    /** @return null when the line is valid, else the reason it is not */
    public String check(byte[] buffer, int offset, int length) {
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
                return "missing id";
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
}

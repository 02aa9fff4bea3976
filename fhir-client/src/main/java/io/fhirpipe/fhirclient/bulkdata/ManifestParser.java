package io.fhirpipe.fhirclient.bulkdata;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.fhirpipe.model.events.FileKind;
import io.fhirpipe.model.fhir.FhirR4ResourceTypes;
import io.fhirpipe.model.messages.Json;
import io.fhirpipe.runtime.logging.LogValues;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a Bulk Data manifest: {@code transactionTime}, {@code requiresAccessToken},
 * {@code output[]}, {@code deleted[]}, {@code error[]} and a {@code next} page link. File indexes
 * continue across pages, so each file of an export keeps one stable name and event id.
 */
final class ManifestParser {

    private ManifestParser() {}

    /**
     * @param indexesSoFar files already seen per kind and type on earlier pages; updated in place
     * @throws InvalidManifestException when the document is not a manifest a loader can trust
     */
    public static ExportManifest parse(String body, Map<String, Integer> indexesSoFar) {
        JsonNode root;
        try {
            root = Json.mapper().readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new InvalidManifestException(
                    "the manifest is not JSON: " + LogValues.escaped(e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("the manifest is not a JSON object");
        }
        Instant transactionTime = instant(root.path("transactionTime").asText(null));
        List<ManifestFile> files = new ArrayList<>();
        files.addAll(files(root, "output", FileKind.OUTPUT, indexesSoFar));
        files.addAll(files(root, "deleted", FileKind.DELETED, indexesSoFar));
        files.addAll(files(root, "error", FileKind.ERROR, indexesSoFar));
        Optional<String> next = Optional.empty();
        for (JsonNode link : root.path("link")) {
            if ("next".equals(link.path("relation").asText())) {
                next = Optional.of(url(link.path("url").asText(null), "link[next].url"));
            }
        }
        return new ExportManifest(
                transactionTime,
                root.path("request").asText(null),
                root.path("requiresAccessToken").asBoolean(false),
                files,
                next,
                Optional.ofNullable(root.path("message").asText(null)));
    }

    public static ExportManifest parse(String body) {
        return parse(body, new HashMap<>());
    }

    private static List<ManifestFile> files(JsonNode root, String field, FileKind kind, Map<String, Integer> indexes) {
        JsonNode array = root.path(field);
        if (array.isMissingNode() || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new InvalidManifestException(field + " must be an array");
        }
        List<ManifestFile> files = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode entry = array.get(i);
            String where = field + "[" + i + "]";
            String type = entry.path("type").asText(null);
            if (!FhirR4ResourceTypes.isResourceType(type)) {
                throw new InvalidManifestException(
                        where + ".type " + LogValues.quoted(type) + " is not a FHIR R4 resource type");
            }
            String url = url(entry.path("url").asText(null), where + ".url");
            Long count = null;
            if (entry.has("count")) {
                if (!entry.get("count").canConvertToExactIntegral()
                        || entry.get("count").asLong() < 0) {
                    throw new InvalidManifestException(where + ".count must be a non-negative integer");
                }
                count = entry.get("count").asLong();
            }
            String key = kind.wireName() + "/" + type;
            int index = indexes.merge(key, 1, Integer::sum) - 1;
            files.add(new ManifestFile(kind, type, index, url, count));
        }
        return files;
    }

    private static Instant instant(String text) {
        if (text == null) {
            throw new InvalidManifestException("transactionTime is missing");
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            try {
                // HAPI writes "+00:00"; other servers write "Z"; both parse above. Some omit the offset colon.
                return OffsetDateTime.parse(text.replaceFirst("([+-]\\d\\d)(\\d\\d)$", "$1:$2"))
                        .toInstant();
            } catch (DateTimeException again) {
                throw new InvalidManifestException("transactionTime " + LogValues.quoted(text) + " is not an instant");
            }
        }
    }

    private static String url(String text, String where) {
        if (text == null || text.isBlank()) {
            throw new InvalidManifestException(where + " is missing");
        }
        URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidManifestException(where + " is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new InvalidManifestException(where + " must be an http(s) URL");
        }
        return text;
    }
}

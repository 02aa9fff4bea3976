package io.fhirpipe.exporttrigger.fhir;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fhirpipe.fhirclient.bulkdata.FhirServer;
import io.fhirpipe.fhirclient.bulkdata.KickoffRequest;
import io.fhirpipe.fhirclient.config.DeleteDetection;
import io.fhirpipe.model.events.ExportRequested;
import io.fhirpipe.model.messages.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns an export request into the Bulk Data kick-off request, as the IG describes it: the
 * endpoint by level, {@code _type}, {@code _since}, {@code _until} (or {@code _till}),
 * {@code _typeFilter} (repeated), {@code _elements}, {@code _outputFormat},
 * {@code includeAssociatedData}, {@code patient}, and Azure's {@code _container} and
 * {@code _anonymizationConfig} / {@code _anonymizationConfigEtag}.
 */
public final class KickoffRequestFactory {

    static final String SOFT_DELETED = "_deleted";

    private KickoffRequestFactory() {}

    public static KickoffRequest create(FhirServer server, ExportRequested request) {
        List<Map.Entry<String, String>> params = parameters(server, request);
        URI endpoint = URI.create(server.baseUrl() + path(request));
        // The patient parameter is a Reference, which only a POSTed Parameters resource can carry.
        boolean post = server.postKickoff() || !request.patients().isEmpty();
        if (!post) {
            String query = params.stream()
                    .map(p -> encode(p.getKey()) + "=" + encode(p.getValue()))
                    .collect(Collectors.joining("&"));
            return new KickoffRequest(
                    "GET", query.isEmpty() ? endpoint : URI.create(endpoint + "?" + query), Optional.empty());
        }
        ObjectNode parameters = Json.mapper().createObjectNode().put("resourceType", "Parameters");
        ArrayNode list = parameters.putArray("parameter");
        for (Map.Entry<String, String> p : params) {
            ObjectNode entry = list.addObject().put("name", p.getKey());
            if (p.getKey().equals("_since")
                    || p.getKey().equals("_until")
                    || p.getKey().equals("_till")) {
                entry.put("valueInstant", p.getValue());
            } else {
                entry.put("valueString", p.getValue());
            }
        }
        for (String patient : request.patients()) {
            list.addObject().put("name", "patient").putObject("valueReference").put("reference", patient);
        }
        return new KickoffRequest("POST", endpoint, Optional.of(parameters.toString()));
    }

    private static String path(ExportRequested request) {
        return switch (request.level()) {
            case SYSTEM -> "/$export";
            case PATIENT -> "/Patient/$export";
            case GROUP -> "/Group/" + encode(request.groupId()) + "/$export";
        };
    }

    private static List<Map.Entry<String, String>> parameters(FhirServer server, ExportRequested request) {
        List<Map.Entry<String, String>> params = new ArrayList<>();
        if (!request.types().isEmpty()) {
            params.add(Map.entry("_type", String.join(",", request.types())));
        }
        if (request.since() != null) {
            params.add(Map.entry("_since", instant(request.since())));
        }
        if (request.until() != null) {
            params.add(Map.entry(server.flavor().untilParameter(), instant(request.until())));
        }
        for (String filter : request.typeFilters()) {
            params.add(Map.entry("_typeFilter", filter));
        }
        if (!request.elements().isEmpty()) {
            params.add(Map.entry("_elements", String.join(",", request.elements())));
        }
        if (request.outputFormat() != null) {
            params.add(Map.entry("_outputFormat", request.outputFormat()));
        }
        List<String> associated = new ArrayList<>(request.includeAssociatedData());
        if (server.deletes() == DeleteDetection.SOFT_DELETED
                && request.since() != null
                && !associated.contains(SOFT_DELETED)) {
            // Azure's FHIR service exports what was deleted since _since only when asked
            associated.add(SOFT_DELETED);
        }
        if (!associated.isEmpty()) {
            params.add(Map.entry("includeAssociatedData", String.join(",", associated)));
        }
        if (request.container() != null) {
            params.add(Map.entry("_container", request.container()));
        }
        if (request.anonymizationConfig() != null) {
            params.add(Map.entry("_anonymizationConfig", request.anonymizationConfig()));
        }
        if (request.anonymizationConfigEtag() != null) {
            params.add(Map.entry("_anonymizationConfigEtag", request.anonymizationConfigEtag()));
        }
        return params;
    }

    /** UTC with a Z: an offset's {@code +} is where servers go wrong (HAPI answers 400 to an unencoded one). */
    private static String instant(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

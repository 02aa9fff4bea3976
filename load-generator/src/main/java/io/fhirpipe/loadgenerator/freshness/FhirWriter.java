package io.fhirpipe.loadgenerator.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Changes resources on the seeded dev FHIR server, in turn: updates a seeded Patient, adds an
 * Observation, updates an Observation it added before. Each write is recorded with the version and
 * {@code lastUpdated} the server answered.
 */
final class FhirWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String fhirBase;
    private final HttpClient http;
    private final int patients;
    private final Random random;
    private final List<ObjectNode> added = new ArrayList<>();

    FhirWriter(String fhirBase, HttpClient http, int patients, long seed) {
        this.fhirBase = fhirBase;
        this.http = http;
        this.patients = patients;
        this.random = new Random(seed);
    }

    Write write(int seq) throws IOException, InterruptedException {
        String patientId = String.format("pt-%05d", 1 + random.nextInt(patients));
        return switch (seq % 3) {
            case 0 -> updatePatient(seq, patientId);
            case 1 -> addObservation(seq, patientId);
            default -> added.isEmpty() ? addObservation(seq, patientId) : updateObservation(seq);
        };
    }

    private Write updatePatient(int seq, String id) throws IOException, InterruptedException {
        JsonNode current = send("GET", "Patient/" + id, null, 200);
        ObjectNode patient = (ObjectNode) current;
        patient.remove("meta");
        ArrayNode telecom = patient.has("telecom") ? (ArrayNode) patient.get("telecom") : patient.putArray("telecom");
        // one e-mail entry, rewritten each time: the resource changes without growing
        for (int i = telecom.size() - 1; i >= 0; i--) {
            if ("email".equals(telecom.get(i).path("system").asText())) {
                telecom.remove(i);
            }
        }
        telecom.addObject().put("system", "email").put("value", id + "+freshness-" + seq + "@example.org");
        return recorded(seq, "update Patient", send("PUT", "Patient/" + id, patient, 200));
    }

    private Write addObservation(int seq, String patientId) throws IOException, InterruptedException {
        ObjectNode o =
                JSON.createObjectNode().put("resourceType", "Observation").put("status", "final");
        o.putObject("code")
                .putArray("coding")
                .addObject()
                .put("system", "http://loinc.org")
                .put("code", "8867-4")
                .put("display", "Heart rate");
        o.putObject("subject").put("reference", "Patient/" + patientId);
        o.put(
                "effectiveDateTime",
                Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        value(o, seq);
        JsonNode created = send("POST", "Observation", o, 201);
        ObjectNode kept = ((ObjectNode) created).deepCopy();
        kept.remove("meta");
        added.add(kept);
        return recorded(seq, "add Observation", created);
    }

    private Write updateObservation(int seq) throws IOException, InterruptedException {
        ObjectNode o = added.get(random.nextInt(added.size()));
        value(o, seq);
        return recorded(
                seq,
                "update Observation",
                send("PUT", "Observation/" + o.path("id").asText(), o, 200));
    }

    private static void value(ObjectNode observation, int seq) {
        observation
                .putObject("valueQuantity")
                .put("value", 50 + seq % 60)
                .put("unit", "/min")
                .put("system", "http://unitsofmeasure.org")
                .put("code", "/min");
    }

    private static Write recorded(int seq, String kind, JsonNode answer) {
        JsonNode meta = answer.path("meta");
        if (!meta.hasNonNull("lastUpdated") || !meta.hasNonNull("versionId")) {
            throw new IllegalStateException(
                    kind + ": the server's answer has no meta.versionId/lastUpdated: " + answer);
        }
        return new Write(
                seq,
                kind,
                answer.path("resourceType").asText(),
                answer.path("id").asText(),
                meta.path("versionId").asText(),
                java.time.OffsetDateTime.parse(meta.path("lastUpdated").asText())
                        .toInstant(),
                Instant.now());
    }

    private JsonNode send(String method, String path, JsonNode body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(fhirBase + "/" + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/fhir+json")
                // the new version's meta comes back in the body
                .header("Prefer", "return=representation");
        request = body == null
                ? request.GET()
                : request.header("Content-Type", "application/fhir+json")
                        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}

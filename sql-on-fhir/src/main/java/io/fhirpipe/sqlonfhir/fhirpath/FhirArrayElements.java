package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.Map;
import java.util.Set;

/**
 * Which FHIR R4 elements repeat (0..*). The compiler has no StructureDefinitions, yet must know
 * where JSON arrays are to iterate them, so it keeps this table. Names that repeat wherever they
 * occur are global; names that repeat only on a resource root (Encounter.type is 0..*, while
 * Identifier.type is not) are listed per resource.
 */
public final class FhirArrayElements {

  private static final Set<String> EVERYWHERE = Set.of(
      "extension", "modifierExtension", "telecom", "given",
      "prefix", "suffix", "line", "coding", "contact", "communication", "generalPractitioner",
      "link", "photo", "contained", "profile", "tag", "security", "category", "performer",
      "component", "note", "reasonCode", "reasonReference", "participant", "diagnosis",
      "statusHistory", "classHistory", "interpretation", "referenceRange", "hasMember",
      "derivedFrom", "bodySite", "evidence", "stage", "episodeOfCare", "basedOn", "partOf",
      "dosageInstruction", "reaction", "manifestation", "result", "presentedForm", "content",
      "qualification", "alias", "protocolApplied", "focus", "supportingInfo", "instantiatesCanonical");

  /**
   * Repeating on (almost) every resource root but single further down: Reference.identifier,
   * Patient.contact.name and Patient.contact.address are 0..1.
   */
  private static final Set<String> ON_ANY_ROOT = Set.of("identifier", "name", "address");

  private static final Map<String, Set<String>> ON_ROOT = Map.of(
      "Encounter", Set.of("type", "location", "account"),
      "Location", Set.of("type"),
      "Organization", Set.of("type"),
      // DocumentReference.author and Composition.author are 0..*, CarePlan.author is 0..1
      "DocumentReference", Set.of("author"),
      "Composition", Set.of("author"));

  /**
   * Root elements that share a repeating name but are single here (Organization.name is a string,
   * Observation.bodySite and Encounter/Organization/Location.partOf are 0..1 in R4).
   */
  private static final Map<String, Set<String>> SINGLE_ON_ROOT = Map.of(
      "Organization", Set.of("name", "partOf"),
      "Location", Set.of("name", "address", "partOf"),
      "Encounter", Set.of("partOf"),
      "Observation", Set.of("bodySite"),
      "Procedure", Set.of("category"),
      "MedicationRequest", Set.of("performer"));

  private FhirArrayElements() {}

  /**
   * @param resource the resource type when {@code element} is directly on the resource root,
   *     otherwise null
   */
  public static boolean isArray(String resource, String element) {
    if (resource != null && SINGLE_ON_ROOT.getOrDefault(resource, Set.of()).contains(element)) {
      return false;
    }
    if (EVERYWHERE.contains(element)) {
      return true;
    }
    return resource != null && (ON_ANY_ROOT.contains(element)
        || ON_ROOT.getOrDefault(resource, Set.of()).contains(element));
  }
}

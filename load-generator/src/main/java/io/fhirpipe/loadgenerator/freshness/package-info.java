/**
 * {@code ./fhirpipe freshness}: how long a change on the FHIR server takes to reach its typed view.
 * The local stack runs an export job on a short incremental schedule; a writer changes resources on
 * the seeded dev FHIR server and a reader polls the loader's {@code /warehouse/views/{view}/last-updated}
 * until each written version (or a newer one) is there; the table gives p50, p95 and max seconds from
 * write to row against the target p95 of 60 s.
 */
package io.fhirpipe.loadgenerator.freshness;

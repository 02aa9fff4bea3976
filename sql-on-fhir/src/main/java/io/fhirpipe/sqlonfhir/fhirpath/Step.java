package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.List;

/** One step of a supported FHIRPath chain; the sealed set is the whole supported subset. */
public sealed interface Step {

  /** {@code a} in {@code a.b.c}. */
  record Member(String name) implements Step {}

  /** {@code $this}: the current element, e.g. an item of a primitive array under forEach. */
  record This() implements Step {}

  /** {@code first()}. */
  record First() implements Step {}

  /** {@code exists()}. */
  record Exists() implements Step {}

  /** {@code where(path = value)}; path is member names only. */
  record Where(List<String> path, Operand value) implements Step {}

  /** {@code ofType(Type)} on a choice element, e.g. {@code value.ofType(Quantity)}. */
  record OfType(String type) implements Step {}

  /** {@code extension('url')}, i.e. {@code extension.where(url = 'url')}. */
  record Extension(String url) implements Step {}

  /** {@code getResourceKey()}. */
  record ResourceKey() implements Step {}

  /** {@code getReferenceKey(Type)}; type is null for the untyped form. */
  record ReferenceKey(String type) implements Step {}

  /** {@code join('sep')}. */
  record Join(String separator) implements Step {}
}

package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.List;

/**
 * Dialect-neutral plan for evaluating a path against a JSON context: iterate each {@link Hop}
 * (a JSON array, filtered by its conditions) in turn, then read {@code tail} from the last
 * element, then apply {@code terminal}. A path with no hops is a plain JSON path lookup.
 */
public record Navigation(List<Hop> hops, List<String> tail, Terminal terminal, boolean firstOnly) {

  public Navigation {
    hops = List.copyOf(hops);
    tail = List.copyOf(tail);
  }

  /** Iterate the array at {@code path} (relative to the previous element) keeping matching items. */
  public record Hop(List<String> path, List<Condition> conditions) {
    public Hop {
      path = List.copyOf(path);
      conditions = List.copyOf(conditions);
    }
  }

  /**
   * Some item reached by {@code path} from the element has text equal to {@code literal}; the
   * path may itself cross repeating elements (identifier.where(type.coding.code = 'MR')).
   */
  public record Condition(Navigation path, String literal) {}

  /** What the path finally yields. */
  public sealed interface Terminal {
    record Value() implements Terminal {}

    record Exists() implements Terminal {}

    record ReferenceKey(String type) implements Terminal {}

    record Join(String separator) implements Terminal {}
  }
}

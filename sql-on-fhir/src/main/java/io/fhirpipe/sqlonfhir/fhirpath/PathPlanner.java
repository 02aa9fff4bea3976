package io.fhirpipe.sqlonfhir.fhirpath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns parsed steps into a {@link Navigation}. Path segments are element names that passed
 * {@link PathParser}'s name check, optionally suffixed with "[0]", so they are safe to put inside
 * a quoted JSON path.
 */
public final class PathPlanner {

  private final Map<String, String> constants;

  public PathPlanner(Map<String, String> constants) {
    this.constants = constants;
  }

  /**
   * @param rootResource the resource type when the path starts on the resource itself, or null
   *     when it starts on an element reached by forEach
   */
  public Navigation plan(List<Step> steps, String rootResource) {
    List<Navigation.Hop> hops = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    List<Navigation.Condition> conditions = new ArrayList<>();
    List<String> hopPath = null;
    Navigation.Terminal terminal = new Navigation.Terminal.Value();
    boolean firstOnly = false;

    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      boolean last = i == steps.size() - 1;
      if (firstOnly && isIterating(step)
          && (last || !(steps.get(i + 1) instanceof Step.First))) {
        throw new UnsupportedPathException("first() after where() must not be followed by another"
            + " repeating element");
      }
      boolean atRoot = rootResource != null && hops.isEmpty() && hopPath == null
          && segments.isEmpty();
      if (step instanceof Step.Member m) {
        if (FhirArrayElements.isArray(atRoot ? rootResource : null, m.name())) {
          if (!last && steps.get(i + 1) instanceof Step.First) {
            // a.first() on an array needs no iteration: index the first element directly
            segments.add(m.name() + "[0]");
            i++;
          } else {
            if (hopPath != null) {
              hops.add(new Navigation.Hop(hopPath, conditions));
              conditions = new ArrayList<>();
            }
            segments.add(m.name());
            hopPath = segments;
            segments = new ArrayList<>();
          }
        } else {
          segments.add(m.name());
        }
      } else if (step instanceof Step.Extension e) {
        if (!last && steps.get(i + 1) instanceof Step.First) {
          // keep iterating (the url filter needs it) but take only the first match
          firstOnly = true;
          i++;
        }
        if (hopPath != null) {
          hops.add(new Navigation.Hop(hopPath, conditions));
        }
        segments.add("extension");
        hopPath = segments;
        segments = new ArrayList<>();
        conditions = new ArrayList<>(List.of(new Navigation.Condition(
            plan(List.of(new Step.Member("url")), null), e.url())));
      } else if (step instanceof Step.Where w) {
        if (hopPath == null || !segments.isEmpty()) {
          throw new UnsupportedPathException("where() must directly follow a repeating element");
        }
        List<Step> criteria = new ArrayList<>();
        for (String name : w.path()) {
          criteria.add(new Step.Member(name));
        }
        conditions.add(new Navigation.Condition(plan(criteria, null), literal(w.value())));
      } else if (step instanceof Step.This) {
        // the context itself: nothing to navigate
      } else if (step instanceof Step.First) {
        // after a filtered array: take the first match; on a single element it is a no-op
        if (hopPath != null && segments.isEmpty()) {
          firstOnly = true;
        }
      } else if (step instanceof Step.OfType t) {
        List<String> target = !segments.isEmpty() ? segments : hopPath;
        if (target == null || target.isEmpty() || target.get(target.size() - 1).endsWith("]")) {
          throw new UnsupportedPathException("ofType() must follow a choice element such as value");
        }
        // FHIR JSON spells a choice element value[x] of type Quantity as "valueQuantity"
        String base = target.remove(target.size() - 1);
        target.add(base + Character.toUpperCase(t.type().charAt(0)) + t.type().substring(1));
      } else if (step instanceof Step.Exists) {
        requireLast(last, "exists()");
        terminal = new Navigation.Terminal.Exists();
      } else if (step instanceof Step.ResourceKey) {
        if (!atRoot || !last) {
          throw new UnsupportedPathException("getResourceKey() must be the whole expression on"
              + " the resource");
        }
        segments.add("id");
      } else if (step instanceof Step.ReferenceKey r) {
        requireLast(last, "getReferenceKey()");
        segments.add("reference");
        terminal = new Navigation.Terminal.ReferenceKey(r.type());
      } else if (step instanceof Step.Join j) {
        requireLast(last, "join()");
        terminal = new Navigation.Terminal.Join(j.separator());
      }
    }
    if (hopPath != null) {
      hops.add(new Navigation.Hop(hopPath, conditions));
    }
    return new Navigation(hops, segments, terminal, firstOnly);
  }

  private static boolean isIterating(Step step) {
    return step instanceof Step.Extension
        || step instanceof Step.Member m && FhirArrayElements.isArray(null, m.name());
  }

  private static void requireLast(boolean last, String fn) {
    if (!last) {
      throw new UnsupportedPathException(fn + " must be the last step");
    }
  }

  /** Resolves an operand to the text it is compared with. */
  public String literal(Operand operand) {
    if (operand instanceof Operand.Literal l) {
      return l.text();
    }
    Operand.ConstantRef c = (Operand.ConstantRef) operand;
    String v = constants.get(c.name());
    if (v == null) {
      throw new UnsupportedPathException("unknown constant %" + c.name());
    }
    return v;
  }
}

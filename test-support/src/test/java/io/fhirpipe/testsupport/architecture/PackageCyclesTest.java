package io.fhirpipe.testsupport.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.testsupport.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No package of a module's main code depends, through a chain, on a package that depends back on it. A
 * dependency is a reference to another package's type in code (imports and qualified names; comments and
 * javadoc do not count), read from the sources of every module.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

    @Test
    void noModuleHasAPackageCycle() throws IOException {
        Map<String, List<Set<String>>> cycles = new TreeMap<>();
        try (Stream<Path> modules = Files.list(RepositoryRoot.find())) {
            for (Path module : modules.filter(m -> Files.isDirectory(m.resolve("src/main/java")))
                    .toList()) {
                List<Set<String>> found = cycles(dependencies(module.resolve("src/main/java")));
                if (!found.isEmpty()) {
                    cycles.put(module.getFileName().toString(), found);
                }
            }
        }
        assertThat(cycles).as("package cycles per module").isEmpty();
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a"), "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(Set.of("a", "b", "c"));
        assertThat(cycles(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
    }

    /** Package to the packages of the same module its code refers to. */
    static Map<String, Set<String>> dependencies(Path sources) {
        Map<Path, String> code = new HashMap<>();
        Map<Path, String> packageOf = new HashMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String text = Files.readString(file);
                Matcher m = PACKAGE.matcher(text);
                if (m.find()) {
                    packageOf.put(file, m.group(1));
                    code.put(file, COMMENTS.matcher(text).replaceAll(""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> packages = new TreeSet<>(packageOf.values());
        Map<String, Set<String>> graph = new TreeMap<>();
        packages.forEach(p -> graph.put(p, new TreeSet<>()));
        code.forEach((file, text) -> {
            String from = packageOf.get(file);
            for (String to : packages) {
                if (!to.equals(from)
                        && Pattern.compile(Pattern.quote(to) + "\\.[A-Z]")
                                .matcher(text)
                                .find()) {
                    graph.get(from).add(to);
                }
            }
        });
        return graph;
    }

    /** The strongly connected components with more than one package (Tarjan). */
    static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String v : new TreeSet<>(graph.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(
            String v,
            Map<String, Set<String>> graph,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> found) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}

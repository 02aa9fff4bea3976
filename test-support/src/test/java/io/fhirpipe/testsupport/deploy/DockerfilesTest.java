package io.fhirpipe.testsupport.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fhirpipe.testsupport.RepositoryRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The services' images cannot be built here (no Docker engine), so each
 * {@code src/main/docker/Dockerfile.jvm} is linted against what the image must be: a pinned JRE 17
 * base, the Quarkus fast-jar layers from target/quarkus-app, a numeric non-root user, the service's
 * quarkus.http.port exposed, a java entrypoint with the local stack's container sizing, and nothing
 * secret in it.
 */
class DockerfilesTest {

    private static final Pattern INSTRUCTION = Pattern.compile("^([A-Z]+)\\s+(.*)$");
    private static final Pattern ENV = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(?:\"([^\"]*)\"|(\\S*))");
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(password|secret|token|connection_string|connectionstring|account_?key|sas|_key)\\b.*");

    @ParameterizedTest
    @ValueSource(strings = {"export-trigger", "export-poller", "ndjson-splitter", "synapse-loader"})
    void theImageIsAPinnedNonRootQuarkusFastJar(String service) throws IOException {
        Path module = RepositoryRoot.find().resolve(service);
        Path dockerfile = module.resolve("src/main/docker/Dockerfile.jvm");
        assertThat(dockerfile).isRegularFile();
        List<String[]> instructions = instructions(dockerfile);

        List<String> from = arguments(instructions, "FROM");
        assertThat(from).as("%s: one stage", service).hasSize(1);
        // A released JRE 17, pinned: a full version in the tag (or a digest), never a moving tag.
        assertThat(from.get(0))
                .as("%s: base image", service)
                .matches("(eclipse-temurin:17\\.\\d+\\.\\d+_\\d+-jre(-[a-z]+)?"
                        + "|registry\\.access\\.redhat\\.com/ubi[89]/openjdk-17-runtime:\\d+\\.\\d+(-\\d+)?)"
                        + "(@sha256:[0-9a-f]{64})?");

        List<String> users = arguments(instructions, "USER");
        assertThat(users).as("%s: USER", service).isNotEmpty();
        String user = users.get(users.size() - 1);
        assertThat(user)
                .as("%s: the last USER is numeric (Kubernetes runAsNonRoot checks it)", service)
                .matches("\\d+(:\\d+)?");
        assertThat(Integer.parseInt(user.split(":")[0]))
                .as("%s: the last USER is not root", service)
                .isPositive();
        int userAt = indexOfLast(instructions, "USER");
        for (int i = userAt + 1; i < instructions.size(); i++) {
            assertThat(instructions.get(i)[0])
                    .as(
                            "%s: %s after USER runs as that user",
                            service, instructions.get(i)[0])
                    .isNotEqualTo("RUN");
        }

        // The fast-jar's four layers, owned by the runtime user so nothing needs root at run time.
        List<String> copies = arguments(instructions, "COPY");
        for (String layer : List.of(
                "target/quarkus-app/lib/",
                "target/quarkus-app/*.jar",
                "target/quarkus-app/app/",
                "target/quarkus-app/quarkus/")) {
            assertThat(copies)
                    .as("%s: COPY %s", service, layer)
                    .anySatisfy(c -> assertThat(c).contains(layer).startsWith("--chown=" + user.split(":")[0]));
        }
        assertThat(arguments(instructions, "ADD"))
                .as("%s: ADD (remote or archive magic)", service)
                .isEmpty();

        String port = ServiceConfig.of(service).get("quarkus.http.port");
        assertThat(arguments(instructions, "EXPOSE"))
                .as("%s: EXPOSE quarkus.http.port", service)
                .containsExactly(port);

        List<String> entrypoint = arguments(instructions, "ENTRYPOINT");
        assertThat(entrypoint).as("%s: ENTRYPOINT", service).hasSize(1);
        assertThat(entrypoint.get(0))
                .as("%s: ENTRYPOINT", service)
                .startsWith("[")
                .contains("exec java $JAVA_OPTS")
                .contains("-jar /deployments/quarkus-run.jar")
                .contains("-Dquarkus.http.host=0.0.0.0");
        // Sized as the local stack runs the service (the one place for every deployment's JVM options).
        Map<String, String> env = environment(arguments(instructions, "ENV"));
        assertThat(env.get("JAVA_OPTS")).as("%s: JAVA_OPTS", service).isEqualTo(ContainerSizing.javaOpts(service));
        assertThat(env).as("%s: ENV", service).containsAllEntriesOf(ContainerSizing.environment());

        for (String[] instruction : instructions) {
            if (instruction[0].equals("ARG") || instruction[0].equals("ENV") || instruction[0].equals("LABEL")) {
                assertThat(instruction[1])
                        .as("%s: %s %s carries a secret", service, instruction[0], instruction[1])
                        .doesNotMatch(SECRET_NAME);
            }
        }

        // Only the fast-jar goes into the build context.
        Path ignore = module.resolve("src/main/docker/Dockerfile.jvm.dockerignore");
        assertThat(ignore).isRegularFile();
        assertThat(Files.readAllLines(ignore)).contains("*", "!target/quarkus-app/");
    }

    /** Instructions as [KEYWORD, arguments], continuation lines joined, comments dropped. */
    private static List<String[]> instructions(Path dockerfile) throws IOException {
        List<String[]> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(dockerfile)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            Matcher m = INSTRUCTION.matcher(current.toString().strip());
            assertThat(m.matches()).as("%s: '%s'", dockerfile, current).isTrue();
            instructions.add(new String[] {m.group(1), m.group(2).strip()});
            current.setLength(0);
        }
        assertThat(current.length())
                .as("%s ends inside a continued line", dockerfile)
                .isZero();
        return instructions;
    }

    /** ENV NAME=value or NAME="value", one variable an instruction. */
    private static Map<String, String> environment(List<String> envs) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : envs) {
            Matcher m = ENV.matcher(e);
            assertThat(m.matches()).as("ENV %s: one NAME=value", e).isTrue();
            env.put(m.group(1), m.group(2) != null ? m.group(2) : m.group(3));
        }
        return env;
    }

    private static List<String> arguments(List<String[]> instructions, String keyword) {
        return instructions.stream()
                .filter(i -> i[0].equals(keyword))
                .map(i -> i[1])
                .toList();
    }

    private static int indexOfLast(List<String[]> instructions, String keyword) {
        for (int i = instructions.size() - 1; i >= 0; i--) {
            if (instructions.get(i)[0].equals(keyword)) {
                return i;
            }
        }
        return -1;
    }
}

package io.fhirpipe.sqlonfhir.defaults;

import io.fhirpipe.sqlonfhir.model.ViewDefinition;
import io.fhirpipe.sqlonfhir.parse.ViewDefinitionParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The ViewDefinitions shipped in this jar under view-definitions/. They are listed in index.txt
 * because a classpath folder cannot be listed portably from inside a jar.
 */
public final class DefaultViewDefinitions {

    private static final String FOLDER = "/view-definitions/";

    private DefaultViewDefinitions() {}

    public static List<ViewDefinition> load() {
        ViewDefinitionParser parser = new ViewDefinitionParser();
        List<ViewDefinition> views = new ArrayList<>();
        for (String file : index()) {
            try (InputStream in = open(file)) {
                views.add(parser.parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read default view " + file, e);
            }
        }
        return views;
    }

    private static List<String> index() {
        List<String> files = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open("index.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    files.add(line.strip());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read view-definitions/index.txt", e);
        }
        return files;
    }

    private static InputStream open(String file) {
        InputStream in = DefaultViewDefinitions.class.getResourceAsStream(FOLDER + file);
        if (in == null) {
            throw new IllegalStateException("missing resource " + FOLDER + file);
        }
        return in;
    }
}

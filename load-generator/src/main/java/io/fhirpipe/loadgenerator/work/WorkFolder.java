package io.fhirpipe.loadgenerator.work;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The work folder of a measuring command ({@code ./fhirpipe load}, {@code ./fhirpipe freshness}): a
 * measurement starts from nothing (an empty broker, storage and warehouse, no watermark), so the
 * folder is emptied at every start; only a folder the same command made (it holds the command's
 * marker file) is ever emptied, so a mistyped {@code --work} cannot wipe anything else.
 */
public final class WorkFolder {

    private WorkFolder() {}

    /**
     * @param command the command's name, e.g. {@code load}: names the marker file and the error
     * @param keep top-level entries that survive (earlier results); {@code stack.pids} always does, so
     *     the stack stops what an interrupted run left running before it starts again
     */
    public static void prepare(Path work, String command, Predicate<String> keep) throws IOException {
        Path marker = work.resolve(".fhirpipe-" + command + "-work");
        if (Files.isDirectory(work) && !Files.exists(marker)) {
            try (Stream<Path> entries = Files.list(work)) {
                if (entries.findAny().isPresent()) {
                    throw new IllegalStateException(work + " is not empty and was not made by ./fhirpipe " + command
                            + "; choose another --work");
                }
            }
        }
        if (Files.isDirectory(work)) {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    String name = p.getFileName().toString();
                    boolean kept = p.getParent().equals(work) && (name.equals("stack.pids") || keep.test(name));
                    if (!p.equals(work) && !kept) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        Files.createDirectories(work);
        Files.writeString(marker, "made by ./fhirpipe " + command + "; emptied at the start of every run\n");
    }
}

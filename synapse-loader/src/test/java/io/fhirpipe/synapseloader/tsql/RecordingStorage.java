package io.fhirpipe.synapseloader.tsql;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** {@link StorageFolders} that records what the warehouse asked of storage, for the T-SQL tests. */
public final class RecordingStorage implements StorageFolders {

    final List<String> deletedFolders;
    final Map<String, String> uploaded = new LinkedHashMap<>();
    final List<String> deletedFiles = new ArrayList<>();
    private final Predicate<String> holdsFiles;

    public RecordingStorage() {
        this(new ArrayList<>(), path -> false);
    }

    /** @param deletedFolders where emptied folders are recorded; @param holdsFiles folders that hold files */
    RecordingStorage(List<String> deletedFolders, Predicate<String> holdsFiles) {
        this.deletedFolders = deletedFolders;
        this.holdsFiles = holdsFiles;
    }

    @Override
    public void deleteFolder(String path) {
        deletedFolders.add(path);
    }

    @Override
    public boolean holdsFiles(String path) {
        return holdsFiles.test(path);
    }

    @Override
    public void upload(String container, String blobName, Path file) {
        try {
            uploaded.put(container + "/" + blobName, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void deleteFile(String container, String blobName) {
        deletedFiles.add(container + "/" + blobName);
    }
}

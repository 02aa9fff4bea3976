package io.fhirpipe.synapseloader.tsql;

/**
 * Empties storage folders before a serverless CETAS writes them again (CETAS fails on a
 * non-empty target), and tells whether one already holds files (so it need not be written again).
 */
@FunctionalInterface
public interface StorageFolders {

  /**
   * @param path a folder relative to the storage account: the container, then the prefix, e.g.
   *     {@code curated/raw/Patient/c0123/}
   */
  void deleteFolder(String path);

  /**
   * Whether the folder holds at least one file; {@code false} when it cannot tell, and the caller
   * then writes the folder again.
   */
  default boolean holdsFiles(String path) {
    return false;
  }
}

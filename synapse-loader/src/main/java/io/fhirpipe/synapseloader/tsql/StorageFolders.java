package io.fhirpipe.synapseloader.tsql;

/**
 * Empties storage folders before a serverless CETAS writes them again (CETAS fails on a
 * non-empty target).
 */
@FunctionalInterface
public interface StorageFolders {

  /**
   * @param path a folder relative to the storage account: the container, then the prefix, e.g.
   *     {@code curated/raw/Patient/c0123/}
   */
  void deleteFolder(String path);
}

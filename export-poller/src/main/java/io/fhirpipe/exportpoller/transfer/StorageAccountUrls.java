package io.fhirpipe.exportpoller.transfer;

import java.net.URI;
import java.util.Locale;

/**
 * Whether a file URL lies in the configured storage account (same scheme, host or its dfs twin,
 * port and, for path-style endpoints such as Azurite, account path): then the FHIR server wrote the
 * file there itself (Azure's {@code _container} export), in its own folder layout, and the transfer
 * copies it into landing/ from there with the storage credential instead of over HTTP.
 */
final class StorageAccountUrls {

    private final URI account;
    private final String accountPath;

    public StorageAccountUrls(String accountUrl) {
        this.account = URI.create(accountUrl);
        String path = account.getRawPath() == null ? "" : account.getRawPath();
        this.accountPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    public boolean contains(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null || uri.getScheme() == null || uri.getRawUserInfo() != null) {
            return false;
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        String expected = account.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals(expected) && !host.equals(dfsTwin(expected))) {
            return false;
        }
        if (!uri.getScheme().equalsIgnoreCase(account.getScheme()) || port(uri) != port(account)) {
            return false;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return path.startsWith(accountPath + "/") && plain(path);
    }

    /**
     * No dot segments and no escapes that decode into dots, separators or another escape: the blob
     * name is decoded and re-encoded by the storage client, so such a path could name a blob in
     * another container (fhirpipe's own) than the one checked.
     */
    private static boolean plain(String rawPath) {
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")) {
            return false;
        }
        for (String segment : rawPath.split("/", -1)) {
            String name = segment.contains(";") ? segment.substring(0, segment.indexOf(';')) : segment;
            if (name.equals(".") || name.equals("..")) {
                return false;
            }
        }
        return true;
    }

    private static String dfsTwin(String blobHost) {
        int dot = blobHost.indexOf(".blob.");
        return dot < 0 ? blobHost : blobHost.substring(0, dot) + ".dfs." + blobHost.substring(dot + ".blob.".length());
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}

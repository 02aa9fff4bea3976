package io.fhirpipe.synapseloader.tsql;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * Validation of the storage URLs and paths that end up inside COPY INTO / OPENROWSET / CETAS
 * string literals. Only the characters a blob URL of this pipeline can contain are accepted
 * (letters, digits and {@code - _ . / = : %}), so a quote, whitespace, comment or statement
 * separator can never reach the SQL text; percent-encoding covers everything else.
 */
public final class StorageLocations {

    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._=%/-]+");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    private StorageLocations() {}

    /** An absolute http(s) URL of a blob or folder. */
    public static String url(String url) {
        if (url == null) {
            throw new IllegalArgumentException("storage URL is missing");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("storage URL is not a URI");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
            throw new IllegalArgumentException("storage URL must be http(s)");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            // a SAS token belongs in the CREDENTIAL clause, never in a logged URL
            throw new IllegalArgumentException("storage URL must not carry a query, fragment or user info");
        }
        if (uri.getRawAuthority() == null
                || !HOST.matcher(uri.getRawAuthority()).matches()) {
            throw new IllegalArgumentException("storage URL host contains characters not allowed");
        }
        String path = uri.getRawPath();
        if (path != null && !path.isEmpty()) {
            path(path.substring(1).isEmpty() ? "x" : path.substring(1));
        }
        return url;
    }

    /** A path relative to a container or external data source: no "..", no leading "/". */
    public static String path(String path) {
        if (path == null
                || path.isEmpty()
                || path.startsWith("/")
                || !PATH.matcher(path).matches()) {
            throw new IllegalArgumentException("storage path contains characters not allowed");
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                throw new IllegalArgumentException("storage path must not contain '.' or '..' segments");
            }
        }
        return path;
    }
}

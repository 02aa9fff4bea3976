package io.fhirpipe.fhirclient.bulkdata;

import io.fhirpipe.runtime.logging.LogValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Whether a URL belongs to a server's base URL, decided on the URL as the server will read it:
 * percent-encoded dots are decoded and dot segments removed (RFC 3986 section 5.2.4) before the path
 * is compared with the base path, because servers do the same before routing, so
 * {@code /fhir/%2e%2e/admin} is {@code /admin}. What could be read two ways is refused outright:
 * encoded slashes, backslashes and percent signs (decoded once more by some servers), encoded
 * control characters, dot segments with {@code ;} parameters (Tomcat and Jetty drop them), user
 * info, and any other scheme, host or port.
 */
public final class ServerUrls {

    private ServerUrls() {}

    static URI check(URI base, String url) {
        if (url == null || url.isBlank()) {
            throw new ForeignUrlException("no URL");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                throw refused(url, "contains a control character, a space or a backslash");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(url, "is not a URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque() || uri.getRawAuthority() == null) {
            throw refused(url, "is not an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw refused(url, "carries user info");
        }
        if (!uri.getScheme().equalsIgnoreCase(base.getScheme())) {
            throw refused(url, "does not use the server's scheme " + base.getScheme());
        }
        if (uri.getHost() == null || !uri.getHost().equalsIgnoreCase(base.getHost())) {
            throw refused(url, "is not on the server's host " + base.getHost());
        }
        if (port(uri) != port(base)) {
            throw refused(url, "is not on the server's port " + port(base));
        }
        String path = removeDotSegments(decodeDots(url, uri.getRawPath() == null ? "" : uri.getRawPath()), url);
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        if (!path.equals(basePath) && !path.startsWith(basePath + "/")) {
            throw refused(
                    url,
                    "is not under the server's base path " + (basePath.isEmpty() ? "/" : basePath)
                            + " once normalised (" + LogValues.quoted(path) + ")");
        }
        try {
            return new URI(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path
                    + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
        } catch (URISyntaxException e) {
            throw refused(url, "cannot be normalised");
        }
    }

    /** Decodes {@code %2e}; refuses the escapes a server might decode into a separator or decode twice. */
    private static String decodeDots(String url, String rawPath) {
        StringBuilder out = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= rawPath.length()) {
                throw refused(url, "has a broken percent-escape in its path");
            }
            int value;
            try {
                value = Integer.parseInt(rawPath.substring(i + 1, i + 3), 16);
            } catch (NumberFormatException e) {
                throw refused(url, "has a broken percent-escape in its path");
            }
            if (value == '/' || value == '\\') {
                throw refused(url, "has an encoded slash or backslash in its path");
            }
            if (value == '%') {
                throw refused(url, "has an encoded percent sign in its path (encoded twice)");
            }
            if (value < 0x20 || value == 0x7f) {
                throw refused(url, "has an encoded control character in its path");
            }
            if (value == '.') {
                out.append('.');
            } else {
                out.append(rawPath, i, i + 3);
            }
            i += 2;
        }
        return out.toString();
    }

    /** RFC 3986 section 5.2.4 on an absolute path. */
    private static String removeDotSegments(String path, String url) {
        if (path.isEmpty()) {
            return path;
        }
        String[] segments = path.substring(1).split("/", -1);
        Deque<String> out = new ArrayDeque<>();
        boolean trailingSlash = false;
        for (String segment : segments) {
            int semicolon = segment.indexOf(';');
            String name = semicolon < 0 ? segment : segment.substring(0, semicolon);
            if (semicolon >= 0 && (name.equals(".") || name.equals(".."))) {
                throw refused(url, "has a dot segment with parameters in its path");
            }
            trailingSlash = segment.equals(".") || segment.equals("..");
            if (segment.equals("..")) {
                out.pollLast();
            } else if (!segment.equals(".")) {
                out.addLast(segment);
            }
        }
        String normalised = "/" + String.join("/", out);
        return trailingSlash && !normalised.endsWith("/") ? normalised + "/" : normalised;
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static ForeignUrlException refused(String url, String why) {
        return new ForeignUrlException("the URL " + LogValues.quoted(redactQuery(url)) + " " + why);
    }

    /** Query strings may carry signatures or tokens (pre-signed file URLs): never in a message or a log. */
    public static String redactQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }
}

package io.fhirpipe.ndjsonsplitter.events;

import io.fhirpipe.model.storage.Containers;
import io.fhirpipe.runtime.failure.PermanentFailure;
import io.fhirpipe.runtime.logging.LogValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Decides whether a blob URL from an event may be read: it must be on the configured account
 * (same scheme, host, port and, for path-style endpoints such as Azurite, account path), carry no
 * credentials, SAS query or fragment, and contain no dot segments or encoded separators. Only then
 * is the container and blob name taken from it. Nothing here fetches anything.
 */
public final class LandingUrlPolicy {

    public static final String FOREIGN_URL = "ForeignBlobUrl";
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final URI account;
    private final String accountPath;
    private final String landingContainer;

    /** @param accountUrl the blob endpoint of the account, e.g. {@code https://acct.blob.core.windows.net} */
    public LandingUrlPolicy(String accountUrl) {
        this(accountUrl, Containers.LANDING);
    }

    public LandingUrlPolicy(String accountUrl, String landingContainer) {
        this.account = URI.create(accountUrl);
        String path = account.getRawPath() == null ? "" : account.getRawPath();
        this.accountPath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.landingContainer = landingContainer;
    }

    /**
     * @return the blob name when the URL is in the landing container; empty when it is on the
     *         account but in another container (not ours to split)
     * @throws PermanentFailure when the URL is not on the account or is not a plain blob URL
     */
    public Optional<String> landingBlobName(String url) {
        if (url == null || url.isBlank()) {
            throw foreign("the event has no blob url");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x21 || c == 0x7f || c == '\\') {
                throw foreign("the blob url contains a control character, a space or a backslash");
            }
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw foreign("the blob url is not a URL: " + LogValues.escaped(e.getMessage()));
        }
        if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
            throw foreign("the blob url is not absolute");
        }
        if (uri.getRawUserInfo() != null) {
            throw foreign("the blob url carries user info");
        }
        if (uri.getRawQuery() != null) {
            throw foreign("the blob url carries a query (a SAS token or other parameters)");
        }
        if (uri.getRawFragment() != null) {
            throw foreign("the blob url carries a fragment");
        }
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        String expectedHost = account.getHost().toLowerCase(Locale.ROOT);
        if (!host.equals(expectedHost) && !host.equals(dfsTwin(expectedHost))) {
            if (isIpLiteral(host)) {
                throw foreign(
                        "the blob url names an IP address (" + LogValues.quoted(host) + "), not the storage account");
            }
            throw foreign("the blob url is on host " + LogValues.quoted(host) + ", not on the storage account "
                    + expectedHost);
        }
        if (!uri.getScheme().equalsIgnoreCase(account.getScheme()) || effectivePort(uri) != effectivePort(account)) {
            throw foreign("the blob url does not use the account's scheme and port");
        }
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        String lower = rawPath.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("%2e") || lower.contains("//")) {
            throw foreign("the blob url path contains encoded separators, dots or empty segments");
        }
        for (String segment : rawPath.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                throw foreign("the blob url path contains a '" + segment + "' segment");
            }
        }
        if (!rawPath.startsWith(accountPath + "/")) {
            throw foreign("the blob url is not under the account path " + accountPath + "/");
        }
        String rest = uri.getPath().substring(accountPath.length() + 1);
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                // a %0a in a blob name: no storage writer of fhirpipe's makes such a name
                throw foreign("the blob name holds an encoded control character or line break");
            }
        }
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            throw foreign("the blob url names no container and blob");
        }
        String container = rest.substring(0, slash);
        if (!container.equals(landingContainer)) {
            return Optional.empty();
        }
        return Optional.of(rest.substring(slash + 1));
    }

    private static String dfsTwin(String blobHost) {
        int dot = blobHost.indexOf(".blob.");
        return dot < 0 ? blobHost : blobHost.substring(0, dot) + ".dfs." + blobHost.substring(dot + ".blob.".length());
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || IPV4.matcher(host).matches();
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static PermanentFailure foreign(String description) {
        return new PermanentFailure(FOREIGN_URL, description);
    }
}

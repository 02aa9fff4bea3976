package io.fhirpipe.runtime.health;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.concurrent.TimeoutException;

/**
 * Why a dependency did not answer, from the exception's type alone: exception messages may quote
 * URLs with SAS tokens or connection details, so they never reach health output.
 */
final class Unreachable {

    private Unreachable() {}

    /** {@code host:port} of a URL (default ports filled in), without user info, path or query. */
    public static String hostAndPort(String url) {
        try {
            URI uri = URI.create(url);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
            return uri.getHost() + ":" + port;
        } catch (RuntimeException e) {
            return "(unparsable address)";
        }
    }

    /** e.g. {@code refused the connection}, {@code did not answer within 2s}. */
    public static String why(Throwable failure, java.time.Duration timeout) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException && !(t instanceof HttpConnectTimeoutException)) {
                return "refused the connection";
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return "is an unknown host";
            }
            if (t instanceof NoRouteToHostException) {
                return "is not routable";
            }
            if (t instanceof TimeoutException
                    || t instanceof HttpTimeoutException
                    || t instanceof SocketTimeoutException) {
                return "did not answer within " + seconds(timeout);
            }
            if (t instanceof java.io.IOException && t.getClass().getName().contains("Closed")) {
                return "closed the connection";
            }
        }
        // the SDKs wrap a timeout of a blocking call in an IllegalStateException naming it
        if (failure instanceof IllegalStateException
                && String.valueOf(failure.getMessage()).contains("Timeout")) {
            return "did not answer within " + seconds(timeout);
        }
        return "could not be reached (" + failure.getClass().getSimpleName() + ")";
    }

    private static String seconds(java.time.Duration timeout) {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
    }
}

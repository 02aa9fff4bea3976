package io.fhirpipe.fhirclient.auth;

final class FhirBaseUrls {

    private FhirBaseUrls() {}

    static String withoutTrailingSlash(String fhirBaseUrl) {
        String url = fhirBaseUrl.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }
}

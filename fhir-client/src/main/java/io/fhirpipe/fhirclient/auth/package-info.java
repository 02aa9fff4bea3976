/**
 * Authentication to FHIR servers. A service turns its configuration into {@link
 * io.fhirpipe.fhirclient.auth.AuthSettings}, calls {@link
 * io.fhirpipe.fhirclient.auth.AccessTokenSources#create(AuthSettings, String)} once per server, and
 * asks the resulting {@link io.fhirpipe.fhirclient.auth.AccessTokenSource} for a token on every
 * request. Plain Java on purpose: no CDI, so every service and test builds it the same way.
 */
package io.fhirpipe.fhirclient.auth;

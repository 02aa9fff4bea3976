package io.fhirpipe.exporttrigger.security;

import io.fhirpipe.testsupport.security.AdminEntraId;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

/**
 * {@link AdminEntraId} for this service's tests, which sign their tokens here, where
 * smallrye-jwt-build is (test-support does not carry it).
 */
public class LocalEntraId extends AdminEntraId {

    /** The claims of an Entra ID v2.0 access token for the admin API, with these app roles. */
    static JwtClaimsBuilder claims(String... roles) {
        return Jwt.claims(tokenClaims(roles));
    }
}

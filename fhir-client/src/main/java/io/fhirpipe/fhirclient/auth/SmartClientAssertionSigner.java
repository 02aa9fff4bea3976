package io.fhirpipe.fhirclient.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;
import java.util.UUID;

/**
 * Signs the JWT a SMART Backend Services client proves its identity with
 * ({@code client_assertion}): issuer and subject are the client id, the audience is the token
 * endpoint, and each assertion has its own {@code jti} so a server can refuse replays.
 */
final class SmartClientAssertionSigner {

    /**
     * SMART allows at most five minutes. One minute less keeps a client clock that runs somewhat
     * ahead of the server's from producing assertions the server finds too long-lived.
     */
    public static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(4);

    private static final int MINIMUM_RSA_KEY_BITS = 2048;

    private final String clientId;
    private final String keyId;
    private final SigningAlgorithm algorithm;
    private final JWSSigner signer;
    private final Clock clock;

    /** @throws IllegalArgumentException when the key does not suit the algorithm */
    public SmartClientAssertionSigner(
            String clientId, String keyId, SigningAlgorithm algorithm, PrivateKey privateKey, Clock clock) {
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.keyId = Objects.requireNonNull(keyId, "keyId");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.signer = signerFor(algorithm, Objects.requireNonNull(privateKey, "privateKey"));
    }

    private static JWSSigner signerFor(SigningAlgorithm algorithm, PrivateKey key) {
        switch (algorithm) {
            case RS384:
                if (!(key instanceof RSAPrivateKey rsaKey)) {
                    throw new IllegalArgumentException("RS384 needs an RSA private key, got " + key.getAlgorithm());
                }
                if (rsaKey.getModulus().bitLength() < MINIMUM_RSA_KEY_BITS) {
                    throw new IllegalArgumentException("RS384 needs an RSA key of at least " + MINIMUM_RSA_KEY_BITS
                            + " bits, got " + rsaKey.getModulus().bitLength());
                }
                return new RSASSASigner(rsaKey);
            case ES384:
                if (!(key instanceof ECPrivateKey ecKey)) {
                    throw new IllegalArgumentException("ES384 needs an EC private key, got " + key.getAlgorithm());
                }
                Curve curve = Curve.forECParameterSpec(ecKey.getParams());
                if (!Curve.P_384.equals(curve)) {
                    throw new IllegalArgumentException("ES384 needs an EC key on curve P-384, got "
                            + (curve == null ? "an unknown curve" : curve.getName()));
                }
                try {
                    return new ECDSASigner(ecKey);
                } catch (JOSEException e) {
                    throw new IllegalArgumentException("the EC key cannot sign ES384: " + e.getMessage(), e);
                }
            default:
                throw new IllegalArgumentException("unsupported algorithm " + algorithm);
        }
    }

    /** A newly signed, serialized assertion for a request to {@code tokenEndpoint}. */
    public String signAssertionFor(URI tokenEndpoint) {
        Instant now = clock.instant();
        JWSHeader header = new JWSHeader.Builder(algorithm.jwsAlgorithm())
                .keyID(keyId)
                .type(JOSEObjectType.JWT)
                .build();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(clientId)
                .subject(clientId)
                .audience(tokenEndpoint.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new AccessTokenException(
                    "could not sign the SMART client assertion with " + algorithm + ": " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    public String clientId() {
        return clientId;
    }

    @Override
    public String toString() {
        return "SmartClientAssertionSigner[clientId=" + clientId + ", keyId=" + keyId + ", algorithm=" + algorithm
                + ", privateKey=" + Redaction.REDACTED + "]";
    }
}

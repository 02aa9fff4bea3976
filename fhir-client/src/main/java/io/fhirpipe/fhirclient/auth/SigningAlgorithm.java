package io.fhirpipe.fhirclient.auth;

import com.nimbusds.jose.JWSAlgorithm;

/** The client assertion signature algorithms SMART Backend Services requires servers to support. */
public enum SigningAlgorithm {
    /** RSASSA-PKCS1-v1_5 with SHA-384; needs an RSA key of at least 2048 bits. */
    RS384(JWSAlgorithm.RS384, "RSA"),
    /** ECDSA with SHA-384; needs a key on curve P-384. */
    ES384(JWSAlgorithm.ES384, "EC");

    private final JWSAlgorithm jwsAlgorithm;
    private final String keyAlgorithm;

    SigningAlgorithm(JWSAlgorithm jwsAlgorithm, String keyAlgorithm) {
        this.jwsAlgorithm = jwsAlgorithm;
        this.keyAlgorithm = keyAlgorithm;
    }

    public JWSAlgorithm jwsAlgorithm() {
        return jwsAlgorithm;
    }

    /** The JCA key algorithm name, as {@link java.security.KeyFactory} knows it. */
    public String keyAlgorithm() {
        return keyAlgorithm;
    }
}

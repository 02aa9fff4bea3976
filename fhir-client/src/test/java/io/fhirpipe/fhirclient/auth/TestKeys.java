package io.fhirpipe.fhirclient.auth;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Key pairs made on the spot, once per test run: RSA-3072 takes a noticeable moment to generate. */
final class TestKeys {

    private static KeyPair rsa3072;
    private static KeyPair ecP384;

    private TestKeys() {}

    static synchronized KeyPair rsa3072() {
        if (rsa3072 == null) {
            rsa3072 = generateRsa(3072);
        }
        return rsa3072;
    }

    static synchronized KeyPair ecP384() {
        if (ecP384 == null) {
            ecP384 = generateEc("secp384r1");
        }
        return ecP384;
    }

    static KeyPair forAlgorithm(SigningAlgorithm algorithm) {
        return algorithm == SigningAlgorithm.RS384 ? rsa3072() : ecP384();
    }

    static KeyPair generateRsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair generateEc(String curve) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(curve));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JCA encodes private keys as PKCS#8, so the PEM is the encoding in base64 between the markers. */
    static String pkcs8Pem(PrivateKey key) {
        return "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** The base64 body of the PEM: what must never leak, whatever the line breaks. */
    static String pemBody(PrivateKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }
}

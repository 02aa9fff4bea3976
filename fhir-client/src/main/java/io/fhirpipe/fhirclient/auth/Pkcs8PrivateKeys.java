package io.fhirpipe.fhirclient.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads unencrypted PKCS#8 private keys ({@code -----BEGIN PRIVATE KEY-----}) from PEM text.
 *
 * <p>Error messages describe what is wrong with the text, never any of its content: the text is a
 * private key, or something a person pasted in place of one.
 */
final class Pkcs8PrivateKeys {

    private static final Pattern PKCS8_PEM =
            Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final Pattern ANY_PEM_LABEL = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");
    private static final String CONVERSION_HINT =
            "convert it with 'openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem'";

    private Pkcs8PrivateKeys() {}

    /**
     * @param keyAlgorithm the JCA key algorithm the key must be, {@code RSA} or {@code EC}
     * @throws IllegalArgumentException when the text holds no unencrypted PKCS#8 key of that algorithm
     */
    public static PrivateKey parse(String pem, String keyAlgorithm) {
        if (pem == null || pem.isBlank()) {
            throw new IllegalArgumentException("the private key PEM is empty");
        }
        Matcher pkcs8 = PKCS8_PEM.matcher(pem);
        if (!pkcs8.find()) {
            throw new IllegalArgumentException(describeWrongFormat(pem));
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pkcs8.group(1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PRIVATE KEY PEM block is not valid base64");
        }
        try {
            return KeyFactory.getInstance(keyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            // The JCA message names the parse failure only; kept as the cause for diagnosis.
            throw new IllegalArgumentException(
                    "the PRIVATE KEY PEM block is not a PKCS#8 " + keyAlgorithm + " private key", e);
        }
    }

    private static String describeWrongFormat(String pem) {
        Matcher label = ANY_PEM_LABEL.matcher(pem);
        if (!label.find()) {
            return "no PEM block found; expected '-----BEGIN PRIVATE KEY-----'";
        }
        String found = label.group(1);
        if (found.equals("ENCRYPTED PRIVATE KEY")) {
            return "the key is encrypted; an unencrypted PKCS#8 key is needed, " + CONVERSION_HINT;
        }
        if (found.equals("RSA PRIVATE KEY") || found.equals("EC PRIVATE KEY")) {
            return "found a '" + found + "' block (PKCS#1/SEC1); a PKCS#8 'PRIVATE KEY' is needed, " + CONVERSION_HINT;
        }
        return "found a '" + found + "' block; expected '-----BEGIN PRIVATE KEY-----'";
    }
}

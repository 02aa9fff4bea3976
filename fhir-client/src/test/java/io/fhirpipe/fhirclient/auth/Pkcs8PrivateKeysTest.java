package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.PrivateKey;
import org.junit.jupiter.api.Test;

class Pkcs8PrivateKeysTest {

    /** Looks like key material; must never come back in a message. */
    private static final String SECRET_LOOKING = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC";

    @Test
    void readsRsaAndEcKeys() {
        PrivateKey rsa = TestKeys.rsa3072().getPrivate();
        PrivateKey ec = TestKeys.ecP384().getPrivate();

        assertThat(Pkcs8PrivateKeys.parse(TestKeys.pkcs8Pem(rsa), "RSA")).isEqualTo(rsa);
        assertThat(Pkcs8PrivateKeys.parse(TestKeys.pkcs8Pem(ec), "EC")).isEqualTo(ec);
    }

    @Test
    void toleratesTextAroundTheBlockAndWindowsLineEnds() {
        PrivateKey ec = TestKeys.ecP384().getPrivate();
        String pem = "Bag Attributes\r\n" + TestKeys.pkcs8Pem(ec).replace("\n", "\r\n");

        assertThat(Pkcs8PrivateKeys.parse(pem, "EC")).isEqualTo(ec);
    }

    @Test
    void explainsPkcs1AndSec1KeysAndHowToConvertThem() {
        String pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\n" + SECRET_LOOKING + "\n-----END RSA PRIVATE KEY-----\n";

        assertThatThrownBy(() -> Pkcs8PrivateKeys.parse(pkcs1, "RSA"))
                .hasMessageContaining("'RSA PRIVATE KEY'")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
                .hasMessageNotContaining(SECRET_LOOKING);
    }

    @Test
    void explainsEncryptedKeys() {
        String encrypted =
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + SECRET_LOOKING + "\n-----END ENCRYPTED PRIVATE KEY-----\n";

        assertThatThrownBy(() -> Pkcs8PrivateKeys.parse(encrypted, "RSA"))
                .hasMessageContaining("encrypted")
                .hasMessageNotContaining(SECRET_LOOKING);
    }

    @Test
    void neverEchoesTextThatIsNoPem() {
        assertThatThrownBy(() -> Pkcs8PrivateKeys.parse(SECRET_LOOKING, "RSA"))
                .hasMessage("no PEM block found; expected '-----BEGIN PRIVATE KEY-----'");
    }

    @Test
    void refusesAPkcs8BlockThatIsNoKey() {
        String garbage = "-----BEGIN PRIVATE KEY-----\n" + SECRET_LOOKING + "\n-----END PRIVATE KEY-----\n";

        assertThatThrownBy(() -> Pkcs8PrivateKeys.parse(garbage, "RSA"))
                .hasMessage("the PRIVATE KEY PEM block is not a PKCS#8 RSA private key");
    }
}

package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SmartClientAssertionSignerTest {

    private static final URI TOKEN_ENDPOINT = URI.create("https://auth.example.org/oauth2/token");

    private final MutableClock clock = MutableClock.startingNow();

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void signsTheClaimsSmartBackendServicesRequires(SigningAlgorithm algorithm) throws Exception {
        KeyPair keys = TestKeys.forAlgorithm(algorithm);
        SmartClientAssertionSigner signer =
                new SmartClientAssertionSigner("client-7", "kid-7", algorithm, keys.getPrivate(), clock);

        SignedJWT jwt = SignedJWT.parse(signer.signAssertionFor(TOKEN_ENDPOINT));
        JWTClaimsSet claims = jwt.getJWTClaimsSet();

        assertThat(jwt.verify(
                        keys.getPublic() instanceof RSAPublicKey rsa
                                ? new RSASSAVerifier(rsa)
                                : new ECDSAVerifier((ECPublicKey) keys.getPublic())))
                .isTrue();
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(algorithm.jwsAlgorithm());
        assertThat(jwt.getHeader().getKeyID()).isEqualTo("kid-7");
        assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(claims.getIssuer()).isEqualTo("client-7");
        assertThat(claims.getSubject()).isEqualTo("client-7");
        assertThat(claims.getAudience()).isEqualTo(List.of(TOKEN_ENDPOINT.toString()));
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(Duration.between(clock.instant(), claims.getExpirationTime().toInstant()))
                .isPositive()
                .isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(claims.getJWTID()).isNotBlank();
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void everyAssertionHasItsOwnJti(SigningAlgorithm algorithm) throws Exception {
        SmartClientAssertionSigner signer = new SmartClientAssertionSigner(
                "client-7", "kid-7", algorithm, TestKeys.forAlgorithm(algorithm).getPrivate(), clock);

        String first = SignedJWT.parse(signer.signAssertionFor(TOKEN_ENDPOINT))
                .getJWTClaimsSet()
                .getJWTID();
        String second = SignedJWT.parse(signer.signAssertionFor(TOKEN_ENDPOINT))
                .getJWTClaimsSet()
                .getJWTID();

        assertThat(first).isNotEqualTo(second);
    }

    @ParameterizedTest
    @EnumSource(SigningAlgorithm.class)
    void toStringHidesTheKey(SigningAlgorithm algorithm) {
        KeyPair keys = TestKeys.forAlgorithm(algorithm);
        SmartClientAssertionSigner signer =
                new SmartClientAssertionSigner("client-7", "kid-7", algorithm, keys.getPrivate(), clock);

        assertThat(signer.toString())
                .contains("client-7", "kid-7", algorithm.name(), "privateKey=<redacted>")
                .doesNotContain(TestKeys.pemBody(keys.getPrivate()).substring(0, 40));
    }
}

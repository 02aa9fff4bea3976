package io.fhirpipe.fhirclient.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.Optional;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings that cannot work are refused by the factory with the setting's name and without its secret. */
class AccessTokenSourcesValidationTest {

    private static final String BASE_URL = "https://fhir.example.org/R4";
    private static final Optional<URI> TOKEN_URL = Optional.of(URI.create("https://auth.example.org/token"));

    private final KeyPair rsaKeys = TestKeys.rsa3072();
    private final String rsaPem = TestKeys.pkcs8Pem(rsaKeys.getPrivate());
    private final String rsaPemBody = TestKeys.pemBody(rsaKeys.getPrivate());

    private AuthSettings.Smart smart(
            Optional<URI> tokenUrl,
            String clientId,
            String keyId,
            Optional<String> pem,
            Optional<Path> path,
            SigningAlgorithm algorithm,
            String scope) {
        return new AuthSettings.Smart(tokenUrl, clientId, keyId, pem, path, algorithm, scope);
    }

    private AuthSettings.Smart validSmart() {
        return smart(
                TOKEN_URL,
                "client",
                "kid-1",
                Optional.of(rsaPem),
                Optional.empty(),
                SigningAlgorithm.RS384,
                "system/*.read");
    }

    private static InvalidAuthSettingsException refusal(ThrowingCallable create) {
        Throwable thrown = catchThrowable(create);
        assertThat(thrown).isInstanceOf(InvalidAuthSettingsException.class);
        return (InvalidAuthSettingsException) thrown;
    }

    @Test
    void validSmartSettingsAreAccepted() {
        assertThat(AccessTokenSources.create(validSmart(), BASE_URL)).isInstanceOf(CachingAccessTokenSource.class);
    }

    @Test
    void bearerWithoutTokenNamesToken() {
        InvalidAuthSettingsException e =
                refusal(() -> AccessTokenSources.create(new AuthSettings.Bearer(" "), BASE_URL));

        assertThat(e.kind()).isEqualTo("bearer");
        assertThat(e.setting()).isEqualTo("token");
        assertThat(e).hasMessage("Invalid 'bearer' authentication settings: token is missing");
    }

    @Test
    void entraWithoutScopeNeedsTheBaseUrl() {
        InvalidAuthSettingsException e =
                refusal(() -> AccessTokenSources.create(AuthSettings.Entra.withDefaults(), null));

        assertThat(e.setting()).isEqualTo("fhirBaseUrl");
        assertThat(e).hasMessageContaining("default scope");
    }

    @Test
    void entraWithAScopeNeedsNoBaseUrl() {
        AccessTokenSource source = AccessTokenSources.create(
                new AuthSettings.Entra(Optional.of("api://x/.default"), Optional.empty()), null);

        assertThat(source.toString()).contains("api://x/.default");
    }

    @Test
    void blankOptionalEntraSettingsCountAsAbsent() {
        AuthSettings.Entra entra = new AuthSettings.Entra(Optional.of(" "), null);

        assertThat(entra.scope()).isEmpty();
        assertThat(entra.managedIdentityClientId()).isEmpty();
    }

    @Test
    void eachMissingSmartSettingIsNamed() {
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        TOKEN_URL,
                                        null,
                                        "kid",
                                        Optional.of(rsaPem),
                                        Optional.empty(),
                                        SigningAlgorithm.RS384,
                                        "system/*.read"),
                                BASE_URL))
                        .setting())
                .isEqualTo("clientId");
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        TOKEN_URL,
                                        "client",
                                        "",
                                        Optional.of(rsaPem),
                                        Optional.empty(),
                                        SigningAlgorithm.RS384,
                                        "system/*.read"),
                                BASE_URL))
                        .setting())
                .isEqualTo("keyId");
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        TOKEN_URL,
                                        "client",
                                        "kid",
                                        Optional.of(rsaPem),
                                        Optional.empty(),
                                        null,
                                        "system/*.read"),
                                BASE_URL))
                        .setting())
                .isEqualTo("algorithm");
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        TOKEN_URL,
                                        "client",
                                        "kid",
                                        Optional.of(rsaPem),
                                        Optional.empty(),
                                        SigningAlgorithm.RS384,
                                        null),
                                BASE_URL))
                        .setting())
                .isEqualTo("scope");
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        TOKEN_URL,
                                        "client",
                                        "kid",
                                        Optional.empty(),
                                        Optional.empty(),
                                        SigningAlgorithm.RS384,
                                        "system/*.read"),
                                BASE_URL))
                        .setting())
                .isEqualTo("privateKeyPem");
        assertThat(refusal(() -> AccessTokenSources.create(
                                smart(
                                        Optional.empty(),
                                        "client",
                                        "kid",
                                        Optional.of(rsaPem),
                                        Optional.empty(),
                                        SigningAlgorithm.RS384,
                                        "system/*.read"),
                                " "))
                        .setting())
                .isEqualTo("fhirBaseUrl");
    }

    @Test
    void aRelativeTokenUrlIsNamed() {
        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        Optional.of(URI.create("/token")),
                        "client",
                        "kid",
                        Optional.of(rsaPem),
                        Optional.empty(),
                        SigningAlgorithm.RS384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e.setting()).isEqualTo("tokenUrl");
        assertThat(e).hasMessageContaining("absolute http(s) URL: /token");
    }

    @Test
    void keyAsTextAndAsFileAtOnceIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("key.pem"), rsaPem);

        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        TOKEN_URL,
                        "client",
                        "kid",
                        Optional.of(rsaPem),
                        Optional.of(file),
                        SigningAlgorithm.RS384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e)
                .hasMessageContaining("privateKeyPem and privateKeyPath are both set")
                .hasMessageNotContaining(rsaPemBody);
    }

    @Test
    void anUnreadableKeyFileIsNamedWithItsPath(@TempDir Path dir) {
        Path missing = dir.resolve("no-such-key.pem");

        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        TOKEN_URL,
                        "client",
                        "kid",
                        Optional.empty(),
                        Optional.of(missing),
                        SigningAlgorithm.RS384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e.setting()).isEqualTo("privateKeyPath");
        assertThat(e).hasMessageContaining("no-such-key.pem");
    }

    @Test
    void anRsaKeyForEs384IsRefusedWithoutShowingTheKey() {
        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        TOKEN_URL,
                        "client",
                        "kid",
                        Optional.of(rsaPem),
                        Optional.empty(),
                        SigningAlgorithm.ES384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e.setting()).isEqualTo("privateKeyPem");
        assertThat(e).hasMessageContaining("not a PKCS#8 EC private key");
        assertThat(fullTrace(e)).doesNotContain(rsaPemBody).doesNotContain(rsaPemBody.substring(100, 140));
    }

    @Test
    void anEcKeyOnAnotherCurveIsRefusedForEs384() {
        String p256Pem = TestKeys.pkcs8Pem(TestKeys.generateEc("secp256r1").getPrivate());

        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        TOKEN_URL,
                        "client",
                        "kid",
                        Optional.of(p256Pem),
                        Optional.empty(),
                        SigningAlgorithm.ES384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e).hasMessageContaining("P-384").hasMessageContaining("P-256");
    }

    @Test
    void aShortRsaKeyIsRefused() {
        String rsa1024Pem = TestKeys.pkcs8Pem(TestKeys.generateRsa(1024).getPrivate());

        InvalidAuthSettingsException e = refusal(() -> AccessTokenSources.create(
                smart(
                        TOKEN_URL,
                        "client",
                        "kid",
                        Optional.of(rsa1024Pem),
                        Optional.empty(),
                        SigningAlgorithm.RS384,
                        "system/*.read"),
                BASE_URL));

        assertThat(e).hasMessageContaining("at least 2048 bits, got 1024");
    }

    @Test
    void smartSettingsToStringHidesTheKey() {
        String text = validSmart().toString();

        assertThat(text)
                .contains("clientId=client", "keyId=kid-1", "privateKeyPem=<redacted>", "RS384")
                .doesNotContain(rsaPemBody.substring(0, 40))
                .doesNotContain("BEGIN");
    }

    @Test
    void sourceToStringHidesTheKey() {
        String text = AccessTokenSources.create(validSmart(), BASE_URL).toString();

        assertThat(text).contains("https://auth.example.org/token").doesNotContain(rsaPemBody.substring(0, 40));
    }

    private static String fullTrace(Throwable e) {
        StringWriter out = new StringWriter();
        e.printStackTrace(new PrintWriter(out));
        return out.toString();
    }

    @Test
    void pemBodyHelperMatchesWhatThePemCarries() {
        // Guards the redaction assertions above: they search for this text, so it must be the key.
        assertThat(rsaPem.replace("\n", "")).contains(rsaPemBody);
        assertThat(Base64.getDecoder().decode(rsaPemBody))
                .isEqualTo(rsaKeys.getPrivate().getEncoded());
    }
}

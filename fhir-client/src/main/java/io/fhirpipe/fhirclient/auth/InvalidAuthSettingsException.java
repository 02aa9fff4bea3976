package io.fhirpipe.fhirclient.auth;

/**
 * Authentication settings that cannot work. {@link #kind()} and {@link #setting()} name the
 * offending setting as the {@link AuthSettings} kind and record component, so a configuration layer
 * can translate them into its own property names. The message never holds a setting's value when
 * that value is a secret.
 */
class InvalidAuthSettingsException extends IllegalArgumentException {

    private final String kind;
    private final String setting;

    public InvalidAuthSettingsException(String kind, String setting, String problem) {
        this(kind, setting, problem, null);
    }

    public InvalidAuthSettingsException(String kind, String setting, String problem, Throwable cause) {
        super("Invalid '" + kind + "' authentication settings: " + setting + " " + problem, cause);
        this.kind = kind;
        this.setting = setting;
    }

    /** {@code none}, {@code bearer}, {@code entra} or {@code smart}. */
    public String kind() {
        return kind;
    }

    public String setting() {
        return setting;
    }
}

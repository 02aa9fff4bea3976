package io.fhirpipe.testsupport.security;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Map;

/**
 * A service's configuration for a profile, read from its class path the way Quarkus layers it:
 * application.properties with the files its {@code quarkus.config.locations} names, then
 * application-&lt;profile&gt;.properties over them, then the environment. Without starting the service,
 * so a profile that needs a cloud (servicebus) can be checked here.
 */
final class ProfileConfig {

    private static final int APPLICATION = 250;
    private static final int PROFILE_FILE = 260;
    private static final int ENVIRONMENT = 300;

    private ProfileConfig() {}

    public static SmallRyeConfig of(ClassLoader service, String profile, Map<String, String> environment) {
        try {
            PropertiesConfigSource application =
                    new PropertiesConfigSource(resource(service, "application.properties"), APPLICATION);
            SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                    .addDefaultInterceptors()
                    .withProfile(profile)
                    .withSources(application)
                    .withSources(new PropertiesConfigSource(environment, "environment", ENVIRONMENT));
            String locations = application.getValue("quarkus.config.locations");
            if (locations != null) {
                for (String location : locations.split(",")) {
                    builder.withSources(new PropertiesConfigSource(resource(service, location.trim()), APPLICATION));
                }
            }
            URL profileFile = service.getResource("application-" + profile + ".properties");
            if (profileFile != null) {
                builder.withSources(new PropertiesConfigSource(profileFile, PROFILE_FILE));
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static URL resource(ClassLoader service, String name) {
        URL url = service.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is not on the service's class path");
        }
        return url;
    }
}

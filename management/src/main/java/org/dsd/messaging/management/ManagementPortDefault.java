package org.dsd.messaging.management;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Serves management (Hawtio, Jolokia, metrics) on a port of its own, by default the app's port + 1000: facade 9080,
 * logging 9081/9083/9085, messages 9082/9084. A port picked at random (0) picks the management port at random too.
 * An explicit {@code management.server.port} wins: this default is the last property source.
 */
public class ManagementPortDefault implements EnvironmentPostProcessor {

    private static final int OFFSET = 1000;
    private static final String MANAGEMENT_PORT = "management.server.port";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(MANAGEMENT_PORT)) {
            return;
        }
        int serverPort = environment.getProperty("server.port", Integer.class, 8080);
        if (serverPort < 0) {
            return;
        }
        int managementPort = serverPort == 0 ? 0 : serverPort + OFFSET;
        environment.getPropertySources().addLast(
                new MapPropertySource("managementPortDefault", Map.of(MANAGEMENT_PORT, managementPort)));
    }
}

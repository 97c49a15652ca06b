package org.dsd.messaging.testservices;

import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.ServiceContexts;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/** The logging routes as logging-app wires them, to run beside the facade in its tests. */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.logging", "org.dsd.messaging.common",
        "org.dsd.messaging.discovery"})
public class LoggingService {

    /**
     * Starts a logging instance (a client of {@code cluster}) and points the facade under test at it alone, as
     * static discovery; the caller closes the returned context.
     */
    public static ConfigurableApplicationContext startAsTheOnlyOne(HazelcastTestCluster cluster,
                                                                   DynamicPropertyRegistry registry) {
        ConfigurableApplicationContext logging = ServiceContexts.start(LoggingService.class, "logging",
                cluster.appProperties("client"));
        cluster.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> ServiceContexts.baseUrl(logging));
        return logging;
    }
}

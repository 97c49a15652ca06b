package org.dsd.messaging.testservices;

import org.dsd.messaging.logging.LoggingApplication;

import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.ServiceContexts;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;

/** A logging instance to run beside the facade in its tests. */
public final class LoggingService {

    private LoggingService() {
    }

    /**
     * Starts a logging instance (a client of {@code cluster}) and points the facade under test at it alone, as
     * static discovery; the caller closes the returned context.
     */
    public static ConfigurableApplicationContext startAsTheOnlyOne(HazelcastTestCluster cluster,
                                                                   DynamicPropertyRegistry registry) {
        ConfigurableApplicationContext logging = ServiceContexts.start(LoggingApplication.class, "logging",
                cluster.appProperties("client"));
        cluster.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> ServiceContexts.baseUrl(logging));
        return logging;
    }
}

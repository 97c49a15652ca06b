package org.dsd.messaging.logging;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * logging-service: the routes of package {@code org.dsd.messaging.logging}, the shared {@code common} wiring, and its
 * registration in the service registry ({@code discovery}).
 */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.logging", "org.dsd.messaging.common",
        "org.dsd.messaging.discovery"})
public class LoggingApplication {

    public static void main(String[] args) {
        SpringApplication.run(LoggingApplication.class, args);
    }
}

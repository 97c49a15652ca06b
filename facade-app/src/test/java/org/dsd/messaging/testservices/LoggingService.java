package org.dsd.messaging.testservices;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The logging routes as logging-app wires them, to run beside the facade in its tests. */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.logging", "org.dsd.messaging.common",
        "org.dsd.messaging.discovery"})
public class LoggingService {
}

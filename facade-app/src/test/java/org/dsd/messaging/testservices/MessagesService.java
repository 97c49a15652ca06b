package org.dsd.messaging.testservices;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The messages routes as messages-app wires them, to run beside the facade in its tests. */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.messages", "org.dsd.messaging.common",
        "org.dsd.messaging.discovery"})
public class MessagesService {
}

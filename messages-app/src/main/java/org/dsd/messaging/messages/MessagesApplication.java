package org.dsd.messaging.messages;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * messages-service: the routes of package {@code org.dsd.messaging.messages}, the shared {@code common} wiring, and its
 * registration in the service registry ({@code discovery}).
 */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.messages", "org.dsd.messaging.common",
        "org.dsd.messaging.discovery"})
public class MessagesApplication {

    public static void main(String[] args) {
        SpringApplication.run(MessagesApplication.class, args);
    }
}

package org.dsd.messaging.messages;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** messages-service: the routes of package {@code org.dsd.messaging.messages} and the shared {@code common} wiring. */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.messages", "org.dsd.messaging.common"})
public class MessagesApplication {

    public static void main(String[] args) {
        SpringApplication.run(MessagesApplication.class, args);
    }
}

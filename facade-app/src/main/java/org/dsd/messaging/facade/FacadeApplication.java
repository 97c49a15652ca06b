package org.dsd.messaging.facade;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** facade-service: the routes of package {@code org.dsd.messaging.facade} and the shared {@code common} wiring. */
@SpringBootApplication(scanBasePackages = {"org.dsd.messaging.facade", "org.dsd.messaging.common"})
public class FacadeApplication {

    public static void main(String[] args) {
        SpringApplication.run(FacadeApplication.class, args);
    }
}

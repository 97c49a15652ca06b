package org.dsd.messaging.discovery;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Import;

/** An app with {@code app.registry.service-name} registers itself in the service registry while it serves. */
@AutoConfiguration
@Import({SelfRegistration.class, RegistrationRoutes.class})
public class DiscoveryAutoConfiguration {
}

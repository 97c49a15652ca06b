package org.dsd.messaging.discovery;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.stereotype.Component;

/** Renews this instance's registration while it can serve (see {@link SelfRegistration}). */
@Component
@ConditionalOnExpression(SelfRegistration.ENABLED)
public class RegistrationRoutes extends RouteBuilder {

    private final SelfRegistration registration;
    private final long periodMillis;

    public RegistrationRoutes(SelfRegistration registration, DiscoveryProperties discovery) {
        this.registration = registration;
        this.periodMillis = discovery.registry().refresh().toMillis();
    }

    @Override
    public void configure() {
        from("timer:discovery-register?period=" + periodMillis).routeId("discovery-register")
                // A renewal that fails (the cluster is busy or split) is tried again at the next tick.
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.WARN, "registration not renewed: ${exception.message}")
                .end()
                .filter(method(registration, "canServe"))
                .bean(registration, "register");
    }
}

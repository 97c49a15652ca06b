package org.dsd.messaging.management;

import org.springframework.boot.actuate.autoconfigure.web.server.ConditionalOnManagementPort;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.actuate.endpoint.ApiVersion;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.actuate.health.HealthComponent;
import org.springframework.boot.actuate.health.HealthEndpointWebExtension;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /actuator/health} and its groups ({@code /readiness}, {@code /liveness}) on the business port too, the
 * same answers as on the management port, without a login: what probes, {@code ./topology} and load balancers ask.
 * Nothing else of management is served here. (Spring Boot's own additional health paths take one segment only.)
 */
@RestController
@ConditionalOnManagementPort(ManagementPortType.DIFFERENT)
public class BusinessPortHealth {

    private final HealthEndpointWebExtension health;

    public BusinessPortHealth(HealthEndpointWebExtension health) {
        this.health = health;
    }

    @GetMapping({"/actuator/health", "/actuator/health/{*path}"})
    public ResponseEntity<HealthComponent> health(@PathVariable(required = false) String path) {
        String[] segments = path == null || path.equals("/") ? new String[0] : path.substring(1).split("/");
        WebEndpointResponse<HealthComponent> answer = health.health(ApiVersion.LATEST, WebServerNamespace.MANAGEMENT,
                SecurityContext.NONE, segments);
        return ResponseEntity.status(answer.getStatus()).body(answer.getBody());
    }
}

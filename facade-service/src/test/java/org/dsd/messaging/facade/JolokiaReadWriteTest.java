package org.dsd.messaging.facade;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testservices.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** With {@code app.management.jolokia-access=read-write}, a logged-in user may run operations, e.g. stop a route. */
@CamelSpringBootTest
@DisableJmx(false)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "app.management.jolokia-access=read-write", "spring.security.user.password=" + JolokiaReadWriteTest.PASSWORD})
class JolokiaReadWriteTest {

    static final String PASSWORD = "test-only-password";

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);

    @DynamicPropertySource
    static void joinTheTestCluster(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", FreePort::deadUrl);
        registry.add("app.facade.messages-urls", FreePort::deadUrl);
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    CamelContext camel;

    @Test
    void aLoggedInUserMayStopARoute() throws Exception {
        JsonNode stop = Http.get("http://127.0.0.1:" + managementPort + "/actuator/jolokia/exec/org.apache.camel:context="
                + camel.getManagementName() + ",type=routes,name=%22facade-get%22/stop()", "user", PASSWORD).json();

        try {
            assertThat(stop.get("status").asInt()).as(stop.toString()).isEqualTo(200);
            assertThat(camel.getRouteController().getRouteStatus("facade-get")).isEqualTo(ServiceStatus.Stopped);
        } finally {
            camel.getRouteController().startRoute("facade-get");
        }
    }
}

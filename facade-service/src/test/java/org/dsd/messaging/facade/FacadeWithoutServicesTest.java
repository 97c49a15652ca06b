package org.dsd.messaging.facade;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testservices.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every logging and messages instance is down: the facade answers 503 and queues nothing. Started without a
 * management password, it makes one up.
 */
@CamelSpringBootTest
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeWithoutServicesTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);

    @DynamicPropertySource
    static void pointAtDeadInstances(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> FreePort.deadUrl() + "," + FreePort.deadUrl());
        registry.add("app.facade.messages-urls", FreePort::deadUrl);
        // Each request is tried again until its deadline: short ones keep the test short.
        registry.add("app.facade.post-deadline", () -> "2s");
        registry.add("app.facade.list-deadline", () -> "2s");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void postAndGetAnswer503AndNothingIsQueued() {
        Answer post = Http.post("http://127.0.0.1:" + port + "/facade", "text/plain", "nobody logs this");
        Answer get = Http.get("http://127.0.0.1:" + port + "/facade");

        assertThat(post.status()).isEqualTo(503);
        assertThat(post.json().get("error").asText()).contains("logging-service unavailable");
        assertThat(get.status()).isEqualTo(503);
        assertThat(get.json().get("error").asText()).contains("unavailable");
        assertThat(CLUSTER.member(0).getQueue("messages")).isEmpty();
    }

    @Test
    void withoutAConfiguredPasswordTheManagementLoginGetsARandomOneLoggedOnce(CapturedOutput output) {
        assertThat(output.getAll().split("Using generated security password: ", -1)).hasSize(2);
    }
}

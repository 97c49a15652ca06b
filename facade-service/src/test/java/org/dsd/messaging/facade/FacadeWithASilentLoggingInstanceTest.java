package org.dsd.messaging.facade;

import java.time.Duration;

import com.hazelcast.map.IMap;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.logging.LoggingApplication;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.ServiceContexts;
import org.dsd.messaging.testservices.LoggingService;
import org.dsd.messaging.testservices.SilentInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A logging instance that takes requests and never answers (frozen), beside a live one, and never left out: the
 * POSTs that pick it first are hedged on the live one, which stores what the client sent. With group commit off, so
 * that each write goes alone (the other facade tests run with it on, the default).
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "app.facade.log-batches-under-way=0")
class FacadeWithASilentLoggingInstanceTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final SilentInstance SILENT = new SilentInstance();
    private static ConfigurableApplicationContext logging;

    @DynamicPropertySource
    static void startLoggingBesideASilentInstance(DynamicPropertyRegistry registry) {
        logging = ServiceContexts.start(LoggingApplication.class, "logging", CLUSTER.appProperties("client"));
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> SILENT.url() + "," + ServiceContexts.baseUrl(logging));
        // Picked first half of the time, however long it has been silent: every such POST is hedged.
        registry.add("app.facade.stalled-instance-after", () -> "1h");
    }

    @AfterAll
    static void stopAll() throws Exception {
        logging.close();
        SILENT.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void everyPostIsStoredWithItsTextWithinAHedgeDelayOfTheLiveInstance() {
        String url = "http://127.0.0.1:" + port + "/facade";
        IMap<String, Object> stored = CLUSTER.member(0).getMap("messages");
        for (int i = 0; i < 20; i++) {
            long began = System.nanoTime();
            Answer answer = Http.post(url, "text/plain", "hedged " + i);
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            assertThat(stored.get(answer.json().at("/message/uuid").asText()))
                    .hasFieldOrPropertyWithValue("msg", "hedged " + i);
        }
        assertThat(SILENT.accepted()).as("POSTs that reached the silent instance").isPositive();
    }
}

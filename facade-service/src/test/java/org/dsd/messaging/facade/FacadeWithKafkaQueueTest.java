package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.logging.LoggingApplication;
import org.dsd.messaging.messages.MessagesApplication;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.ServiceContexts;
import org.dsd.messaging.testservices.LoggingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same facade and messages services with {@code app.queue.uri} pointing at Kafka instead of Hazelcast:
 * nothing else changes, and each message is still consumed by exactly one of two messages instances.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeWithKafkaQueueTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);
    private static final EmbeddedKafkaKraftBroker KAFKA = new EmbeddedKafkaKraftBroker(1, 2, "messages");
    private static final List<ConfigurableApplicationContext> SERVICES = new ArrayList<>();

    @DynamicPropertySource
    static void useKafkaAsTheQueue(DynamicPropertyRegistry registry) {
        KAFKA.afterPropertiesSet();
        String queueUri = "kafka:messages?brokers=" + KAFKA.getBrokersAsString()
                + "&groupId=messages&autoOffsetReset=earliest&breakOnFirstError=true";
        Map<String, String> properties = new HashMap<>(CLUSTER.appProperties("client"));
        properties.put("app.queue.uri", queueUri);
        SERVICES.add(ServiceContexts.start(LoggingApplication.class, "logging", properties));
        SERVICES.add(ServiceContexts.start(MessagesApplication.class, "messages-1", properties));
        SERVICES.add(ServiceContexts.start(MessagesApplication.class, "messages-2", properties));
        CLUSTER.join(registry, "client");
        registry.add("app.queue.uri", () -> queueUri);
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.logging-urls", () -> ServiceContexts.baseUrl(SERVICES.get(0)));
        registry.add("app.facade.messages-urls", () -> ServiceContexts.baseUrl(SERVICES.get(1)));
    }

    @AfterAll
    static void stopAll() {
        SERVICES.forEach(ConfigurableApplicationContext::close);
        KAFKA.destroy();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void everyMessageGoesThroughKafkaToExactlyOneMessagesInstance() throws Exception {
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Answer answer = Http.post("http://127.0.0.1:" + port + "/facade", "text/plain", "via kafka " + i);
            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            posted.add(answer.json().at("/message/uuid").asText());
        }

        List<String> consumed = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (consumed.size() < posted.size() && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(250);
            consumed.clear();
            consumed.addAll(Http.uuids(Http.get(ServiceContexts.baseUrl(SERVICES.get(1)) + "/messages").json()));
            consumed.addAll(Http.uuids(Http.get(ServiceContexts.baseUrl(SERVICES.get(2)) + "/messages").json()));
        }

        assertThat(consumed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(posted);
    }
}

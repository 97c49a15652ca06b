package org.dsd.messaging.facade;

import com.hazelcast.collection.IQueue;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testservices.LoggingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure: nobody consumes and the queue holds 3 items; the fourth POST is refused at once. The offer wait is
 * long here: on a loaded machine a first offer outlasting the default 300 ms has the next ones acknowledged without
 * waiting (QueueHandOff), which would hide the refusal.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "app.facade.queue-offer-wait=5s")
class FacadeWithFullQueueTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1, 3);
    private static ConfigurableApplicationContext logging;

    @DynamicPropertySource
    static void startLoggingOnly(DynamicPropertyRegistry registry) {
        logging = LoggingService.startAsTheOnlyOne(CLUSTER, registry);
    }

    @AfterAll
    static void stopAll() {
        logging.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void aFullQueueGets503WithRetryAfterAtOnceAndNothingMoreIsQueued() {
        String url = "http://127.0.0.1:" + port + "/facade";
        IQueue<Object> queue = CLUSTER.member(0).getQueue("messages");
        for (int i = 0; i < 3; i++) {
            assertThat(Http.post(url, "text/plain", "fits " + i).status()).isEqualTo(201);
        }

        long start = System.nanoTime();
        Answer refused = Http.post(url, "text/plain", "does not fit");
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(refused.json().get("error").asText()).contains("queue is full");
        // Refused, not blocked on: an offer the facade waited out would take the whole 5 s wait.
        assertThat(millis).isLessThan(5_000);
        assertThat(queue).hasSize(3);
    }
}

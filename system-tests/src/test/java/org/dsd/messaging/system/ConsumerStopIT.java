package org.dsd.messaging.system;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.hazelcast.collection.IQueue;
import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An idle consumer waits in a blocking transactional poll on the queue's owner. Stopping it must not leave that
 * poll behind: one still parked when the member leaves takes the next offered message for a transaction nobody
 * finishes, and the message is never delivered.
 */
class ConsumerStopIT {

    private static final int ROUNDS = 4;
    private static final int POSTS_PER_ROUND = 3;

    @Test
    void messagesPostedRightAfterEveryConsumerStoppedStayQueuedAndAreConsumedOnceAfterTheRestart() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("consumer-stop")) {
            IQueue<Object> queue = topology.client().getQueue("messages");
            List<String> acknowledged = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                for (Instance messages : topology.messages()) {
                    messages.stop();
                }
                for (int i = 0; i < POSTS_PER_ROUND; i++) {
                    Answer answer = Http.post(topology.facadeUrl(), "text/plain", "round " + round + " post " + i);
                    assertThat(answer.status()).isEqualTo(201);
                    acknowledged.add(answer.json().at("/message/uuid").asText());
                }
                Await.until(Duration.ofSeconds(10), "the posts queued, none taken by a stopped consumer",
                        () -> queue.size() == POSTS_PER_ROUND);

                topology.messages().forEach(Instance::start);
                topology.messages().forEach(Instance::awaitReady);
                Await.until(Duration.ofSeconds(30), "queue drained", queue::isEmpty);
            }
            FaultToleranceIT.assertConsumedOnceEach(topology.consumed(acknowledged.size()), Set.copyOf(acknowledged));
        }
    }
}

package org.dsd.messaging.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client relies on, on real processes: Idempotency-Key repeats, and backpressure of a full queue. */
class ClientContractIT {

    private static final int QUEUE_MAX_SIZE = 20;

    @Test
    void aRepeatedKeyStoresOneMessageAndAFullQueueAnswers503WithRetryAfterThenDeliversWhatItLogged() throws Exception {
        try (LocalTopology topology = LocalTopology.seed("client-contract",
                "--app.hazelcast.queue-max-size=" + QUEUE_MAX_SIZE)) {
            Answer first = postWithKey(topology, "repeat-me", "sent three times");
            Answer second = postWithKey(topology, "repeat-me", "sent three times");
            Answer third = postWithKey(topology, "repeat-me", "sent three times");

            assertThat(List.of(first.status(), second.status(), third.status())).containsOnly(201);
            assertThat(second.json()).isEqualTo(first.json());
            assertThat(third.json()).isEqualTo(first.json());
            String uuid = first.json().at("/message/uuid").asText();
            List<String> logged = Http.uuids(Http.get(topology.facadeUrl()).json().get("logging-service"));
            assertThat(logged).containsOnlyOnce(uuid).hasSize(1);

            for (Instance messages : topology.messages()) {
                messages.stop();
            }
            List<String> acknowledged = new ArrayList<>(List.of(uuid));
            Answer refused = null;
            for (int i = 0; i < QUEUE_MAX_SIZE + 5 && refused == null; i++) {
                Answer answer = Http.post(topology.facadeUrl(), "text/plain", "fills the queue " + i);
                if (answer.status() == 201) {
                    acknowledged.add(answer.json().at("/message/uuid").asText());
                } else {
                    refused = answer;
                }
            }

            assertThat(refused).as("a POST refused once the queue was full").isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(refused.json().get("error").asText()).contains("queue is full");
            assertThat(topology.client().getQueue("messages").size()).isEqualTo(QUEUE_MAX_SIZE);

            List<String> loggedNow = Http.uuids(Http.get(topology.logging().get(0).url() + "/logging").json());
            assertThat(loggedNow).as("the refused message was logged, not queued")
                    .containsAll(acknowledged).hasSize(acknowledged.size() + 1);

            // Once the queue has room again, the refused message is queued too: every logged message arrives once.
            topology.messages().forEach(Instance::start);
            topology.messages().forEach(Instance::awaitReady);
            FaultToleranceIT.assertConsumedOnceEach(topology.consumed(loggedNow.size()), Set.copyOf(loggedNow));
        }
    }

    private static Answer postWithKey(LocalTopology topology, String key, String text) {
        return Http.send(HttpRequest.newBuilder(URI.create(topology.facadeUrl()))
                .POST(HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "text/plain").header("Idempotency-Key", key));
    }
}

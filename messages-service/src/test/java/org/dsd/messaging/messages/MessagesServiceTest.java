package org.dsd.messaging.messages;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.hazelcast.collection.IQueue;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.RequestFuzzer;
import org.dsd.messaging.testing.ServiceContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.apache.camel.builder.Builder.bodyAs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two messages-apps, lite members of a real 3-member cluster, compete for the queue: every message
 * goes to exactly one of them.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.messages.redelivery.grace=2s", "app.messages.redelivery.period=1s",
                // The whole list then crosses many windows of the record.
                "app.messages.read-window=7"})
class MessagesServiceTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(3);

    @DynamicPropertySource
    static void joinTheTestCluster(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "lite-member");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    @Test
    void twoInstancesSplitTheQueueWithNoMessageLostOrDoubled() throws Exception {
        try (ConfigurableApplicationContext second = ServiceContexts.start(MessagesApplication.class, "messages-2",
                CLUSTER.appProperties("lite-member"))) {
            CamelContext secondCamel = second.getBean(CamelContext.class);
            IQueue<String> queue = CLUSTER.member(0).getQueue("messages");
            int count = 200;
            NotifyBuilder firstDone = new NotifyBuilder(camel).fromRoute("messages-consume").whenDone(1).create();
            NotifyBuilder secondDone = new NotifyBuilder(secondCamel).fromRoute("messages-consume").whenDone(1).create();

            List<String> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String uuid = UUID.randomUUID().toString();
                sent.add(uuid);
                queue.put("{\"uuid\":\"" + uuid + "\",\"msg\":\"msg" + i + "\"}");
            }

            assertThat(firstDone.matches(30, TimeUnit.SECONDS)).isTrue();
            assertThat(secondDone.matches(30, TimeUnit.SECONDS)).isTrue();
            List<String> first = new ArrayList<>();
            List<String> other = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (first.size() + other.size() < count && System.nanoTime() < deadline) {
                Thread.sleep(200);
                // Only this test's messages: the other test's are in the first instance's list too.
                first = Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json());
                first.retainAll(sent);
                other = Http.uuids(Http.get(ServiceContexts.baseUrl(second) + "/messages").json());
                other.retainAll(sent);
            }

            assertThat(first).isNotEmpty();
            assertThat(other).isNotEmpty();
            Set<String> both = new HashSet<>(first);
            both.retainAll(other);
            assertThat(both).as("consumed by both instances").isEmpty();
            List<String> all = new ArrayList<>(first);
            all.addAll(other);
            assertThat(all).containsExactlyInAnyOrderElementsOf(sent);
            // Each instance lists in arrival order, which is queue order.
            assertThat(first).isSortedAccordingTo((a, b) -> Integer.compare(sent.indexOf(a), sent.indexOf(b)));
            assertThat(queue).isEmpty();
            // A page of one instance's list: the next messages in its own order, after one it consumed.
            List<String> listed = Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json());
            int at = listed.indexOf(first.get(0));
            Answer page = Http.get("http://127.0.0.1:" + port + "/messages?limit=3&after=" + first.get(0));
            assertThat(Http.uuids(page.json())).isEqualTo(listed.subList(at + 1, Math.min(listed.size(), at + 4)));
            assertThat(Http.get("http://127.0.0.1:" + port + "/messages?limit=3&after=" + other.get(0)).status())
                    .as("a message the other instance consumed").isEqualTo(400);
            List<Integer> pageSizes = new ArrayList<>();
            assertThat(Http.walk("http://127.0.0.1:" + port + "/messages?limit=16", pageSizes))
                    .as("the list walked page by page").isEqualTo(listed);
            assertThat(pageSizes).hasSize(listed.size() / 16 + 1);
        }
    }

    @Test
    void aSecondDeliveryIsDroppedAndARestartedInstanceStillListsWhatItConsumed() throws Exception {
        Map<String, String> properties = new HashMap<>(CLUSTER.appProperties("lite-member"));
        properties.put("app.messages.instance-id", "restarted-instance");
        IQueue<String> queue = CLUSTER.member(0).getQueue("messages");
        String uuid = UUID.randomUUID().toString();
        String item = "{\"uuid\":\"" + uuid + "\",\"msg\":\"delivered twice\"}";
        // Only the instance under test consumes meanwhile.
        camel.getRouteController().stopRoute("messages-consume");
        try {
            // What a retried offer or a redelivery after a consumer's death looks like: the same item twice, here
            // in one transaction, whose records go under way together.
            queue.addAll(List.of(item, item));
            try (ConfigurableApplicationContext first = ServiceContexts.start(MessagesApplication.class,
                    "messages-before-restart", properties)) {
                String list = ServiceContexts.baseUrl(first) + "/messages";
                Await.until(Duration.ofSeconds(30), "both deliveries taken",
                        () -> queue.isEmpty() && Http.uuids(Http.get(list).json()).contains(uuid));
                assertThat(Http.uuids(Http.get(list).json())).containsExactly(uuid);
            }
            try (ConfigurableApplicationContext restarted = ServiceContexts.start(MessagesApplication.class,
                    "messages-after-restart", properties)) {
                assertThat(Http.uuids(Http.get(ServiceContexts.baseUrl(restarted) + "/messages").json()))
                        .containsExactly(uuid);
            }
        } finally {
            camel.getRouteController().startRoute("messages-consume");
        }
        assertThat(Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json())).doesNotContain(uuid);
    }

    @Test
    void aStoppedConsumerLeavesNoPollBehindThatCouldTakeTheNextMessage() throws Exception {
        IQueue<String> queue = CLUSTER.member(0).getQueue("messages");
        String uuid = UUID.randomUUID().toString();
        camel.getRouteController().stopRoute("messages-consume");
        try {
            queue.put("{\"uuid\":\"" + uuid + "\",\"msg\":\"offered right after the stop\"}");

            // Longer than the poll timeout (1 s): a poll still waiting would have reserved the item by then.
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            while (System.nanoTime() < until) {
                assertThat(queue.size()).as("items left in the queue").isEqualTo(1);
                Thread.sleep(50);
            }
        } finally {
            camel.getRouteController().startRoute("messages-consume");
        }
        Await.until(Duration.ofSeconds(30), "the item consumed after the restart",
                () -> Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json()).contains(uuid));
        assertThat(Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json())).containsOnlyOnce(uuid);
    }

    @Test
    void dropsAnUnreadableItemAndKeepsConsuming() throws Exception {
        IQueue<String> queue = CLUSTER.member(0).getQueue("messages");
        String uuid = UUID.randomUUID().toString();
        NotifyBuilder consumed = new NotifyBuilder(camel).fromRoute("messages-consume").whenDone(1).create();

        // In one transaction, most likely: the bad ones go, the good one beside them stays.
        queue.addAll(List.of("this is not JSON", "{\"msg\": \"no uuid\"}",
                "{\"uuid\":\"" + uuid + "\",\"msg\":\"after the bad ones\"}"));

        assertThat(consumed.matches(30, TimeUnit.SECONDS)).isTrue();
        Await.until(Duration.ofSeconds(30), "the good one consumed",
                () -> Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json()).contains(uuid));
        assertThat(queue).isEmpty();
    }

    @Test
    void aLoggedMessageTheQueueLostIsQueuedAgainAndOneThatArrivedOrWasSupersededIsNot() throws Exception {
        HazelcastInstance member = CLUSTER.member(0);
        IMap<String, StoredMessage> logged = member.getMap("messages");
        long loggedAt = member.getCluster().getClusterTime();
        String lost = UUID.randomUUID().toString();
        String arrived = UUID.randomUUID().toString();
        String superseded = UUID.randomUUID().toString();
        NotifyBuilder arrivedTwice = new NotifyBuilder(camel).fromRoute("messages-consume")
                .filter(bodyAs(String.class).contains(arrived)).whenDone(2).create();
        NotifyBuilder lostTwice = new NotifyBuilder(camel).fromRoute("messages-consume")
                .filter(bodyAs(String.class).contains(lost)).whenDone(2).create();

        logged.put(arrived, new StoredMessage(arrived, "logged and queued", loggedAt));
        // A write held up by a frozen member that landed after the facade had replaced it by the lost one.
        logged.put(superseded, new StoredMessage(superseded, "logged, then lost by the queue", loggedAt));
        logged.put(lost, new StoredMessage(lost, "logged, then lost by the queue", loggedAt, superseded));
        member.getQueue("messages").put("{\"uuid\":\"" + arrived + "\",\"msg\":\"logged and queued\"}");

        Await.until(Duration.ofSeconds(30), "the lost message consumed",
                () -> Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json()).contains(lost));
        // A few more looks (one a second, 2 s after logging): neither message is queued again.
        assertThat(arrivedTwice.matches(3, TimeUnit.SECONDS)).as("the consumed message queued again").isFalse();
        assertThat(lostTwice.matches(1, TimeUnit.SECONDS)).as("the lost message queued twice").isFalse();
        assertThat(Http.uuids(Http.get("http://127.0.0.1:" + port + "/messages").json()))
                .containsOnlyOnce(lost, arrived).doesNotContain(superseded);
    }

    @Test
    void theOpenApiDocumentDescribesTheList() {
        Answer doc = Http.get("http://127.0.0.1:" + port + "/api-doc");

        assertThat(doc.status()).isEqualTo(200);
        assertThat(doc.json().at("/paths/~1messages/get/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("200", "400", "503");
        assertThat(doc.json().at("/paths/~1messages/get/responses/200/content/application~1json/schema/type").asText())
                .isEqualTo("array");
    }

    @Test
    void generatedBadInputGetsAJsonErrorBelow500AndChangesNothing() throws Exception {
        IMap<String, Object> consumed = CLUSTER.member(0).getMap("consumed-messages");
        new RequestFuzzer("http://127.0.0.1:" + port, List.of("/messages", "/api-doc", "/actuator/health",
                "/logging"), () -> consumed.size() + CLUSTER.member(0).getQueue("messages").size()).run(1_000);
    }
}

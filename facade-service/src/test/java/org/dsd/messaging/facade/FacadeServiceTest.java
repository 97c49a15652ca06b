package org.dsd.messaging.facade;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.HazelcastException;
import com.hazelcast.map.IMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.dsd.messaging.logging.LoggingApplication;
import org.dsd.messaging.messages.MessagesApplication;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.RequestFuzzer;
import org.dsd.messaging.testing.ServiceContexts;
import org.dsd.messaging.testservices.FreePort;
import org.dsd.messaging.testservices.LoggingService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The facade in front of a real logging and a real messages service on a 3-member cluster, with one dead
 * instance of each in its configuration: the random pick hits the dead one about half of the time.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FacadeServiceTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(3);
    private static final Duration POST_DEADLINE = Duration.ofSeconds(3);
    private static final Path SPOOL = Path.of("target", "facade-spool-" + UUID.randomUUID()).toAbsolutePath();
    private static ConfigurableApplicationContext logging;
    private static ConfigurableApplicationContext messages;

    @DynamicPropertySource
    static void startTheOtherServices(DynamicPropertyRegistry registry) {
        logging = ServiceContexts.start(LoggingApplication.class, "logging", CLUSTER.appProperties("client"));
        Map<String, String> messagesProperties = new HashMap<>(CLUSTER.appProperties("lite-member"));
        // What the facade acknowledged as logged and did not queue reaches a consumer in seconds here.
        messagesProperties.put("app.messages.redelivery.period", "500ms");
        messagesProperties.put("app.messages.redelivery.grace", "3s");
        messages = ServiceContexts.start(MessagesApplication.class, "messages", messagesProperties);
        CLUSTER.join(registry, "client");
        registry.add("app.discovery", () -> "static");
        registry.add("app.facade.post-deadline", POST_DEADLINE::toString);
        registry.add("app.facade.logging-urls", () -> FreePort.deadUrl() + "," + ServiceContexts.baseUrl(logging));
        registry.add("app.facade.messages-urls", () -> FreePort.deadUrl() + "," + ServiceContexts.baseUrl(messages));
        registry.add("camel.main.stream-caching-spool-directory", SPOOL::toString);
    }

    @AfterAll
    static void stopTheOtherServices() {
        messages.close();
        logging.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    private String url;
    private IMap<String, Object> map;
    private MockEndpoint queued;

    @BeforeEach
    void startOnce() throws Exception {
        url = "http://127.0.0.1:" + port + "/facade";
        map = CLUSTER.member(2).getMap("messages");
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "queue-offer",
                    route -> route.weaveById("queue-send").before().to("mock:queued"));
            camel.start();
        }
        queued = camel.getEndpoint("mock:queued", MockEndpoint.class);
        queued.reset();
        // reset() keeps what a test told the mock to do: a test's failing or hanging offers end with it.
        queued.whenAnyExchangeReceived(exchange -> { });
    }

    @Test
    void everyPostIsLoggedOnceAndConsumedOnceThoughALoggingInstanceIsDown() throws Exception {
        Map<String, String> posted = new HashMap<>();
        String[][] requests = {
                {"application/x-www-form-urlencoded", "msg=form+message+%d"},
                {"application/json", "{\"msg\": \"json message %d\"}"},
                {"text/plain", "plain message %d"},
        };
        for (int i = 0; i < 30; i++) {
            String[] request = requests[i % requests.length];
            Answer answer = Http.post(url, request[0], request[1].formatted(i));

            assertThat(answer.status()).as(answer.body()).isEqualTo(201);
            JsonNode message = answer.json().get("message");
            assertThat(answer.json().at("/response/success").asText()).isEqualTo("Message Was Logged");
            posted.put(message.get("uuid").asText(), message.get("msg").asText());
        }

        assertThat(posted).hasSize(30).containsValue("form message 0").containsValue("json message 1")
                .containsValue("plain message 2");
        for (Map.Entry<String, String> entry : posted.entrySet()) {
            assertThat(map.get(entry.getKey())).as("stored " + entry).hasFieldOrPropertyWithValue("msg", entry.getValue());
        }
        assertThat(queued.getReceivedCounter()).isEqualTo(30);

        JsonNode lists = awaitConsumed(posted.size());
        assertThat(Http.uuids(lists.get("logging-service"))).containsAll(posted.keySet());
        List<String> consumed = Http.uuids(lists.get("messages-service"));
        assertThat(consumed).containsAll(posted.keySet()).doesNotHaveDuplicates();
    }

    @Test
    void aMessageOfTheLargestSizeIsLoggedHoweverMuchItsEnvelopeGrows() {
        // 64 KiB of text that JSON escaping doubles on the way to logging (it used to be refused there: 502).
        String largest = "\"".repeat(64 * 1024);

        Answer answer = Http.post(url, "text/plain", largest);

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(map.get(answer.json().at("/message/uuid").asText())).hasFieldOrPropertyWithValue("msg", largest);
    }

    @Test
    void listsLargerThanTheSpoolThresholdGoThroughTemporaryFilesThatAreGoneOnceAnswered() throws Exception {
        // About 0.9 MB of JSON: beyond the facade's 256 KiB in memory.
        Map<String, StoredMessage> stored = new HashMap<>();
        long now = CLUSTER.member(0).getCluster().getClusterTime();
        for (int i = 0; i < 8_000; i++) {
            String uuid = UUID.randomUUID().toString();
            stored.put(uuid, new StoredMessage(uuid, "a message stored for the long list, number " + i, now + i));
        }
        map.putAll(stored);
        Files.createDirectories(SPOOL);

        try (WatchService spooled = FileSystems.getDefault().newWatchService()) {
            SPOOL.register(spooled, StandardWatchEventKinds.ENTRY_CREATE);
            Answer answer = Http.get(url);

            assertThat(answer.status()).isEqualTo(200);
            List<String> logged = Http.uuids(answer.json().get("logging-service"));
            assertThat(logged).containsAll(stored.keySet()).doesNotHaveDuplicates();
            assertThat(answer.json().get("messages-service").isArray()).isTrue();
            assertThat(spooled.poll(5, TimeUnit.SECONDS)).as("a list written to a temporary file").isNotNull();
        }
        Await.until(Duration.ofSeconds(5), "no temporary file left", () -> filesIn(SPOOL).isEmpty());
    }

    private static List<Path> filesIn(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /facade until the messages part holds {@code count} messages: consumption is asynchronous. */
    private JsonNode awaitConsumed(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            Answer answer = Http.get(url);
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
            if (answer.json().get("messages-service").size() >= count || System.nanoTime() > deadline) {
                return answer.json();
            }
            Thread.sleep(200);
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "application/x-www-form-urlencoded | other=1            | 400",
            "application/x-www-form-urlencoded | msg=%20            | 400",
            "application/x-www-form-urlencoded | msg=%zz            | 400",
            "application/x-www-form-urlencoded | msg                | 400",
            "application/x-www-form-urlencoded | '{\"msg\": \"x\"}'  | 400",
            "application/json                  | '{\"msg\": '        | 400",
            "application/json                  | '{\"msg\": \"\"}'  | 400",
            "application/json                  | '{\"text\": \"x\"}' | 400",
            "text/plain                        | ' '                | 400",
            "application/xml                   | <msg>x</msg>       | 415",
            "image/png                         | x                  | 415",
    })
    void rejectsBadInputWithAJsonErrorAndStoresAndQueuesNothing(String contentType, String body, int status) {
        int stored = map.size();

        Answer answer = Http.post(url, contentType, body);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).isNotBlank();
        assertThat(map.size()).isEqualTo(stored);
        assertThat(queued.getReceivedCounter()).isZero();
    }

    @Test
    void rejectsMissingContentTypeTooLargeBodiesUnknownPathsAndWrongMethods() {
        int stored = map.size();
        List<Answer> answers = new ArrayList<>();

        answers.add(Http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("msg=x"))));
        answers.add(Http.post(url, "text/plain", "x".repeat(64 * 1024 + 1)));
        answers.add(Http.get(url + "/nothing-here"));
        answers.add(Http.send(HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString("msg=x"))
                .header("Content-Type", "application/x-www-form-urlencoded")));

        assertThat(answers).extracting(Answer::status).containsExactly(415, 413, 404, 405);
        answers.forEach(answer -> assertThat(answer.json().get("error").asText()).isNotBlank());
        assertThat(map.size()).isEqualTo(stored);
        assertThat(queued.getReceivedCounter()).isZero();
    }

    @Test
    void anOfferThatFailsIsTriedAgainBeforeThePostIsAnswered() throws Exception {
        AtomicInteger offers = new AtomicInteger();
        queued.whenAnyExchangeReceived(exchange -> {
            if (offers.incrementAndGet() == 1) {
                throw new HazelcastException("indeterminate operation state");
            }
        });

        Answer answer = Http.post(url, "text/plain", "queued on the second try");

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        String uuid = answer.json().at("/message/uuid").asText();
        assertThat(queued.getReceivedCounter()).as("offers").isEqualTo(2);
        assertThat(Http.uuids(awaitConsumed(uuid).get("messages-service"))).containsOnlyOnce(uuid);
    }

    @Test
    void anOfferThatKeepsFailingIsAcknowledgedAsLoggedAndTheRedeliveryQueuesTheMessage() throws Exception {
        queued.whenAnyExchangeReceived(exchange -> {
            throw new HazelcastException("no member reachable");
        });

        long began = System.nanoTime();
        Answer answer = Http.post(url, "text/plain", "queued by the redelivery");
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(answer.status()).as(answer.body()).isEqualTo(201);
        assertThat(took).as("answered once the offer wait is over").isLessThan(Duration.ofSeconds(3));
        String uuid = answer.json().at("/message/uuid").asText();
        assertThat(map.get(uuid)).hasFieldOrPropertyWithValue("msg", "queued by the redelivery");
        assertThat(Http.uuids(awaitConsumed(uuid).get("messages-service"))).containsOnlyOnce(uuid);
        assertThat(queued.getReceivedCounter()).as("offers tried").isGreaterThan(1);
        // The offer is tried until app.facade.post-deadline: its retries end before the next test counts offers.
        Await.pause(POST_DEADLINE);
    }

    @Test
    void aRepeatUnderTheSameIdempotencyKeyAnswersTheSameAndStoresAndDeliversItOnce() throws InterruptedException {
        Answer first = postWithKey("key-of-a-repeat", "sent twice");
        Answer repeat = postWithKey("key-of-a-repeat", "sent twice");

        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(repeat.status()).isEqualTo(201);
        assertThat(repeat.json()).isEqualTo(first.json());
        assertThat(map.values()).filteredOn("msg", "sent twice").hasSize(1);
        String uuid = first.json().at("/message/uuid").asText();
        // The repeat queued it again (the first might have failed to); the consumers keep it once.
        assertThat(queued.getReceivedCounter()).isEqualTo(2);
        assertThat(Http.uuids(awaitConsumed(uuid).get("messages-service"))).containsOnlyOnce(uuid);
    }

    @Test
    void anIdempotencyKeyReusedForAnotherMessageOrMalformedIsRefused() {
        assertThat(postWithKey("key-of-one-message", "the first").status()).isEqualTo(201);
        int stored = map.size();
        queued.reset();

        List<Answer> refused = List.of(
                postWithKey("key-of-one-message", "another text"),
                postWithKey(" ", "blank key"),
                postWithKey("k".repeat(256), "key too long"));

        assertThat(refused).extracting(Answer::status).containsExactly(422, 400, 400);
        refused.forEach(answer -> assertThat(answer.json().get("error").asText()).contains("Idempotency-Key"));
        assertThat(map.size()).isEqualTo(stored);
        assertThat(queued.getReceivedCounter()).isZero();
    }

    private Answer postWithKey(String key, String text) {
        return Http.send(HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(text))
                .header("Content-Type", "text/plain").header("Idempotency-Key", key));
    }

    /** GET /facade until the messages part lists {@code uuid}. */
    private JsonNode awaitConsumed(String uuid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            JsonNode lists = Http.get(url).json();
            if (Http.uuids(lists.get("messages-service")).contains(uuid) || System.nanoTime() > deadline) {
                return lists;
            }
            Thread.sleep(200);
        }
    }

    @Test
    void aPageOfTheListsIsTheLoggedMessagesAfterTheCursorAndAnUnknownCursorIs400() throws Exception {
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            posted.add(Http.post(url, "text/plain", "paged " + i).json().at("/message/uuid").asText());
        }
        awaitConsumed(posted.get(5));

        Answer page = Http.get(url + "?limit=2&after=" + posted.get(2));
        Answer unknown = Http.get(url + "?limit=2&after=never-logged");
        Answer badLimit = Http.get(url + "?limit=0");

        assertThat(page.status()).as(page.body()).isEqualTo(200);
        assertThat(Http.uuids(page.json().get("logging-service"))).isEqualTo(posted.subList(3, 5));
        assertThat(page.json().get("messages-service").size()).isEqualTo(2);
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("never-logged");
        assertThat(badLimit.status()).isEqualTo(400);
    }

    @Test
    void theOpenApiDocumentDescribesTheContractWithEveryAnswerCode() throws Exception {
        Answer doc = Http.get(url.replace("/facade", "/api-doc"));

        assertThat(doc.status()).isEqualTo(200);
        JsonNode facade = doc.json().at("/paths/~1facade");
        assertThat(facade.at("/post/requestBody/content").fieldNames()).toIterable().containsExactlyInAnyOrder(
                "application/x-www-form-urlencoded", "application/json", "text/plain");
        assertThat(facade.at("/post/parameters/0/name").asText()).isEqualTo("Idempotency-Key");
        assertThat(facade.at("/post/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("201", "400", "413", "415", "422", "502", "503");
        assertThat(facade.at("/get/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("200", "400", "503");
        assertThat(doc.json().at("/components/schemas/ServiceLists/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("logging-service", "messages-service");
        JsonNode services = doc.json().at("/paths/~1services~1{name}/get");
        assertThat(services.at("/parameters/0/name").asText()).isEqualTo("name");
        assertThat(services.at("/responses").fieldNames()).toIterable().containsExactlyInAnyOrder("200", "404");
        Files.writeString(Path.of("target", "facade-openapi.json"), doc.body());
    }

    @Test
    void withStaticDiscoveryTheServicesAreTheConfiguredOnes() {
        Answer logging = Http.get(url.replace("/facade", "/services/logging-service"));
        Answer unknown = Http.get(url.replace("/facade", "/services/logging"));

        assertThat(logging.status()).isEqualTo(200);
        assertThat(logging.json()).hasSize(2);
        assertThat(logging.json().get(1).asText()).isEqualTo(ServiceContexts.baseUrl(FacadeServiceTest.logging));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("error").asText()).isEqualTo(
                "unknown service 'logging'; known: logging-service, messages-service");
    }

    @Test
    void aPostWhoseOfferHangsIsAcknowledgedOnceTheOfferWaitIsOver() {
        Duration hang = Duration.ofSeconds(3);
        queued.whenAnyExchangeReceived(exchange -> Thread.sleep(hang.toMillis()));

        long began = System.nanoTime();
        Answer answer = Http.post(url, "text/plain", "slow to queue");

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().at("/message/msg").asText()).isEqualTo("slow to queue");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(hang);
        // The mock takes one exchange at a time: the next test's offers wait until this one is through.
        Await.pause(hang);
    }

    @Test
    void generatedBadInputGetsAJsonErrorBelow500AndStoresNothing() throws Exception {
        List<String> paths = List.of("/facade", "/api-doc", "/actuator/health", "/logging",
                "/services/logging-service");
        new RequestFuzzer(url.replace("/facade", ""), paths, () -> map.size() + queued.getReceivedCounter()).run(1_500);
    }
}

package org.dsd.messaging.logging;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.core.IndeterminateOperationStateException;
import com.hazelcast.map.IMap;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.dsd.messaging.model.LogEntry;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.RequestFuzzer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** logging-app as it runs: its own embedded member in a real 3-member cluster, called over HTTP. */
@CamelSpringBootTest
@UseAdviceWith
// Small read windows, so that the lists below are read in several.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "app.logging.read-window=100")
class LoggingServiceTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(2);

    @DynamicPropertySource
    static void joinTheTestCluster(DynamicPropertyRegistry registry) {
        CLUSTER.join(registry, "member");
    }

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    CamelContext camel;

    private IMap<String, StoredMessage> map;
    private String url;

    @BeforeEach
    void startOnce() throws Exception {
        url = "http://127.0.0.1:" + port + "/logging";
        // Read from another member: what this app stores is in the cluster, not in its own memory.
        map = CLUSTER.member(1).getMap("messages");
        map.clear();
        if (!camel.isStarted()) {
            AdviceWith.adviceWith(camel, "logging-list", route -> {
                route.weaveById("map-count").after().to("mock:map-counted");
                route.weaveById("map-read").before().to("mock:map-reads");
                route.weaveById("map-read").after().to("mock:map-read-results");
            });
            AdviceWith.adviceWith(camel, "logging-post", route -> {
                route.weaveById("map-put-if-absent").before().to("mock:map-writes");
                route.weaveById("map-put-if-absent").after().to("mock:map-written");
            });
            camel.start();
        }
        camel.getEndpoint("mock:map-writes", MockEndpoint.class).reset();
        camel.getEndpoint("mock:map-written", MockEndpoint.class).reset();
        camel.getEndpoint("mock:map-counted", MockEndpoint.class).reset();
        camel.getEndpoint("mock:map-read-results", MockEndpoint.class).reset();
    }

    private static String json(String uuid, String msg) {
        return "{\"uuid\": \"" + uuid + "\", \"msg\": \"" + msg + "\"}";
    }

    @Test
    void storesAMessageOnceUnderItsUuid() {
        String uuid = UUID.randomUUID().toString();

        Answer first = Http.post(url, "application/json", json(uuid, "hello"));
        Answer retry = Http.post(url, "application/json", json(uuid, "hello"));
        Answer other = Http.post(url, "application/json", json(uuid, "another text"));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.json().get("success").asText()).isEqualTo("Message Was Logged");
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.json().at("/message/msg").asText()).isEqualTo("hello");
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("error").asText()).contains("Conflict");
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get(uuid).msg()).isEqualTo("hello");
    }

    @Test
    void storesABatchAnsweringEachMessageAsAPostOfItAloneWould() {
        String stored = UUID.randomUUID().toString();
        String taken = UUID.randomUUID().toString();
        String fresh = UUID.randomUUID().toString();
        assertThat(Http.post(url, "application/json", json(stored, "hello")).status()).isEqualTo(201);
        assertThat(Http.post(url, "application/json", json(taken, "first text")).status()).isEqualTo(201);

        Answer batch = Http.post(url + "/batch", "application/json",
                "[" + json(fresh, "new") + ", " + json(stored, "hello") + ", " + json(taken, "another text") + "]");

        assertThat(batch.status()).isEqualTo(200);
        JsonNode answers = batch.json();
        assertThat(answers).extracting(answer -> answer.get("uuid").asText()).containsExactly(fresh, stored, taken);
        assertThat(answers).extracting(answer -> answer.get("status").asInt()).containsExactly(201, 200, 409);
        assertThat(answers.at("/1/message/msg").asText()).isEqualTo("hello");
        assertThat(answers.at("/2/message/msg").asText()).isEqualTo("first text");
        assertThat(map.size()).isEqualTo(3);
        assertThat(map.get(fresh).msg()).isEqualTo("new");
        assertThat(map.get(taken).msg()).isEqualTo("first text");
        assertThat(Http.uuids(Http.get(url).json())).containsExactly(stored, taken, fresh);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "'[]'",
            "'{\"uuid\": \"u\", \"msg\": \"an object, not an array\"}'",
            "'[{\"uuid\": \"u\", \"msg\": \"m\"}, {\"uuid\": \"u\", \"msg\": \"twice\"}]'",
            "'[{\"uuid\": \"u\", \"msg\": \"m\"}, {\"uuid\": \"v\", \"msg\": \" \"}]'",
            "'[{\"uuid\": \"u\", \"msg\": \"m\"}, \"not an object\"]'",
    })
    void aBatchWithAWrongEntryIsRefusedWholeAndStoresNothing(String body) {
        Answer answer = Http.post(url + "/batch", "application/json", body);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isNotBlank();
        assertThat(map.size()).isZero();
    }

    @Test
    void aBatchOfMoreThanItsLimitIsRefused() {
        List<String> entries = new ArrayList<>();
        for (int i = 0; i <= LogEntry.MOST_PER_BATCH; i++) {
            entries.add(json(UUID.randomUUID().toString(), "message " + i));
        }

        Answer answer = Http.post(url + "/batch", "application/json", "[" + String.join(",", entries) + "]");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(map.size()).isZero();
    }

    @Test
    void aWriteThatAnotherSupersedesIsListedNeitherWholeNorByPage() {
        List<String> posted = postMessages(3);
        String heldUp = UUID.randomUUID().toString();
        String replacement = UUID.randomUUID().toString();

        Answer replaced = Http.post(url, "application/json", "{\"uuid\": \"" + replacement
                + "\", \"msg\": \"held up\", \"supersedes\": \"" + heldUp + "\"}");
        // The held-up write lands after its replacement, as a frozen member's partition lets it through at last.
        Answer late = Http.post(url, "application/json", json(heldUp, "held up"));

        assertThat(replaced.status()).isEqualTo(201);
        assertThat(late.status()).isEqualTo(201);
        assertThat(map.keySet()).hasSize(5).contains(heldUp, replacement);
        List<String> listed = new ArrayList<>(posted);
        listed.add(replacement);
        assertThat(Http.uuids(Http.get(url).json())).isEqualTo(listed);
        assertThat(Http.walk(url + "?limit=2", new ArrayList<>())).isEqualTo(listed);
    }

    @Test
    void aStoreIsAnsweredByWhatTheWriteFoundNotByASecondRead() {
        String uuid = UUID.randomUUID().toString();
        // The entry is gone right after the write (a read-back used to answer 409 "uuid is taken" then, and the
        // facade counted that as logged).
        camel.getEndpoint("mock:map-written", MockEndpoint.class)
                .whenAnyExchangeReceived(exchange -> map.delete(uuid));

        Answer answer = Http.post(url, "application/json", json(uuid, "written, then gone"));

        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.json().get("success").asText()).isEqualTo("Message Was Logged");
    }

    @Test
    void aWriteTheClusterCannotConfirmIs503WithRetryAfter() {
        camel.getEndpoint("mock:map-writes", MockEndpoint.class).whenAnyExchangeReceived(exchange -> {
            throw new IndeterminateOperationStateException("backup acks missed");
        });

        Answer answer = Http.post(url, "application/json", json(UUID.randomUUID().toString(), "unconfirmed"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.json().get("error").asText()).contains("cluster unavailable");
    }

    @Test
    void aListShorterThanTheMapWasBeforeTheReadIsRefusedNotServed() {
        assertThat(Http.post(url, "application/json", json(UUID.randomUUID().toString(), "in the map")).status())
                .isEqualTo(201);
        // What a query answered by a member that no longer holds the partitions looks like: fewer than were there.
        camel.getEndpoint("mock:map-counted", MockEndpoint.class).whenAnyExchangeReceived(exchange ->
                exchange.setProperty(LoggedMessages.AT_LEAST, map.size() + 1));

        Answer answer = Http.get(url);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(answer.json().get("error").asText()).contains("incomplete");
    }

    @Test
    void aWindowThatComesBackShortAfterTheAnswerBeganBreaksItOffInsteadOfListingLess() {
        // More than the first chunk of the answer, which the route reads before it answers.
        List<String> posted = postMessages(700);
        // Gone between the read of the acceptance times and the read of its window: what a window answered by a
        // member that no longer holds the partitions looks like.
        camel.getEndpoint("mock:map-read-results", MockEndpoint.class)
                .whenAnyExchangeReceived(exchange -> map.delete(posted.get(posted.size() - 1)));

        assertThatThrownBy(() -> Http.get(url)).as("an answer cut off, not a list of 699")
                .isInstanceOf(AssertionError.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void listsEveryMessageInTheOrderTheyWereLoggedReadWindowByWindow() throws Exception {
        List<String> posted = postMessages(300);
        MockEndpoint mapReads = camel.getEndpoint("mock:map-reads", MockEndpoint.class);
        mapReads.reset();
        mapReads.expectedMessageCount(1);

        Answer list = Http.get(url);

        assertThat(list.status()).isEqualTo(200);
        List<String> listed = new ArrayList<>();
        for (JsonNode message : list.json()) {
            listed.add(message.get("uuid").asText());
            assertThat(message.get("msg").asText()).isEqualTo("msg" + (listed.size() - 1));
            assertThat(message.fieldNames()).toIterable().containsExactly("uuid", "msg");
        }
        assertThat(listed).isEqualTo(posted);
        // The seed read the map one key per round trip; this is one read of the times and one per window of 100.
        mapReads.assertIsSatisfied();
    }

    private List<String> postMessages(int count) {
        List<String> posted = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String uuid = UUID.randomUUID().toString();
            posted.add(uuid);
            assertThat(Http.post(url, "application/json", json(uuid, "msg" + i)).status()).isEqualTo(201);
        }
        return posted;
    }

    @Test
    void aClientWalksTheListPageByPageFollowingTheLinkHeader() {
        List<String> posted = postMessages(25);

        List<Integer> pageSizes = new ArrayList<>();
        List<String> walked = Http.walk(url + "?limit=10", pageSizes);

        assertThat(pageSizes).containsExactly(10, 10, 5);
        assertThat(walked).isEqualTo(posted);
        assertThat(Http.uuids(Http.get(url + "?limit=3&after=" + posted.get(20)).json()))
                .isEqualTo(posted.subList(21, 24));
    }

    @ParameterizedTest
    @CsvSource({"limit=0", "limit=10001", "limit=ten", "limit=", "after=no-such-uuid", "limit=5&after="})
    void aPageOutOfRangeOrAfterAnUnknownMessageIs400(String query) {
        Answer answer = Http.get(url + "?" + query);

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).containsAnyOf("limit", "after");
    }

    @Test
    void anEmptyMapListsAsAnEmptyArray() {
        Answer list = Http.get(url);

        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("[]");
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', value = {
            "application/json                  | '{\"msg\": \"no uuid\"}'              | 400",
            "application/json                  | '{\"uuid\": \"u\", \"msg\": \"  \"}'  | 400",
            "application/json                  | '{\"uuid\": \"u\", \"msg\": '          | 400",
            "application/json                  | '\"just a string\"'                   | 400",
            "application/json                  | '{\"uuid\": \"u\", \"msg\": \"m\", \"supersedes\": \"u\"}' | 400",
            "application/json                  | '{\"uuid\": \"u\", \"msg\": \"m\", \"supersedes\": 7}' | 400",
            "application/x-www-form-urlencoded | uuid=u&msg=m                          | 415",
            "text/plain                        | u m                                   | 415",
    })
    void rejectsBadInputAndStoresNothing(String contentType, String body, int status) {
        Answer answer = Http.post(url, contentType, body);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.json().get("error").asText()).isNotBlank();
        assertThat(map.size()).isZero();
    }

    @Test
    void refusesATooLargeBodyUnknownPathsAndWrongMethods() {
        String large = json(UUID.randomUUID().toString(), "x".repeat(70_000));

        assertThat(Http.post(url, "application/json", large).status()).isEqualTo(413);
        // Larger than any 64 KiB of text can make, alone or in a batch: refused before it is read.
        Answer huge = Http.post(url, "application/json", "x".repeat(450 * 1024));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("error").asText()).contains("Request body is larger than");
        assertThat(Http.get(url.replace("/logging", "/nothing-here")).status()).isEqualTo(404);
        Answer wrongMethod = Http.send(HttpRequest.newBuilder(URI.create(url)).DELETE());
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("error").asText()).contains("not allowed");
        assertThat(map.size()).isZero();
    }

    @Test
    void aContentTypeOrAcceptTheContractDoesNotDeclareIsRefusedWithAJsonError() {
        Answer form = Http.post(url, "application/x-www-form-urlencoded", "uuid=u&msg=m");
        Answer none = Http.send(HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(json("u", "m"))));
        Answer html = Http.send(HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET());

        assertThat(form.status()).isEqualTo(415);
        assertThat(form.json().get("error").asText())
                .isEqualTo("Content-Type application/x-www-form-urlencoded is not supported; use application/json");
        assertThat(none.status()).isEqualTo(415);
        assertThat(none.json().get("error").asText()).isEqualTo("Content-Type header is missing");
        assertThat(html.status()).isEqualTo(406);
        assertThat(html.json().get("error").asText()).contains("application/json");
        assertThat(map.size()).isZero();
    }

    @Test
    void theOpenApiDocumentDescribesTheContractWithEveryAnswerCode() {
        Answer doc = Http.get(url.replace("/logging", "/api-doc"));

        assertThat(doc.status()).isEqualTo(200);
        JsonNode logging = doc.json().at("/paths/~1logging");
        assertThat(logging.at("/post/requestBody/content").fieldNames()).toIterable()
                .containsExactly("application/json");
        assertThat(logging.at("/post/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("200", "201", "400", "409", "413", "415", "503");
        assertThat(logging.at("/get/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("200", "400", "503");
        assertThat(logging.at("/get/parameters").findValuesAsText("name")).containsExactly("limit", "after");
        assertThat(doc.json().at("/paths/~1logging~1batch/post/responses").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("200", "400", "413", "415", "503");
        assertThat(doc.json().at("/components/schemas/UserMessage/properties").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("uuid", "msg");
    }

    @Test
    void generatedBadInputGetsAJsonErrorBelow500AndStoresNothing() throws Exception {
        new RequestFuzzer(url.replace("/logging", ""), List.of("/logging", "/logging/batch", "/api-doc", "/actuator/health", "/facade"),
                map::size).run(1_500);
    }
}

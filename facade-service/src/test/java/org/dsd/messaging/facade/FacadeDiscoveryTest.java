package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.hazelcast.map.IMap;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.dsd.messaging.discovery.ServiceRegistry;
import org.dsd.messaging.logging.LoggingApplication;
import org.dsd.messaging.messages.MessagesApplication;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.dsd.messaging.testing.ServiceContexts;
import org.dsd.messaging.testservices.FreePort;
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
 * Registry discovery: the facade finds the logging and messages instances only through their registrations in
 * the cluster; nothing configures their URLs.
 */
@CamelSpringBootTest
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "app.registry.view-refresh=200ms")
class FacadeDiscoveryTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(3);
    private static final Duration SOON = Duration.ofSeconds(10);
    private static ConfigurableApplicationContext logging;
    private static ConfigurableApplicationContext messages;

    @DynamicPropertySource
    static void startRegisteringServices(DynamicPropertyRegistry registry) {
        logging = startLogging();
        messages = ServiceContexts.start(MessagesApplication.class, "messages",
                withServiceName(CLUSTER.appProperties("lite-member"), "messages-service"));
        CLUSTER.join(registry, "client");
    }

    private static ConfigurableApplicationContext startLogging() {
        return ServiceContexts.start(LoggingApplication.class, "logging",
                withServiceName(CLUSTER.appProperties("client"), "logging-service"));
    }

    private static Map<String, String> withServiceName(Map<String, String> properties, String service) {
        properties.put("app.registry.service-name", service);
        return properties;
    }

    @AfterAll
    static void stopTheOtherServices() {
        messages.close();
        logging.close();
        CLUSTER.close();
    }

    @LocalServerPort
    int port;

    @Test
    void registeredInstancesAreListedAndServe() {
        awaitInstances("logging-service", List.of(ServiceContexts.baseUrl(logging)));
        awaitInstances("messages-service", List.of(ServiceContexts.baseUrl(messages)));

        Answer post = Http.post(facade("/facade"), "text/plain", "found through the registry");
        Answer get = Http.get(facade("/facade"));

        assertThat(post.status()).as(post.body()).isEqualTo(201);
        assertThat(get.status()).as(get.body()).isEqualTo(200);
        assertThat(get.body()).contains("found through the registry");
    }

    @Test
    void anInstanceStartedLaterIsUsedAndOneStoppedIsNoLongerPicked() {
        String first = ServiceContexts.baseUrl(logging);
        ConfigurableApplicationContext later = startLogging();
        String laterUrl = ServiceContexts.baseUrl(later);
        try {
            awaitInstances("logging-service", List.of(first, laterUrl).stream().sorted().toList());
            for (int i = 0; i < 40; i++) {
                assertThat(Http.post(facade("/facade"), "text/plain", "to either " + i).status()).isEqualTo(201);
            }
            assertThat(postsLogged(later)).as("POSTs logged by the instance started later").isGreaterThan(5);
        } finally {
            later.close();
        }

        // Its registration went with it, not after its time to live.
        awaitInstances("logging-service", List.of(first));
        long before = postsLogged(logging);
        for (int i = 0; i < 20; i++) {
            assertThat(Http.post(facade("/facade"), "text/plain", "to the first " + i).status()).isEqualTo(201);
        }
        assertThat(postsLogged(logging) - before).isEqualTo(20);
    }

    @Test
    void aRegistrationNotRenewedExpiresAndMeanwhileItsDeadInstanceIsSkipped() {
        String dead = FreePort.deadUrl();
        new ServiceRegistry(CLUSTER.member(0), "service-registry").register("logging-service", dead, null, 3_000);
        awaitInstances("logging-service", List.of(ServiceContexts.baseUrl(logging), dead).stream().sorted().toList());

        for (int i = 0; i < 10; i++) {
            assertThat(Http.post(facade("/facade"), "text/plain", "despite a dead one " + i).status()).isEqualTo(201);
        }
        awaitInstances("logging-service", List.of(ServiceContexts.baseUrl(logging)));
    }

    /**
     * An instance that can serve is listed again within a renewal or so when its entry is gone, as after it stood on
     * the minority side of a split longer than the time to live: the facade would otherwise answer 503, "no instance
     * registered", while every instance is ready (FaultToleranceIT's two members back from a freeze stay unlisted
     * until their next renewal after all three are ready).
     */
    @Test
    void anInstanceWhoseRegistrationWentIsListedAgainWithinSeconds() {
        String url = ServiceContexts.baseUrl(logging);
        IMap<String, String> registrations = CLUSTER.member(0).getMap("service-registry");
        // Right after a renewal, so what brings it back is the next one.
        long renewed = registrations.getEntryView(url).getLastUpdateTime();
        Await.until(SOON, "a renewal", () -> registrations.getEntryView(url).getLastUpdateTime() > renewed);
        registrations.delete(url);

        Await.until(Duration.ofSeconds(3), "logging registered again", () -> registrations.containsKey(url));
        awaitInstances("logging-service", List.of(url));
    }

    @Test
    void anUnknownServiceIsNotFound() {
        Answer answer = Http.get(facade("/services/config-server"));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("error").asText()).startsWith("unknown service 'config-server'");
    }

    private String facade(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private void awaitInstances(String service, List<String> expected) {
        Await.until(SOON, service + " listed as " + expected, () -> {
            Answer answer = Http.get(facade("/services/" + service));
            return answer.status() == 200 && urls(answer.json()).equals(expected);
        });
    }

    private static List<String> urls(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** The log writes an instance took, alone or in batches: one POST at a time sends batches of one. */
    private static long postsLogged(ConfigurableApplicationContext app) {
        ManagedCamelContext managed = app.getBean(CamelContext.class).getCamelContextExtension()
                .getContextPlugin(ManagedCamelContext.class);
        return managed.getManagedRoute("logging-post").getExchangesCompleted()
                + managed.getManagedRoute("logging-post-batch").getExchangesCompleted();
    }
}

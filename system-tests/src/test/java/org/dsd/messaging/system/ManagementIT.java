package org.dsd.messaging.system;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.dsd.messaging.system.LocalTopology.Instance;
import org.dsd.messaging.testing.Http;
import org.dsd.messaging.testing.Http.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Watching the system, on real processes: each app serves Hawtio, Jolokia and Prometheus metrics on its port + 1000,
 * on loopback, behind a login; its business port serves health and nothing else of management.
 */
class ManagementIT {

    private static LocalTopology topology;

    @BeforeAll
    static void startTopology() {
        topology = LocalTopology.seed("management");
    }

    @AfterAll
    static void stopTopology() {
        topology.close();
    }

    @Test
    void nothingOnAManagementPortAnswersWithoutTheLogin() {
        for (Instance instance : topology.all()) {
            String management = instance.managementUrl();
            List<String> paths = List.of("/actuator/hawtio/", "/actuator/jolokia/version", "/actuator/prometheus",
                    "/actuator/health", "/actuator/info",
                    // Hawtio's own way to Jolokia, and its Connect proxy to another app's Jolokia
                    "/actuator/hawtio/jolokia/version",
                    "/actuator/hawtio/proxy/http/127.0.0.1/" + topology.facade().managementPort()
                            + "/actuator/jolokia/version");
            for (String path : paths) {
                assertThat(Http.get(management + path).status()).as("%s%s without a login", instance.name(), path)
                        .isEqualTo(401);
                assertThat(Http.get(management + path, "user", "not-the-password").status())
                        .as("%s%s with a wrong password", instance.name(), path).isEqualTo(401);
            }
            assertThat(loggedIn(management + "/actuator/jolokia/version").status())
                    .as("%s with the login", instance.name()).isEqualTo(200);
        }
    }

    @Test
    void theBusinessPortServesHealthAndNothingElseOfManagement() {
        for (Instance instance : topology.all()) {
            Answer health = Http.get(instance.url() + "/actuator/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
            assertThat(Http.get(instance.url() + "/actuator/health/readiness").status()).isEqualTo(200);
            for (String path : List.of("/actuator/jolokia/version", "/actuator/hawtio/", "/actuator/prometheus",
                    "/actuator/env", "/actuator/info")) {
                assertThat(loggedIn(instance.url() + path).status())
                        .as("%s%s on the business port", instance.name(), path).isEqualTo(404);
            }
        }
    }

    @Test
    void theManagementPortListensOnLoopbackOnly() {
        Optional<InetAddress> external = externalAddress();
        assumeTrue(external.isPresent(), "this machine has no address but loopback");
        for (Instance instance : topology.all()) {
            assertThat(connects(InetAddress.getLoopbackAddress(), instance.managementPort())).isTrue();
            assertThat(connects(external.get(), instance.managementPort())).as("%s's management port on %s", instance.name(),
                    external.get()).isFalse();
        }
    }

    @Test
    void jolokiaShowsEachRouteWithCountersThatRiseAndRefusesOperationsThatChangeThings() {
        Instance facade = topology.facade();
        assertThat(jolokia(facade, "search/org.apache.camel:type=routes,*").toString())
                .contains("facade-post", "facade-get");
        long before = routeAttribute(facade, "facade-post", "ExchangesCompleted").asLong();

        assertThat(Http.post(topology.facadeUrl(), "text/plain", "watched in Jolokia").status()).isEqualTo(201);
        assertThat(routeAttribute(facade, "facade-post", "ExchangesCompleted").asLong()).isEqualTo(before + 1);

        JsonNode stop = jolokia(facade, "exec/" + routeMBean("facade", "facade-post") + "/stop()");
        assertThat(stop.get("status").asInt()).as(stop.toString()).isEqualTo(403);
        assertThat(routeAttribute(facade, "facade-post", "State").asText()).isEqualTo("Started");
        // Hawtio's route diagram and source views read through operations that only read.
        assertThat(jolokia(facade, "exec/" + routeMBean("facade", "facade-post") + "/dumpRouteAsXml()")
                .get("value").asText()).contains("facade-post");

        Instance logging = topology.logging().get(0);
        JsonNode maps = jolokia(logging, "search/com.hazelcast:type=IMap,*").get("value");
        String messagesMap = null;
        for (JsonNode name : maps) {
            if (name.asText().contains("name=messages,")) {
                messagesMap = name.asText();
            }
        }
        assertThat(messagesMap).as("the map's MBean among " + maps).isNotNull();
        int listed = Http.get(logging.url() + "/logging").json().size();
        assertThat(jolokia(logging, "read/" + messagesMap + "/size").get("value").asInt()).isEqualTo(listed);
    }

    @Test
    void prometheusShowsPerRouteThroughputAndLatencyJvmAndHttpMetrics() {
        assertThat(Http.post(topology.facadeUrl(), "text/plain", "counted by Prometheus").status()).isEqualTo(201);

        Answer metrics = loggedIn(topology.facade().managementUrl() + "/actuator/prometheus");

        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern("camel_route_policy_seconds_count\\{[^}]*routeId=\"facade-post\"[^}]*} [1-9]")
                .containsPattern("camel_route_policy_seconds_sum\\{[^}]*routeId=\"facade-post\"")
                .contains("jvm_memory_used_bytes", "http_server_requests_seconds_count");
    }

    @Test
    void aBrowserLogsIntoTheFacadesHawtioAndFindsItsRoutes() throws Exception {
        String console = topology.facade().managementUrl() + "/actuator/hawtio/";
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(console);
            assertThat(browser.currentUrl()).as("sent to the login form").endsWith("/login");
            browser.logIn("user", topology.managementPassword());

            browser.open(console + "camel/routes");
            try {
                browser.awaitText(Duration.ofSeconds(60), "facade-post", "facade-get", "Completed");
            } finally {
                browser.screenshot(Path.of("target", "hawtio-facade-routes.png"));
            }
        }
    }

    @Test
    void theFacadesHawtioConnectsToALoggingInstanceInTheSameWindow() throws Exception {
        Instance logging = topology.logging().get(0);
        String console = topology.facade().managementUrl() + "/actuator/hawtio/";
        try (HeadlessChromium browser = HeadlessChromium.start()) {
            browser.open(console);
            browser.logIn("user", topology.managementPassword());
            browser.open(console + "connect");

            browser.connect(logging.name(), logging.managementPort(), "user", topology.managementPassword());

            // The new window is the facade's console, showing the logging instance through Hawtio's proxy.
            browser.open(browser.currentUrl().replaceAll("/actuator/hawtio/.*", "/actuator/hawtio/camel/routes"));
            assertThat(browser.currentUrl()).startsWith(topology.facade().managementUrl());
            try {
                browser.awaitText(Duration.ofSeconds(60), "logging-post", "logging-list", logging.name());
            } finally {
                browser.screenshot(Path.of("target", "hawtio-connected-to-logging.png"));
            }
        }
    }

    private static JsonNode jolokia(Instance instance, String request) {
        Answer answer = loggedIn(instance.managementUrl() + "/actuator/jolokia/" + request);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static JsonNode routeAttribute(Instance instance, String routeId, String attribute) {
        JsonNode read = jolokia(instance, "read/" + routeMBean(instance.app, routeId) + "/" + attribute);
        assertThat(read.get("status").asInt()).as(read.toString()).isEqualTo(200);
        return read.get("value");
    }

    private static String routeMBean(String context, String routeId) {
        return "org.apache.camel:context=" + context + ",type=routes,name=%22" + routeId + "%22";
    }

    private static Answer loggedIn(String url) {
        return Http.get(url, "user", topology.managementPassword());
    }

    private static Optional<InetAddress> externalAddress() {
        try {
            return NetworkInterface.networkInterfaces().filter(network -> {
                        try {
                            return network.isUp() && !network.isLoopback();
                        } catch (IOException e) {
                            return false;
                        }
                    }).flatMap(NetworkInterface::inetAddresses)
                    .filter(address -> address instanceof Inet4Address).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static boolean connects(InetAddress address, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(address, port), 2_000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}

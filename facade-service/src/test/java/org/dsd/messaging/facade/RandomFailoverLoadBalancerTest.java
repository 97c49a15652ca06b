package org.dsd.messaging.facade;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.dsd.messaging.facade.RandomFailoverLoadBalancer.Attempts;
import org.dsd.messaging.testing.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class RandomFailoverLoadBalancerTest extends CamelTestSupport {

    private static final Duration NEVER = Duration.ofDays(1);
    /** The instances here are Camel endpoints; in the facade they are base URLs before a path. */
    private static final String EACH_INSTANCE = "${exchangeProperty." + RandomFailoverLoadBalancer.INSTANCE_URL + "}";

    private final AtomicReference<List<String>> registered = new AtomicReference<>(List.of());

    private final Map<String, AtomicInteger> firstPicks = new ConcurrentHashMap<>();
    private final AtomicInteger attemptsOnDown = new AtomicInteger();
    private final AtomicInteger hungAttempts = new AtomicInteger();
    private final AtomicInteger frozenCalls = new AtomicInteger();
    private final AtomicInteger timedOutCalls = new AtomicInteger();
    private final AtomicInteger flakyCalls = new AtomicInteger();
    private final CountDownLatch resumed = new CountDownLatch(1);
    private final CountDownLatch partReadThenHung = new CountDownLatch(1);
    private final AtomicReference<Object> hungAttemptsStream = new AtomicReference<>();

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:down", "mock:up-1", "mock:up-2"), 3, Duration.ZERO,
                                NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:down").process(exchange -> {
                    countFirstPick(exchange, "down");
                    attemptsOnDown.incrementAndGet();
                    exchange.getIn().setBody("changed by the failed attempt");
                    throw new IllegalStateException("instance down");
                });
                from("direct:all-down").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:down", "direct:down", "direct:down"), 2, Duration.ZERO,
                                NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:call-with-backoff").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:hung", "mock:up-1", "mock:up-2"), 3,
                                Duration.ofMinutes(1), NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:call-with-growing-backoff").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:hung", "mock:up-1"), 3, Duration.ofMillis(300), NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:call-with-a-frozen-instance").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:frozen", "mock:up-1", "mock:up-2"), 3, NEVER,
                                Duration.ofMillis(200)))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:call-with-a-timing-out-instance-and-erring-ones").errorHandler(noErrorHandler())
                        .loadBalance(balancer(List.of("direct:timing-out", "direct:answers-503", "direct:answers-503"),
                                3, Duration.ofMinutes(1), NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                from("direct:timing-out").process(exchange -> {
                    timedOutCalls.incrementAndGet();
                    throw new SocketTimeoutException("Read timed out");
                });
                from("direct:answers-503").process(exchange -> {
                    throw new HttpOperationFailedException("http://127.0.0.1:8083/logging", 503, "Service Unavailable",
                            null, Map.of(), "{\"error\":\"no quorum\"}");
                });
                from("direct:call-registered").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", registered::get,
                                oneAfterAnother(3), NEVER, NEVER, NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                hedgedOver("direct:hedged-with-a-frozen-instance", List.of("direct:frozen", "mock:up-1"),
                        Duration.ofSeconds(5), NEVER);
                hedgedOver("direct:hedged-all-down", List.of("direct:down", "direct:hung"), Duration.ofMillis(700),
                        Duration.ZERO);
                hedgedOver("direct:hedged-flaky", List.of("direct:flaky"), Duration.ofSeconds(5), Duration.ZERO);
                from("direct:hedged-registered").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", registered::get,
                                Attempts.hedged(Duration.ofSeconds(5), Duration.ofMillis(100)), Duration.ZERO, NEVER,
                                NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
                hedgedOver("direct:hedged-stream", List.of("direct:reads-part-then-hangs", "mock:up-1"),
                        Duration.ofSeconds(5), NEVER);
                from("direct:reads-part-then-hangs").process(exchange -> {
                    hungAttemptsStream.set(exchange.getIn().getBody());
                    exchange.getIn().getBody(InputStream.class).readNBytes(3);
                    partReadThenHung.countDown();
                    resumed.await();
                });
                from("direct:flaky").process(exchange -> {
                    if (flakyCalls.incrementAndGet() <= 3) {
                        throw new IllegalStateException("indeterminate operation state");
                    }
                });
                from("direct:frozen").process(exchange -> {
                    frozenCalls.incrementAndGet();
                    resumed.await();
                });
                from("direct:hung").process(exchange -> {
                    hungAttempts.incrementAndGet();
                    throw new IllegalStateException("read timed out");
                });
            }

            /** A call hedged after 100 ms over {@code instances}, all within {@code within}. */
            private void hedgedOver(String from, List<String> instances, Duration within, Duration backoff) {
                from(from).errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", () -> instances,
                                Attempts.hedged(within, Duration.ofMillis(100)), backoff, NEVER, NEVER))
                            .toD(EACH_INSTANCE)
                        .end();
            }
        };
    }

    /** One instance after another, each until it answers or fails, {@code max} attempts in all. */
    private static Attempts oneAfterAnother(int max) {
        return new Attempts(max, NEVER, NEVER);
    }

    private static RandomFailoverLoadBalancer balancer(List<String> instances, int maxAttempts, Duration backoff,
                                                       Duration stalledAfter) {
        return new RandomFailoverLoadBalancer("test-service", () -> instances, oneAfterAnother(maxAttempts),
                backoff, NEVER, stalledAfter);
    }

    private void countFirstPick(Exchange exchange, String instance) {
        if (exchange.getProperty("picked") == null) {
            firstPicks.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
        }
    }

    @Test
    void failsOverToALiveInstanceWithTheOriginalBody() throws Exception {
        MockEndpoint up1 = getMockEndpoint("mock:up-1");
        MockEndpoint up2 = getMockEndpoint("mock:up-2");
        up1.whenAnyExchangeReceived(exchange -> exchange.setProperty("picked", "up-1"));
        up2.whenAnyExchangeReceived(exchange -> exchange.setProperty("picked", "up-2"));

        for (int i = 0; i < 300; i++) {
            Exchange result = template.request("direct:call", exchange -> exchange.getIn().setBody("message"));
            assertThat(result.getException()).isNull();
        }

        assertThat(up1.getReceivedCounter() + up2.getReceivedCounter()).isEqualTo(300);
        up1.getReceivedExchanges().forEach(e -> assertThat(e.getIn().getBody()).isEqualTo("message"));
        up2.getReceivedExchanges().forEach(e -> assertThat(e.getIn().getBody()).isEqualTo("message"));
        // Random start: every instance is tried first now and then (each has p=1/3 per call).
        assertThat(firstPicks.get("down").get()).isBetween(50, 150);
        assertThat(up1.getReceivedCounter()).isGreaterThan(50);
        assertThat(up2.getReceivedCounter()).isGreaterThan(50);
    }

    @Test
    void anInstanceThatFailedIsTriedLastUntilItsBackoffEnds() {
        for (int i = 0; i < 100; i++) {
            Exchange result = template.request("direct:call-with-backoff", exchange -> exchange.getIn().setBody("m"));
            assertThat(result.getException()).isNull();
        }

        // Picked first at most once: after that failure it goes last, behind instances that answer.
        assertThat(hungAttempts.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void anInstanceThatKeepsFailingIsTriedLastForLongerEachTime() throws Exception {
        // Each failure opens its breaker: for 300 ms, then 600 ms, then 1.2 s.
        for (int failures = 1; failures <= 3; failures++) {
            Thread.sleep(failures == 1 ? 0 : 300L << (failures - 2));
            while (hungAttempts.get() < failures) {
                template.requestBody("direct:call-with-growing-backoff", "m");
            }
        }

        long thirdFailure = System.nanoTime();
        while (System.nanoTime() - thirdFailure < TimeUnit.MILLISECONDS.toNanos(800)) {
            assertThat(template.requestBody("direct:call-with-growing-backoff", "m")).isEqualTo("m");
        }
        assertThat(hungAttempts.get()).as("attempts on the failing instance").isEqualTo(3);
    }

    @Test
    @Timeout(30) // without the rule, a call that picks the frozen instance first waits for ever
    void anInstanceThatAnswersNoneOfItsCallsIsTriedLastBeforeAnyOfThemFails() throws Exception {
        // Calls from other threads until one is stuck on the frozen instance.
        ExecutorService callers = Executors.newCachedThreadPool();
        try {
            while (frozenCalls.get() == 0) {
                callers.submit(() -> template.requestBody("direct:call-with-a-frozen-instance", "m"))
                        .get(100, TimeUnit.MILLISECONDS);
            }
        } catch (TimeoutException stuck) {
            // the call that picked the frozen instance
        }
        Thread.sleep(300);

        for (int i = 0; i < 100; i++) {
            assertThat(template.requestBody("direct:call-with-a-frozen-instance", "m")).isEqualTo("m");
        }

        assertThat(frozenCalls.get()).as("calls that picked the frozen instance").isEqualTo(1);
        resumed.countDown();
        callers.shutdown();
    }

    @Test
    void anInstanceThatTimedOutIsLeftOutWhileTheOthersAnswerEvenWithAnError() {
        for (int i = 0; i < 20; i++) {
            Exchange result = template.request("direct:call-with-a-timing-out-instance-and-erring-ones",
                    exchange -> exchange.getIn().setBody("m"));
            assertThat(result.getException()).isInstanceOf(ServiceUnavailableException.class);
        }

        // Each of those calls would otherwise wait out the response timeout on a frozen instance before its 503.
        assertThat(timedOutCalls.get()).as("calls that reached the instance that timed out").isEqualTo(1);
    }

    @Test
    void failsWithServiceUnavailableAfterAsManyAttemptsAsAllowed() {
        Exchange result = template.request("direct:all-down", exchange -> exchange.getIn().setBody("message"));

        assertThat(result.getException())
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessage("test-service unavailable: no instance answered")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThat(attemptsOnDown.get()).isEqualTo(2);
    }

    @Test
    @Timeout(30)
    void aHedgedCallStuckOnAFrozenInstanceIsAnsweredByAnotherOneAfterTheHedgeDelay() {
        for (int i = 0; i < 20; i++) {
            long began = System.nanoTime();
            assertThat(template.requestBody("direct:hedged-with-a-frozen-instance", "m")).isEqualTo("m");
            assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(1));
        }

        assertThat(frozenCalls.get()).as("calls that reached the frozen instance").isPositive();
        resumed.countDown();
    }

    @Test
    void aHedgedCallTriesEveryInstanceAgainUntilItsDeadlineThenFailsWithServiceUnavailable() {
        long began = System.nanoTime();
        Exchange result = template.request("direct:hedged-all-down", exchange -> exchange.getIn().setBody("m"));
        Duration took = Duration.ofNanos(System.nanoTime() - began);

        assertThat(result.getException()).isInstanceOf(ServiceUnavailableException.class)
                .hasMessage("test-service unavailable: no instance answered");
        assertThat(took).isBetween(Duration.ofMillis(700), Duration.ofMillis(2000));
        assertThat(attemptsOnDown.get()).as("rounds over the instances").isGreaterThan(2);
        assertThat(hungAttempts.get()).as("rounds over the instances").isGreaterThan(2);
    }

    @Test
    @Timeout(30)
    void everyHedgedAttemptReadsTheWholeStreamOfItsOwn() throws Exception {
        MockEndpoint up = getMockEndpoint("mock:up-1");
        List<Object> streamsReadBesideTheHungOne = new CopyOnWriteArrayList<>();
        up.whenAnyExchangeReceived(exchange -> {
            if (hungAttemptsStream.get() != null) {
                streamsReadBesideTheHungOne.add(exchange.getIn().getBody());
            }
            exchange.getIn().setBody(exchange.getIn().getBody(String.class));
        });
        // Until one call has gone first to the instance that reads part of its body and hangs: its hedge on the other
        // instance answers with what that one read.
        while (partReadThenHung.getCount() > 0) {
            InputStreamCache body = new InputStreamCache("the whole message".getBytes(StandardCharsets.UTF_8));
            assertThat(template.requestBody("direct:hedged-stream", body, String.class)).isEqualTo("the whole message");
        }
        resumed.countDown();

        // Read at the same time by two threads, one stream would give each a part: every attempt has its own.
        assertThat(streamsReadBesideTheHungOne).isNotEmpty().noneMatch(stream -> stream == hungAttemptsStream.get());
    }

    @Test
    void aHedgedCallSucceedsOnceAnInstanceThatFailedAnswers() {
        assertThat(template.requestBody("direct:hedged-flaky", "m")).isEqualTo("m");
        assertThat(flakyCalls.get()).isEqualTo(4);
    }

    @Test
    void aHedgedCallAsksTheRegistryAgainAtEachRoundAndReachesAnInstanceRegisteredSince() {
        registered.set(List.of("direct:down"));
        Exchange result = template.request("direct:hedged-registered", exchange -> {
            exchange.getIn().setBody("m");
            // Registered while the call's first round fails on the only instance it found.
            new Thread(() -> {
                Await.until(Duration.ofSeconds(5), "a failed attempt", () -> attemptsOnDown.get() > 0);
                registered.set(List.of("direct:down", "mock:up-1"));
            }).start();
        });

        assertThat(result.getException()).isNull();
        assertThat(getMockEndpoint("mock:up-1").getReceivedCounter()).isEqualTo(1);
    }

    @Test
    void picksFromTheInstancesRegisteredWhenTheRequestComes() throws Exception {
        assertThat(template.request("direct:call-registered", exchange -> exchange.getIn().setBody("m"))
                .getException()).hasMessage("test-service unavailable: no instance registered");

        registered.set(List.of("mock:up-1"));
        template.requestBody("direct:call-registered", "m");
        registered.set(List.of("mock:up-2"));
        for (int i = 0; i < 10; i++) {
            template.requestBody("direct:call-registered", "m");
        }

        getMockEndpoint("mock:up-1").expectedMessageCount(1);
        getMockEndpoint("mock:up-2").expectedMessageCount(10);
        MockEndpoint.assertIsSatisfied(context);
    }
}

package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class RandomFailoverLoadBalancerTest extends CamelTestSupport {

    private static final Duration NEVER = Duration.ofDays(1);

    private final Map<String, AtomicInteger> firstPicks = new ConcurrentHashMap<>();
    private final AtomicInteger hungAttempts = new AtomicInteger();
    private final AtomicInteger frozenCalls = new AtomicInteger();
    private final CountDownLatch resumed = new CountDownLatch(1);

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:call").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", Duration.ZERO, NEVER))
                            .to("direct:down", "mock:up-1", "mock:up-2")
                        .end();
                from("direct:down").process(exchange -> {
                    countFirstPick(exchange, "down");
                    exchange.getIn().setBody("changed by the failed attempt");
                    throw new IllegalStateException("instance down");
                });
                from("direct:all-down").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", Duration.ZERO, NEVER))
                            .to("direct:down", "direct:down")
                        .end();
                from("direct:call-with-backoff").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", Duration.ofMinutes(1), NEVER))
                            .to("direct:hung", "mock:up-1", "mock:up-2")
                        .end();
                from("direct:call-with-a-frozen-instance").errorHandler(noErrorHandler())
                        .loadBalance(new RandomFailoverLoadBalancer("test-service", NEVER, Duration.ofMillis(200)))
                            .to("direct:frozen", "mock:up-1", "mock:up-2")
                        .end();
                from("direct:frozen").process(exchange -> {
                    frozenCalls.incrementAndGet();
                    resumed.await();
                });
                from("direct:hung").process(exchange -> {
                    hungAttempts.incrementAndGet();
                    throw new IllegalStateException("read timed out");
                });
            }
        };
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
    void failsWithServiceUnavailableWhenNoInstanceAnswers() {
        Exchange result = template.request("direct:all-down", exchange -> exchange.getIn().setBody("message"));

        assertThat(result.getException())
                .isInstanceOf(ServiceUnavailableException.class)
                .hasMessageContaining("test-service unavailable")
                .hasCauseInstanceOf(IllegalStateException.class);
    }
}

package org.dsd.messaging.messages;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.collection.IQueue;
import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.dsd.messaging.testing.Await;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The consumer of {@link BatchingHazelcastSedaComponent} against a real member. */
class BatchingHazelcastSedaComponentTest {

    private static final HazelcastTestCluster CLUSTER = HazelcastTestCluster.start(1);

    private final String queueName = "batch-" + UUID.randomUUID();
    private final IQueue<String> queue = CLUSTER.member(0).getQueue(queueName);
    /** The items of each transaction, as routed: one exchange per transaction. */
    private final List<List<String>> transactions = new CopyOnWriteArrayList<>();
    /** The queue's depth each time a transaction is routed: what it left there. */
    private final List<Integer> depths = new CopyOnWriteArrayList<>();

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @Test
    void takesWhatTheQueueHoldsUpToTheLimitPerTransactionInQueueOrder() throws Exception {
        queue.addAll(List.of("1", "2", "3", "4", "5"));

        consume("&maxMessagesPerPoll=2", exchange -> { }, 5);

        assertThat(transactions).containsExactly(List.of("1", "2"), List.of("3", "4"), List.of("5"));
        assertThat(depths).containsExactly(3, 1, 0);
    }

    @Test
    void waitsTheBatchWindowAfterTheFirstItemForMoreInTheSameTransaction() throws Exception {
        AtomicInteger offered = new AtomicInteger();
        List<Integer> offeredWhenRouted = new CopyOnWriteArrayList<>();
        Thread producer = new Thread(() -> {
            try {
                Thread.sleep(1_000); // the consumer polls the empty queue by then
                for (String item : List.of("x", "y", "z")) {
                    queue.add(item);
                    offered.incrementAndGet();
                    Thread.sleep(300);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        producer.start();

        consume("&batchWindowMillis=3000", exchange -> offeredWhenRouted.add(offered.get()), 3);
        producer.join();

        assertThat(transactions).containsExactly(List.of("x", "y", "z"));
        assertThat(offeredWhenRouted).as("items offered when the transaction was routed").containsExactly(3);
    }

    @Test
    void anItemThatFailsReturnsItsWholeTransactionToTheQueueInOrder() throws Exception {
        queue.addAll(List.of("a", "boom", "c"));
        AtomicBoolean failedOnce = new AtomicBoolean();

        consume("", exchange -> {
            if (exchange.getIn().getBody(List.class).contains("boom") && failedOnce.compareAndSet(false, true)) {
                throw new IllegalStateException("the first delivery fails");
            }
        }, 6);

        assertThat(transactions).containsExactly(List.of("a", "boom", "c"), List.of("a", "boom", "c"));
        assertThat(depths).containsOnly(0);
        assertThat(queue).isEmpty();
    }

    /** Routes the queue through {@code step} until {@code count} items were routed, then stops the consumer. */
    private void consume(String options, Processor step, int count) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("member", CLUSTER.member(0));
            camel.addComponent("hazelcast-seda", new BatchingHazelcastSedaComponent());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    errorHandler(noErrorHandler());
                    from("hazelcast-seda:" + queueName + "?hazelcastInstance=#member&transacted=true&onErrorDelay=10"
                            + options)
                            .process(exchange -> {
                                transactions.add(exchange.getIn().getBody(List.class));
                                depths.add(queue.size());
                            })
                            .process(step);
                }
            });
            camel.start();
            Await.until(Duration.ofSeconds(20), count + " items routed",
                    () -> transactions.stream().mapToInt(List::size).sum() >= count);
        }
    }
}

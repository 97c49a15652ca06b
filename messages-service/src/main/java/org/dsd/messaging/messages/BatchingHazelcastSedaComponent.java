package org.dsd.messaging.messages;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.transaction.TransactionContext;
import com.hazelcast.transaction.TransactionalQueue;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.hazelcast.HazelcastDefaultComponent;
import org.apache.camel.component.hazelcast.HazelcastDefaultEndpoint;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaComponent;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaConfiguration;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaEndpoint;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaEndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's {@code hazelcast-seda}, with a transacted consumer that takes up to {@code maxMessagesPerPoll} items
 * (default {@value #DEFAULT_MAX_MESSAGES_PER_POLL}) per queue transaction, waiting up to {@code batchWindowMillis}
 * (default {@value #DEFAULT_BATCH_WINDOW_MILLIS}) after the first for more, and whose stop waits until its threads
 * have left their last transaction. Registered under the component's own name, so every {@code hazelcast-seda:} URI
 * of the messages app gets it.
 *
 * <p>Batches: Camel's consumer runs one two-phase transaction per item. Its begin, prepare and commit, each with a
 * backup on another member, cost the members more than the item itself: with both messages instances stopped the
 * same load needed a third of the members' CPU. Here one transaction takes what the queue holds and what comes
 * within the window, up to the limit, routes them as one exchange whose body is the list of items in queue order
 * (so that the route can record them all at once), and commits once; if the route fails, all go back to the queue,
 * and the record of consumed messages drops the ones already recorded when they come again. Under a steady load the
 * queue seldom holds more than one item, so without the window most transactions carried one; a message waits at
 * most the window longer for its consumer.
 *
 * <p>Stop: Camel's consumer returns from stop while its threads still wait in a transactional poll on the queue's
 * owner; Hazelcast shuts down next, and that poll stays parked on the owner until the whole cluster has seen this
 * member leave. A message offered in that window is reserved for a transaction nobody will commit or roll back:
 * acknowledged to the client, never delivered. Waiting for the threads (one poll timeout at most, plus routing and
 * committing what they took meanwhile) closes the window.
 */
@Component("hazelcast-seda")
public class BatchingHazelcastSedaComponent extends HazelcastSedaComponent {

    static final int DEFAULT_MAX_MESSAGES_PER_POLL = 50;
    static final long DEFAULT_BATCH_WINDOW_MILLIS = 10;
    private static final PropertyConfigurer ENDPOINT_CONFIGURER = new HazelcastSedaEndpointConfigurer();

    @Override
    protected HazelcastDefaultEndpoint doCreateEndpoint(String uri, String remaining, Map<String, Object> parameters,
                                                        HazelcastInstance hazelcast) throws Exception {
        int maxMessagesPerPoll = getAndRemoveParameter(parameters, "maxMessagesPerPoll", Integer.class,
                DEFAULT_MAX_MESSAGES_PER_POLL);
        long batchWindowMillis = getAndRemoveParameter(parameters, "batchWindowMillis", Long.class,
                DEFAULT_BATCH_WINDOW_MILLIS);
        if (maxMessagesPerPoll < 1 || batchWindowMillis < 0) {
            throw new IllegalArgumentException("maxMessagesPerPoll must be at least 1, batchWindowMillis at least 0: "
                    + uri);
        }
        HazelcastSedaConfiguration configuration = new HazelcastSedaConfiguration();
        configuration.setQueueName(remaining);
        HazelcastSedaEndpoint endpoint = new BatchingEndpoint(hazelcast, uri, this, configuration,
                new Batch(maxMessagesPerPoll, batchWindowMillis));
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Camel finds the generated configurer by the annotated class's name; this subclass has to name it. */
    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return ENDPOINT_CONFIGURER;
    }

    /** How many items one transaction takes at most, and how long after its first one it waits for more. */
    record Batch(int maxItems, long windowMillis) {
    }

    private static final class BatchingEndpoint extends HazelcastSedaEndpoint {

        private final Batch batch;

        BatchingEndpoint(HazelcastInstance hazelcast, String uri, HazelcastDefaultComponent component,
                         HazelcastSedaConfiguration configuration, Batch batch) {
            super(hazelcast, uri, component, configuration);
            this.batch = batch;
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            if (!getConfiguration().isTransacted()) {
                // Only a transaction returns an item whose routing failed; without one, Camel's consumer is as good.
                return super.createConsumer(processor);
            }
            Consumer consumer = new BatchingConsumer(this, processor, batch);
            configureConsumer(consumer);
            return consumer;
        }
    }

    static final class BatchingConsumer extends DefaultConsumer implements Runnable {

        private static final Logger LOG = LoggerFactory.getLogger(BatchingConsumer.class);
        /** Time the items taken in the last transaction may need to be routed and committed. */
        private static final long PROCESSING_GRACE_MILLIS = 5_000;

        private final HazelcastSedaEndpoint endpoint;
        private final HazelcastSedaConfiguration configuration;
        private final Batch batch;
        private final Set<Thread> polling = ConcurrentHashMap.newKeySet();
        private ExecutorService executor;

        BatchingConsumer(HazelcastSedaEndpoint endpoint, Processor processor, Batch batch) {
            super(endpoint, processor);
            this.endpoint = endpoint;
            this.configuration = endpoint.getConfiguration();
            this.batch = batch;
        }

        @Override
        protected void doStart() throws Exception {
            super.doStart();
            int threads = configuration.getConcurrentConsumers();
            executor = getEndpoint().getCamelContext().getExecutorServiceManager()
                    .newFixedThreadPool(this, endpoint.getEndpointUri(), threads);
            for (int i = 0; i < threads; i++) {
                executor.execute(this);
            }
        }

        @Override
        public void run() {
            polling.add(Thread.currentThread());
            try {
                while (isRunAllowed() && !Thread.currentThread().isInterrupted()) {
                    consumeOneTransaction();
                }
            } finally {
                polling.remove(Thread.currentThread());
            }
        }

        private void consumeOneTransaction() {
            TransactionContext transaction = endpoint.getHazelcastInstance().newTransactionContext();
            try {
                transaction.beginTransaction();
                List<Object> items = take(transaction.getQueue(configuration.getQueueName()));
                if (items.isEmpty()) {
                    transaction.rollbackTransaction();
                } else {
                    route(items);
                    transaction.commitTransaction();
                }
            } catch (InterruptedException e) {
                rollback(transaction);
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                rollback(transaction);
                handleException("Failed to consume from " + endpoint.getEndpointUri(), e);
                pauseAfterError();
            }
        }

        /**
         * The first item as soon as there is one (within the poll timeout), then what comes within the batch window
         * after it, then what is there already.
         */
        private List<Object> take(TransactionalQueue<Object> queue) throws InterruptedException {
            List<Object> items = new ArrayList<>();
            Object item = queue.poll(configuration.getPollTimeout(), TimeUnit.MILLISECONDS);
            long windowEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(batch.windowMillis());
            while (item != null) {
                items.add(item);
                long windowLeft = Math.max(0, windowEnds - System.nanoTime());
                item = items.size() < batch.maxItems() && isRunAllowed()
                        ? queue.poll(windowLeft, TimeUnit.NANOSECONDS) : null;
            }
            return items;
        }

        private void route(List<Object> items) throws Exception {
            Exchange exchange = createExchange(false);
            try {
                exchange.getIn().setBody(items);
                getProcessor().process(exchange);
                if (exchange.getException() != null) {
                    throw exchange.getException();
                }
            } finally {
                releaseExchange(exchange, false);
            }
        }

        private void rollback(TransactionContext transaction) {
            try {
                transaction.rollbackTransaction();
            } catch (RuntimeException e) {
                // Not begun, or its member gone: the cluster rolls it back when it sees this member's loss.
                LOG.debug("rollback of {} failed: {}", transaction.getTxnId(), e.toString());
            }
        }

        private void pauseAfterError() {
            try {
                Thread.sleep(configuration.getOnErrorDelay());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            long deadline = System.currentTimeMillis() + configuration.getPollTimeout() + PROCESSING_GRACE_MILLIS;
            for (Thread thread : polling) {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
                if (thread.isAlive()) {
                    LOG.warn("{} still polls {} after its stop", thread.getName(), endpoint.getEndpointUri());
                }
            }
            if (executor != null) {
                getEndpoint().getCamelContext().getExecutorServiceManager().shutdown(executor);
                executor = null;
            }
        }
    }
}

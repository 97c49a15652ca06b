package org.dsd.messaging.messages;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.component.hazelcast.HazelcastDefaultComponent;
import org.apache.camel.component.hazelcast.HazelcastDefaultEndpoint;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaComponent;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaConfiguration;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaConsumer;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaEndpoint;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaEndpointConfigurer;
import org.apache.camel.spi.PropertyConfigurer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Camel's {@code hazelcast-seda}, with a consumer whose stop waits until its threads have left their last poll.
 *
 * <p>Camel's consumer returns from stop while its threads still wait in a transactional poll on the queue's owner;
 * Hazelcast shuts down next, and that poll stays parked on the owner until the whole cluster has seen this member
 * leave. A message offered in that window is reserved for a transaction nobody will commit or roll back: acknowledged
 * to the client, never delivered. Waiting for the threads (one poll timeout at most, plus the commit or rollback of a
 * message they took meanwhile) closes the window. Registered under the component's own name, so every
 * {@code hazelcast-seda:} URI of the messages app gets it.
 */
@Component("hazelcast-seda")
public class DrainingHazelcastSedaComponent extends HazelcastSedaComponent {

    private static final PropertyConfigurer ENDPOINT_CONFIGURER = new HazelcastSedaEndpointConfigurer();

    @Override
    protected HazelcastDefaultEndpoint doCreateEndpoint(String uri, String remaining, Map<String, Object> parameters,
                                                        HazelcastInstance hazelcast) throws Exception {
        HazelcastSedaConfiguration configuration = new HazelcastSedaConfiguration();
        configuration.setQueueName(remaining);
        HazelcastSedaEndpoint endpoint = new DrainingEndpoint(hazelcast, uri, this, configuration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** Camel finds the generated configurer by the annotated class's name; this subclass has to name it. */
    @Override
    public PropertyConfigurer getEndpointPropertyConfigurer() {
        return ENDPOINT_CONFIGURER;
    }

    private static final class DrainingEndpoint extends HazelcastSedaEndpoint {

        DrainingEndpoint(HazelcastInstance hazelcast, String uri, HazelcastDefaultComponent component,
                         HazelcastSedaConfiguration configuration) {
            super(hazelcast, uri, component, configuration);
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            Consumer consumer = new DrainingConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }
    }

    static final class DrainingConsumer extends HazelcastSedaConsumer {

        private static final Logger LOG = LoggerFactory.getLogger(DrainingConsumer.class);
        /** Time a message taken in the last poll may need to be processed and committed. */
        private static final long PROCESSING_GRACE_MILLIS = 5_000;

        private final Set<Thread> polling = ConcurrentHashMap.newKeySet();

        DrainingConsumer(HazelcastSedaEndpoint endpoint, Processor processor) {
            super(endpoint, processor);
        }

        @Override
        public void run() {
            polling.add(Thread.currentThread());
            try {
                super.run();
            } finally {
                polling.remove(Thread.currentThread());
            }
        }

        @Override
        protected void doStop() throws Exception {
            super.doStop();
            HazelcastSedaEndpoint endpoint = (HazelcastSedaEndpoint) getEndpoint();
            long deadline = System.currentTimeMillis() + endpoint.getConfiguration().getPollTimeout()
                    + PROCESSING_GRACE_MILLIS;
            for (Thread thread : polling) {
                thread.join(Math.max(1, deadline - System.currentTimeMillis()));
                if (thread.isAlive()) {
                    LOG.warn("{} still polls {} after its stop", thread.getName(), endpoint.getEndpointUri());
                }
            }
        }
    }
}

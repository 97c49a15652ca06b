package org.dsd.messaging.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The queue between the facade and the messages instances, as one Camel endpoint URI that both sides use:
 * the facade sends to it, the messages instances consume from it as competing consumers. Swap the queue by
 * setting {@code app.queue.uri} (e.g. {@code kafka:messages?brokers=host:9092&groupId=messages}).
 *
 * <p>The default polls the Hazelcast queue {@code messages} inside a transaction, so an item leaves the queue
 * only once it was routed, and the consumer keeps polling through a member's death.
 */
@ConfigurationProperties("app.queue")
public record QueueProperties(
        @DefaultValue("hazelcast-seda:messages?hazelcastInstance=#hazelcastInstance&transacted=true") String uri) {
}

package org.dsd.messaging.queue;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The queue between the facade and the messages instances, as Camel endpoint URIs: the facade sends to
 * {@link #sendUri()}, the messages instances consume {@link #consumeUri()} as competing consumers.
 *
 * <p>By default both sides use the Hazelcast queue {@code messages}: the facade through a {@code hazelcast-queue}
 * endpoint whose {@code add} fails at once when the queue is full, the messages instances through a transacted
 * {@code hazelcast-seda} endpoint, which takes an item off the queue only once its routing succeeded.
 * Swap the queue for both with the one setting {@code app.queue.uri}, e.g.
 * {@code kafka:messages?brokers=host:9092&groupId=messages&breakOnFirstError=true}.
 *
 * @param uri         when set, the endpoint of both sides, overriding the two below
 * @param producerUri the facade's endpoint while {@code uri} is not set
 * @param consumerUri the messages instances' endpoint while {@code uri} is not set
 */
@ConfigurationProperties("app.queue")
public record QueueProperties(
        String uri,
        @DefaultValue("hazelcast-queue:messages?hazelcastInstance=#hazelcastInstance&defaultOperation=add")
        String producerUri,
        @DefaultValue("hazelcast-seda:messages?hazelcastInstance=#hazelcastInstance&transacted=true")
        String consumerUri) {

    public String sendUri() {
        return isSet(uri) ? uri : producerUri;
    }

    public String consumeUri() {
        return isSet(uri) ? uri : consumerUri;
    }

    private static boolean isSet(String value) {
        return value != null && !value.isBlank();
    }
}

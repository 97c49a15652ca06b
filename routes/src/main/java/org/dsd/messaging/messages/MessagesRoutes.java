package org.dsd.messaging.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.idempotent.NoMessageIdException;
import org.apache.camel.processor.idempotent.hazelcast.HazelcastIdempotentRepository;
import org.dsd.messaging.common.HttpErrorRoutes;
import org.dsd.messaging.common.JsonReplies;
import org.dsd.messaging.common.QueueProperties;
import org.dsd.messaging.common.UserMessage;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** messages-service: consumes the queue (competing with the other instances) and lists what it consumed. */
@Component
@EnableConfigurationProperties(QueueProperties.class)
public class MessagesRoutes extends RouteBuilder {

    private final QueueProperties queue;
    private final ConsumedMessages consumed;
    private final JsonReplies replies;
    private final HazelcastIdempotentRepository consumedIds;

    public MessagesRoutes(QueueProperties queue, ConsumedMessages consumed, JsonReplies replies,
                          HazelcastInstance hazelcast) {
        this.queue = queue;
        this.consumed = consumed;
        this.replies = replies;
        // Cluster-wide: a message delivered twice (a retried offer, a redelivery) is kept by one instance only.
        this.consumedIds = new HazelcastIdempotentRepository(hazelcast, "consumed-message-ids");
    }

    @Override
    public void configure() {
        from(queue.uri()).routeId("messages-consume")
                // An unreadable item can never be served: drop it instead of redelivering it forever.
                .onException(JsonProcessingException.class, NoMessageIdException.class).handled(true)
                    .log(LoggingLevel.ERROR, "dropped an unreadable queue item: ${exception.message}")
                .end()
                .unmarshal().json(UserMessage.class)
                .idempotentConsumer(simple("${body.uuid}"), consumedIds)
                .log("received ${body.uuid} ${body.msg}")
                .bean(consumed, "add");

        rest("/messages")
                .get().id("messages-list-rest").to("direct:messages-list");

        from("direct:messages-list").routeId("messages-list").routeConfigurationId(HttpErrorRoutes.ID)
                .process(exchange -> replies.reply(exchange, 200, consumed.list()));
    }
}

package org.dsd.messaging.messages;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.dsd.messaging.common.HttpErrorRoutes;
import org.dsd.messaging.common.JsonReplies;
import org.dsd.messaging.common.QueueProperties;
import org.dsd.messaging.common.QuorumGuard;
import org.dsd.messaging.common.UserMessage;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * messages-service: consumes the queue (competing with the other instances) and lists what it consumed.
 * The queue delivers at least once; recording each uuid once in the cluster makes the effect exactly once.
 */
@Component
@EnableConfigurationProperties(QueueProperties.class)
public class MessagesRoutes extends RouteBuilder {

    private final QueueProperties queue;
    private final ConsumedMessages consumed;
    private final JsonReplies replies;
    private final QuorumGuard quorum;

    public MessagesRoutes(QueueProperties queue, ConsumedMessages consumed, JsonReplies replies, QuorumGuard quorum) {
        this.queue = queue;
        this.consumed = consumed;
        this.replies = replies;
        this.quorum = quorum;
    }

    @Override
    public void configure() {
        // The queue item is taken (transaction committed, offset committed) only after this route succeeded:
        // a consumer that dies before leaves it for the next delivery, which the record recognises.
        from(queue.consumeUri()).routeId("messages-consume")
                // An unreadable item can never be served: drop it instead of redelivering it forever.
                .onException(JsonProcessingException.class).handled(true)
                    .log(LoggingLevel.ERROR, "dropped an unreadable queue item: ${exception.message}")
                .end()
                // From the minority side of a split, roll back: the item is delivered again once whole.
                .bean(quorum, "ensurePresent")
                .unmarshal().json(UserMessage.class)
                .choice()
                    .when(method(consumed, "record"))
                        .log("received ${body.uuid} ${body.msg}")
                    .otherwise()
                        .log(LoggingLevel.DEBUG, "dropped a second delivery of ${body.uuid}")
                .end();

        rest("/messages")
                .get().id("messages-list-rest").to("direct:messages-list");

        from("direct:messages-list").routeId("messages-list").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(quorum, "ensurePresent")
                .process(exchange -> replies.reply(exchange, 200, consumed.list()));
    }
}

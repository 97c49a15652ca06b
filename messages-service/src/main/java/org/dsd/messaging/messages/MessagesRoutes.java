package org.dsd.messaging.messages;

import java.util.function.BooleanSupplier;

import com.hazelcast.core.HazelcastInstance;
import org.apache.camel.Endpoint;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.hazelcast.seda.HazelcastSedaEndpoint;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.spi.BrowsableEndpoint;
import org.dsd.messaging.cluster.QuorumGuard;
import org.dsd.messaging.http.HttpErrorRoutes;
import org.dsd.messaging.http.JsonReplies;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.model.UserMessage;
import org.dsd.messaging.queue.QueueProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import static org.dsd.messaging.http.RestContract.JSON;
import static org.dsd.messaging.http.RestContract.afterParam;
import static org.dsd.messaging.http.RestContract.answer;
import static org.dsd.messaging.http.RestContract.error;
import static org.dsd.messaging.http.RestContract.limitParam;

/**
 * messages-service: consumes the queue (competing with the other instances) and lists what it consumed.
 * The queue delivers at least once; recording each uuid once in the cluster makes the effect exactly once. The
 * oldest instance also queues again what was logged and never consumed.
 */
@Component
@EnableConfigurationProperties({QueueProperties.class, MessagesProperties.class})
public class MessagesRoutes extends RouteBuilder {

    private final QueueProperties queue;
    private final MessagesProperties properties;
    private final HazelcastInstance hazelcast;
    private final ConsumedMessages consumed;
    private final QueueItems queueItems;
    private final QuorumGuard quorum;
    private final JsonReplies replies;

    public MessagesRoutes(QueueProperties queue, MessagesProperties properties, HazelcastInstance hazelcast,
                          ConsumedMessages consumed, QueueItems queueItems, QuorumGuard quorum,
                          JsonReplies replies) {
        this.queue = queue;
        this.properties = properties;
        this.hazelcast = hazelcast;
        this.consumed = consumed;
        this.queueItems = queueItems;
        this.quorum = quorum;
        this.replies = replies;
    }

    @Override
    public void configure() {
        // The queue items are taken (transaction committed, offset committed) only after this route succeeded:
        // a consumer that dies before leaves them for the next delivery, which the record recognises.
        from(queue.consumeUri()).routeId("messages-consume")
                // From the minority side of a split, roll back: the items are delivered again once whole.
                .bean(quorum, "ensurePresent")
                .bean(queueItems, "read")
                // All of a transaction's items at once; a second delivery is dropped there.
                .bean(consumed, "recordAll");

        redeliverLostMessages();

        rest("/messages").description("What this instance consumed from the queue")
                .get().id("messages-list-rest").description("This instance's messages, in the order it consumed them")
                    .produces(JSON).outType(UserMessage[].class)
                    .param(limitParam("At most this many messages"))
                    .param(afterParam("Only the messages this instance consumed after the one with this uuid"))
                    .responseMessage(answer(200, "The consumed messages, or a page of them: a full page names the "
                            + "next one in its Link header", UserMessage[].class))
                    .responseMessage(error(400, "limit out of range, or after names no message this instance consumed"))
                    .responseMessage(error(503, "This instance is cut off from the cluster's majority"))
                    .to("direct:messages-list");

        // As the logging list: windows of the sorted index for the whole list, the members cut a page.
        from("direct:messages-list").routeId("messages-list").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(quorum, "ensurePresent")
                .setProperty(ListPage.PROPERTY, method(ListPage.class, "fromQuery"))
                .removeHeaders("*")
                .choice()
                    .when(exchangeProperty(ListPage.PROPERTY).isNull())
                        .bean(consumed, "wholeList").id("record-read")
                    .otherwise()
                        .bean(consumed, "page").id("record-page")
                .end()
                // Again after the read: a member frozen in the middle of it may resume cut off.
                .bean(quorum, "ensurePresent")
                .process(replies.list("/messages"));
    }

    /**
     * Queues again what was logged and never consumed, on whichever queue: the Hazelcast queue can lose an item
     * ({@link UnconsumedMessages}), and any queue misses what the facade acknowledged while its broker was away.
     */
    private void redeliverLostMessages() {
        String sendUri = queue.sendUri();
        // Only while the queue holds nothing: an item on it is on its way, and queuing it again behind a backlog
        // only adds to the backlog. Kafka's backlog is not visible from here; a message found there too is dropped
        // as a second delivery.
        BooleanSupplier nothingOnItsWay = () -> true;
        Endpoint consumed = endpoint(queue.consumeUri());
        if (consumed instanceof HazelcastSedaEndpoint hazelcastQueue) {
            String name = hazelcastQueue.getConfiguration().getQueueName();
            sendUri = "hazelcast-queue:" + name + "?hazelcastInstance=#hazelcastInstance&defaultOperation=add";
            nothingOnItsWay = () -> hazelcast.getQueue(name).isEmpty();
        } else if (consumed instanceof BrowsableEndpoint browsable) {
            // A JMS queue: a browse sees what waits on the broker (not what a consumer holds uncommitted).
            nothingOnItsWay = () -> browsable.getExchanges(1, null).isEmpty();
        }
        UnconsumedMessages unconsumed = new UnconsumedMessages(hazelcast, properties, nothingOnItsWay);
        from("timer:messages-redeliver?period=" + properties.redelivery().period().toMillis())
                .routeId("messages-redeliver")
                .filter(method(quorum, "present"))
                .setBody(method(unconsumed, "lost"))
                .split(body()).stopOnException()
                    // As the facade queues it: keyed by uuid (Kafka's partitioning), as JSON text.
                    .setHeader(KafkaConstants.KEY, simple("${body.uuid}"))
                    .marshal().json()
                    .convertBodyTo(String.class)
                    .to(sendUri).id("queue-redeliver")
                .end();
    }
}

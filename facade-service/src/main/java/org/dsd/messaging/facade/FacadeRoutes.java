package org.dsd.messaging.facade;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.model.rest.RestParamType;
import org.dsd.messaging.facade.RandomFailoverLoadBalancer.Attempts;
import org.dsd.messaging.http.HttpErrorRoutes;
import org.dsd.messaging.http.JsonReplies;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.http.MessageRequestReader;
import org.dsd.messaging.queue.QueueProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

import static org.dsd.messaging.http.RestContract.JSON;
import static org.dsd.messaging.http.RestContract.afterParam;
import static org.dsd.messaging.http.RestContract.answer;
import static org.dsd.messaging.http.RestContract.error;
import static org.dsd.messaging.http.RestContract.limitParam;

/**
 * facade-service: a POST is logged by a random logging instance (failing over to the others and hedging a slow
 * one, until its deadline; written again under another uuid if a frozen member holds it up), then queued for the
 * messages instances. A repeat under an {@code Idempotency-Key} is the same write again.
 * A GET returns the list of a random logging and a random messages instance.
 */
@Component
@EnableConfigurationProperties({FacadeProperties.class, QueueProperties.class})
public class FacadeRoutes extends RouteBuilder {

    private final FacadeProperties services;
    private final ServiceDirectory directory;
    private final QueueProperties queue;
    private final MessageRequestReader reader;
    private final IdempotencyKeys idempotencyKeys;
    private final FacadeMessages messages;
    private final JsonReplies replies;
    private final QueueHandOff queueHandOff;
    private final LogWrite logWrite;

    public FacadeRoutes(FacadeProperties services, ServiceDirectory directory, QueueProperties queue,
                        MessageRequestReader reader, IdempotencyKeys idempotencyKeys, FacadeMessages messages,
                        JsonReplies replies, QueueHandOff queueHandOff, LogWrite logWrite) {
        this.services = services;
        this.directory = directory;
        this.queue = queue;
        this.reader = reader;
        this.idempotencyKeys = idempotencyKeys;
        this.messages = messages;
        this.replies = replies;
        this.queueHandOff = queueHandOff;
        this.logWrite = logWrite;
    }

    @Override
    public void configure() {
        rest("/facade").description("The system's entry point")
                .post().id("facade-post-rest").description("Logs a message, then queues it for the messages service")
                    // The seed's client sent a form; JSON and plain text are what other clients send.
                    .consumes("application/x-www-form-urlencoded,application/json,text/plain").produces(JSON)
                    .type(MessageText.class)
                    .param().name(IdempotencyKeys.HEADER).type(RestParamType.header).required(false)
                        .description("Makes the POST safe to repeat: a repeat answers what the first did").endParam()
                    .responseMessage(answer(201, "Logged and queued (or a repeat under the same key)",
                            PostedAnswer.class))
                    .responseMessage(error(400, "No message, malformed body, or a blank or overlong key"))
                    .responseMessage(error(413, "The message is larger than app.http.max-message-size"))
                    .responseMessage(error(415, "Not a form, JSON or plain text"))
                    .responseMessage(error(422, "The Idempotency-Key was used with another message"))
                    .responseMessage(error(502, "A logging instance refused the message (a fault between the services)"))
                    .responseMessage(error(503, "No logging instance stored it within app.facade.post-deadline, "
                            + "or the queue is full"))
                    .to("direct:facade-post")
                .get().id("facade-get-rest").description("The lists of a random logging and messages instance")
                    .produces(JSON).outType(ServiceLists.class)
                    .param(limitParam("At most this many messages in each list"))
                    .param(afterParam("The logging-service list starts after the message with this uuid"))
                    .responseMessage(answer(200, "Both lists", ServiceLists.class))
                    .responseMessage(error(400, "limit out of range, or after names no logged message"))
                    .responseMessage(error(503, "No instance of a service answered"))
                    .to("direct:facade-get");

        from("direct:facade-post").routeId("facade-post").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(reader, "readText")
                .bean(idempotencyKeys, "messageFor")
                .setProperty(FacadeMessages.MESSAGE, body())
                .bean(logWrite, "store")
                .setBody(exchangeProperty(FacadeMessages.MESSAGE))
                .bean(queueHandOff, "offer")
                .bean(messages, "answerPosted");

        // Sub-routes have no error handler of their own: the calling route's one answers the client.
        // Called by LogBatches with a batch of LogEntries, and with one alone (a write held up in its batch, or
        // written again under another uuid).
        storeOnLogging("direct:logging-store-batch", "logging-store-batch", "/logging/batch");
        storeOnLogging("direct:logging-store", "logging-store", "/logging");

        // Run by QueueHandOff beside the POST. The queue client retries by itself (Hazelcast redo, Kafka retries);
        // an offer that still fails (cut off by a dying member: indeterminate state) is tried again for a while.
        // A second copy that a retry may leave on the queue is dropped by uuid at the consumers.
        from("direct:queue-offer").routeId("queue-offer")
                .errorHandler(defaultErrorHandler().retryWhile(method(queueHandOff, "mayRetry"))
                        .redeliveryDelay(100).retryAttemptedLogLevel(LoggingLevel.WARN))
                .removeHeaders("*")
                // Kafka partitions by the record key: keyed by uuid, the messages instances share the work.
                // Other components ignore the header.
                .setHeader(KafkaConstants.KEY, simple("${body.uuid}"))
                // JSON text: what every queue component carries, and readable wherever the queue is inspected.
                .marshal().json()
                .convertBodyTo(String.class)
                .to(queue.sendUri()).id("queue-send");

        from("direct:facade-get").routeId("facade-get").routeConfigurationId(HttpErrorRoutes.ID)
                .setProperty(ListPage.PROPERTY, method(ListPage.class, "fromQuery"))
                .multicast(new ServiceListsAggregation()).parallelProcessing().stopOnException()
                    .to("direct:logging-list-remote", "direct:messages-list-remote")
                .end()
                .process(exchange -> replies.replyJson(exchange, 200,
                        ServiceListsAggregation.answer(exchange.getIn().getBody(Map.class))));

        // A page of the logged messages walks the system's whole record; each messages instance has its own order,
        // so its list is only cut to the same length (walk one with GET /messages?limit=&after=).
        listFrom(ServiceDirectory.LOGGING, "direct:logging-list-remote", "/logging", "loggingQuery");
        listFrom(ServiceDirectory.MESSAGES, "direct:messages-list-remote", "/messages", "messagesQuery");
    }

    private void storeOnLogging(String from, String routeId, String path) {
        from(from).routeId(routeId).errorHandler(noErrorHandler())
                .marshal().json()
                .removeHeaders("*")
                .setHeader(Exchange.CONTENT_TYPE, constant("application/json; charset=UTF-8"))
                // 4xx comes back as an answer (the message itself is at fault): only 5xx and I/O errors fail over.
                // The store is idempotent by uuid, so a slow instance's POST is hedged on another one.
                .loadBalance(failover(ServiceDirectory.LOGGING, Attempts.hedged(services.postDeadline(),
                        services.hedgeAfter())))
                    .toD(onEachInstance(path, "POST", "200-499"))
                .end();
    }

    private RandomFailoverLoadBalancer failover(String service, Attempts attempts) {
        return new RandomFailoverLoadBalancer(service, () -> directory.instances(service), attempts,
                services.failedInstanceBackoff(), services.failedInstanceMaxBackoff(), services.stalledInstanceAfter());
    }

    /** The endpoint on the instance the balancer picked; an answer outside {@code okStatusCodes} fails. */
    private static String onEachInstance(String path, String method, String okStatusCodes) {
        return "${exchangeProperty." + RandomFailoverLoadBalancer.INSTANCE_URL + "}" + path
                + "?httpMethod=" + method + "&okStatusCodeRange=" + okStatusCodes;
    }

    private void listFrom(String service, String from, String path, String pageQuery) {
        from(from).routeId(service + "-list-remote").errorHandler(noErrorHandler())
                .setProperty(ServiceListsAggregation.SERVICE, constant(service))
                .removeHeaders("*")
                .setHeader(Exchange.HTTP_QUERY, method(messages, pageQuery))
                .setBody(constant(null))
                // A 400 is about the request (a cursor no instance knows), so no other instance is asked.
                // A read is safe to repeat: one from an instance that does not answer (frozen) is hedged on another.
                .loadBalance(failover(service, Attempts.hedged(services.listDeadline(), services.listHedgeAfter())))
                    .toD(onEachInstance(path, "GET", "200-299,400"))
                .end()
                .bean(messages, "checkListed");
    }
}

package org.dsd.messaging.logging;

import java.util.List;

import org.apache.camel.builder.RouteBuilder;
import org.dsd.messaging.cluster.QuorumGuard;
import org.dsd.messaging.http.ErrorAnswer;
import org.dsd.messaging.http.HttpErrorRoutes;
import org.dsd.messaging.http.JsonReplies;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.http.MessageRequestReader;
import org.dsd.messaging.logging.StoreOutcome.AlreadyStored;
import org.dsd.messaging.logging.StoreOutcome.Stored;
import org.dsd.messaging.logging.StoreOutcome.Taken;
import org.dsd.messaging.logging.StoreOutcome.Undecided;
import org.dsd.messaging.model.LogEntry;
import org.dsd.messaging.model.LoggedAnswer;
import org.dsd.messaging.model.LoggedEntry;
import org.dsd.messaging.model.UserMessage;
import org.springframework.stereotype.Component;

import static org.dsd.messaging.http.RestContract.JSON;
import static org.dsd.messaging.http.RestContract.afterParam;
import static org.dsd.messaging.http.RestContract.answer;
import static org.dsd.messaging.http.RestContract.error;
import static org.dsd.messaging.http.RestContract.limitParam;

/**
 * logging-service: stores messages in the Hazelcast distributed map and lists all of them; from the minority side
 * of a split it answers 503 instead (the facade then asks another instance).
 */
@Component
public class LoggingRoutes extends RouteBuilder {

    private final MessageRequestReader reader;
    private final LoggedMessages loggedMessages;
    private final QuorumGuard quorum;
    private final JsonReplies replies;

    public LoggingRoutes(MessageRequestReader reader, LoggedMessages loggedMessages, QuorumGuard quorum,
                         JsonReplies replies) {
        this.reader = reader;
        this.loggedMessages = loggedMessages;
        this.quorum = quorum;
        this.replies = replies;
    }

    @Override
    public void configure() {
        rest("/logging").description("The logged messages, in the cluster's distributed map")
                .post().id("logging-post-rest").description("Stores a message under its uuid, once; an earlier write "
                        + "of it that this one supersedes is no longer listed")
                    .consumes(JSON).produces(JSON).type(LogEntry.class)
                    .responseMessage(answer(201, "Stored", LoggedAnswer.class))
                    .responseMessage(answer(200, "Stored before with the same text: a retry", LoggedAnswer.class))
                    .responseMessage(error(400, "Malformed JSON, uuid or msg missing or blank, or supersedes names no other uuid"))
                    .responseMessage(error(409, "The uuid holds another message (named in the answer)"))
                    .responseMessage(error(413, "The message is larger than app.http.max-message-size"))
                    .responseMessage(error(415, "Not JSON"))
                    .responseMessage(error(503, "This instance is cut off from the cluster's majority"))
                    .to("direct:logging-post")
                .post("/batch").id("logging-post-batch-rest").description("Stores each message of a batch as POST "
                        + "/logging does, all at once; the facade sends the POSTs that arrive together this way")
                    .consumes(JSON).produces(JSON).type(LogEntry[].class)
                    .responseMessage(answer(200, "What became of each message, with the status POST /logging "
                            + "answers for it alone; 503: still under way, write it alone", LoggedEntry[].class))
                    .responseMessage(error(400, "Not an array of 1 to " + LogEntry.MOST_PER_BATCH + " entries "
                            + "with distinct uuids, or an entry POST /logging refuses"))
                    .responseMessage(error(413, "A message is larger than app.http.max-message-size"))
                    .responseMessage(error(415, "Not JSON"))
                    .responseMessage(error(503, "This instance is cut off from the cluster's majority"))
                    .to("direct:logging-post-batch")
                .get().id("logging-list-rest").description("Every message, from any instance, in the order logged")
                    .produces(JSON).outType(UserMessage[].class)
                    .param(limitParam("At most this many messages"))
                    .param(afterParam("Only the messages logged after the one with this uuid (the last of a page)"))
                    .responseMessage(answer(200, "All messages, or a page of them: a full page names the next one in "
                            + "its Link header", UserMessage[].class))
                    .responseMessage(error(400, "limit out of range, or after names no logged message"))
                    .responseMessage(error(503, "Cut off from the majority, or the cluster is rebalancing"))
                    .to("direct:logging-list");

        from("direct:logging-post").routeId("logging-post").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(reader, "readLogEntry")
                .bean(quorum, "ensurePresent")
                .removeHeaders("*")
                // A bean, not the hazelcast-map endpoint: its putIfAbsent drops the previous value that the answer
                // depends on, and reading it back in a second call can find the entry gone.
                .bean(loggedMessages, "store").id("map-put-if-absent")
                .choice()
                    .when(body().isInstanceOf(Stored.class))
                        .process(replies.reply(201, Stored.class, stored -> LoggedAnswer.NOW))
                    .when(body().isInstanceOf(AlreadyStored.class))
                        .process(replies.reply(200, AlreadyStored.class,
                                retry -> LoggedAnswer.already(retry.earlier().toUserMessage())))
                    .otherwise()
                        .process(replies.reply(409, Taken.class, taken -> new ErrorAnswer(
                                "Conflict due Duplication: uuid is taken by another message",
                                taken.holder().toUserMessage())))
                .end();

        from("direct:logging-post-batch").routeId("logging-post-batch").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(reader, "readLogEntries")
                .bean(quorum, "ensurePresent")
                .removeHeaders("*")
                .bean(loggedMessages, "storeAll").id("map-store-all")
                .process(replies.reply(200, List.class, outcomes -> outcomes.stream()
                        .map(outcome -> loggedEntry((StoreOutcome) outcome)).toList()));

        // The whole list: bulk reads of the sorted index a window at a time, never a round trip per key. A page
        // (?limit=&after=): the members sort and cut it.
        from("direct:logging-list").routeId("logging-list").routeConfigurationId(HttpErrorRoutes.ID)
                .bean(quorum, "ensurePresent")
                .setProperty(ListPage.PROPERTY, method(ListPage.class, "fromQuery"))
                .removeHeaders("*")
                .choice()
                    .when(exchangeProperty(ListPage.PROPERTY).isNull())
                        .setProperty(LoggedMessages.AT_LEAST, method(loggedMessages, "count")).id("map-count")
                        .bean(loggedMessages, "wholeList").id("map-read")
                    .otherwise()
                        .bean(loggedMessages, "page").id("map-page")
                .end()
                // Again after the read: a member frozen in the middle of it may resume cut off.
                .bean(quorum, "ensurePresent")
                .process(replies.list("/logging"));
    }

    /** One entry of a batch's answer: the status POST /logging answers for the same outcome. */
    private static LoggedEntry loggedEntry(StoreOutcome outcome) {
        if (outcome instanceof Stored stored) {
            return new LoggedEntry(stored.message().uuid(), 201, null);
        }
        if (outcome instanceof AlreadyStored retry) {
            return new LoggedEntry(retry.earlier().uuid(), 200, retry.earlier().toUserMessage());
        }
        if (outcome instanceof Taken taken) {
            return new LoggedEntry(taken.holder().uuid(), 409, taken.holder().toUserMessage());
        }
        return new LoggedEntry(((Undecided) outcome).uuid(), 503, null);
    }
}

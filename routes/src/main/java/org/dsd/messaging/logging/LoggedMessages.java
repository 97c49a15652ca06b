package org.dsd.messaging.logging;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.common.ErrorAnswer;
import org.dsd.messaging.common.JsonReplies;
import org.dsd.messaging.common.LoggedAnswer;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.dsd.messaging.common.StoredMessage;
import org.dsd.messaging.common.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** What the logging routes do with messages between the REST endpoint and the distributed map. */
@Component
public class LoggedMessages {

    public static final String AT_LEAST = "messagesBeforeTheRead";

    private static final Logger LOG = LoggerFactory.getLogger(LoggedMessages.class);
    private static final Comparator<StoredMessage> ACCEPTANCE_ORDER =
            Comparator.comparingLong(StoredMessage::acceptedAt).thenComparing(StoredMessage::uuid);

    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredMessage> messages;
    private final JsonReplies replies;

    public LoggedMessages(HazelcastInstance hazelcast, LoggingProperties properties, JsonReplies replies) {
        this.hazelcast = hazelcast;
        this.messages = hazelcast.getMap(properties.mapName());
        this.replies = replies;
    }

    /** How many messages the map holds, counted partition by partition on their owners. */
    public int count() {
        return messages.size();
    }

    /**
     * Stores the message under its uuid unless the uuid is taken, in one map call that returns what the uuid held
     * before: nothing, or this very entry (a call that Hazelcast retried after it had stored it), means this request
     * stored it (201); an entry with the same text is a retry of a logged message (200); another text, 409.
     */
    public void store(@Body UserMessage message, Exchange exchange) throws JsonProcessingException {
        StoredMessage attempted = new StoredMessage(message.uuid(), message.msg(),
                hazelcast.getCluster().getClusterTime());
        StoredMessage previous = messages.putIfAbsent(attempted.uuid(), attempted);
        if (previous == null || previous.equals(attempted)) {
            LOG.info("logged {} {}", attempted.uuid(), attempted.msg());
            replies.reply(exchange, 201, LoggedAnswer.NOW);
        } else if (previous.msg().equals(attempted.msg())) {
            replies.reply(exchange, 200, LoggedAnswer.already(previous.toUserMessage()));
        } else {
            replies.reply(exchange, 409, new ErrorAnswer(
                    "Conflict due Duplication: uuid is taken by another message", previous.toUserMessage()));
        }
    }

    /**
     * Answers the list, unless it is shorter than the map was before the read: the map only grows, so such a list
     * missed entries. The chaos run saw one list missing every message while a resumed member merged back (a query
     * answered for partitions it no longer held); refusing lets the facade or the client ask again.
     */
    public void answerList(@Body Collection<StoredMessage> all, @ExchangeProperty(AT_LEAST) int atLeast,
                           Exchange exchange) throws JsonProcessingException {
        if (all.size() < atLeast) {
            LOG.warn("a read of the map returned {} messages, {} were there before: refused", all.size(), atLeast);
            throw new ServiceUnavailableException("the list came back incomplete while the cluster rebalances: retry");
        }
        List<UserMessage> ordered = all.stream().sorted(ACCEPTANCE_ORDER).map(StoredMessage::toUserMessage).toList();
        replies.reply(exchange, 200, ordered);
    }
}

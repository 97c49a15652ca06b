package org.dsd.messaging.logging;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.common.JsonReplies;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.dsd.messaging.common.StoredMessage;
import org.dsd.messaging.common.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** What the logging routes do with messages between the REST endpoint and the distributed map. */
@Component
public class LoggedMessages {

    public static final String ATTEMPTED = "attemptedMessage";
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

    public StoredMessage stamp(UserMessage message) {
        return new StoredMessage(message.uuid(), message.msg(), hazelcast.getCluster().getClusterTime());
    }

    /**
     * Answers a putIfAbsent by what the map holds now: our own entry means this request stored it (201); an
     * older entry with the same text is a retry of a logged message (200); another text under that uuid, 409.
     */
    public void answerStore(@Body StoredMessage stored, @ExchangeProperty(ATTEMPTED) StoredMessage attempted,
                            Exchange exchange) throws JsonProcessingException {
        if (attempted.equals(stored)) {
            LOG.info("logged {} {}", stored.uuid(), stored.msg());
            replies.reply(exchange, 201, Map.of("success", "Message Was Logged"));
        } else if (stored != null && Objects.equals(stored.msg(), attempted.msg())) {
            replies.reply(exchange, 200, Map.of("success", "Message Was Already Logged",
                    "message", stored.toUserMessage()));
        } else {
            replies.reply(exchange, 409, Map.of("error", "Conflict due Duplication: uuid is taken by another message",
                    "message", stored == null ? attempted.toUserMessage() : stored.toUserMessage()));
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

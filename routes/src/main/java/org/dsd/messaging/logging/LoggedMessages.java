package org.dsd.messaging.logging;

import java.io.IOException;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.config.IndexType;
import com.hazelcast.map.IMap;
import com.hazelcast.projection.Projections;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.common.ApiError;
import org.dsd.messaging.common.ErrorAnswer;
import org.dsd.messaging.common.JsonReplies;
import org.dsd.messaging.common.ListPage;
import org.dsd.messaging.common.LoggedAnswer;
import org.dsd.messaging.common.ServiceUnavailableException;
import org.dsd.messaging.common.StoredMessage;
import org.dsd.messaging.common.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/** What the logging routes do with messages between the REST endpoint and the distributed map. */
@Component
@EnableConfigurationProperties(LoggingProperties.class)
public class LoggedMessages {

    public static final String AT_LEAST = "messagesBeforeTheRead";

    private static final Logger LOG = LoggerFactory.getLogger(LoggedMessages.class);
    /** Written out, not composed of key extractors: a list of 100,000 spent a third of its time in a composed one. */
    private static final Comparator<StoredMessage> ACCEPTANCE_ORDER = (one, other) -> {
        int byTime = Long.compare(one.acceptedAt(), other.acceptedAt());
        return byTime != 0 ? byTime : one.uuid().compareTo(other.uuid());
    };

    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredMessage> messages;
    private final JsonReplies replies;
    private final int readWindow;
    private volatile boolean indexed;

    public LoggedMessages(HazelcastInstance hazelcast, LoggingProperties properties, JsonReplies replies) {
        this.hazelcast = hazelcast;
        this.messages = hazelcast.getMap(properties.mapName());
        this.replies = replies;
        this.readWindow = properties.readWindow();
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
     * One page in acceptance order: each member sorts what it holds after the cursor and sends its first
     * {@code limit}, so a page costs the same at any depth of the list and no member sends the whole map.
     */
    public void page(@ExchangeProperty(ListPage.PROPERTY) ListPage page, Exchange exchange) throws IOException {
        ensureIndexed();
        Predicate<String, StoredMessage> afterCursor = Predicates.alwaysTrue();
        if (page.after() != null) {
            StoredMessage cursor = messages.get(page.after());
            if (cursor == null) {
                throw new ApiError(400, "after: no logged message has the uuid '" + page.after() + "'");
            }
            afterCursor = Predicates.or(Predicates.greaterThan(StoredMessage.ACCEPTED_AT, cursor.acceptedAt()),
                    Predicates.and(Predicates.equal(StoredMessage.ACCEPTED_AT, cursor.acceptedAt()),
                            Predicates.greaterThan("uuid", cursor.uuid())));
        }
        StoredMessage[] ordered = inAcceptanceOrder(
                messages.values(Predicates.pagingPredicate(afterCursor, new AcceptanceOrder(), page.limit())));
        // Written as they are stored (JSON leaves out the acceptance time), not copied into UserMessages first.
        replies.replyList(exchange, "/logging", Arrays.asList(ordered), StoredMessage::uuid, page);
    }

    /**
     * The whole list, read from the map a window of {@code app.logging.read-window} messages at a time while the
     * answer goes out, so that a list holds no more than a window in memory however large the map grows. First the
     * acceptance times of every message (a number each): a list of fewer than the map held before the read missed
     * entries, and is refused (503) before anything is sent. The chaos run saw one list missing every message while
     * a resumed member merged back (a query answered for partitions it no longer held); refusing lets the facade or
     * the client ask again. The times then cut the list into windows, each one query of the sorted index. A window
     * that comes back shorter than its times said breaks the answer off, so that it cannot pass for a shorter list.
     * Messages logged after the times were read are left out, as from any read that came a moment earlier.
     */
    public void wholeList(@ExchangeProperty(AT_LEAST) int atLeast, Exchange exchange) throws IOException {
        ensureIndexed();
        long[] times = messages.project(Projections.<Map.Entry<String, StoredMessage>, Long>singleAttribute(
                StoredMessage.ACCEPTED_AT)).stream().mapToLong(Long::longValue).sorted().toArray();
        if (times.length < atLeast) {
            LOG.warn("a read of the map returned {} messages, {} were there before: refused", times.length, atLeast);
            throw new ServiceUnavailableException("the list came back incomplete while the cluster rebalances: retry");
        }
        replies.replyList(exchange, new WindowedRead(times));
    }

    private static StoredMessage[] inAcceptanceOrder(Collection<StoredMessage> found) {
        StoredMessage[] ordered = found.toArray(new StoredMessage[0]);
        Arrays.sort(ordered, ACCEPTANCE_ORDER);
        return ordered;
    }

    private void ensureIndexed() {
        if (!indexed) {
            // On first use, as the messages instances do for theirs: pages and windows are ranges of the index.
            messages.addIndex(IndexType.SORTED, StoredMessage.ACCEPTED_AT);
            indexed = true;
        }
    }

    /** The members sort their part of a page with it, so it travels to them: serializable, on their class path. */
    public static class AcceptanceOrder implements Comparator<Map.Entry<String, StoredMessage>>, Serializable {
        @Override
        public int compare(Map.Entry<String, StoredMessage> one, Map.Entry<String, StoredMessage> other) {
            return ACCEPTANCE_ORDER.compare(one.getValue(), other.getValue());
        }
    }

    /** The messages with the given acceptance times (sorted), in acceptance order, read a window at a time. */
    private final class WindowedRead implements Iterator<StoredMessage> {

        private final long[] times;
        /** How many of the times the windows read so far. */
        private int read;
        private StoredMessage[] window = new StoredMessage[0];
        private int position;

        WindowedRead(long[] times) {
            this.times = times;
        }

        @Override
        public boolean hasNext() {
            return position < window.length || read < times.length;
        }

        @Override
        public StoredMessage next() {
            if (position == window.length) {
                if (read == times.length) {
                    throw new NoSuchElementException();
                }
                readNextWindow();
            }
            return window[position++];
        }

        /** The next window: its times' range, widened to every message that shares the last time. */
        private void readNextWindow() {
            int end = Math.min(read + readWindow, times.length);
            while (end < times.length && times[end] == times[end - 1]) {
                end++;
            }
            Collection<StoredMessage> found = messages.values(
                    Predicates.between(StoredMessage.ACCEPTED_AT, times[read], times[end - 1]));
            if (found.size() < end - read) {
                LOG.warn("a window of the list returned {} messages, {} were there before: the answer is broken off",
                        found.size(), end - read);
                throw new ServiceUnavailableException("the list came back incomplete while the cluster rebalances");
            }
            LOG.debug("read a window of {} messages, {} of {} read", found.size(), end, times.length);
            window = inAcceptanceOrder(found);
            position = 0;
            read = end;
        }
    }
}

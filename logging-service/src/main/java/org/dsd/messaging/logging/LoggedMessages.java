package org.dsd.messaging.logging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.cluster.ClusterUnavailableException;
import org.dsd.messaging.cluster.StoreIfAbsent;
import org.dsd.messaging.cluster.SupersededWrites;
import org.dsd.messaging.cluster.TimeOrderedList;
import org.dsd.messaging.cluster.UnknownCursorException;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.model.LogEntry;
import org.dsd.messaging.model.StoredMessage;
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
    private final HazelcastInstance hazelcast;
    private final IMap<String, StoredMessage> messages;
    private final TimeOrderedList<StoredMessage> list;
    private final SupersededWrites superseded;
    private final long batchWaitNanos;

    public LoggedMessages(HazelcastInstance hazelcast, LoggingProperties properties) {
        this.hazelcast = hazelcast;
        this.messages = hazelcast.getMap(StoredMessage.MAP_NAME);
        this.list = new TimeOrderedList<>(messages, new IndexConfig(IndexType.SORTED, StoredMessage.ACCEPTED_AT),
                null, properties.readWindow(), hazelcast.getCluster()::getClusterTime);
        this.superseded = new SupersededWrites(messages);
        this.batchWaitNanos = properties.batchWait().toNanos();
    }

    /** How many messages the map holds, counted partition by partition on their owners. */
    public int count() {
        return messages.size();
    }

    /**
     * Stores the message under its uuid unless the uuid is taken, in one map call that returns what the uuid held
     * before: nothing, or this very entry (a call that Hazelcast retried after it had stored it), means this request
     * stored it; an entry with the same text is a retry of a logged message; another text holds the uuid.
     *
     * <p>An entry found there may exist on its owner alone: an earlier attempt stored it and failed because its
     * backup never confirmed (a backup member cut off or frozen). Finding it writes nothing, so nothing would
     * confirm a backup, and an owner lost before the replicas are synchronised again would take the only copy of an
     * acknowledged message with it. So it is written back over itself before it is acknowledged: that write
     * succeeds only once its backup is confirmed, and fails (the client retries) otherwise.
     */
    public StoreOutcome store(LogEntry entry) {
        StoredMessage attempted = new StoredMessage(entry.uuid(), entry.msg(),
                hazelcast.getCluster().getClusterTime(), entry.supersedes());
        StoredMessage previous = messages.putIfAbsent(attempted.uuid(), attempted);
        if (previous != null && previous.msg().equals(attempted.msg())) {
            messages.set(previous.uuid(), previous);
        }
        return outcome(attempted, previous);
    }

    /**
     * Stores every entry as {@link #store} does, all under way at once: a batch costs one request thread and about
     * one round trip, not one of each per message. An entry whose write is still under way after
     * {@code app.logging.batch-wait} (its partition is held up by a frozen member) comes back undecided, so that
     * the others are answered now; any write that fails fails the batch.
     */
    public List<StoreOutcome> storeAll(List<LogEntry> entries) {
        // The writes, then the entries found with the same text written back over themselves, each phase all under
        // way at once and awaited on this thread: no callbacks, which Hazelcast runs on a new thread each on a
        // machine of two cores (its default executor is the common pool only with more). A put-if-absent entry
        // processor, since IMap has no asynchronous putIfAbsent.
        long waitUntil = System.nanoTime() + batchWaitNanos;
        List<StoredMessage> attempted = new ArrayList<>(entries.size());
        List<Future<StoreIfAbsent>> writes = new ArrayList<>(entries.size());
        for (LogEntry entry : entries) {
            StoredMessage message = new StoredMessage(entry.uuid(), entry.msg(),
                    hazelcast.getCluster().getClusterTime(), entry.supersedes());
            attempted.add(message);
            writes.add(messages.submitToKey(message.uuid(), StoreIfAbsent.of(message)).toCompletableFuture());
        }
        List<StoreOutcome> outcomes = new ArrayList<>(entries.size());
        Map<Integer, Future<Void>> confirmations = new HashMap<>();
        for (int i = 0; i < entries.size(); i++) {
            try {
                StoreIfAbsent found = await(writes.get(i), waitUntil);
                StoredMessage previous = found == null ? null : found.toStoredMessage();
                outcomes.add(outcome(attempted.get(i), previous));
                if (previous != null && previous.msg().equals(attempted.get(i).msg())) {
                    confirmations.put(i, messages.setAsync(previous.uuid(), previous).toCompletableFuture());
                }
            } catch (TimeoutException heldUp) {
                outcomes.add(new StoreOutcome.Undecided(entries.get(i).uuid()));
            }
        }
        for (Map.Entry<Integer, Future<Void>> confirmation : confirmations.entrySet()) {
            try {
                await(confirmation.getValue(), waitUntil);
            } catch (TimeoutException heldUp) {
                outcomes.set(confirmation.getKey(), new StoreOutcome.Undecided(entries.get(confirmation.getKey()).uuid()));
            }
        }
        return outcomes;
    }

    /** The map call's result, or its own exception as a blocking call would have thrown it. */
    private static <T> T await(Future<T> call, long until) throws TimeoutException {
        try {
            return call.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClusterUnavailableException("interrupted while storing: retry");
        }
    }

    private static StoreOutcome outcome(StoredMessage attempted, StoredMessage previous) {
        if (previous == null || previous.equals(attempted)) {
            LOG.info("logged {} {}{}", attempted.uuid(), attempted.msg(),
                    attempted.supersedes() == null ? "" : " (replacing the held-up write " + attempted.supersedes() + ")");
            return new StoreOutcome.Stored(attempted);
        }
        return previous.msg().equals(attempted.msg())
                ? new StoreOutcome.AlreadyStored(previous) : new StoreOutcome.Taken(previous);
    }

    /** One page in acceptance order, sorted and cut by the members; superseded writes left out. */
    public List<StoredMessage> page(@ExchangeProperty(ListPage.PROPERTY) ListPage page) {
        StoredMessage cursor = null;
        if (page.after() != null) {
            cursor = messages.get(page.after());
            if (cursor == null) {
                throw new UnknownCursorException("after: no logged message has the uuid '" + page.after() + "'");
            }
        }
        // Listed as they are stored (JSON leaves out the acceptance time), not copied into UserMessages first.
        return list.page(cursor, page.limit(), superseded.uuids());
    }

    /**
     * The whole list, read from the map a window of {@code app.logging.read-window} messages at a time while the
     * answer goes out, so that a list holds no more than a window in memory however large the map grows. First the
     * acceptance times of every message (a number each): a list of fewer than the map held before the read missed
     * entries (a query answered for partitions a member no longer holds, as while a resumed member merges back),
     * and is refused before anything is sent, so that the facade or the client asks again. A window that comes
     * back short later breaks the answer off.
     */
    public Iterator<StoredMessage> wholeList(@ExchangeProperty(AT_LEAST) int atLeast) {
        long[] times = list.times();
        if (times.length < atLeast) {
            LOG.warn("a read of the map returned {} messages, {} were there before: refused", times.length, atLeast);
            throw new ClusterUnavailableException("the list came back incomplete while the cluster rebalances: retry");
        }
        Set<String> replaced = superseded.uuids();
        Stream<StoredMessage> read = StreamSupport.stream(
                Spliterators.spliteratorUnknownSize(list.read(times), Spliterator.ORDERED), false);
        return read.filter(message -> !replaced.contains(message.uuid())).iterator();
    }
}

package org.dsd.messaging.messages;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.cluster.RecordIfAbsent;
import org.dsd.messaging.cluster.TimeOrderedList;
import org.dsd.messaging.cluster.UnknownCursorException;
import org.dsd.messaging.http.ListPage;
import org.dsd.messaging.model.ConsumedMessage;
import org.dsd.messaging.model.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Which instance consumed which message, kept in a cluster map keyed by uuid. The first delivery of a message
 * records it; any later one (a duplicate offer, a redelivery after a consumer died before its queue
 * transaction committed) finds the record and is dropped. So each message is listed by exactly one instance,
 * and an instance restarted under the same id still lists what it consumed.
 */
@Component
@EnableConfigurationProperties(MessagesProperties.class)
public class ConsumedMessages {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumedMessages.class);
    private final HazelcastInstance hazelcast;
    private final IMap<String, ConsumedMessage> consumed;
    private final String instanceId;
    private final AtomicLong lastArrival = new AtomicLong();
    private final TimeOrderedList<ConsumedMessage> list;

    public ConsumedMessages(HazelcastInstance hazelcast, MessagesProperties properties,
                            @Value("${server.address:}") String serverAddress,
                            @Value("${server.port:8080}") int serverPort)
            throws UnknownHostException {
        this.hazelcast = hazelcast;
        this.consumed = hazelcast.getMap(properties.consumedMapName());
        this.instanceId = properties.instanceId(serverAddress, serverPort);
        // Sorted by consumer, then arrival: a list's queries fix the consumer and read a range of arrival times.
        this.list = new TimeOrderedList<>(consumed,
                new IndexConfig(IndexType.SORTED, ConsumedMessage.CONSUMER, ConsumedMessage.ARRIVAL),
                Predicates.equal(ConsumedMessage.CONSUMER, instanceId),
                properties.readWindow(), this::latestArrival);
    }

    /**
     * Records each message as consumed here unless an earlier delivery did, all under way at once (a queue
     * transaction's items cost about one round trip, not one each), and logs each as received or dropped, in their
     * order. Awaited on this thread, as the logging instances await their batches; any record that fails fails them
     * all, and the transaction brings them back.
     */
    public void recordAll(List<UserMessage> messages) {
        List<CompletableFuture<Boolean>> records = new ArrayList<>(messages.size());
        for (UserMessage message : messages) {
            RecordIfAbsent mine = new RecordIfAbsent(message.uuid(), message.msg(), instanceId, nextArrival());
            records.add(consumed.submitToKey(message.uuid(), mine).toCompletableFuture());
        }
        for (int i = 0; i < messages.size(); i++) {
            UserMessage message = messages.get(i);
            if (records.get(i).join()) {
                LOG.info("received {} {}", message.uuid(), message.msg());
            } else {
                LOG.info("dropped a second delivery of {}", message.uuid());
            }
        }
    }

    /** A page of what this instance consumed, in arrival order; its members sort and cut it. */
    public List<ConsumedMessage> page(@ExchangeProperty(ListPage.PROPERTY) ListPage page) {
        ConsumedMessage cursor = null;
        if (page.after() != null) {
            cursor = consumed.get(page.after());
            if (cursor == null || !cursor.consumer().equals(instanceId)) {
                throw new UnknownCursorException("after: this instance consumed no message with the uuid '" + page.after() + "'");
            }
        }
        // Listed as they are recorded (JSON leaves out the consumer and the arrival), not copied first.
        return list.page(cursor, page.limit());
    }

    /**
     * Everything this instance consumed, in arrival order, read a window of {@code app.messages.read-window} messages
     * at a time while the answer goes out (as the logging list is): first the arrival time of each, then the windows.
     */
    public Iterator<ConsumedMessage> wholeList() {
        return list.read(list.times());
    }

    /** Cluster time in microseconds, never repeating: a restarted instance continues past its last values. */
    private long nextArrival() {
        return lastArrival.accumulateAndGet(clockMicros(), (last, clock) -> Math.max(last + 1, clock));
    }

    /** Now in arrival time, at or past every arrival this instance recorded: where a page's range stops widening. */
    private long latestArrival() {
        return Math.max(lastArrival.get(), clockMicros());
    }

    private long clockMicros() {
        return TimeUnit.MILLISECONDS.toMicros(hazelcast.getCluster().getClusterTime());
    }
}

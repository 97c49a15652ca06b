package org.dsd.messaging.messages;

import java.net.UnknownHostException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.hazelcast.config.IndexType;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicates;
import org.apache.camel.ExchangeProperty;
import org.dsd.messaging.common.ApiError;
import org.dsd.messaging.common.ListPage;
import org.dsd.messaging.common.UserMessage;
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

    private static final Comparator<ConsumedMessage> ARRIVAL_ORDER =
            Comparator.comparingLong(ConsumedMessage::arrival).thenComparing(ConsumedMessage::uuid);

    private final HazelcastInstance hazelcast;
    private final IMap<String, ConsumedMessage> consumed;
    private final String instanceId;
    private final AtomicLong lastArrival = new AtomicLong();
    private volatile boolean indexed;

    public ConsumedMessages(HazelcastInstance hazelcast, MessagesProperties properties,
                            @Value("${server.address:}") String serverAddress,
                            @Value("${server.port:8080}") int serverPort) throws UnknownHostException {
        this.hazelcast = hazelcast;
        this.consumed = hazelcast.getMap(properties.consumedMapName());
        this.instanceId = properties.instanceId(serverAddress, serverPort);
    }

    /** Records the message as consumed here unless an earlier delivery did: true when this delivery counts. */
    public boolean record(UserMessage message) {
        ConsumedMessage mine = new ConsumedMessage(message.uuid(), message.msg(), instanceId, nextArrival());
        ConsumedMessage first = consumed.putIfAbsent(message.uuid(), mine);
        // Hazelcast retries a write whose member died before answering; the retry finds the first attempt's
        // entry, which is still this delivery's.
        return first == null || first.equals(mine);
    }

    /** What this instance consumed, in arrival order: all of it, or the page asked for. */
    public List<UserMessage> list(@ExchangeProperty(ListPage.PROPERTY) ListPage page) {
        if (!indexed) {
            // On first use, not at start: an instance may start before any member that can hold the index.
            consumed.addIndex(IndexType.HASH, "consumer");
            indexed = true;
        }
        List<UserMessage> all = consumed.values(Predicates.equal("consumer", instanceId)).stream()
                .sorted(ARRIVAL_ORDER).map(ConsumedMessage::toUserMessage).toList();
        if (page == null) {
            return all;
        }
        int from = 0;
        if (page.after() != null) {
            from = 1 + IntStream.range(0, all.size()).filter(i -> all.get(i).uuid().equals(page.after()))
                    .findFirst().orElseThrow(() -> new ApiError(400,
                            "after: this instance consumed no message with the uuid '" + page.after() + "'"));
        }
        return all.subList(from, Math.min(all.size(), from + page.limit()));
    }

    /** Cluster time in microseconds, never repeating: a restarted instance continues past its last values. */
    private long nextArrival() {
        long now = TimeUnit.MILLISECONDS.toMicros(hazelcast.getCluster().getClusterTime());
        return lastArrival.accumulateAndGet(now, (last, clock) -> Math.max(last + 1, clock));
    }
}

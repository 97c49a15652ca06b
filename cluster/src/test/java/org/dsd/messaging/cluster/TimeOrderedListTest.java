package org.dsd.messaging.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.hazelcast.config.IndexConfig;
import com.hazelcast.config.IndexType;
import com.hazelcast.map.IMap;
import com.hazelcast.query.LocalIndexStats;
import com.hazelcast.query.Predicates;
import org.dsd.messaging.model.ConsumedMessage;
import org.dsd.messaging.model.StoredMessage;
import org.dsd.messaging.model.TimeOrdered;
import org.dsd.messaging.testing.HazelcastTestCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pages of a list on real members: every entry once and in order, whatever the spacing of the times. */
class TimeOrderedListTest {

    private static final long PRESENT = 20_000_000;
    private static HazelcastTestCluster cluster;

    @BeforeAll
    static void startMembers() {
        cluster = HazelcastTestCluster.start(2);
    }

    @AfterAll
    static void stopMembers() {
        cluster.close();
    }

    @Test
    void walkingThePagesGivesTheWholeListInOrderHoweverTheTimesAreSpread() {
        IMap<String, StoredMessage> map = cluster.member(0).getMap("stored-" + UUID.randomUUID());
        List<StoredMessage> stored = new ArrayList<>();
        Random random = new Random(11);
        // Dense, then hundreds sharing one time (pages end inside them), a long gap, a random burst with repeated
        // times, sparse entries far apart, and a few later than the list's present (a clock ahead).
        for (int i = 0; i < 1_000; i++) {
            stored.add(stored(1_000 + i));
        }
        for (int i = 0; i < 300; i++) {
            stored.add(stored(5_000));
        }
        for (int i = 0; i < 1_000; i++) {
            stored.add(stored(10_000_000 + random.nextInt(1_000)));
        }
        for (int i = 0; i < 50; i++) {
            stored.add(stored(11_000_000 + i * 100_000L));
        }
        for (int i = 0; i < 10; i++) {
            stored.add(stored(30_000_000 + i));
        }
        stored.forEach(message -> map.put(message.uuid(), message));
        stored.sort(TimeOrdered.ORDER);
        TimeOrderedList<StoredMessage> list = new TimeOrderedList<>(map,
                new IndexConfig(IndexType.SORTED, StoredMessage.ACCEPTED_AT), null, 100, () -> PRESENT);

        for (int limit : new int[] {1, 7, 100, 1_000, 5_000}) {
            assertThat(walk(list, limit)).as("pages of %d", limit).containsExactlyElementsOf(stored);
        }
    }

    @Test
    void aWholeListIsTheMapAsOfItsTimesAnEntryThatLandsLaterInTheirRangeIsLeftOut() {
        IMap<String, StoredMessage> map = cluster.member(0).getMap("snapshot-" + UUID.randomUUID());
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            stored.add(stored(1_000 + 2L * i));
        }
        stored.forEach(message -> map.put(message.uuid(), message));
        TimeOrderedList<StoredMessage> list = new TimeOrderedList<>(map,
                new IndexConfig(IndexType.SORTED, StoredMessage.ACCEPTED_AT), null, 100, () -> PRESENT);

        long[] times = list.times();
        // A write held up since time 1,101 lands now, between two listed ones, in the window the read walks next.
        StoredMessage late = stored(1_101);
        map.put(late.uuid(), late);
        List<StoredMessage> read = new ArrayList<>();
        list.read(times).forEachRemaining(read::add);

        assertThat(read).containsExactlyElementsOf(stored);
    }

    @Test
    void aScopedListPagesThroughItsOwnEntriesOnly() {
        IMap<String, ConsumedMessage> map = cluster.member(1).getMap("consumed-" + UUID.randomUUID());
        List<ConsumedMessage> mine = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            String consumer = random.nextBoolean() ? "mine" : "other";
            ConsumedMessage message = new ConsumedMessage(UUID.randomUUID().toString(), "msg " + i, consumer,
                    random.nextInt(2) == 0 ? 1_000 + random.nextInt(100) : 1_000_000 + random.nextInt(10_000_000));
            map.put(message.uuid(), message);
            if (consumer.equals("mine")) {
                mine.add(message);
            }
        }
        mine.sort(TimeOrdered.ORDER);
        TimeOrderedList<ConsumedMessage> list = new TimeOrderedList<>(map,
                new IndexConfig(IndexType.SORTED, ConsumedMessage.CONSUMER, ConsumedMessage.ARRIVAL),
                Predicates.equal(ConsumedMessage.CONSUMER, "mine"), 100, () -> PRESENT);

        for (int limit : new int[] {3, 100}) {
            assertThat(walk(list, limit)).as("pages of %d", limit).containsExactlyElementsOf(mine);
        }
    }

    @Test
    void aPageNearTheStartOfALongListReadsARangeOfTheIndexNotEverythingAfterIt() {
        IMap<String, StoredMessage> map = cluster.member(0).getMap("long-" + UUID.randomUUID());
        List<StoredMessage> stored = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            stored.add(stored(1_000 + i));
        }
        stored.forEach(message -> map.put(message.uuid(), message));
        AtomicLong present = new AtomicLong(1_000 + 20_000);
        TimeOrderedList<StoredMessage> list = new TimeOrderedList<>(map,
                new IndexConfig(IndexType.SORTED, StoredMessage.ACCEPTED_AT), null, 100, present::get);

        StoredMessage cursor = null;
        for (int page = 0; page < 10; page++) {
            List<StoredMessage> read = list.page(cursor, 100);
            assertThat(read).containsExactlyElementsOf(stored.subList(page * 100, page * 100 + 100));
            cursor = read.get(read.size() - 1);
        }

        // Hazelcast's hit selectivity: 1 less the share of its index that a hit returned, averaged over the hits, on
        // each member (each indexes about half). Near 1 for ranges of a few hundred of 20,000 entries; near 0 for
        // reads of everything after the cursor (0.03 with the old read).
        for (int member = 0; member < 2; member++) {
            LocalIndexStats index = cluster.member(member).<String, StoredMessage>getMap(map.getName())
                    .getLocalMapStats().getIndexStats().values().iterator().next();
            assertThat(index.getHitCount()).as("member %d's index hits", member).isPositive();
            assertThat(index.getAverageHitSelectivity()).as("member %d's selectivity", member).isGreaterThan(0.9);
        }
    }

    private static <V extends TimeOrdered> List<V> walk(TimeOrderedList<V> list, int limit) {
        List<V> all = new ArrayList<>();
        V cursor = null;
        while (true) {
            List<V> page = list.page(cursor, limit);
            assertThat(page).hasSizeLessThanOrEqualTo(limit);
            all.addAll(page);
            if (page.size() < limit) {
                return all;
            }
            cursor = page.get(page.size() - 1);
        }
    }

    private static StoredMessage stored(long acceptedAt) {
        return new StoredMessage(UUID.randomUUID().toString(), "at " + acceptedAt, acceptedAt);
    }
}

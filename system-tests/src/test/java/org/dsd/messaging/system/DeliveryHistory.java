package org.dsd.messaging.system;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.hazelcast.map.IMap;
import org.dsd.messaging.model.ConsumedMessage;

/**
 * What the messages instances' own records say about a run's deliveries: every second delivery a consumer dropped
 * (its log), every message the redelivery queued again (its log), and when each message was first consumed (the
 * cluster's consumption record, whose arrival is cluster time: the host's clock, on one host).
 */
final class DeliveryHistory {

    /** Something that happened to one message, when its log line was written. */
    record Event(Instant at, String uuid) {
    }

    private static final Pattern SECOND_DELIVERY = Pattern.compile("dropped a second delivery of (\\S+)");
    private static final Pattern REDELIVERED = Pattern.compile("queueing them again: \\[([^]]*)]");

    private DeliveryHistory() {
    }

    /** The second deliveries the consumers dropped, from every messages instance's log. */
    static List<Event> secondDeliveries(LocalTopology topology) {
        return events(topology, "dropped a second delivery of", SECOND_DELIVERY);
    }

    /** The messages the redelivery queued again, from every messages instance's log. */
    static List<Event> redeliveries(LocalTopology topology) {
        return events(topology, "queueing them again", REDELIVERED);
    }

    /** When (System.currentTimeMillis, as the cluster's time) each of {@code uuids} was first consumed. */
    static Map<String, Long> consumedAtMillis(LocalTopology topology, Set<String> uuids) {
        IMap<String, ConsumedMessage> consumed = topology.client().getMap("consumed-messages");
        Map<String, Long> at = new HashMap<>();
        // Arrival is cluster time in microseconds.
        consumed.getAll(uuids).forEach((uuid, message) -> at.put(uuid, message.arrival() / 1000));
        return at;
    }

    private static List<Event> events(LocalTopology topology, String marker, Pattern uuids) {
        List<Event> events = new ArrayList<>();
        for (LocalTopology.Instance instance : topology.messages()) {
            for (String line : instance.logLinesWith(marker)) {
                Matcher found = uuids.matcher(line);
                if (found.find() && line.indexOf(' ') > 0) {
                    Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
                    Arrays.stream(found.group(1).split(",\\s*")).forEach(uuid -> events.add(new Event(at, uuid)));
                }
            }
        }
        return events;
    }
}

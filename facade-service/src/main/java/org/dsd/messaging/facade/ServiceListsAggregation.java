package org.dsd.messaging.facade;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects the lists fetched in parallel, keyed by service name ({@link #SERVICE}), into the answer
 * {@code {"logging-service": [...], "messages-service": [...]}}. Each list goes in as the instance wrote it, bytes
 * untouched: at 100,000 messages, parsing it and writing it again (or even Jackson's raw copy, which checks every
 * character) took longer than fetching it. Each list is the stream cache the http producer read it into (a
 * temporary file beyond the spool threshold), and the answer reads them in turn as it goes out.
 */
public class ServiceListsAggregation implements AggregationStrategy {

    public static final String SERVICE = "service";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange collected, Exchange fetched) {
        Exchange result = collected == null ? fetched : collected;
        Map<String, InputStream> lists = collected == null ? new TreeMap<>() : collected.getIn().getBody(Map.class);
        lists.put(fetched.getProperty(SERVICE, String.class), fetched.getIn().getBody(InputStream.class));
        result.getIn().setBody(lists);
        return result;
    }

    /** The answer's JSON, read from the lists as it goes out; the service names are ours and need no escaping. */
    public static Answer answer(Map<String, InputStream> lists) {
        List<InputStream> parts = new ArrayList<>();
        lists.forEach((service, list) -> {
            parts.add(text((parts.isEmpty() ? "{\"" : ",\"") + service + "\":"));
            parts.add(list);
        });
        parts.add(text("}"));
        return new Answer(parts);
    }

    private static InputStream text(String json) {
        return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The answer of GET /facade: its parts one after the other. A class of its own so that Camel's stream caching
     * leaves it alone ({@code camel.main.stream-caching-deny-classes}): it would copy the answer once more.
     */
    public static final class Answer extends SequenceInputStream {
        Answer(List<InputStream> parts) {
            super(Collections.enumeration(parts));
        }
    }
}

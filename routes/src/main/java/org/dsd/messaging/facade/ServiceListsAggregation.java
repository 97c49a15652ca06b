package org.dsd.messaging.facade;

import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.util.RawValue;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Collects the lists fetched in parallel into one object keyed by service name ({@link #SERVICE}). Each list is
 * passed on as the instance wrote it, never parsed and written again: at 100,000 messages that took longer than
 * fetching them.
 */
public class ServiceListsAggregation implements AggregationStrategy {

    public static final String SERVICE = "service";

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange collected, Exchange fetched) {
        Exchange result = collected == null ? fetched : collected;
        Map<String, Object> lists = collected == null ? new TreeMap<>() : collected.getIn().getBody(Map.class);
        lists.put(fetched.getProperty(SERVICE, String.class), new RawValue(fetched.getIn().getBody(String.class)));
        result.getIn().setBody(lists);
        return result;
    }
}

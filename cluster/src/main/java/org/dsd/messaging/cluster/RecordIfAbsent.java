package org.dsd.messaging.cluster;

import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import org.dsd.messaging.model.ConsumedMessage;

/**
 * Put-if-absent of a consumption record as an entry processor, for the reasons {@link StoreIfAbsent} gives: the
 * records of a whole queue transaction go under way at once, each completing only once its backup confirmed it. It
 * answers whether the uuid now holds this very record: stored by this call, or by an attempt of it that Hazelcast
 * retried after a member died before answering. False means an earlier delivery recorded the message.
 */
public record RecordIfAbsent(String uuid, String msg, String consumer, long arrival)
        implements EntryProcessor<String, ConsumedMessage, Boolean> {

    public static RecordIfAbsent of(ConsumedMessage record) {
        return new RecordIfAbsent(record.uuid(), record.msg(), record.consumer(), record.arrival());
    }

    @Override
    public Boolean process(Map.Entry<String, ConsumedMessage> entry) {
        ConsumedMessage mine = new ConsumedMessage(uuid, msg, consumer, arrival);
        if (entry.getValue() == null) {
            entry.setValue(mine);
            return true;
        }
        return entry.getValue().equals(mine);
    }
}

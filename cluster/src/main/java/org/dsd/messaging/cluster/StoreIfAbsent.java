package org.dsd.messaging.cluster;

import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import org.dsd.messaging.model.StoredMessage;

/**
 * Put-if-absent of a logged message as an entry processor: {@code IMap.submitToKey} runs it asynchronously, so one
 * thread can have the writes of a whole batch under way at once, each a single-key operation that completes only
 * once its backup confirmed it (as {@code putIfAbsent} does). Not {@code executeOnKeys}: its partition-wide
 * operation returns without waiting for the backups (hazelcast#14581). The backup runs the same: the entry is
 * absent there too, or already holds what the owner holds. Data members of the member image load it from the
 * cluster jar.
 *
 * <p>It carries the message's fields, and returns what the uuid held before (or null) in the same form, not as a
 * {@link StoredMessage}: that record is stored in Compact form and is not Java-serializable, which a processor must
 * be; and a Hazelcast client that receives a Compact value whose schema it has not seen yet fetches the schema on
 * the thread that completes the call, blocking the client's own response handling until its connection times out
 * (hazelcast#26454): a logging instance started as a client hung that way on its first repeated write.
 */
public record StoreIfAbsent(String uuid, String msg, long acceptedAt, String supersedes)
        implements EntryProcessor<String, StoredMessage, StoreIfAbsent> {

    public static StoreIfAbsent of(StoredMessage message) {
        return new StoreIfAbsent(message.uuid(), message.msg(), message.acceptedAt(), message.supersedes());
    }

    public StoredMessage toStoredMessage() {
        return new StoredMessage(uuid, msg, acceptedAt, supersedes);
    }

    @Override
    public StoreIfAbsent process(Map.Entry<String, StoredMessage> entry) {
        StoredMessage previous = entry.getValue();
        if (previous == null) {
            entry.setValue(toStoredMessage());
            return null;
        }
        return of(previous);
    }
}

package org.dsd.messaging.facade;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.apache.camel.Header;
import org.dsd.messaging.common.ApiError;
import org.dsd.messaging.common.UserMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The {@code Idempotency-Key} contract of POST /facade: the first request under a key fixes its message and
 * uuid in a cluster map; a repeat with the same text gets that uuid, and does the work again only while the
 * first has not completed it (logging answers "already logged", the consumers drop a second queue item by
 * uuid), so a client may retry anything safely. Keys expire after {@code app.facade.idempotency-key-ttl}.
 */
@Component
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Exchange property: the key of this request, or none. */
    public static final String KEY = "idempotencyKey";
    /** Exchange property: true when a request under the same key already completed the work. */
    public static final String COMPLETED = "idempotencyKeyCompleted";

    static final int MAX_KEY_LENGTH = 255;
    private static final Duration CLAIM_RETRY_PAUSE = Duration.ofMillis(100);
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyKeys.class);

    private final IMap<String, KeyedMessage> keys;
    private final long ttlMillis;
    private final long claimDeadlineNanos;

    /** What a key stands for: the message it was first used with, and whether it was logged and queued. */
    public record KeyedMessage(String uuid, String msg, boolean completed) {
    }

    public IdempotencyKeys(HazelcastInstance hazelcast, FacadeProperties properties) {
        this.keys = hazelcast.getMap(properties.idempotencyKeyMapName());
        this.ttlMillis = properties.idempotencyKeyTtl().toMillis();
        this.claimDeadlineNanos = properties.postDeadline().toNanos();
    }

    /** The message this request posts: a new one, or the one its key was first used with. */
    public UserMessage claim(String text, @Header(HEADER) String key, Exchange exchange) {
        UserMessage fresh = new UserMessage(UUID.randomUUID().toString(), text);
        if (key == null) {
            return fresh;
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new ApiError(400, HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        KeyedMessage first = claimOnce(key, new KeyedMessage(fresh.uuid(), text, false));
        exchange.setProperty(KEY, key);
        if (first == null) {
            return fresh;
        }
        if (!first.msg().equals(text)) {
            throw new ApiError(422, HEADER + " was already used with another message");
        }
        exchange.setProperty(COMPLETED, first.completed());
        return new UserMessage(first.uuid(), first.msg());
    }

    /**
     * The key's first message, or null if this claim is the first. A claim cut off by a dying member is made again
     * until {@code app.facade.post-deadline} has passed: should the first one have stored it, the second finds this
     * very claim, which is as good as none.
     */
    private KeyedMessage claimOnce(String key, KeyedMessage claim) {
        long giveUpAt = System.nanoTime() + claimDeadlineNanos;
        while (true) {
            try {
                KeyedMessage first = keys.putIfAbsent(key, claim, ttlMillis, TimeUnit.MILLISECONDS);
                return claim.equals(first) ? null : first;
            } catch (HazelcastException e) {
                if (System.nanoTime() - giveUpAt > 0) {
                    throw e;
                }
                LOG.warn("claim of Idempotency-Key {} failed, trying again: {}", key, e.toString());
                LockSupport.parkNanos(CLAIM_RETRY_PAUSE.toNanos());
            }
        }
    }

    /** Marks the request's key as done: a repeat then answers at once, without logging or queueing again. */
    public void complete(@ExchangeProperty(FacadeMessages.MESSAGE) UserMessage message, Exchange exchange) {
        String key = exchange.getProperty(KEY, String.class);
        if (key != null) {
            // Not awaited: a repeat that misses it only does the harmless work again.
            keys.setAsync(key, new KeyedMessage(message.uuid(), message.msg(), true), ttlMillis, TimeUnit.MILLISECONDS);
        }
    }
}

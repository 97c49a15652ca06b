package org.dsd.messaging.facade;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.dsd.messaging.http.ApiError;
import org.dsd.messaging.model.UserMessage;
import org.springframework.stereotype.Component;

/**
 * The {@code Idempotency-Key} contract of POST /facade: a message posted under a key gets a uuid derived from the
 * key, the same on every facade and at any time, so a repeat is the same write again. The logging map's
 * put-if-absent then answers it "already logged" (or 409, another message under that key: 422 to the client), the
 * consumers drop a second queue item by uuid, and a client may retry anything safely. Nothing is looked up before
 * the write: a key costs no cluster call of its own, and none that a frozen member could hold up.
 */
@Component
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";
    /** Exchange property: the key of this request, or none. */
    public static final String KEY = "idempotencyKey";

    static final int MAX_KEY_LENGTH = 255;

    /** The message this request posts: under a fresh uuid, or under its key's. */
    public UserMessage messageFor(String text, @Header(HEADER) String key, Exchange exchange) {
        if (key == null) {
            return new UserMessage(UUID.randomUUID().toString(), text);
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new ApiError(400, HEADER + " must be 1 to " + MAX_KEY_LENGTH + " characters");
        }
        exchange.setProperty(KEY, key);
        return new UserMessage(uuidOf(key), text);
    }

    static String uuidOf(String key) {
        return UUID.nameUUIDFromBytes((HEADER + ": " + key).getBytes(StandardCharsets.UTF_8)).toString();
    }
}

package org.dsd.messaging.common;

/**
 * No instance of a service (or the queue) could serve the request: the client gets 503 with a
 * {@code Retry-After} header, and may retry (safely so with an {@code Idempotency-Key}).
 */
public class ServiceUnavailableException extends ApiError {

    /** Seconds a client is asked to wait before it retries. */
    public static final int RETRY_AFTER_SECONDS = 1;

    public ServiceUnavailableException(String reason) {
        super(503, reason);
    }

    public ServiceUnavailableException(String reason, Throwable cause) {
        super(503, reason, cause);
    }
}

package org.dsd.messaging.facade;

import org.dsd.messaging.http.ApiError;

/**
 * No instance of a service (or the queue) could serve the request: the client gets 503 with a
 * {@code Retry-After} header, and may retry (safely so with an {@code Idempotency-Key}).
 */
public class ServiceUnavailableException extends ApiError {

    public ServiceUnavailableException(String reason) {
        super(503, reason);
    }

    public ServiceUnavailableException(String reason, Throwable cause) {
        super(503, reason, cause);
    }
}

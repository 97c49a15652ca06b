package org.dsd.messaging.common;

/** No instance of a service (or the queue) could serve the request: the client gets 503 and may retry. */
public class ServiceUnavailableException extends ApiError {

    public ServiceUnavailableException(String reason) {
        super(503, reason);
    }

    public ServiceUnavailableException(String reason, Throwable cause) {
        super(503, reason, cause);
    }
}

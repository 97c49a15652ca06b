package org.dsd.messaging.http;

/** A request that cannot be served, with the HTTP status the client gets and the reason it reads. */
public class ApiError extends RuntimeException {

    private final int status;

    public ApiError(int status, String reason) {
        super(reason);
        this.status = status;
    }

    public ApiError(int status, String reason, Throwable cause) {
        super(reason, cause);
        this.status = status;
    }

    public int status() {
        return status;
    }
}

package org.dsd.messaging.cluster;

/** A page asked for the messages after one that the list does not hold: the HTTP routes answer 400. */
public class UnknownCursorException extends RuntimeException {

    public UnknownCursorException(String reason) {
        super(reason);
    }
}

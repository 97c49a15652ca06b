package org.dsd.messaging.facade;

/** POST /facade as JSON: the text alone; the facade gives it its uuid. */
public record MessageText(String msg) {
}

package org.dsd.messaging.common;

/** POST /facade as JSON: the text alone; the facade gives it its uuid. */
public record MessageText(String msg) {
}

package org.dsd.messaging.common;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** @param maxBodySize a request body above this is refused with 413 before any route reads it */
@ConfigurationProperties("app.http")
public record HttpProperties(@DefaultValue("64KB") DataSize maxBodySize) {
}

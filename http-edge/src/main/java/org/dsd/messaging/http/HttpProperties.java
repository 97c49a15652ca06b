package org.dsd.messaging.http;

import org.dsd.messaging.model.LogEntry;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxMessageSize a message text larger than this (in UTF-8) is refused with 413, by the facade and by logging
 *                       alike: the limit is on what the user sent, so a message the facade accepted always fits
 *                       logging's limit, however its envelope and escaping grow it on the way; a batch of log
 *                       writes carries at most this much text in all
 */
@ConfigurationProperties("app.http")
public record HttpProperties(@DefaultValue("64KB") DataSize maxMessageSize) {

    /** JSON escapes a control character as six bytes: the most any accepted encoding makes of one byte of text. */
    private static final int MOST_BYTES_PER_TEXT_BYTE = 6;
    /** The uuids, the field names and the rest of the envelopes of a full batch, with room to spare. */
    private static final int ENVELOPE_BYTES = LogEntry.MOST_PER_BATCH * 256;

    /** The largest body that can carry a message, or a batch, of the maximum size; larger ones are refused unread. */
    public long maxBodyBytes() {
        return maxMessageSize.toBytes() * MOST_BYTES_PER_TEXT_BYTE + ENVELOPE_BYTES;
    }
}

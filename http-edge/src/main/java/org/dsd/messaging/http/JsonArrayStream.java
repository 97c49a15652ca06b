package org.dsd.messaging.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * A list as a JSON array, written as it is read: the HTTP answer goes out in chunks while the next elements are
 * written, so the JSON of a list of 100,000 messages is never held whole in memory, only a chunk of it.
 */
public final class JsonArrayStream extends InputStream {

    /** Elements written per chunk: about 40 KB of JSON for the messages of the benchmark. */
    static final int ELEMENTS_PER_CHUNK = 512;

    private final Iterator<?> elements;
    private final Chunk chunk = new Chunk();
    /** Writes the array's elements with one serializer lookup per type; it flushes once per chunk, not per element. */
    private final SequenceWriter array;
    private int position;
    private boolean ended;

    public JsonArrayStream(ObjectMapper json, List<?> list) throws IOException {
        this(json, list.iterator());
    }

    /**
     * Elements read as they are written. An element that cannot be read breaks the stream (an IOException), so that
     * the answer is cut off and cannot pass for a shorter list.
     */
    public JsonArrayStream(ObjectMapper json, Iterator<?> elements) throws IOException {
        this.elements = elements;
        this.array = json.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE).writeValuesAsArray(chunk);
        // The first chunk at once, while the route can still answer a failure to read it with an error of its own.
        fill();
    }

    @Override
    public int read() throws IOException {
        return available() > 0 || fill() ? chunk.bytes()[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (available() == 0 && !fill()) {
            return -1;
        }
        int count = Math.min(length, available());
        System.arraycopy(chunk.bytes(), position, into, offset, count);
        position += count;
        return count;
    }

    @Override
    public int available() {
        return chunk.size() - position;
    }

    /** Writes the next elements (and the array's end after the last one); false once everything was read. */
    private boolean fill() throws IOException {
        if (ended) {
            return false;
        }
        chunk.reset();
        position = 0;
        try {
            for (int i = 0; i < ELEMENTS_PER_CHUNK && elements.hasNext(); i++) {
                array.write(elements.next());
            }
        } catch (RuntimeException unreadable) {
            throw new UnreadableList(unreadable);
        }
        if (elements.hasNext()) {
            array.flush();
        } else {
            array.close(); // writes the array's end
            ended = true;
        }
        return chunk.size() > 0;
    }

    /** The buffer a chunk is written into, read in place. */
    private static final class Chunk extends ByteArrayOutputStream {
        Chunk() {
            super(64 * 1024);
        }

        byte[] bytes() {
            return buf;
        }
    }

    /** The list's next elements could not be read: what went out so far is not the whole list. */
    public static final class UnreadableList extends IOException {
        UnreadableList(RuntimeException cause) {
            super("the list could not be read whole: " + cause.getMessage(), cause);
        }
    }
}

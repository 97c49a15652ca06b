package org.dsd.messaging.common;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A list as a JSON array, written as it is read: the HTTP answer goes out in chunks while the next elements are
 * written, so the JSON of a list of 100,000 messages is never held whole in memory, only a chunk of it.
 */
public final class JsonArrayStream extends InputStream {

    /** Elements written per chunk: about 40 KB of JSON for the messages of the benchmark. */
    static final int ELEMENTS_PER_CHUNK = 512;

    private final ObjectMapper json;
    private final Iterator<?> elements;
    private final Chunk chunk = new Chunk();
    private final JsonGenerator generator;
    private int position;
    private boolean ended;

    public JsonArrayStream(ObjectMapper json, List<?> list) throws IOException {
        this.json = json;
        this.elements = list.iterator();
        this.generator = json.getFactory().createGenerator(chunk);
        generator.writeStartArray();
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
        for (int i = 0; i < ELEMENTS_PER_CHUNK && elements.hasNext(); i++) {
            json.writeValue(generator, elements.next());
        }
        if (elements.hasNext()) {
            generator.flush();
        } else {
            generator.writeEndArray();
            generator.close();
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
}

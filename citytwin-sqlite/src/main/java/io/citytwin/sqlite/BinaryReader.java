package io.citytwin.sqlite;

import static io.citytwin.sqlite.BinaryWriter.PREFIXES;

import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the binary encoding written by {@link BinaryWriter} (see the format there) from a slice of a byte array.
 *
 * <p>Every read checks the slice's end: malformed input throws an unchecked exception ({@link
 * IllegalStateException}, {@link ArithmeticException}), which the codecs turn into their own "corrupt" error.
 * Decoded JSON has the canonical {@link Json} shape (unmodifiable insertion-ordered maps and lists, Long and
 * Double kept apart, {@link Json#NULL}). Not thread-safe: one instance per thread or per call.
 */
public final class BinaryReader {
    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_CACHED_NAMES = 50_000;

    private static final AttributeKind[] KINDS = {
        null,
        AttributeKind.PROPERTY,
        AttributeKind.RELATIONSHIP,
        AttributeKind.GEO_PROPERTY,
        AttributeKind.LANGUAGE_PROPERTY,
        AttributeKind.VOCAB_PROPERTY,
        AttributeKind.JSON_PROPERTY,
        AttributeKind.LIST_PROPERTY,
        AttributeKind.LIST_RELATIONSHIP
    };

    /** Interns names across decoded values, so a million entities share their names; null when not interning. */
    private final @Nullable HashMap<String, String> names;

    private byte[] in = EMPTY;
    private int at;
    private int limit;

    /** @param internNames whether {@link #readName()} shares equal strings among everything this reader decodes */
    public BinaryReader(boolean internNames) {
        this.names = internNames ? new HashMap<>() : null;
    }

    /** Reads from {@code data[off, off + len)} from now on, starting at {@code off}. */
    public void reset(byte[] data, int off, int len) {
        if (off < 0 || len < 0 || off + len > data.length) {
            throw new IndexOutOfBoundsException("Slice outside the data");
        }
        in = data;
        at = off;
        limit = off + len;
    }

    /** Forgets the current data, so that this reader does not keep it reachable. */
    public void release() {
        in = EMPTY;
        at = 0;
        limit = 0;
    }

    /** The array being read (for slices of it). */
    public byte[] data() {
        return in;
    }

    /** The index in {@link #data()} of the next byte to read. */
    public int position() {
        return at;
    }

    /** Whether every byte of the slice has been read. */
    public boolean atEnd() {
        return at == limit;
    }

    /** Skips {@code n} bytes. */
    public void skip(int n) {
        checkAvailable(n);
        at += n;
    }

    /** Reads one byte, 0 to 255. */
    public int readByte() {
        checkAvailable(1);
        return in[at++] & 0xFF;
    }

    /** Reads an unsigned varint. */
    public long readVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = (byte) readByte();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("Malformed varint");
    }

    /** Reads a zigzag-encoded signed number. */
    public long readZigzag() {
        long z = readVarint();
        return (z >>> 1) ^ -(z & 1);
    }

    /** Reads 8 bytes, big endian. */
    public long readFixed64() {
        checkAvailable(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[at++] & 0xFF);
        }
        return v;
    }

    /**
     * Reads a count of elements that follow; as each takes at least one byte, a count beyond the remaining bytes is
     * refused (it is corrupt, and would allocate wildly).
     */
    public int readCount() {
        long n = readVarint();
        if (n < 0 || n > limit - at) {
            throw new IllegalStateException("Count " + n + " exceeds the data");
        }
        return (int) n;
    }

    /** Reads an instant. */
    public Instant readInstant() {
        long seconds = readZigzag();
        return Instant.ofEpochSecond(seconds, readVarint());
    }

    /** Reads a string, restoring its prefix. */
    public String readString() {
        long header = readVarint();
        int len = Math.toIntExact(header >>> 4);
        int prefix = (int) (header >>> 1) & 7;
        if (prefix >= PREFIXES.length) {
            throw new IllegalStateException("Unknown string prefix " + prefix);
        }
        String body;
        if ((header & 1) == 0) {
            checkAvailable(len);
            body = new String(in, at, len, StandardCharsets.ISO_8859_1);
            at += len;
        } else {
            checkAvailable(2 * len);
            char[] chars = new char[len];
            for (int i = 0; i < len; i++) {
                chars[i] = (char) (((in[at] & 0xFF) << 8) | (in[at + 1] & 0xFF));
                at += 2;
            }
            body = new String(chars);
        }
        return prefix == 0 ? body : PREFIXES[prefix].concat(body);
    }

    /**
     * Reads a string that recurs across values (a name, type, key, unit or datasetId): shared with the equal one
     * read before when this reader interns names, else the same as {@link #readString()}.
     */
    public String readName() {
        String s = readString();
        HashMap<String, String> cache = names;
        if (cache == null) {
            return s;
        }
        String shared = cache.get(s);
        if (shared != null) {
            return shared;
        }
        if (cache.size() < MAX_CACHED_NAMES) {
            cache.put(s, s);
        }
        return s;
    }

    /** Reads a JSON value; object keys are read as {@linkplain #readName() names}. */
    public Object readJson() {
        int tag = readByte();
        return switch (tag) {
            case BinaryWriter.T_NULL -> Json.NULL;
            case BinaryWriter.T_FALSE -> Boolean.FALSE;
            case BinaryWriter.T_TRUE -> Boolean.TRUE;
            case BinaryWriter.T_LONG -> readZigzag();
            case BinaryWriter.T_DOUBLE -> Double.longBitsToDouble(readFixed64());
            case BinaryWriter.T_STRING -> readString();
            case BinaryWriter.T_LIST -> {
                int n = readCount();
                if (n == 0) {
                    yield List.of();
                }
                ArrayList<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(readJson());
                }
                yield Collections.unmodifiableList(list);
            }
            case BinaryWriter.T_OBJECT -> {
                int n = readCount();
                if (n == 0) {
                    yield Map.of();
                }
                LinkedHashMap<String, Object> map = LinkedHashMap.newLinkedHashMap(n);
                for (int i = 0; i < n; i++) {
                    String key = readName();
                    map.put(key, readJson());
                }
                yield Collections.unmodifiableMap(map);
            }
            default -> throw new IllegalStateException("Unknown JSON tag " + tag);
        };
    }

    /** Reads an attribute kind code. */
    public AttributeKind readKind() {
        int code = readByte();
        if (code < 1 || code >= KINDS.length) {
            throw new IllegalStateException("Unknown attribute kind " + code);
        }
        return KINDS[code];
    }

    private void checkAvailable(int n) {
        if (n < 0 || at + n > limit) {
            throw new IllegalStateException("Data ends early");
        }
    }
}

package io.citytwin.ingest;

import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.TwinException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/*
 * Single-pass design. FIWARE Ultralight 2.0 (IoT Agent UL, "measure payload syntax") is a flat sequence of
 * key|value pairs, with '#' separating measure groups. Both separators are ASCII, and in UTF-8 no byte of a multi-byte
 * sequence is below 0x80, so tokens can be cut on raw bytes without decoding first. The decoder walks the bytes once:
 * each token is scanned to its separator while OR-ing its bytes; an all-ASCII token (the common case) becomes a
 * String by a straight Latin-1 copy, and only a token with a byte >= 0x80 is checked for well-formed UTF-8
 * (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF) and decoded as such. Values are typed without
 * regex or String.split: a hand-written JSON-number scanner, then the two boolean literals, else text. No exception
 * is thrown or caught on any path.
 */

/**
 * Decodes compact text payloads in the style of FIWARE Ultralight 2.0 into {@link Reading}s. Immutable and
 * thread-safe.
 *
 * <ul>
 *   <li>{@code t|21.5|h|40} is one reading with the fields {@code t = 21.5} and {@code h = 40};
 *   <li>{@code #} separates readings: {@code t|21#t|22} is two readings;
 *   <li>a value is a {@code Long} when it is a JSON integer that fits, a {@code Double} when it is any other finite
 *       JSON number ({@code 21.0}, {@code 2e3}), a {@code Boolean} for exactly {@code true} or {@code false}, and a
 *       {@code String} otherwise (including the empty value and numbers that overflow a double); there is no escaping,
 *       so values cannot contain {@code |} or {@code #};
 *   <li>a pair whose key is the timestamp key (default {@value #DEFAULT_TIMESTAMP_KEY}), normally the first one,
 *       gives {@link Reading#timestamp()} instead of a field; its value must be an ISO 8601 dateTime;
 *   <li>trailing CR and LF bytes at the very end of the payload are ignored (devices often end a line).
 * </ul>
 *
 * <p>Refused, with the byte position: an empty or oversized payload, an odd number of tokens in a reading (a key
 * without value), an empty key, a duplicate key within a reading, invalid UTF-8, more than {@value #MAX_FIELDS} fields
 * in one reading, an invalid timestamp.
 */
public final class CompactTextDecoder implements PayloadDecoder {
    /** The default timestamp key, as in the FIWARE IoT Agents. */
    public static final String DEFAULT_TIMESTAMP_KEY = "TimeInstant";
    /** The most fields one reading may have (the timestamp not counted). */
    public static final int MAX_FIELDS = 256;
    /** The default payload size limit in bytes (64 KiB: these are constrained devices). */
    public static final int DEFAULT_MAX_BYTES = 64 * 1024;

    private static final byte PAIR = '|';
    private static final byte GROUP = '#';

    private final String timestampKey;
    private final int maxBytes;

    /** A decoder with the timestamp key {@value #DEFAULT_TIMESTAMP_KEY} and a 64 KiB limit. */
    public CompactTextDecoder() {
        this(DEFAULT_TIMESTAMP_KEY, DEFAULT_MAX_BYTES);
    }

    /**
     * A decoder with the given options.
     *
     * @param timestampKey the key whose value is the reading's timestamp; not empty, without {@code |} or {@code #}
     * @param maxBytes the largest payload accepted, in bytes; positive
     * @throws TwinException BadRequestData ({@code ingest.decoder.invalid}) for a bad key or a non-positive limit
     */
    public CompactTextDecoder(String timestampKey, int maxBytes) {
        if (timestampKey.isEmpty() || timestampKey.indexOf('|') >= 0 || timestampKey.indexOf('#') >= 0) {
            throw TwinException.badData(
                    "ingest.decoder.invalid", "timestampKey must be non-empty without '|' or '#': " + timestampKey);
        }
        if (maxBytes <= 0) {
            throw TwinException.badData("ingest.decoder.invalid", "maxBytes must be positive: " + maxBytes);
        }
        this.timestampKey = timestampKey;
        this.maxBytes = maxBytes;
    }

    /** The key whose value is a reading's timestamp. */
    public String timestampKey() {
        return timestampKey;
    }

    @Override
    public DecodeResult decode(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (length > maxBytes) {
            return new DecodeResult.Rejected(
                    "payload too long: " + length + " bytes, at most " + maxBytes + " allowed", maxBytes);
        }
        int end = offset + length;
        while (end > offset && (payload[end - 1] == '\n' || payload[end - 1] == '\r')) {
            end--;
        }
        if (end == offset) {
            return new DecodeResult.Rejected("empty payload", 0);
        }
        List<Reading> readings = new ArrayList<>(1);
        LinkedHashMap<String, Object> fields = LinkedHashMap.newLinkedHashMap(8);
        Instant timestamp = null;
        int i = offset;
        while (true) {
            // key token
            int keyStart = i;
            int bits = 0;
            while (i < end && payload[i] != PAIR && payload[i] != GROUP) {
                bits |= payload[i];
                i++;
            }
            if (i == keyStart) {
                return reject("empty key", keyStart, offset);
            }
            String key = text(payload, keyStart, i, bits);
            if (key == null) {
                return reject("invalid UTF-8 in key", keyStart + invalidUtf8At(payload, keyStart, i), offset);
            }
            if (i == end || payload[i] == GROUP) {
                return reject(
                        "odd number of tokens: key '" + JsonPayloadDecoder.abbreviate(key) + "' has no value",
                        i,
                        offset);
            }
            i++; // the '|' after the key
            // value token
            int valueStart = i;
            bits = 0;
            while (i < end && payload[i] != PAIR && payload[i] != GROUP) {
                bits |= payload[i];
                i++;
            }
            String raw = text(payload, valueStart, i, bits);
            if (raw == null) {
                return reject("invalid UTF-8 in value", valueStart + invalidUtf8At(payload, valueStart, i), offset);
            }
            if (key.equals(timestampKey)) {
                if (timestamp != null) {
                    return reject("duplicate key '" + key + "'", keyStart, offset);
                }
                timestamp = IsoTimes.parseDateTime(raw);
                if (timestamp == null) {
                    return reject(
                            "invalid timestamp '" + key + "': '" + JsonPayloadDecoder.abbreviate(raw)
                                    + "' is not an ISO 8601 dateTime (years 0000..9999)",
                            valueStart,
                            offset);
                }
            } else {
                if (fields.size() >= MAX_FIELDS) {
                    return reject("more than " + MAX_FIELDS + " fields in one reading", keyStart, offset);
                }
                if (fields.putIfAbsent(key, typed(raw)) != null) {
                    return reject("duplicate key '" + JsonPayloadDecoder.abbreviate(key) + "'", keyStart, offset);
                }
            }
            if (i == end || payload[i] == GROUP) {
                readings.add(new Reading(fields, timestamp));
                if (i == end) {
                    return new DecodeResult.Decoded(readings);
                }
                fields = LinkedHashMap.newLinkedHashMap(8);
                timestamp = null;
            }
            i++; // the '|' or '#' after the value
        }
    }

    private static DecodeResult reject(String reason, int at, int offset) {
        return new DecodeResult.Rejected(reason, at - offset);
    }

    /** The typed value of a value token, see the class comment. */
    static Object typed(String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        char c = raw.charAt(0);
        if (c == '-' || (c >= '0' && c <= '9')) {
            Object n = Scalars.number(raw);
            if (n != null) {
                return n;
            }
        } else if (raw.equals("true")) {
            return Boolean.TRUE;
        } else if (raw.equals("false")) {
            return Boolean.FALSE;
        }
        return raw;
    }

    /** {@code bytes[from, to)} as a String, or null when it is not well-formed UTF-8. */
    private static @Nullable String text(byte[] bytes, int from, int to, int bits) {
        if ((bits & 0x80) == 0) {
            // all ASCII: Latin-1 is a plain copy with no decoding work
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }
        return invalidUtf8At(bytes, from, to) < 0 ? new String(bytes, from, to - from, StandardCharsets.UTF_8) : null;
    }

    /**
     * The offset from {@code from} of the first byte of {@code bytes[from, to)} that is not part of well-formed UTF-8
     * (RFC 3629 section 4, table 3-7 of Unicode), or -1 when all of it is well-formed.
     */
    static int invalidUtf8At(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i] & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                need = 1;
            } else if (b >= 0xE0 && b <= 0xEF) {
                need = 2;
                if (b == 0xE0) {
                    lo = 0xA0; // no overlongs
                } else if (b == 0xED) {
                    hi = 0x9F; // no surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                need = 3;
                if (b == 0xF0) {
                    lo = 0x90; // no overlongs
                } else if (b == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return i - from;
            }
            for (int k = 1; k <= need; k++) {
                if (i + k >= to) {
                    return i - from;
                }
                int c = bytes[i + k] & 0xFF;
                int min = k == 1 ? lo : 0x80;
                int max = k == 1 ? hi : 0xBF;
                if (c < min || c > max) {
                    return i - from;
                }
            }
            i += need + 1;
        }
        return -1;
    }
}

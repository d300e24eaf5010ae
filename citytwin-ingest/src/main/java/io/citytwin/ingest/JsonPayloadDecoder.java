package io.citytwin.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.citytwin.twin.IsoTimes;
import io.citytwin.twin.Json;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/*
 * Single-pass design. The payload is read once, token by token, with Jackson's streaming parser (no databind, no
 * tree): each scalar token is turned straight into its final Java value and put into the reading's field map under
 * its flattened path, so the only allocations per field are the value itself and, for nested objects, the dotted
 * path. Field names come from Jackson's per-factory symbol table, so recurring device keys are not re-allocated.
 * Limits (depth, field count, payload size) are checked as the tokens arrive, so a hostile payload is refused
 * after at most the bytes it took to exceed a limit. The first problem aborts the walk with a private stackless
 * exception (cheap: no stack trace) that the entry point turns into a DecodeResult.Rejected; nothing escapes.
 *
 * JSON grammar is RFC 8259, enforced by Jackson with its default (strict) features: no comments, no NaN, no leading
 * zeros, no single quotes. Jackson also auto-detects UTF-16/32 input (RFC 4627 section 3); UTF-8 is expected.
 */

/**
 * Decodes JSON device payloads into {@link Reading}s. Immutable and thread-safe.
 *
 * <ul>
 *   <li>A JSON object is one reading: {@code {"temperature": 21.5, "humidity": 40}}.
 *   <li>Nested objects flatten to dotted paths: {@code {"env": {"t": 21}}} gives the field {@code env.t}. An empty
 *       nested object is kept as the value {@code {}} at its path. Arrays are values (lists, possibly holding maps)
 *       and are not flattened.
 *   <li>The timestamp field (default {@value #DEFAULT_TIMESTAMP_FIELD}) of the reading object itself, if present,
 *       becomes {@link Reading#timestamp()} instead of a field: an ISO 8601 dateTime string, or an integral number of
 *       epoch milliseconds. A nested member of that name is an ordinary field.
 *   <li>A top-level JSON array of such objects gives one reading per element, each with its own timestamp.
 *   <li>Numbers become {@code Long} when written without fraction or exponent and in range, else {@code Double};
 *       {@code null} becomes {@link Json#NULL}.
 * </ul>
 *
 * <p>Refused, with the byte position: invalid JSON, content after the value, duplicate keys (also after
 * flattening, e.g. {@code "a.b"} next to {@code "a": {"b": ..}}), an empty field name in a reading, a top-level value
 * or array element that is not an object, nesting deeper than {@value #MAX_DEPTH} (the reading object being level
 * 1, a top-level array not counted), more than {@value #MAX_FIELDS} fields in one reading, a number too large for a
 * double, an invalid timestamp, an empty or oversized payload.
 */
public final class JsonPayloadDecoder implements PayloadDecoder {
    /** The default name of the timestamp member. */
    public static final String DEFAULT_TIMESTAMP_FIELD = "ts";
    /** The deepest nesting allowed, the reading object being level 1. */
    public static final int MAX_DEPTH = 8;
    /** The most fields one reading may have (the timestamp not counted). */
    public static final int MAX_FIELDS = 256;
    /** The default payload size limit in bytes (1 MiB). */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    /*
     * Field names stay canonicalized (one String per distinct key, shared across payloads) but are not interned, so
     * keys invented by arbitrary devices do not pile up in the JVM string table; and a flood of colliding keys slows
     * the symbol table down instead of making it throw an IllegalStateException that no caller expects.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .disable(JsonFactory.Feature.FAIL_ON_SYMBOL_HASH_OVERFLOW)
            .build();

    private final String timestampField;
    private final int maxBytes;

    /** A decoder with the timestamp member {@value #DEFAULT_TIMESTAMP_FIELD} and a 1 MiB limit. */
    public JsonPayloadDecoder() {
        this(DEFAULT_TIMESTAMP_FIELD, DEFAULT_MAX_BYTES);
    }

    /**
     * A decoder with the given options.
     *
     * @param timestampField the member of a reading object holding its timestamp; not empty
     * @param maxBytes the largest payload accepted, in bytes; positive
     * @throws TwinException BadRequestData ({@code ingest.decoder.invalid}) for an empty field name or a
     *     non-positive limit
     */
    public JsonPayloadDecoder(String timestampField, int maxBytes) {
        if (timestampField.isEmpty()) {
            throw TwinException.badData("ingest.decoder.invalid", "timestampField must not be empty");
        }
        if (maxBytes <= 0) {
            throw TwinException.badData("ingest.decoder.invalid", "maxBytes must be positive: " + maxBytes);
        }
        this.timestampField = timestampField;
        this.maxBytes = maxBytes;
    }

    /** The member holding a reading's timestamp. */
    public String timestampField() {
        return timestampField;
    }

    @Override
    public DecodeResult decode(byte[] payload, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, payload.length);
        if (length == 0) {
            return new DecodeResult.Rejected("empty payload", 0);
        }
        if (length > maxBytes) {
            return new DecodeResult.Rejected(
                    "payload too long: " + length + " bytes, at most " + maxBytes + " allowed", maxBytes);
        }
        Walk walk = null;
        try (JsonParser parser = FACTORY.createParser(payload, offset, length)) {
            walk = new Walk(parser, timestampField, length);
            return walk.root();
        } catch (Reject r) {
            return new DecodeResult.Rejected(r.reason, r.position);
        } catch (JsonProcessingException e) {
            int pos = walk == null ? 0 : walk.position(e.getLocation());
            return new DecodeResult.Rejected("invalid JSON: " + e.getOriginalMessage(), pos);
        } catch (IOException e) {
            // encoding detection failures (CharConversionException) and the like: still bad input
            return new DecodeResult.Rejected("invalid JSON: " + e.getMessage(), 0);
        }
    }

    /** Ends the walk at the first problem; stackless because it is expected and frequent for bad input. */
    private static final class Reject extends Exception {
        private static final long serialVersionUID = 1L;
        final String reason;
        final int position;

        Reject(String reason, int position) {
            super(reason, null, false, false);
            this.reason = reason;
            this.position = position;
        }
    }

    /** The state of decoding one payload. */
    private static final class Walk {
        private final JsonParser p;
        private final String timestampField;
        private final int length;
        private final long base;

        Walk(JsonParser p, String timestampField, int length) {
            this.p = p;
            this.timestampField = timestampField;
            this.length = length;
            // Jackson reports byte offsets relative to the start of the array, not of the slice
            JsonLocation start = p.currentLocation();
            this.base = start.getByteOffset() < 0 ? 0 : start.getByteOffset();
        }

        int position(@Nullable JsonLocation loc) {
            if (loc == null || loc.getByteOffset() < 0) {
                return 0;
            }
            long pos = loc.getByteOffset() - base;
            return (int) Math.max(0, Math.min(length, pos));
        }

        private int tokenPosition() {
            return position(p.currentTokenLocation());
        }

        DecodeResult root() throws IOException, Reject {
            JsonToken t = p.nextToken();
            if (t == null) {
                throw new Reject("no JSON value in payload", position(p.currentLocation()));
            }
            List<Reading> readings;
            if (t == JsonToken.START_OBJECT) {
                readings = List.of(reading());
            } else if (t == JsonToken.START_ARRAY) {
                readings = new ArrayList<>();
                int index = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        throw new Reject(
                                "array element " + index + " is not an object but " + describe(t), tokenPosition());
                    }
                    readings.add(reading());
                    index++;
                }
            } else {
                throw new Reject(
                        "expected a JSON object or an array of objects but found " + describe(t), tokenPosition());
            }
            if (p.nextToken() != null) {
                throw new Reject("trailing content after the JSON value", tokenPosition());
            }
            return new DecodeResult.Decoded(readings);
        }

        /** Reads one reading object; the current token is its START_OBJECT. */
        private Reading reading() throws IOException, Reject {
            LinkedHashMap<String, Object> fields = LinkedHashMap.newLinkedHashMap(8);
            Instant timestamp = null;
            boolean timestampSeen = false;
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String name = p.currentName();
                int namePos = tokenPosition();
                if (name.isEmpty()) {
                    throw new Reject("empty field name", namePos);
                }
                JsonToken vt = p.nextToken();
                if (name.equals(timestampField)) {
                    if (timestampSeen) {
                        throw new Reject("duplicate field '" + name + "'", namePos);
                    }
                    timestampSeen = true;
                    timestamp = timestamp(vt);
                } else {
                    field(fields, name, namePos, vt, 1);
                }
            }
            return new Reading(fields, timestamp);
        }

        private Instant timestamp(JsonToken t) throws IOException, Reject {
            int pos = tokenPosition();
            if (t == JsonToken.VALUE_STRING) {
                String text = p.getText();
                Instant ts = IsoTimes.parseDateTime(text);
                if (ts == null) {
                    throw new Reject(
                            "invalid timestamp '" + timestampField + "': '" + abbreviate(text)
                                    + "' is not an ISO 8601 dateTime (years 0000..9999)",
                            pos);
                }
                return ts;
            }
            if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
                Instant ts = IsoTimes.ofEpochMilli(p.getLongValue());
                if (ts != null) {
                    return ts;
                }
                throw new Reject(
                        "invalid timestamp '" + timestampField + "': " + p.getText()
                                + " epoch milliseconds are outside years 0000..9999",
                        pos);
            }
            throw new Reject(
                    "invalid timestamp '" + timestampField + "': expected an ISO 8601 dateTime string or integral"
                            + " epoch milliseconds but found " + describe(t),
                    pos);
        }

        /** Puts the value starting at token {@code t} into {@code fields} under {@code path}, flattening objects. */
        private void field(Map<String, Object> fields, String path, int namePos, JsonToken t, int depth)
                throws IOException, Reject {
            if (t == JsonToken.START_OBJECT) {
                if (depth + 1 > MAX_DEPTH) {
                    throw new Reject("nesting deeper than " + MAX_DEPTH + " levels", tokenPosition());
                }
                boolean empty = true;
                while (p.nextToken() != JsonToken.END_OBJECT) {
                    empty = false;
                    String name = p.currentName();
                    int pos = tokenPosition();
                    if (name.isEmpty()) {
                        throw new Reject("empty field name in '" + abbreviate(path) + "'", pos);
                    }
                    field(fields, path + '.' + name, pos, p.nextToken(), depth + 1);
                }
                if (empty) {
                    put(fields, path, Map.of(), namePos);
                }
            } else if (t == JsonToken.START_ARRAY) {
                put(fields, path, array(depth + 1), namePos);
            } else {
                put(fields, path, scalar(t), namePos);
            }
        }

        private static void put(Map<String, Object> fields, String path, Object value, int namePos) throws Reject {
            if (fields.size() >= MAX_FIELDS) {
                throw new Reject("more than " + MAX_FIELDS + " fields in one reading", namePos);
            }
            if (fields.putIfAbsent(path, value) != null) {
                throw new Reject("duplicate field '" + abbreviate(path) + "'", namePos);
            }
        }

        /** A JSON array as a plain list; the current token is its START_ARRAY. */
        private List<Object> array(int depth) throws IOException, Reject {
            if (depth > MAX_DEPTH) {
                throw new Reject("nesting deeper than " + MAX_DEPTH + " levels", tokenPosition());
            }
            ArrayList<Object> list = new ArrayList<>();
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                list.add(value(t, depth + 1));
            }
            return list;
        }

        /** A JSON object inside an array as a plain map (not flattened); the current token is its START_OBJECT. */
        private Map<String, Object> object(int depth) throws IOException, Reject {
            if (depth > MAX_DEPTH) {
                throw new Reject("nesting deeper than " + MAX_DEPTH + " levels", tokenPosition());
            }
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            while (p.nextToken() != JsonToken.END_OBJECT) {
                String name = p.currentName();
                int pos = tokenPosition();
                if (map.putIfAbsent(name, value(p.nextToken(), depth + 1)) != null) {
                    throw new Reject("duplicate key '" + abbreviate(name) + "'", pos);
                }
            }
            return map;
        }

        private Object value(JsonToken t, int depth) throws IOException, Reject {
            return switch (t) {
                case START_OBJECT -> object(depth);
                case START_ARRAY -> array(depth);
                default -> scalar(t);
            };
        }

        private Object scalar(JsonToken t) throws IOException, Reject {
            return switch (t) {
                case VALUE_STRING -> p.getText();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case VALUE_NULL -> Json.NULL;
                case VALUE_NUMBER_INT -> {
                    JsonParser.NumberType nt = p.getNumberType();
                    if (nt == JsonParser.NumberType.INT || nt == JsonParser.NumberType.LONG) {
                        yield p.getLongValue();
                    }
                    yield finite(p.getDoubleValue());
                }
                case VALUE_NUMBER_FLOAT -> finite(p.getDoubleValue());
                default -> throw new Reject("unexpected " + describe(t), tokenPosition());
            };
        }

        private Double finite(double d) throws Reject {
            if (!Double.isFinite(d)) {
                throw new Reject("number out of range: " + d, tokenPosition());
            }
            return d;
        }

        private static String describe(JsonToken t) {
            return switch (t) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
            };
        }
    }

    /** {@code s} cut to at most 64 characters, so that reasons stay readable. */
    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }
}

package io.citytwin.ingest;

import io.citytwin.device.FieldMapping;
import io.citytwin.device.ValueType;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the fields of one kind of device become twin attributes: a list of {@link FieldMapping}s, plus what to do
 * with fields no mapping names. Immutable and thread-safe.
 *
 * <p><b>Partial-success policy.</b> Each field is mapped on its own: a field that cannot be converted (e.g. {@code
 * 'abc'} for a {@link ValueType#NUMBER}) is left out and reported in {@link MappingResult#problems()}, and the other
 * fields of the reading still become attributes. A mapped field that the reading does not carry is simply absent (a
 * device may report a subset of its fields) and is not a problem. The caller decides, e.g. by sending the reading to
 * the device's dead-letter record with the problems, whether a partial result is kept.
 *
 * @param mappings the mappings; no two may target the same attribute (the result holds one instance per attribute);
 *     one device field may feed several attributes
 * @param passThroughUnmapped whether fields that no mapping names become Properties named {@code passThroughPrefix +
 *     field} with {@link ValueType#AUTO} and no unit ({@code true}), or are dropped ({@code false})
 * @param passThroughPrefix the IRI prefix of passed-through attribute names, by default {@link Ngsi#DEFAULT_VOCAB}
 *     (where unknown terms expand with the core @context)
 */
public record DeviceMapping(List<FieldMapping> mappings, boolean passThroughUnmapped, String passThroughPrefix) {

    /**
     * Validates the mapping.
     *
     * @throws TwinException BadRequestData ({@code ingest.mapping.invalid}) when a mapping's attribute is not an
     *     expanded IRI (registries keep the terms clients sent; expand them with the device's context first), two
     *     mappings target the same attribute, or the prefix is not an IRI prefix
     */
    public DeviceMapping {
        mappings = List.copyOf(mappings);
        Set<String> targets = new HashSet<>();
        for (FieldMapping m : mappings) {
            if (m.attribute().indexOf(':') <= 0) {
                throw TwinException.badData(
                        "ingest.mapping.invalid", "attribute must be an expanded IRI: '" + m.attribute() + "'");
            }
            if (!targets.add(m.attribute())) {
                throw TwinException.badData(
                        "ingest.mapping.invalid", "two mappings target the attribute " + m.attribute());
            }
        }
        if (passThroughPrefix.indexOf(':') <= 0) {
            throw TwinException.badData(
                    "ingest.mapping.invalid", "passThroughPrefix must be an IRI prefix: '" + passThroughPrefix + "'");
        }
    }

    /** How many pass-through names are remembered per prefix (device fields are few; a hostile device's are not). */
    private static final int PASS_THROUGH_NAMES = 4096;

    /**
     * Prefix -> (pass-through field -> attribute name), shared by every mapping: building the name per reading was
     * one of the largest allocations of the ingest path. Bounded: beyond the bound names are built each time.
     */
    private static final java.util.concurrent.ConcurrentHashMap<
                    String, java.util.concurrent.ConcurrentHashMap<String, String>>
            PASS_THROUGH = new java.util.concurrent.ConcurrentHashMap<>();

    /** The given mappings; unmapped fields pass through under {@link Ngsi#DEFAULT_VOCAB} when {@code passThrough}. */
    public static DeviceMapping of(List<FieldMapping> mappings, boolean passThrough) {
        return new DeviceMapping(mappings, passThrough, Ngsi.DEFAULT_VOCAB);
    }

    /**
     * Maps one reading to attributes. Each attribute is a Property with {@code observedAt} = the reading's timestamp,
     * or {@code receivedAt} when it has none, and the mapping's {@code unitCode}; see the class comment for how bad
     * fields are handled. Passed-through field names that cannot be part of an IRI (characters other than letters,
     * digits, {@code _ - . ~}) and names that collide with a mapped attribute are reported as problems.
     *
     * @param reading the decoded reading
     * @param receivedAt when the platform received the payload
     * @return the attributes and the per-field problems; never throws for any reading content
     */
    public MappingResult apply(Reading reading, Instant receivedAt) {
        Instant observedAt = reading.timestamp() != null ? reading.timestamp() : receivedAt;
        Map<String, Object> fields = reading.fields();
        LinkedHashMap<String, List<Attribute>> out = LinkedHashMap.newLinkedHashMap(fields.size());
        List<String> problems = new ArrayList<>(0);
        for (FieldMapping m : mappings) {
            Object raw = fields.get(m.deviceField());
            if (raw == null && m.type() == ValueType.GEO_POINT) {
                raw = FieldConversion.nestedPosition(fields, m.deviceField());
            }
            if (raw == null) {
                continue;
            }
            Object value = FieldConversion.convert(m, m.deviceField(), raw, problems);
            if (value != null) {
                out.put(m.attribute(), List.of(property(value, observedAt, m.unitCode())));
            }
        }
        if (passThroughUnmapped && fields.size() > 0) {
            java.util.concurrent.ConcurrentHashMap<String, String> passThroughNames =
                    PASS_THROUGH.get(passThroughPrefix);
            if (passThroughNames == null && PASS_THROUGH.size() < 64) { // many prefixes: remember none of theirs
                passThroughNames = PASS_THROUGH.computeIfAbsent(
                        passThroughPrefix, k -> new java.util.concurrent.ConcurrentHashMap<>());
            }
            for (Map.Entry<String, Object> e : fields.entrySet()) {
                String field = e.getKey();
                if (isMapped(field)) {
                    continue;
                }
                String name = passThroughNames == null ? null : passThroughNames.get(field);
                if (name == null) {
                    if (!usableInIri(field)) {
                        problems.add("field " + field + ": name cannot be an attribute name");
                        continue;
                    }
                    name = passThroughPrefix + field;
                    if (passThroughNames != null
                            && passThroughNames.size()
                                    < PASS_THROUGH_NAMES) { // a device's fields are few; bound the rest
                        passThroughNames.put(field, name);
                    }
                }
                if (out.containsKey(name)) {
                    problems.add("field " + field + ": " + name + " is already a mapped attribute");
                    continue;
                }
                Object value = FieldConversion.convert(field, e.getValue(), ValueType.AUTO, 1, 0, true, problems);
                if (value != null) {
                    out.put(name, List.of(property(value, observedAt, null)));
                }
            }
        }
        return new MappingResult(out, problems);
    }

    private boolean isMapped(String field) {
        // mapping lists are short (a handful of fields per device): a scan beats hashing here
        for (FieldMapping m : mappings) {
            if (m.deviceField().equals(field)) {
                return true;
            }
            if (m.type() == ValueType.GEO_POINT
                    && field.length() > m.deviceField().length()
                    && field.charAt(m.deviceField().length()) == '.'
                    && field.startsWith(m.deviceField())) {
                return true; // a member of a position object, flattened by the decoder
            }
        }
        return false;
    }

    private static Attribute property(Object value, Instant observedAt, @Nullable String unit) {
        if (value instanceof GeoValue g) { // a geo:point field: a GeoProperty, observed when the device says
            return new Attribute(AttributeKind.GEO_PROPERTY, g, null, observedAt, null, Map.of(), null, null);
        }
        return new Attribute(AttributeKind.PROPERTY, value, null, observedAt, unit, Map.of(), null, null);
    }

    private static boolean usableInIri(String field) {
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '~')) {
                return false;
            }
        }
        return true;
    }
}

package io.citytwin.twin;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One instance of an NGSI-LD attribute (Property, Relationship, GeoProperty, ...), immutable.
 *
 * <p>Names of sub-attributes are expanded IRIs, as everywhere in the core. An entity may hold several instances of
 * the same attribute that differ by {@link #datasetId()} (multi-attributes, clause 4.5.5); the default instance has
 * none.
 *
 * @param kind what kind of attribute this is; fixes the Java shape of {@code value} (see {@link AttributeKind})
 * @param value the value, already in the canonical {@link Json} shape
 * @param datasetId the dataset this instance belongs to, or null for the default instance
 * @param observedAt when the value was observed, or null
 * @param unitCode the UN/CEFACT unit code of a Property value, or null
 * @param subAttributes attributes of this attribute, by expanded name
 * @param createdAt system attribute: when this attribute was created (null until stored)
 * @param modifiedAt system attribute: when this attribute was last modified (null until stored)
 */
public record Attribute(
        AttributeKind kind,
        Object value,
        @Nullable String datasetId,
        @Nullable Instant observedAt,
        @Nullable String unitCode,
        Map<String, Attribute> subAttributes,
        @Nullable Instant createdAt,
        @Nullable Instant modifiedAt) {

    public Attribute {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        subAttributes =
                subAttributes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(subAttributes));
        checkShape(kind, value);
    }

    /** A plain Property with a value and nothing else. */
    public static Attribute property(Object value) {
        return new Attribute(AttributeKind.PROPERTY, Json.freeze(value), null, null, null, Map.of(), null, null);
    }

    /** A Relationship to one entity. */
    public static Attribute relationship(String object) {
        return new Attribute(AttributeKind.RELATIONSHIP, object, null, null, null, Map.of(), null, null);
    }

    /** A GeoProperty. */
    public static Attribute geo(GeoValue value) {
        return new Attribute(AttributeKind.GEO_PROPERTY, value, null, null, null, Map.of(), null, null);
    }

    public Optional<String> dataset() {
        return Optional.ofNullable(datasetId);
    }

    /** This attribute with another value (same kind), keeping metadata. */
    public Attribute withValue(Object newValue) {
        return new Attribute(kind, newValue, datasetId, observedAt, unitCode, subAttributes, createdAt, modifiedAt);
    }

    public Attribute withObservedAt(@Nullable Instant t) {
        return new Attribute(kind, value, datasetId, t, unitCode, subAttributes, createdAt, modifiedAt);
    }

    public Attribute withSubAttributes(Map<String, Attribute> subs) {
        return new Attribute(kind, value, datasetId, observedAt, unitCode, subs, createdAt, modifiedAt);
    }

    /**
     * This attribute stamped with system times: {@code createdAt} is kept from {@code previous} when there is one,
     * {@code modifiedAt} is {@code now}. Sub-attributes are stamped alike.
     */
    public Attribute stamped(@Nullable Attribute previous, Instant now) {
        Instant created = previous != null && previous.createdAt != null ? previous.createdAt : now;
        Map<String, Attribute> subs = subAttributes;
        if (!subs.isEmpty()) {
            LinkedHashMap<String, Attribute> stampedSubs = LinkedHashMap.newLinkedHashMap(subs.size());
            for (Map.Entry<String, Attribute> e : subs.entrySet()) {
                Attribute prevSub = previous == null ? null : previous.subAttributes.get(e.getKey());
                stampedSubs.put(e.getKey(), e.getValue().stamped(prevSub, now));
            }
            subs = stampedSubs;
        }
        return new Attribute(kind, value, datasetId, observedAt, unitCode, subs, created, now);
    }

    /** Whether this and {@code other} say the same thing, ignoring the system times. */
    public boolean sameContentAs(Attribute other) {
        if (kind != other.kind
                || !value.equals(other.value)
                || !Objects.equals(datasetId, other.datasetId)
                || !Objects.equals(observedAt, other.observedAt)
                || !Objects.equals(unitCode, other.unitCode)
                || subAttributes.size() != other.subAttributes.size()) {
            return false;
        }
        for (Map.Entry<String, Attribute> e : subAttributes.entrySet()) {
            Attribute o = other.subAttributes.get(e.getKey());
            if (o == null || !e.getValue().sameContentAs(o)) {
                return false;
            }
        }
        return true;
    }

    private static void checkShape(AttributeKind kind, Object value) {
        boolean ok =
                switch (kind) {
                    case PROPERTY -> !(value instanceof Json.Null) && isJson(value);
                    case JSON_PROPERTY -> isJson(value);
                    case RELATIONSHIP -> value instanceof String || isStringList(value);
                    case VOCAB_PROPERTY -> value instanceof String || isStringList(value);
                    case LIST_RELATIONSHIP -> isStringList(value);
                    case LIST_PROPERTY -> value instanceof List<?>;
                    case GEO_PROPERTY -> value instanceof GeoValue;
                    case LANGUAGE_PROPERTY -> value instanceof Map<?, ?>;
                };
        if (!ok) {
            throw TwinException.badData(
                    "attribute.value-shape",
                    "A " + kind.typeName() + " cannot hold a value of type "
                            + value.getClass().getSimpleName());
        }
    }

    private static boolean isJson(Object v) {
        return v instanceof String
                || v instanceof Long
                || v instanceof Double
                || v instanceof Boolean
                || v instanceof Json.Null
                || v instanceof List<?>
                || v instanceof Map<?, ?>;
    }

    private static boolean isStringList(Object v) {
        if (!(v instanceof List<?> l)) {
            return false;
        }
        for (Object o : l) {
            if (!(o instanceof String)) {
                return false;
            }
        }
        return true;
    }
}

package io.citytwin.history.store;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.TwinException;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One attribute instance as the history keeps it: the whole {@link Attribute} (kind, value, unitCode,
 * sub-attributes, system times), so that the temporal API can render it exactly as it was.
 *
 * <p><b>The time axis</b> of the history is {@link #observedAt()}: the instance's own {@code observedAt} when it
 * has one, otherwise the moment it was stored ({@code modifiedAt}); {@link #of} derives it so. Ranges, ordering,
 * {@code lastN} and retention all use it. Late data (an observedAt older than what is stored) is legal and is read
 * back in time order.
 *
 * <p><b>The instanceId</b> (NGSI-LD clause 4.5.7, a URI naming one instance of the temporal representation) is
 * stable: either given explicitly (the temporal API's writes) or, by default, {@link #derivedInstanceId derived}
 * from the time axis and {@code modifiedAt}. Within one series two records get the same derived id only when they
 * have the same time and the same {@code modifiedAt}, i.e. when one change was stored twice (an at-least-once
 * replay of the event log); such duplicates are one instance for the instance operations. Adapters store only
 * explicit ids, so the common case costs no bytes; nor does it cost a string: a derived id is kept as {@code null}
 * and built only when {@link #instanceId()} is asked for (the ingest path writes hundreds of thousands of records a
 * second and almost never reads one back).
 *
 * @param key the series
 * @param entityType the (expanded) type of the entity when the instance was written; used by retention per type
 * @param observedAt the time axis, see above
 * @param modifiedAt when the twin stored this instance
 * @param instance the attribute instance; its datasetId must equal {@code key.datasetId()}
 * @param instanceId the URI of this instance, see above; {@code null} (or the derived id itself) for the derived one
 */
public record AttributeRecord(
        SeriesKey key,
        String entityType,
        Instant observedAt,
        Instant modifiedAt,
        Attribute instance,
        @Nullable String instanceId) {
    /** The prefix of derived instance ids. */
    public static final String DERIVED_PREFIX = "urn:ngsi-ld:instance:";

    public AttributeRecord {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(modifiedAt, "modifiedAt");
        Objects.requireNonNull(instance, "instance");
        if (entityType.isBlank()) {
            throw TwinException.badData("history.type-blank", "A history record needs the entity type");
        }
        if (instanceId != null && (instanceId.isBlank() || instanceId.indexOf(':') < 1)) {
            throw TwinException.badData("history.instance-id", "An instanceId must be a URI, not '" + instanceId + "'");
        }
        if (instanceId != null
                && instanceId.startsWith(DERIVED_PREFIX)
                && instanceId.equals(derivedInstanceId(observedAt, modifiedAt))) {
            instanceId = null; // one representation of the derived id, so that equals() holds between the two
        }
        if (!Objects.equals(key.datasetId(), instance.datasetId())) {
            throw TwinException.badData(
                    "history.dataset-mismatch",
                    "The instance's datasetId " + instance.datasetId() + " is not its series' " + key.datasetId());
        }
    }

    /** A record with the {@link #derivedInstanceId derived} instanceId. */
    public AttributeRecord(
            SeriesKey key, String entityType, Instant observedAt, Instant modifiedAt, Attribute instance) {
        this(key, entityType, observedAt, modifiedAt, instance, null);
    }

    /** The URI of this instance: the explicit one, or the {@link #derivedInstanceId derived} one. */
    @Override
    public String instanceId() {
        return instanceId != null ? instanceId : derivedInstanceId(observedAt, modifiedAt);
    }

    /**
     * The record of {@code instance}, its time axis being the instance's observedAt or, when it has none, {@code
     * modifiedAt}.
     */
    public static AttributeRecord of(SeriesKey key, String entityType, Instant modifiedAt, Attribute instance) {
        Instant observed = instance.observedAt();
        return new AttributeRecord(key, entityType, observed != null ? observed : modifiedAt, modifiedAt, instance);
    }

    /**
     * The default instanceId of a record: {@code urn:ngsi-ld:instance:<axis second>.<nano>:<modified second>.<nano>}
     * (epoch seconds, nanos with 9 digits).
     */
    public static String derivedInstanceId(Instant observedAt, Instant modifiedAt) {
        return DERIVED_PREFIX
                + observedAt.getEpochSecond()
                + '.'
                + nine(observedAt.getNano())
                + ':'
                + modifiedAt.getEpochSecond()
                + '.'
                + nine(modifiedAt.getNano());
    }

    /** Whether this record's instanceId is the derived one (adapters then need not store it). */
    public boolean hasDerivedInstanceId() {
        return instanceId == null;
    }

    /** The time axis encoded in a derived instanceId, if {@code instanceId} is one (to find it without a scan). */
    public static java.util.Optional<Instant> timeOfDerived(String instanceId) {
        if (!instanceId.startsWith(DERIVED_PREFIX)) {
            return java.util.Optional.empty();
        }
        String rest = instanceId.substring(DERIVED_PREFIX.length());
        int colon = rest.indexOf(':');
        int dot = rest.indexOf('.');
        if (colon < 0 || dot < 0 || dot > colon || colon - dot != 10) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Instant.ofEpochSecond(
                    Long.parseLong(rest.substring(0, dot)), Integer.parseInt(rest.substring(dot + 1, colon))));
        } catch (RuntimeException e) {
            return java.util.Optional.empty(); // not a derived id after all: an explicit id that looks alike
        }
    }

    /** This record with another instanceId. */
    public AttributeRecord withInstanceId(String id) {
        return new AttributeRecord(key, entityType, observedAt, modifiedAt, instance, id);
    }

    private static String nine(int nano) {
        String s = Integer.toString(nano);
        return "000000000".substring(s.length()) + s;
    }
}

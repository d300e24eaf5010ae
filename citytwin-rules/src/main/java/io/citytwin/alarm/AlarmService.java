package io.citytwin.alarm;

import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.Json;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/*
 * DEDUPLICATION AND LIFECYCLE
 *
 * An alarm is keyed by (tenant, originator, type) while it is open, as X.733 / TMF 642 alarm correlation and
 * ThingsBoard's "one active alarm per originator and type" do: a raise that finds an open alarm of the same key does
 * not create a second one, it counts an occurrence (count + 1, lastOccurrence, the latest severity, description and
 * details). This is what keeps a burst of readings from flooding the operators. Once cleared, the key is free and
 * the next raise starts a new alarm with a new id.
 *
 * active --acknowledge--> acknowledged --clear--> cleared; active --clear--> cleared (a clear by the rule when its
 * condition ends, or by an operator). Acknowledging keeps an alarm open (it still deduplicates); clearing closes it.
 * Both record who and when. A rule only clears the alarms it raised itself, so two rules raising the same type about
 * the same thing do not clear each other's evidence.
 *
 * Propagation: the alarm carries the district of its originator, found by following relationships upwards (lamp ->
 * group -> cabinet -> district: the first entity on the way with a refDistrict, breadth first, at most 4 hops), so
 * summaries roll up per district.
 *
 * All changes are serialised on one lock: alarms are rare next to readings, and a lock makes dedup exact.
 */
/**
 * The one way to change alarms: raise (deduplicated), acknowledge, clear; query and summarise; mirror every alarm as
 * an NGSI-LD {@code Alert} entity into the twin; tell listeners after every durable change. Thread-safe.
 */
public final class AlarmService {
    /** The expanded type of the mirrored entities. */
    public static final String ALERT_TYPE = Ngsi.DEFAULT_VOCAB + "Alert";

    private static final String REF_DISTRICT = Ngsi.DEFAULT_VOCAB + "refDistrict";
    private static final String DISTRICT_TYPE = Ngsi.DEFAULT_VOCAB + "District";
    private static final int MAX_HOPS = 4;

    private final AlarmStore store;
    private final @Nullable Twin twin;
    private final InstantSource clock;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private final List<AlarmListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final java.util.function.UnaryOperator<String> names;

    /**
     * @param store where alarms are kept
     * @param twin where originators are looked up (district, location, type) and {@code Alert} entities are
     *     mirrored; null for neither
     * @param clock stamps operator actions
     * @param problems told about failed mirror writes and failing listeners (never thrown to the caller)
     */
    public AlarmService(
            AlarmStore store,
            @Nullable Twin twin,
            InstantSource clock,
            BiConsumer<String, @Nullable Throwable> problems) {
        this(store, twin, clock, problems, n -> Ngsi.DEFAULT_VOCAB + n);
    }

    /**
     * @param names expands the attribute names of the mirrored Alert entities (the core @context's term expansion,
     *     so {@code description} is the dc:description clients see)
     */
    public AlarmService(
            AlarmStore store,
            @Nullable Twin twin,
            InstantSource clock,
            BiConsumer<String, @Nullable Throwable> problems,
            java.util.function.UnaryOperator<String> names) {
        this.names = Objects.requireNonNull(names);
        this.store = Objects.requireNonNull(store);
        this.twin = twin;
        this.clock = Objects.requireNonNull(clock);
        this.problems = Objects.requireNonNull(problems);
    }

    /** Adds a listener told after every durable alarm change (contract C: the live feed). */
    public void addListener(AlarmListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    /**
     * What a rule (or another source) reports.
     *
     * @param tenant the tenant
     * @param type the alarm type, {@code <domain>.<name>}
     * @param severity its severity
     * @param originator the entity it is about
     * @param rule who raises it (a rule id)
     * @param description human text
     * @param details why (JSON values)
     * @param at when it occurred (event time)
     */
    public record Raise(
            TenantId tenant,
            String type,
            Severity severity,
            EntityId originator,
            String rule,
            String description,
            Map<String, Object> details,
            Instant at) {
        public Raise {
            Objects.requireNonNull(tenant);
            Objects.requireNonNull(type);
            Objects.requireNonNull(severity);
            Objects.requireNonNull(originator);
            Objects.requireNonNull(rule);
            Objects.requireNonNull(description);
            Objects.requireNonNull(at);
            details = Map.copyOf(details);
        }
    }

    /**
     * Raises an alarm, or counts one more occurrence of the open alarm of the same originator and type.
     *
     * @return the alarm after the change
     */
    public Alarm raise(Raise r) {
        Alarm result;
        synchronized (lock) {
            Optional<Alarm> open = store.findOpen(r.tenant(), r.originator().value(), r.type());
            if (open.isPresent()) {
                result = open.get().repeated(r.at(), r.severity(), r.description(), r.details());
            } else {
                Origin o = origin(r.tenant(), r.originator());
                result = new Alarm(
                        idOf(r),
                        r.tenant(),
                        r.type(),
                        r.severity(),
                        AlarmState.ACTIVE,
                        r.originator().value(),
                        o.type(),
                        o.district(),
                        o.location(),
                        r.rule(),
                        r.description(),
                        1,
                        r.at(),
                        r.at(),
                        null,
                        null,
                        null,
                        null,
                        null,
                        r.details());
            }
            store.save(result);
        }
        changed(result);
        return result;
    }

    /**
     * Clears the open alarm of {@code type} about {@code originator} if rule {@code rule} raised it (its condition
     * ended); {@code clearedBy} becomes {@code rule:<rule>}.
     *
     * @return the cleared alarm, or empty when there was none to clear
     */
    public Optional<Alarm> clearByRule(TenantId tenant, EntityId originator, String type, String rule, Instant at) {
        Alarm result;
        synchronized (lock) {
            Optional<Alarm> open = store.findOpen(tenant, originator.value(), type);
            if (open.isEmpty() || !open.get().rule().equals(rule)) {
                return Optional.empty();
            }
            result = open.get().cleared(at, "rule:" + rule, null);
            store.save(result);
        }
        changed(result);
        return Optional.of(result);
    }

    /**
     * An operator acknowledges the alarm: an open alarm becomes acknowledged; a cleared one keeps its state but
     * records the acknowledgement; an acknowledged one stays as it is.
     *
     * @throws TwinException ResourceNotFound {@code alarm.not-found}
     */
    public Alarm acknowledge(TenantId tenant, String id, String by, @Nullable String note) {
        Alarm result;
        synchronized (lock) {
            Alarm a = get(tenant, id);
            if (a.acknowledgedAt() != null) {
                return a;
            }
            result = a.acknowledged(clock.instant(), by, note);
            if (a.state() == AlarmState.CLEARED) {
                result = result.cleared(
                        a.clearedAt() == null ? clock.instant() : a.clearedAt(),
                        a.clearedBy() == null ? by : a.clearedBy(),
                        note);
            }
            store.save(result);
        }
        changed(result);
        return result;
    }

    /**
     * An operator clears the alarm; clearing a cleared alarm changes nothing.
     *
     * @throws TwinException ResourceNotFound {@code alarm.not-found}
     */
    public Alarm clear(TenantId tenant, String id, String by, @Nullable String note) {
        Alarm result;
        synchronized (lock) {
            Alarm a = get(tenant, id);
            if (a.state() == AlarmState.CLEARED) {
                return a;
            }
            result = a.cleared(clock.instant(), by, note);
            store.save(result);
        }
        changed(result);
        return result;
    }

    /**
     * The alarm, or ResourceNotFound.
     *
     * @throws TwinException ResourceNotFound {@code alarm.not-found}
     */
    public Alarm get(TenantId tenant, String id) {
        return store.find(tenant, id)
                .orElseThrow(() -> TwinException.notFound("alarm.not-found", "Alarm " + id + " does not exist"));
    }

    /** One page of the tenant's alarms that pass the query. */
    public AlarmPage query(TenantId tenant, AlarmQuery query) {
        return store.query(tenant, query);
    }

    /** The open alarm of {@code type} about {@code originator}, if any. */
    public Optional<Alarm> findOpen(TenantId tenant, String originator, String type) {
        return store.findOpen(tenant, originator, type);
    }

    /** Every open alarm of every tenant. */
    public List<Alarm> open() {
        return store.open();
    }

    /** Counts of the tenant's open alarms by severity, domain and district. */
    public AlarmSummary summary(TenantId tenant) {
        List<Alarm> all = new ArrayList<>();
        for (Alarm a : store.open()) {
            if (a.tenant().equals(tenant)) {
                all.add(a);
            }
        }
        return AlarmSummary.of(all);
    }

    private void changed(Alarm a) {
        mirror(a);
        for (AlarmListener l : listeners) {
            try {
                l.changed(a);
            } catch (RuntimeException e) {
                problems.accept("alarm listener failed on " + a.id(), e);
            }
        }
    }

    /** A stable id per occurrence: the same raise (tenant, originator, type, first time) always gets the same id. */
    private static String idOf(Raise r) {
        String key = r.tenant().value() + '\n' + r.originator().value() + '\n' + r.type() + '\n' + r.at();
        return "urn:ngsi-ld:Alert:" + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    }

    private record Origin(String type, @Nullable String district, @Nullable Map<String, Object> location) {}

    private Origin origin(TenantId tenant, EntityId id) {
        Entity e = lookup(tenant, id);
        if (e == null) {
            return new Origin("Thing", null, null);
        }
        Map<String, Object> location = null;
        Optional<Attribute> loc = e.attribute(Ngsi.LOCATION);
        if (loc.isPresent() && loc.get().value() instanceof GeoValue g) {
            location = g.geoJson();
        }
        return new Origin(shortName(e.types().get(0)), district(tenant, e), location);
    }

    private @Nullable String district(TenantId tenant, Entity start) {
        if (start.hasType(DISTRICT_TYPE)) {
            return start.id().value();
        }
        List<Entity> level = List.of(start);
        List<String> seen = new ArrayList<>();
        seen.add(start.id().value());
        for (int hop = 0; hop < MAX_HOPS && !level.isEmpty(); hop++) {
            List<Entity> next = new ArrayList<>();
            for (Entity e : level) {
                Optional<Attribute> d = e.attribute(REF_DISTRICT);
                if (d.isPresent() && d.get().value() instanceof String s) {
                    return s;
                }
                for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
                    Attribute first = a.getValue().get(0);
                    if (first.kind() == AttributeKind.RELATIONSHIP
                            && first.value() instanceof String target
                            && !seen.contains(target)
                            && EntityId.isValid(target)) {
                        seen.add(target);
                        Entity parent = lookup(tenant, EntityId.of(target));
                        if (parent != null) {
                            if (parent.hasType(DISTRICT_TYPE)) {
                                return parent.id().value();
                            }
                            next.add(parent);
                        }
                    }
                }
            }
            level = next;
        }
        return null;
    }

    private @Nullable Entity lookup(TenantId tenant, EntityId id) {
        if (twin == null) {
            return null;
        }
        try {
            return twin.find(tenant, id).orElse(null);
        } catch (TwinException e) {
            return null; // unknown tenant
        }
    }

    /** A name of the default vocabulary without its prefix; other IRIs as they are. */
    public static String shortName(String expanded) {
        return expanded.startsWith(Ngsi.DEFAULT_VOCAB) ? expanded.substring(Ngsi.DEFAULT_VOCAB.length()) : expanded;
    }

    /*
     * The Alert entity follows the Smart Data Models Alert model (dataModel.Alert): category, subCategory, severity
     * (informational/low/medium/high/critical, mapped from X.733), alertSource, dateIssued, description, location,
     * validFrom/validTo; plus this alarm's own state, count and times so NGSI-LD clients see the whole alarm.
     */
    private void mirror(Alarm a) {
        if (twin == null) {
            return;
        }
        Map<String, List<Attribute>> attrs = new LinkedHashMap<>();
        put(attrs, "category", Attribute.property(a.domain()));
        put(attrs, "subCategory", Attribute.property(a.type()));
        put(attrs, "severity", Attribute.property(sdmSeverity(a.severity())));
        put(attrs, "alarmSeverity", Attribute.property(a.severity().label()));
        put(attrs, "alertSource", Attribute.relationship(a.originator()));
        put(attrs, "dateIssued", Attribute.property(a.firstOccurrence().toString()));
        put(attrs, "validFrom", Attribute.property(a.firstOccurrence().toString()));
        if (a.clearedAt() != null) {
            put(attrs, "validTo", Attribute.property(a.clearedAt().toString()));
        }
        put(attrs, "description", Attribute.property(a.description()));
        put(attrs, "alarmState", Attribute.property(a.state().label()));
        put(attrs, "alarmCount", Attribute.property(a.count()));
        put(attrs, "lastOccurrence", Attribute.property(a.lastOccurrence().toString()));
        put(attrs, "rule", Attribute.property(a.rule()));
        if (a.acknowledgedBy() != null) {
            put(attrs, "acknowledgedBy", Attribute.property(a.acknowledgedBy()));
        }
        if (a.clearedBy() != null) {
            put(attrs, "clearedBy", Attribute.property(a.clearedBy()));
        }
        if (a.district() != null && EntityId.isValid(a.district())) {
            put(attrs, "refDistrict", Attribute.relationship(a.district()));
        }
        if (a.location() != null) {
            try {
                attrs.put(
                        Ngsi.LOCATION,
                        List.of(Attribute.geo(io.citytwin.twin.geo.GeoJson.parse(Json.freeze(a.location())))));
            } catch (TwinException e) {
                problems.accept("alarm " + a.id() + " has an unusable location", e);
            }
        }
        Entity e = new Entity(EntityId.of(a.id()), List.of(ALERT_TYPE), attrs, null, null);
        try {
            io.citytwin.twin.BatchResult r = twin.batchUpsert(a.tenant(), List.of(e), false);
            for (io.citytwin.twin.BatchResult.BatchError err : r.errors()) {
                problems.accept("could not mirror alarm " + a.id() + " as an Alert entity", err.error());
            }
        } catch (TwinException ex) {
            problems.accept("could not mirror alarm " + a.id() + " as an Alert entity", ex);
        }
    }

    private void put(Map<String, List<Attribute>> attrs, String name, Attribute a) {
        attrs.put(names.apply(name), List.of(a));
    }

    private static String sdmSeverity(Severity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case MAJOR -> "high";
            case MINOR -> "medium";
            case WARNING -> "low";
            case INDETERMINATE -> "informational";
        };
    }
}

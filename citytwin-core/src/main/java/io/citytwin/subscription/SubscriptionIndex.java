package io.citytwin.subscription;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.TenantId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Matching change events against subscriptions (ETSI GS CIM 009 v1.8, clause 5.11 "Subscription behaviour" and
 * table 5.2.12-1 for notificationTrigger).
 *
 * Index. Per tenant, subscriptions are filed under each entity type their selectors name; subscriptions without
 * entities (watchedAttributes only) are on a per-tenant "untyped" list. An event looks up only the types of its
 * entity, so the cost per event is proportional to the subscriptions that could match, not to all subscriptions:
 * 10,000 subscriptions over 100 types cost about 100 candidate checks per event. Writers (subscription CRUD, rare)
 * synchronize; readers (the notifier, hot) read concurrent maps without locks.
 *
 * Semantics of one candidate against one event:
 * - the subscription is live (isActive, not expired) and not periodic (periodic ones notify on their timer only);
 * - one of its entity selectors selects the entity (after the change; for a deletion, before it);
 * - the change fires one of its triggers. The "relevant" attributes are the changed ones, restricted to
 *   watchedAttributes when given. Created entity: entityCreated, or attributeCreated with a relevant attribute.
 *   Deleted entity: entityDeleted. Updated/replaced entity: each relevant attribute is attributeCreated (absent
 *   before), attributeDeleted (absent after) or attributeUpdated; entityUpdated fires for any relevant attribute.
 * - q holds on the entity (after the change; for a deletion, before it);
 * - geoQ holds on the entity's geoproperty (an entity without it does not match).
 */
/** The matching index of live subscriptions; see the block comment above for the semantics. Thread-safe. */
public final class SubscriptionIndex {
    private final ConcurrentHashMap<TenantId, TenantIndex> tenants = new ConcurrentHashMap<>();

    private static final class TenantIndex {
        final ConcurrentHashMap<SubscriptionId, Subscription> all = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, ConcurrentHashMap<SubscriptionId, Subscription>> byType =
                new ConcurrentHashMap<>();
        final ConcurrentHashMap<SubscriptionId, Subscription> untyped = new ConcurrentHashMap<>();
    }

    /** Adds or replaces a subscription. */
    public synchronized void put(Subscription s) {
        remove(s.tenant(), s.id());
        TenantIndex t = tenants.computeIfAbsent(s.tenant(), k -> new TenantIndex());
        t.all.put(s.id(), s);
        if (s.entities().isEmpty()) {
            t.untyped.put(s.id(), s);
        } else {
            for (EntitySelector sel : s.entities()) {
                t.byType
                        .computeIfAbsent(sel.type(), k -> new ConcurrentHashMap<>())
                        .put(s.id(), s);
            }
        }
    }

    /** Removes a subscription; false when it was not indexed. */
    public synchronized boolean remove(TenantId tenant, SubscriptionId id) {
        TenantIndex t = tenants.get(tenant);
        if (t == null) {
            return false;
        }
        Subscription old = t.all.remove(id);
        if (old == null) {
            return false;
        }
        t.untyped.remove(id);
        for (EntitySelector sel : old.entities()) {
            Map<SubscriptionId, Subscription> m = t.byType.get(sel.type());
            if (m != null) {
                m.remove(id);
                if (m.isEmpty()) {
                    t.byType.remove(sel.type());
                }
            }
        }
        return true;
    }

    public Optional<Subscription> get(SubscriptionKey key) {
        TenantIndex t = tenants.get(key.tenant());
        return t == null ? Optional.empty() : Optional.ofNullable(t.all.get(key.id()));
    }

    /** How many subscriptions are indexed. */
    public int size() {
        int n = 0;
        for (TenantIndex t : tenants.values()) {
            n += t.all.size();
        }
        return n;
    }

    /** Every indexed subscription. */
    public List<Subscription> all() {
        List<Subscription> out = new ArrayList<>();
        for (TenantIndex t : tenants.values()) {
            out.addAll(t.all.values());
        }
        return out;
    }

    /** The subscriptions {@code e} notifies at {@code now}, each once. */
    public List<Subscription> match(ChangeEvent e, Instant now) {
        TenantIndex t = tenants.get(e.tenant());
        if (t == null) {
            return List.of();
        }
        Entity ref = e.current() != null ? e.current() : e.previous();
        if (ref == null) {
            return List.of();
        }
        List<Subscription> out = new ArrayList<>(2);
        List<String> types = ref.types();
        IdentityHashMap<Subscription, Boolean> seen = types.size() > 1 ? new IdentityHashMap<>() : null;
        for (int i = 0; i < types.size(); i++) {
            Map<SubscriptionId, Subscription> m = t.byType.get(types.get(i));
            if (m != null) {
                collect(m.values(), e, ref, now, out, seen);
            }
        }
        if (!t.untyped.isEmpty()) {
            collect(t.untyped.values(), e, ref, now, out, null);
        }
        return out;
    }

    private static void collect(
            Collection<Subscription> candidates,
            ChangeEvent e,
            Entity ref,
            Instant now,
            List<Subscription> out,
            IdentityHashMap<Subscription, Boolean> seen) {
        for (Subscription s : candidates) {
            if (matches(s, e, ref, now) && (seen == null || seen.put(s, Boolean.TRUE) == null)) {
                out.add(s);
            }
        }
    }

    /** Whether {@code s} is notified of {@code e}; {@code ref} is the entity after (deletion: before) the change. */
    static boolean matches(Subscription s, ChangeEvent e, Entity ref, Instant now) {
        if (s.periodic() || !s.live(now)) {
            return false;
        }
        if (!s.entities().isEmpty()) {
            boolean selected = false;
            for (EntitySelector sel : s.entities()) {
                if (sel.test(ref)) {
                    selected = true;
                    break;
                }
            }
            if (!selected) {
                return false;
            }
        }
        if (!fires(s, e)) {
            return false;
        }
        if (s.q() != null && !s.q().test(ref)) {
            return false;
        }
        return s.geoQ() == null || geoMatches(s, ref);
    }

    private static boolean fires(Subscription s, ChangeEvent e) {
        Set<Trigger> triggers = s.triggers();
        Set<String> watched = s.watchedAttributes();
        if (e.kind() == ChangeKind.DELETED) {
            return triggers.contains(Trigger.ENTITY_DELETED);
        }
        if (e.kind() == ChangeKind.CREATED) {
            if (triggers.contains(Trigger.ENTITY_CREATED) && watched.isEmpty()) {
                return true;
            }
            boolean relevant = anyRelevant(e.changedAttributes(), watched);
            return relevant
                    && (triggers.contains(Trigger.ENTITY_CREATED) || triggers.contains(Trigger.ATTRIBUTE_CREATED));
        }
        Entity before = e.previous();
        Entity after = e.current();
        for (String a : e.changedAttributes()) {
            if (!watched.isEmpty() && !watched.contains(a)) {
                continue;
            }
            if (triggers.contains(Trigger.ENTITY_UPDATED)) {
                return true;
            }
            boolean had = before != null && before.attributes().containsKey(a);
            boolean has = after != null && after.attributes().containsKey(a);
            Trigger kind =
                    !had ? Trigger.ATTRIBUTE_CREATED : has ? Trigger.ATTRIBUTE_UPDATED : Trigger.ATTRIBUTE_DELETED;
            if (triggers.contains(kind)) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyRelevant(Set<String> changed, Set<String> watched) {
        if (watched.isEmpty()) {
            return !changed.isEmpty();
        }
        for (String a : watched) {
            if (changed.contains(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean geoMatches(Subscription s, Entity ref) {
        for (Attribute a : ref.instances(s.geoQ().geoproperty())) {
            if (a.kind() == AttributeKind.GEO_PROPERTY
                    && a.value() instanceof GeoValue g
                    && s.geoQ().test(g.geometry())) {
                return true;
            }
        }
        return false;
    }
}

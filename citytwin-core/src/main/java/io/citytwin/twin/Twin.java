package io.citytwin.twin;

import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The live twin of the city: the in-memory, indexed state of every tenant's entities and the only way to change it.
 *
 * <p>Write path (every operation below): under the lock of the entity (a striped lock, so writers of different
 * entities never wait for each other), the new state is computed from the current one, handed to the {@link
 * TwinRepository} with the {@link ChangeEvent} that describes it and waited for until it is durable; the repository
 * journals the event in the same commit and publishes it on its event log, and only then is the change applied in
 * memory. So a change is visible to queries and consumers only once it can no longer be lost, the events of one
 * entity are published in the order of its changes, every consumer can resume after a crash from the journal, and a
 * failed write leaves nothing behind. Concurrent writers are
 * batched by the repository's group commit, so throughput grows with concurrency instead of being bound by one
 * commit's latency.
 *
 * <p>Reads are lock-free against the concurrent indexes of {@link TenantTwin}. All methods are thread-safe. Names
 * (types, attributes) are expanded IRIs throughout.
 */
public final class Twin {
    private static final int STRIPES = 4096;

    private final TwinRepository repository;
    private final InstantSource clock;
    private final ConcurrentHashMap<TenantId, TenantTwin> tenants = new ConcurrentHashMap<>();
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /**
     * @param repository where changes are made durable and journaled (its {@link TwinRepository#events() event
     *     log} carries every change once durable)
     * @param clock the source of createdAt/modifiedAt and event times
     */
    public Twin(TwinRepository repository, InstantSource clock) {
        this.repository = Objects.requireNonNull(repository);
        this.clock = Objects.requireNonNull(clock);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        tenants.put(TenantId.DEFAULT, new TenantTwin(TenantId.DEFAULT));
    }

    /** The log on which every durable change of this twin is published (its repository's). */
    public io.citytwin.event.EventLog events() {
        return repository.events();
    }

    /**
     * Loads the stored twin into memory (startup). Publishes no events.
     *
     * @return the number of entities loaded
     */
    public long load() {
        long[] n = {0};
        for (TenantId t : repository.tenants()) {
            tenants.computeIfAbsent(t, TenantTwin::new);
        }
        repository.load((tenant, entity) -> {
            tenants.computeIfAbsent(tenant, TenantTwin::new).apply(entity.id().value(), null, entity);
            n[0]++;
        });
        return n[0];
    }

    // ---------------------------------------------------------------- reads

    /** Every tenant, sorted; the default tenant is always there. */
    public Set<TenantId> tenants() {
        return new TreeSet<>(tenants.keySet());
    }

    /** The total number of entities over all tenants. */
    public long size() {
        long n = 0;
        for (TenantTwin t : tenants.values()) {
            n += t.size();
        }
        return n;
    }

    /** The entity, if it exists. Throws NonexistentTenant for an unknown tenant. */
    public Optional<Entity> find(TenantId tenant, EntityId id) {
        return Optional.ofNullable(reading(tenant).get(id.value()));
    }

    /** The entity, or ResourceNotFound. */
    public Entity get(TenantId tenant, EntityId id) {
        return find(tenant, id).orElseThrow(() -> entityNotFound(id));
    }

    /** Runs a query; see {@link EntityQuery}. */
    public QueryResult query(TenantId tenant, EntityQuery query) {
        return reading(tenant).query(query);
    }

    /** The entity types present in the tenant, sorted. */
    public Set<String> types(TenantId tenant) {
        return reading(tenant).typeNames();
    }

    /** The number of entities of {@code type}. */
    public long countOfType(TenantId tenant, String type) {
        return reading(tenant).countOfType(type);
    }

    /** The entities of {@code type}, in id order, as a live view. */
    public Iterable<Entity> entitiesOfType(TenantId tenant, String type) {
        return reading(tenant).ofType(type);
    }

    /** Attribute name to the number of entities that have it, sorted by name. */
    public Map<String, Long> attributeCounts(TenantId tenant) {
        return reading(tenant).attributeCounts();
    }

    private TenantTwin reading(TenantId tenant) {
        TenantTwin t = tenants.get(tenant);
        if (t == null) {
            throw new TwinException(
                    ErrorType.NONEXISTENT_TENANT, "tenant.not-found", "Tenant '" + tenant + "' does not exist");
        }
        return t;
    }

    // ---------------------------------------------------------------- single-entity writes

    /** Creates an entity; AlreadyExists when its id is taken. */
    public Entity create(TenantId tenant, Entity entity) {
        return mutate(tenant, entity.id(), null, current -> {
            if (current != null) {
                throw alreadyExists(entity.id());
            }
            return entity;
        });
    }

    /** Replaces an existing entity as a whole (PUT); ResourceNotFound when absent. */
    public Entity replace(TenantId tenant, Entity entity) {
        return mutate(tenant, entity.id(), ChangeKind.REPLACED, current -> {
            requireExists(current, entity.id());
            return entity;
        });
    }

    /** Deletes an entity; ResourceNotFound when absent. */
    public void delete(TenantId tenant, EntityId id) {
        mutate(tenant, id, null, current -> {
            requireExists(current, id);
            return null;
        });
    }

    /**
     * Appends attributes (POST .../attrs): new ones are added; existing instances (same name and datasetId) are
     * replaced, or with {@code noOverwrite} left alone and reported as not updated.
     */
    public UpdateReport appendAttributes(
            TenantId tenant, EntityId id, Map<String, List<Attribute>> fragment, boolean noOverwrite) {
        return writeInstances(
                tenant,
                id,
                fragment,
                (e, name, inst) ->
                        noOverwrite && e.instance(name, inst.datasetId()).isPresent()
                                ? "attribute exists and noOverwrite was requested"
                                : null);
    }

    /**
     * Updates attributes (PATCH .../attrs): each given instance replaces the existing instance with its name and
     * datasetId; instances that do not exist are reported as not updated.
     */
    public UpdateReport updateAttributes(TenantId tenant, EntityId id, Map<String, List<Attribute>> fragment) {
        return writeInstances(
                tenant,
                id,
                fragment,
                (e, name, inst) -> e.instance(name, inst.datasetId()).isPresent()
                        ? null
                        : inst.datasetId() == null
                                ? "attribute does not exist"
                                : "no instance with datasetId " + inst.datasetId());
    }

    /** Why an attribute instance may not be written to an entity, or null when it may. */
    @FunctionalInterface
    private interface InstanceRule {
        @Nullable
        String refusal(Entity e, String name, Attribute instance);
    }

    /** Puts every instance of {@code fragment} that {@code rule} allows, reporting the others. */
    private UpdateReport writeInstances(
            TenantId tenant, EntityId id, Map<String, List<Attribute>> fragment, InstanceRule rule) {
        UpdateReport[] report = new UpdateReport[1];
        mutate(tenant, id, null, current -> {
            Entity e = requireExists(current, id);
            List<String> updated = new ArrayList<>();
            List<UpdateReport.NotUpdated> notUpdated = new ArrayList<>();
            for (Map.Entry<String, List<Attribute>> a : fragment.entrySet()) {
                for (Attribute inst : a.getValue()) {
                    String refusal = rule.refusal(e, a.getKey(), inst);
                    if (refusal != null) {
                        notUpdated.add(new UpdateReport.NotUpdated(a.getKey(), inst.datasetId(), refusal));
                    } else {
                        e = e.withInstance(a.getKey(), inst);
                        addOnce(updated, a.getKey());
                    }
                }
            }
            report[0] = new UpdateReport(updated, notUpdated);
            return e;
        });
        return report[0];
    }

    /**
     * Partial attribute update (PATCH .../attrs/{attrId}): the fragment's members are merged into the existing
     * instance with the fragment's datasetId; ResourceNotFound when there is none.
     */
    public void patchAttribute(TenantId tenant, EntityId id, String name, Attribute fragment) {
        mutate(tenant, id, null, current -> {
            Entity e = requireExists(current, id);
            Attribute old = e.instance(name, fragment.datasetId())
                    .orElseThrow(() -> attributeNotFound(id, name, fragment.datasetId()));
            return e.withInstance(name, merge(old, fragment));
        });
    }

    /** Replaces one attribute (PUT .../attrs/{attrId}); ResourceNotFound when the entity or attribute is absent. */
    public void replaceAttribute(TenantId tenant, EntityId id, String name, List<Attribute> instances) {
        mutate(tenant, id, null, current -> {
            Entity e = requireExists(current, id);
            if (!e.attributes().containsKey(name)) {
                throw attributeNotFound(id, name, null);
            }
            for (Attribute inst : instances) {
                e = e.withInstance(name, inst);
            }
            return e;
        });
    }

    /**
     * Deletes an attribute instance (DELETE .../attrs/{attrId}): the default instance, the one with {@code
     * datasetId}, or with {@code deleteAll} every instance.
     */
    public void deleteAttribute(
            TenantId tenant, EntityId id, String name, @Nullable String datasetId, boolean deleteAll) {
        mutate(tenant, id, null, current -> {
            Entity e = requireExists(current, id);
            if (deleteAll) {
                if (!e.attributes().containsKey(name)) {
                    throw attributeNotFound(id, name, null);
                }
                return e.withAttribute(name, List.of());
            }
            List<Attribute> remaining = new ArrayList<>();
            boolean found = false;
            for (Attribute a : e.instances(name)) {
                if (Objects.equals(a.datasetId(), datasetId)) {
                    found = true;
                } else {
                    remaining.add(a);
                }
            }
            if (!found) {
                throw attributeNotFound(id, name, datasetId);
            }
            return e.withAttribute(name, remaining);
        });
    }

    /**
     * Merge-patch of an entity (PATCH /entities/{id}, clause 5.6.17): types are added, new attributes appended,
     * existing ones merged member by member, and attributes or sub-attributes whose value is {@link Ngsi#NULL_URN}
     * deleted.
     */
    public void merge(TenantId tenant, EntityId id, List<String> types, Map<String, List<Attribute>> fragment) {
        mutate(tenant, id, null, current -> mergeInto(requireExists(current, id), types, fragment));
    }

    // ---------------------------------------------------------------- batch writes

    /** Batch create: every entity is created unless its id exists (AlreadyExists for that one). */
    public BatchResult batchCreate(TenantId tenant, List<Entity> entities) {
        List<BatchOp> ops = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            ops.add(new BatchOp(e.id(), null, current -> {
                if (current != null) {
                    throw alreadyExists(e.id());
                }
                return e;
            }));
        }
        return batch(tenant, ops);
    }

    /**
     * Batch upsert: entities that do not exist are created; existing ones are replaced, or with {@code
     * updateOnly} have the given attributes appended (replacing instances of the same datasetId).
     */
    public BatchResult batchUpsert(TenantId tenant, List<Entity> entities, boolean updateOnly) {
        List<BatchOp> ops = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            ops.add(new BatchOp(e.id(), updateOnly ? null : ChangeKind.REPLACED, current -> {
                if (current == null || !updateOnly) {
                    return e; // stamping keeps the createdAt of the entity and of attributes it replaces
                }
                return addTypes(current, e.types()).withInstances(e.attributes());
            }));
        }
        return batch(tenant, ops);
    }

    /**
     * Batch update: the attributes of each existing entity are appended (or with {@code noOverwrite} only the new
     * ones added); ResourceNotFound for entities that do not exist.
     */
    public BatchResult batchUpdate(TenantId tenant, List<Entity> entities, boolean noOverwrite) {
        List<BatchOp> ops = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            ops.add(new BatchOp(e.id(), null, current -> {
                Entity next = requireExists(current, e.id());
                if (!noOverwrite) {
                    return next.withInstances(e.attributes());
                }
                for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
                    for (Attribute inst : a.getValue()) {
                        if (next.instance(a.getKey(), inst.datasetId()).isEmpty()) {
                            next = next.withInstance(a.getKey(), inst);
                        }
                    }
                }
                return next;
            }));
        }
        return batch(tenant, ops);
    }

    /** Batch merge: each entity merge-patched as by {@link #merge}. */
    public BatchResult batchMerge(TenantId tenant, List<Entity> entities) {
        List<BatchOp> ops = new ArrayList<>(entities.size());
        for (Entity e : entities) {
            ops.add(new BatchOp(
                    e.id(), null, current -> mergeInto(requireExists(current, e.id()), e.types(), e.attributes())));
        }
        return batch(tenant, ops);
    }

    /** Batch delete: ResourceNotFound for ids that do not exist. */
    public BatchResult batchDelete(TenantId tenant, List<EntityId> ids) {
        List<BatchOp> ops = new ArrayList<>(ids.size());
        for (EntityId id : ids) {
            ops.add(new BatchOp(id, null, current -> {
                requireExists(current, id);
                return null;
            }));
        }
        return batch(tenant, ops);
    }

    // ---------------------------------------------------------------- the write engine

    /** Computes the next state of one entity from its current state (null: absent); null deletes. */
    @FunctionalInterface
    private interface Op {
        @Nullable
        Entity apply(@Nullable Entity current);
    }

    private record BatchOp(EntityId id, @Nullable ChangeKind kind, Op op) {}

    private Entity mutate(TenantId tenant, EntityId id, @Nullable ChangeKind kind, Op op) {
        ReentrantLock lock = lockFor(tenant, id);
        lock.lock();
        try {
            TenantTwin tt = tenants.get(tenant);
            Entity current = tt == null ? null : tt.get(id.value());
            Entity next = op.apply(current);
            if (next == current) {
                return Objects.requireNonNull(current);
            }
            Instant now = clock.instant();
            Entity stamped = next == null ? null : stamp(current, next, now);
            awaitDurable(repository.write(List.of(Mutation.of(event(tenant, id, kind, current, stamped, now)))));
            tt = tenants.computeIfAbsent(tenant, TenantTwin::new);
            tt.apply(id.value(), current, stamped);
            return stamped == null ? Objects.requireNonNull(current) : stamped;
        } finally {
            lock.unlock();
        }
    }

    private BatchResult batch(TenantId tenant, List<BatchOp> ops) {
        // lock every stripe involved, in index order so that concurrent batches cannot deadlock
        TreeSet<Integer> stripeIdx = new TreeSet<>();
        for (BatchOp op : ops) {
            stripeIdx.add(stripe(tenant, op.id()));
        }
        List<ReentrantLock> held = new ArrayList<>(stripeIdx.size());
        for (int i : stripeIdx) {
            locks[i].lock();
            held.add(locks[i]);
        }
        try {
            TenantTwin tt = tenants.get(tenant);
            Instant now = clock.instant();
            Map<EntityId, Optional<Entity>> working = new HashMap<>();
            Map<EntityId, Entity> original = new HashMap<>();
            Set<EntityId> existedBefore = new HashSet<>();
            LinkedHashMap<EntityId, ChangeKind> kinds = new LinkedHashMap<>();
            List<EntityId> success = new ArrayList<>();
            List<EntityId> created = new ArrayList<>();
            List<BatchResult.BatchError> errors = new ArrayList<>();
            for (BatchOp op : ops) {
                Optional<Entity> w = working.get(op.id());
                Entity current;
                if (w == null) {
                    current = tt == null ? null : tt.get(op.id().value());
                    if (current != null) {
                        original.put(op.id(), current);
                        existedBefore.add(op.id());
                    }
                } else {
                    current = w.orElse(null);
                }
                try {
                    Entity next = op.op().apply(current);
                    if (next != current) {
                        working.put(op.id(), Optional.ofNullable(next == null ? null : stamp(current, next, now)));
                        kinds.putIfAbsent(op.id(), op.kind() == null ? ChangeKind.UPDATED : op.kind());
                    }
                    success.add(op.id());
                    if (current == null && next != null && !created.contains(op.id())) {
                        created.add(op.id());
                    }
                } catch (TwinException e) {
                    errors.add(new BatchResult.BatchError(op.id().value(), e));
                }
            }
            if (working.isEmpty()) {
                return new BatchResult(success, created, errors);
            }
            List<Mutation> mutations = new ArrayList<>(working.size());
            List<ChangeEvent> events = new ArrayList<>(working.size());
            for (Map.Entry<EntityId, ChangeKind> k : kinds.entrySet()) {
                Entity next = working.get(k.getKey()).orElse(null);
                Entity before = original.get(k.getKey());
                if (before == null && next == null) {
                    continue; // created and deleted within the batch
                }
                ChangeEvent ev = event(tenant, k.getKey(), k.getValue(), before, next, now);
                mutations.add(Mutation.of(ev));
                events.add(ev);
            }
            try {
                awaitDurable(repository.write(mutations));
            } catch (TwinException e) {
                List<BatchResult.BatchError> all = new ArrayList<>(errors);
                for (EntityId id : success) {
                    all.add(new BatchResult.BatchError(id.value(), e));
                }
                return new BatchResult(List.of(), List.of(), all);
            }
            tt = tenants.computeIfAbsent(tenant, TenantTwin::new);
            for (ChangeEvent ev : events) {
                tt.apply(ev.entityId().value(), ev.previous(), ev.current());
            }
            created.removeIf(id -> existedBefore.contains(id) || working.get(id).isEmpty());
            return new BatchResult(success, created, errors);
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }

    private static ChangeEvent event(
            TenantId tenant,
            EntityId id,
            @Nullable ChangeKind kind,
            @Nullable Entity before,
            @Nullable Entity after,
            Instant now) {
        ChangeKind k;
        if (after == null) {
            k = ChangeKind.DELETED;
        } else if (before == null) {
            k = ChangeKind.CREATED;
        } else {
            k = kind == null ? ChangeKind.UPDATED : kind;
        }
        return new ChangeEvent(tenant, id, k, before, after, changedAttributes(before, after), now);
    }

    /** Attributes whose instance lists are not the very same objects before and after. */
    private static Set<String> changedAttributes(@Nullable Entity before, @Nullable Entity after) {
        Map<String, List<Attribute>> b = before == null ? Map.of() : before.attributes();
        Map<String, List<Attribute>> a = after == null ? Map.of() : after.attributes();
        Set<String> changed = new HashSet<>();
        for (Map.Entry<String, List<Attribute>> e : a.entrySet()) {
            if (b.get(e.getKey()) != e.getValue()) {
                changed.add(e.getKey());
            }
        }
        for (String k : b.keySet()) {
            if (!a.containsKey(k)) {
                changed.add(k);
            }
        }
        return changed;
    }

    /**
     * Sets system times: the entity keeps its createdAt; every attribute instance that carries no modifiedAt (it came
     * from the request) is stamped, keeping the createdAt of the instance it replaces.
     */
    private static Entity stamp(@Nullable Entity current, Entity next, Instant now) {
        LinkedHashMap<String, List<Attribute>> attrs =
                LinkedHashMap.newLinkedHashMap(next.attributes().size());
        for (Map.Entry<String, List<Attribute>> e : next.attributes().entrySet()) {
            List<Attribute> list = e.getValue();
            boolean fresh = false;
            for (Attribute a : list) {
                if (a.modifiedAt() == null) {
                    fresh = true;
                    break;
                }
            }
            if (!fresh) {
                attrs.put(e.getKey(), list);
                continue;
            }
            List<Attribute> stamped = new ArrayList<>(list.size());
            for (Attribute a : list) {
                if (a.modifiedAt() != null) {
                    stamped.add(a);
                } else {
                    Attribute prev = current == null
                            ? null
                            : current.instance(e.getKey(), a.datasetId()).orElse(null);
                    stamped.add(a.stamped(prev, now));
                }
            }
            attrs.put(e.getKey(), stamped);
        }
        Instant created = current != null && current.createdAt() != null ? current.createdAt() : now;
        return new Entity(next.id(), next.types(), Entity.Owned.of(attrs), created, now);
    }

    private static void awaitDurable(java.util.concurrent.CompletableFuture<Void> f) {
        try {
            f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof TwinException te) {
                throw te;
            }
            throw new TwinException(
                    ErrorType.INTERNAL_ERROR, "store.write-failed", "The change could not be stored", e.getCause());
        }
    }

    private ReentrantLock lockFor(TenantId tenant, EntityId id) {
        return locks[stripe(tenant, id)];
    }

    private static int stripe(TenantId tenant, EntityId id) {
        int h = id.value().hashCode() * 31 + tenant.value().hashCode();
        h ^= h >>> 16;
        return h & (STRIPES - 1);
    }

    // ---------------------------------------------------------------- merge semantics

    private static Entity mergeInto(Entity e, List<String> types, Map<String, List<Attribute>> fragment) {
        Entity next = addTypes(e, types);
        for (Map.Entry<String, List<Attribute>> a : fragment.entrySet()) {
            for (Attribute inst : a.getValue()) {
                Optional<Attribute> old = next.instance(a.getKey(), inst.datasetId());
                if (isNull(inst)) {
                    if (old.isPresent()) {
                        List<Attribute> keep = new ArrayList<>(next.instances(a.getKey()));
                        keep.remove(old.get());
                        next = next.withAttribute(a.getKey(), keep);
                    }
                } else {
                    next = next.withInstance(a.getKey(), old.isPresent() ? merge(old.get(), inst) : inst);
                }
            }
        }
        return next;
    }

    private static Entity addTypes(Entity e, List<String> types) {
        if (e.types().containsAll(types)) {
            return e;
        }
        List<String> all = new ArrayList<>(e.types());
        for (String t : types) {
            addOnce(all, t);
        }
        return e.withTypes(all);
    }

    /** Merges a fragment into an attribute instance: given members win, sub-attributes merge recursively. */
    static Attribute merge(Attribute old, Attribute fragment) {
        Map<String, Attribute> subs = new LinkedHashMap<>(old.subAttributes());
        for (Map.Entry<String, Attribute> s : fragment.subAttributes().entrySet()) {
            Attribute prev = subs.get(s.getKey());
            if (isNull(s.getValue())) {
                subs.remove(s.getKey());
            } else {
                subs.put(s.getKey(), prev == null ? s.getValue() : merge(prev, s.getValue()));
            }
        }
        return new Attribute(
                fragment.kind(),
                fragment.value(),
                fragment.datasetId(),
                fragment.observedAt() != null ? fragment.observedAt() : old.observedAt(),
                fragment.unitCode() != null ? fragment.unitCode() : old.unitCode(),
                subs,
                null,
                null);
    }

    private static boolean isNull(Attribute a) {
        return Ngsi.NULL_URN.equals(a.value())
                || (a.value() instanceof List<?> l && l.size() == 1 && Ngsi.NULL_URN.equals(l.get(0)));
    }

    private static <T> void addOnce(List<T> list, T item) {
        if (!list.contains(item)) {
            list.add(item);
        }
    }

    private static Entity requireExists(@Nullable Entity current, EntityId id) {
        if (current == null) {
            throw entityNotFound(id);
        }
        return current;
    }

    private static TwinException entityNotFound(EntityId id) {
        return TwinException.notFound("entity.not-found", "Entity " + id + " does not exist");
    }

    private static TwinException alreadyExists(EntityId id) {
        return new TwinException(ErrorType.ALREADY_EXISTS, "entity.exists", "Entity " + id + " already exists");
    }

    private static TwinException attributeNotFound(EntityId id, String name, @Nullable String datasetId) {
        return TwinException.notFound(
                "attribute.not-found",
                "Entity " + id + " has no attribute " + name
                        + (datasetId == null ? "" : " with datasetId " + datasetId));
    }
}

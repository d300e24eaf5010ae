package io.citytwin.ingest;

import io.citytwin.command.ReportedValues;
import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.FieldMapping;
import io.citytwin.device.PayloadFormat;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.BatchResult;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/*
 * The ingest pipeline, shared by every protocol adapter (HTTP, embedded MQTT broker, external broker client):
 *
 *   payload --submit--> lane (by device) --decode--> readings --map--> attribute updates --batchUpsert--> twin
 *                                                                                   (returns once durable)
 *
 * Lanes. A device always goes to the same lane (hash of tenant + id), and a lane handles its queue in order, so
 * the readings of one device are applied in the order they arrived. A lane takes everything queued (up to
 * maxBatch payloads) and writes it with as few Twin batch calls as possible: the twin's store commits in groups,
 * so one lane's batch and the other lanes' batches share one durable commit. This is what keeps QoS 1 and HTTP 2xx
 * ("acknowledged only once durable") fast: many payloads per fsync instead of one.
 *
 * Rounds. A batch holds each entity at most once, so that every reading becomes its own change event (and its own
 * history row) instead of being folded into the last one: the k-th update of an entity in a lane batch goes into
 * round k, and rounds are written in order.
 *
 * Health. Each device seen since start has an in-memory state (last seen, counters, a bounded dead-letter deque).
 * The first payload after start or after an offline period also writes deviceState = "online" on its entity; the
 * offline sweep (markOffline, called periodically by the node on its injected clock) writes "offline" for devices
 * silent for longer than the timeout. A change of deviceState is a normal twin change event, so rules and
 * subscriptions see it.
 */
/**
 * Decodes device payloads, maps them onto twin attributes and applies them to the twin; one instance serves every
 * protocol adapter so that HTTP and MQTT ingest identically. Also keeps each device's health and dead letters.
 *
 * <p>Thread-safe. {@link #submit} never blocks (beyond a full lane queue) and completes its future once the change is
 * durable; {@link #ingest} waits for it.
 */
public final class IngestService implements AutoCloseable {
    /** The attribute (expanded) that carries a device's online/offline state on its entity. */
    public static final String DEVICE_STATE = Ngsi.DEFAULT_VOCAB + "deviceState";

    private final Twin twin;
    private final InstantSource clock;
    private final Options options;
    private final IngestListener listener;
    private final Lane[] lanes;
    private final PayloadDecoder json = new JsonPayloadDecoder();
    private final PayloadDecoder compact = new CompactTextDecoder();
    private final Map<Key, DeviceState> states = new ConcurrentHashMap<>();
    private final Map<List<?>, DeviceMapping> mappings = new ConcurrentHashMap<>();
    private final LongAdder messages = new LongAdder();
    private final LongAdder points = new LongAdder();
    private final LongAdder malformed = new LongAdder();
    private final LongAdder fieldErrors = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final Map<List<FieldMapping>, Set<String>> commandAttributes = new ConcurrentHashMap<>();
    private volatile @Nullable ReportedValues reports;
    /** Every device's dead letters in arrival order, to drop the oldest overall beyond the total bound. */
    private final java.util.concurrent.ConcurrentLinkedDeque<Held> allLetters =
            new java.util.concurrent.ConcurrentLinkedDeque<>();

    private final java.util.concurrent.atomic.AtomicInteger heldLetters =
            new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder droppedLetters = new LongAdder();
    private final java.util.concurrent.atomic.AtomicInteger queuedLetters =
            new java.util.concurrent.atomic.AtomicInteger();
    private final LongAdder failedStateWrites = new LongAdder();
    private final java.util.Set<DeviceState> dirty = ConcurrentHashMap.newKeySet();
    private volatile @Nullable DeviceStateStore stateStore;
    private @Nullable Thread flusher;
    private volatile boolean closed;

    /**
     * Tuning of the service.
     *
     * @param lanes how many ordered lanes write in parallel (at least 1)
     * @param queueCapacity payloads a lane queues before {@link #submit} waits
     * @param maxBatch payloads a lane writes in one go
     * @param deadLetters dead letters kept per device (the oldest are dropped)
     * @param offlineAfter silence after which a device is offline
     * @param totalDeadLetters dead letters kept over all devices (the oldest are dropped and counted)
     */
    public record Options(
            int lanes, int queueCapacity, int maxBatch, int deadLetters, Duration offlineAfter, int totalDeadLetters) {
        /**
         * 8 lanes of 10,000 payloads, batches of 1,000, 20 dead letters per device and 100,000 overall, offline after
         * 10 minutes.
         */
        public static final Options DEFAULTS = new Options(8, 10_000, 1_000, 20, Duration.ofMinutes(10), 100_000);

        /** Options with 100,000 dead letters overall. */
        public Options(int lanes, int queueCapacity, int maxBatch, int deadLetters, Duration offlineAfter) {
            this(lanes, queueCapacity, maxBatch, deadLetters, offlineAfter, 100_000);
        }

        public Options {
            if (lanes < 1 || queueCapacity < 1 || maxBatch < 1 || deadLetters < 0 || totalDeadLetters < 0) {
                throw new IllegalArgumentException("lanes, queueCapacity and maxBatch must be >= 1");
            }
            if (offlineAfter.isNegative() || offlineAfter.isZero()) {
                throw new IllegalArgumentException("offlineAfter must be positive");
            }
        }

        /** These options with another offline timeout. */
        public Options withOfflineAfter(Duration d) {
            return new Options(lanes, queueCapacity, maxBatch, deadLetters, d, totalDeadLetters);
        }
    }

    /**
     * Starts the lanes (virtual threads).
     *
     * @param twin where the attributes go
     * @param clock the receive time of payloads and the offline timeout
     * @param options tuning
     * @param listener told about every outcome (metrics)
     */
    public IngestService(Twin twin, InstantSource clock, Options options, IngestListener listener) {
        this.twin = twin;
        this.clock = clock;
        this.options = options;
        this.listener = listener;
        this.lanes = new Lane[options.lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i);
        }
    }

    /** A service with the default options and no listener. */
    public IngestService(Twin twin, InstantSource clock) {
        this(twin, clock, Options.DEFAULTS, IngestListener.NONE);
    }

    /**
     * Queues one payload of {@code device}. The future completes (never exceptionally) with the outcome; for an
     * {@link IngestOutcome.Applied} one only after the change is durable.
     *
     * @param payload the payload; the service keeps it, the caller must not change it afterwards
     */
    public CompletableFuture<IngestOutcome> submit(Device device, Channel channel, byte[] payload) {
        CompletableFuture<IngestOutcome> done = new CompletableFuture<>();
        if (closed) {
            done.complete(new IngestOutcome.Failed(closedError()));
            return done;
        }
        Job job = new Job(device, channel, payload, clock.instant(), System.nanoTime(), done);
        Lane lane = lanes[
                Math.floorMod(device.tenant().hashCode() * 31 + device.id().hashCode(), lanes.length)];
        try {
            lane.queue.put(job);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done.complete(new IngestOutcome.Failed(closedError()));
        }
        return done;
    }

    /**
     * Notes every value a device reports for one of its command attributes in {@code values} before it is written,
     * so that the command service can tell the device's own changes from an operator's.
     */
    public void reportCommandsTo(ReportedValues values) {
        this.reports = values;
    }

    /**
     * Keeps device health and dead letters in {@code store}: loads what it holds now (health of devices that have not
     * sent since, dead letters) and from then on writes the health of every device that changed in one batch every
     * {@code every} (and on {@link #close}), never per message; new dead letters go sooner, within a second (or
     * {@code every}, when shorter), with their devices' health. Call once, before payloads arrive.
     */
    public synchronized void persistTo(DeviceStateStore store, Duration every) {
        if (stateStore != null) {
            throw new IllegalStateException("already persisting");
        }
        DeviceStateStore.Snapshot snap = store.load(options.deadLetters());
        for (DeviceStateStore.HealthRow h : snap.health()) {
            DeviceState s = new DeviceState(h.tenant(), h.entityId(), h.entityType());
            s.restore(h.health());
            s.key = new Key(h.tenant(), h.device());
            states.putIfAbsent(new Key(h.tenant(), h.device()), s);
        }
        for (DeviceStateStore.LetterRow l : snap.letters()) {
            DeviceState s = states.get(new Key(l.tenant(), l.device()));
            if (s != null) {
                hold(new Key(l.tenant(), l.device()), s, l.letter(), false);
            }
        }
        dirty.clear();
        stateStore = store;
        long millis = Math.max(10, every.toMillis());
        long tick = Math.min(millis, 1_000);
        flusher = Thread.ofVirtual().name("citytwin-device-health").start(() -> {
            long lastFull = System.nanoTime();
            while (!closed) {
                try {
                    Thread.sleep(tick);
                } catch (InterruptedException e) {
                    if (closed) {
                        break;
                    }
                }
                boolean full = System.nanoTime() - lastFull >= (millis - tick / 2) * 1_000_000;
                if (full) {
                    lastFull = System.nanoTime();
                }
                flush(full);
            }
        });
    }

    /**
     * Writes the health and new dead letters of every device that changed since the last call to the store (one
     * batch); nothing without a store. Called periodically; a failed write is retried with the next batch.
     */
    public void flushState() {
        flush(true);
    }

    /**
     * Writes the changes of every changed device ({@code all}) or only of those with new dead letters. The health
     * of a device that sends goes into the store once per call at most, so the writes are bounded by the devices and
     * the interval, not by the message rate (profiled at 3,000 messages/s of 10,000 devices with a write a second:
     * ~7 % of the node's Java samples).
     */
    private void flush(boolean all) {
        DeviceStateStore store = stateStore;
        if (store == null || dirty.isEmpty()) {
            return;
        }
        List<DeviceStateStore.HealthRow> health = new ArrayList<>();
        List<DeviceStateStore.LetterRow> letters = new ArrayList<>();
        List<DeviceState> taken = new ArrayList<>();
        for (java.util.Iterator<DeviceState> it = dirty.iterator(); it.hasNext(); ) {
            DeviceState s = it.next();
            if (all || s.hasUnsaved()) {
                it.remove();
                taken.add(s);
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        for (DeviceState s : taken) {
            Key key = s.key();
            if (key == null || states.get(key) != s) {
                continue; // forgotten meanwhile
            }
            health.add(new DeviceStateStore.HealthRow(key.tenant, key.id, s.entityId, s.entityType, s.health()));
            for (DeadLetter l : s.takeUnsaved()) {
                letters.add(new DeviceStateStore.LetterRow(key.tenant, key.id, l));
            }
        }
        try {
            store.save(health, letters, options.deadLetters(), options.totalDeadLetters());
        } catch (RuntimeException e) {
            for (DeviceState s : taken) {
                s.returnUnsaved(letters);
                dirty.add(s);
            }
            failedStateWrites.increment();
        }
    }

    /** Dead letters dropped because a device or the node held too many (the oldest go). */
    public long droppedDeadLetters() {
        return droppedLetters.sum();
    }

    /** Entries in the overall dead-letter order, stale ones included (tests: it stays O(total)). */
    int letterQueueSize() {
        return queuedLetters.get();
    }

    /** Failed batch writes of device health (retried with the next batch). */
    public long failedHealthWrites() {
        return failedStateWrites.sum();
    }

    /** {@link #submit} and wait for the outcome. */
    public IngestOutcome ingest(Device device, Channel channel, byte[] payload) {
        return submit(device, channel, payload).join();
    }

    /**
     * Records a payload that a protocol adapter refused before ingesting it (over the size or rate limit): it counts
     * as a device error and goes to the dead-letter record with {@code reason}.
     */
    public void refused(Device device, Channel channel, byte[] payload, String reason) {
        refused.increment();
        DeviceState s = state(device);
        Instant now = clock.instant();
        s.seen(now);
        error(device, s, new DeadLetter(now, channel, reason, payload.length, excerpt(payload)));
    }

    /** The health of a device, if it sent anything since the node started. */
    public Optional<DeviceHealth> health(TenantId tenant, DeviceId id) {
        DeviceState s = states.get(new Key(tenant, id));
        return s == null ? Optional.empty() : Optional.of(s.health());
    }

    /** The dead letters of a device, oldest first (empty when it has none). */
    public List<DeadLetter> deadLetters(TenantId tenant, DeviceId id) {
        DeviceState s = states.get(new Key(tenant, id));
        return s == null ? List.of() : s.deadLetters();
    }

    /** Forgets a device's health and dead letters (after it was deleted). */
    public void forget(TenantId tenant, DeviceId id) {
        DeviceState s = states.remove(new Key(tenant, id));
        if (s != null) {
            heldLetters.addAndGet(-s.letterCount());
        }
        DeviceStateStore store = stateStore;
        if (store != null) {
            store.forget(tenant, id);
        }
    }

    /**
     * Marks online devices that have been silent for longer than the offline timeout as offline, writing {@code
     * deviceState = "offline"} on their entities. Call periodically (the node does, every few seconds).
     *
     * @return how many devices went offline
     */
    public int markOffline() {
        Instant now = clock.instant();
        Instant limit = now.minus(options.offlineAfter());
        int n = 0;
        for (DeviceState s : states.values()) {
            if (s.goOfflineIfSilentSince(limit)) {
                n++;
                dirty.add(s);
                Entity e = new Entity(
                        s.entityId,
                        List.of(s.entityType),
                        Map.of(DEVICE_STATE, List.of(stateAttribute("offline", now))),
                        null,
                        null);
                try {
                    twin.batchUpsert(s.tenant, List.of(e), true);
                } catch (TwinException ex) {
                    failed.increment();
                }
            }
        }
        return n;
    }

    /** Payloads received (including refused and malformed ones). */
    public long messages() {
        return messages.sum() + refused.sum();
    }

    /** Readings applied to the twin (data points). */
    public long points() {
        return points.sum();
    }

    /** Payloads that could not be decoded. */
    public long malformed() {
        return malformed.sum();
    }

    /** Fields that could not be mapped. */
    public long fieldErrors() {
        return fieldErrors.sum();
    }

    /** Payloads whose twin write failed. */
    public long failed() {
        return failed.sum();
    }

    /** Payloads refused by an adapter's limits. */
    public long refusedCount() {
        return refused.sum();
    }

    /** Payloads queued and not yet handled, all lanes. */
    public int queueDepth() {
        int n = 0;
        for (Lane l : lanes) {
            n += l.queue.size();
        }
        return n;
    }

    /** Stops the lanes after they handled what is queued, then writes the device health one last time. */
    @Override
    public void close() {
        closed = true;
        for (Lane l : lanes) {
            l.thread.interrupt();
        }
        for (Lane l : lanes) {
            try {
                l.thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        Thread f = flusher;
        if (f != null) {
            f.interrupt();
            try {
                f.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flushState();
    }

    // ---------------------------------------------------------------- the lanes

    private record Key(TenantId tenant, DeviceId id) {}

    private record Job(
            Device device,
            Channel channel,
            byte[] payload,
            Instant receivedAt,
            long startNanos,
            CompletableFuture<IngestOutcome> done) {}

    /** A job decoded and mapped, waiting for its writes. */
    private static final class Pending {
        final Job job;
        final int readings;
        final List<String> problems;
        int attributes;

        @Nullable
        TwinException error;

        Pending(Job job, int readings, List<String> problems) {
            this.job = job;
            this.readings = readings;
            this.problems = problems;
        }
    }

    private final class Lane implements Runnable {
        final BlockingQueue<Job> queue = new LinkedBlockingQueue<>(options.queueCapacity());
        final Thread thread;

        Lane(int i) {
            thread = Thread.ofVirtual().name("citytwin-ingest-" + i).start(this);
        }

        @Override
        public void run() {
            List<Job> batch = new ArrayList<>(options.maxBatch());
            while (true) {
                try {
                    Job first = closed ? queue.poll() : queue.poll(1, TimeUnit.SECONDS);
                    if (first == null) {
                        if (closed) {
                            return;
                        }
                        continue;
                    }
                    batch.add(first);
                    queue.drainTo(batch, options.maxBatch() - 1);
                } catch (InterruptedException e) {
                    if (!closed) {
                        continue;
                    }
                    Thread.interrupted();
                    continue;
                }
                try {
                    handle(batch);
                } catch (RuntimeException e) {
                    TwinException err = e instanceof TwinException te
                            ? te
                            : new TwinException(ErrorType.INTERNAL_ERROR, "ingest.failed", "Ingest failed", e);
                    for (Job j : batch) {
                        finish(j, new IngestOutcome.Failed(err));
                    }
                }
                batch.clear();
            }
        }
    }

    private void handle(List<Job> batch) {
        // per tenant: rounds of entity updates, each entity at most once per round
        Map<TenantId, List<List<Entity>>> rounds = new LinkedHashMap<>();
        Map<TenantId, Map<EntityId, Integer>> depth = new HashMap<>();
        Map<Entity, Pending> owner = new java.util.IdentityHashMap<>();
        List<Pending> pending = new ArrayList<>(batch.size());
        for (Job job : batch) {
            messages.increment();
            DeviceState st = state(job.device);
            st.seen(job.receivedAt);
            PayloadDecoder decoder = job.device.format() == PayloadFormat.JSON ? json : compact;
            DecodeResult decoded = decoder.decode(job.payload, 0, job.payload.length);
            if (decoded instanceof DecodeResult.Rejected rej) {
                malformed.increment();
                String reason = "not valid " + job.device.format() + " at byte " + rej.position() + ": " + rej.reason();
                error(job.device, st, dead(job, reason));
                finish(job, new IngestOutcome.Malformed(reason));
                continue;
            }
            List<Reading> readings = ((DecodeResult.Decoded) decoded).readings();
            DeviceMapping mapping = mapping(job.device, job.channel);
            List<String> problems = new ArrayList<>(0);
            Set<String> commandAttrs = commandAttributes(job.device);
            Pending p = new Pending(job, readings.size(), problems);
            pending.add(p);
            boolean any = false;
            for (Reading reading : readings) {
                MappingResult m = mapping.apply(reading, job.receivedAt);
                problems.addAll(m.problems());
                Map<String, List<Attribute>> attrs = m.attributes();
                if (attrs.isEmpty()) {
                    continue;
                }
                if (job.channel == Channel.ATTRS) {
                    attrs = withoutObservedAt(attrs);
                }
                if (commandAttrs != null && !commandAttrs.isEmpty()) {
                    noteCommands(job.device, commandAttrs, attrs);
                }
                if (!any && st.comeOnline()) {
                    // observed when the reading that brought it back was (receipt only without a device time): a
                    // receive-time stamp would move the rules' event-time watermark to the wall clock whenever
                    // devices upload old readings (a backfill, a replay, a gateway's buffer)
                    Instant onlineAt = observedAt(attrs, job.receivedAt);
                    attrs = new LinkedHashMap<>(attrs);
                    attrs.put(DEVICE_STATE, List.of(stateAttribute("online", onlineAt)));
                }
                any = true;
                p.attributes += attrs.size();
                Entity e = new Entity(job.device.entityId(), List.of(job.device.entityType()), attrs, null, null);
                TenantId tenant = job.device.tenant();
                int round = depth.computeIfAbsent(tenant, t -> new HashMap<>()).merge(e.id(), 1, Integer::sum) - 1;
                List<List<Entity>> tr = rounds.computeIfAbsent(tenant, t -> new ArrayList<>());
                while (tr.size() <= round) {
                    tr.add(new ArrayList<>());
                }
                tr.get(round).add(e);
                owner.put(e, p);
            }
            if (!problems.isEmpty()) {
                fieldErrors.add(problems.size());
                error(
                        job.device,
                        st,
                        any ? null : dead(job, "no field could be mapped: " + String.join("; ", problems)));
            }
        }
        for (Map.Entry<TenantId, List<List<Entity>>> t : rounds.entrySet()) {
            for (List<Entity> round : t.getValue()) {
                try {
                    BatchResult result = twin.batchUpsert(t.getKey(), round, true);
                    if (!result.errors().isEmpty()) {
                        Map<String, TwinException> byId = new HashMap<>();
                        for (BatchResult.BatchError err : result.errors()) {
                            byId.put(err.entityId(), err.error());
                        }
                        for (Entity e : round) {
                            TwinException err = byId.get(e.id().value());
                            if (err != null) {
                                owner.get(e).error = err;
                            }
                        }
                    }
                } catch (TwinException ex) {
                    for (Entity e : round) {
                        owner.get(e).error = ex;
                    }
                }
            }
        }
        for (Pending p : pending) {
            if (p.error != null) {
                failed.increment();
                error(p.job.device, state(p.job.device), dead(p.job, "twin write failed: " + p.error.detail()));
                finish(p.job, new IngestOutcome.Failed(p.error));
            } else {
                if (p.job.channel == Channel.TELEMETRY && p.attributes > 0) {
                    points.add(p.readings);
                }
                finish(p.job, new IngestOutcome.Applied(p.readings, p.attributes, p.problems));
            }
        }
    }

    /** The command attributes of a device's mapping, or null when nothing notes reports (once per payload). */
    private @Nullable Set<String> commandAttributes(Device device) {
        if (reports == null || device.mapping().isEmpty()) {
            return null;
        }
        return commandAttributes.computeIfAbsent(device.mapping(), m -> {
            Set<String> names = new HashSet<>();
            for (FieldMapping f : m) {
                if (f.command()) {
                    names.add(f.attribute());
                }
            }
            return Set.copyOf(names);
        });
    }

    private void noteCommands(Device device, Set<String> commands, Map<String, List<Attribute>> attrs) {
        ReportedValues r = reports;
        if (r == null) {
            return;
        }
        for (String name : commands) {
            List<Attribute> inst = attrs.get(name);
            if (inst != null) {
                for (Attribute a : inst) {
                    r.reported(device.tenant(), device.entityId(), name, a.value(), a.observedAt());
                }
            }
        }
    }

    private void finish(Job job, IngestOutcome outcome) {
        try {
            listener.completed(job.device, job.channel, outcome, System.nanoTime() - job.startNanos);
        } finally {
            job.done.complete(outcome);
        }
    }

    /**
     * Telemetry fields without a mapping pass through only for devices without any mapping; static attributes
     * always pass through (a mapping still renames and converts the fields it names).
     */
    private DeviceMapping mapping(Device device, Channel channel) {
        // devices of one kind share their mapping list: build the validated mapping once per distinct list
        boolean passThrough = channel == Channel.ATTRS || device.mapping().isEmpty();
        return mappings.computeIfAbsent(
                List.of(passThrough, device.mapping()), k -> DeviceMapping.of(device.mapping(), passThrough));
    }

    private DeviceState state(Device device) {
        Key key = new Key(device.tenant(), device.id());
        DeviceState s = states.get(key);
        if (s == null) {
            s = states.computeIfAbsent(
                    key, k -> new DeviceState(device.tenant(), device.entityId(), device.entityType()));
        }
        s.use(key, device); // registration changed (entity, type): keep health, use the current registration
        dirty.add(s);
        return s;
    }

    /* Bounds: per device in DeviceState; overall by the arrival order of every held letter (oldest dropped first). */
    private void error(Device device, DeviceState s, @Nullable DeadLetter letter) {
        s.error();
        if (letter != null) {
            hold(new Key(device.tenant(), device.id()), s, letter, true);
        }
    }

    private void hold(Key key, DeviceState s, DeadLetter letter, boolean unsaved) {
        if (options.deadLetters() == 0 || options.totalDeadLetters() == 0) {
            droppedLetters.increment();
            return;
        }
        DeadLetter droppedOwn = s.addLetter(letter, options.deadLetters(), unsaved);
        if (droppedOwn != null) {
            droppedLetters.increment(); // its entry in allLetters goes stale and is skipped or compacted away
        } else {
            heldLetters.incrementAndGet();
        }
        allLetters.addLast(new Held(key, letter));
        if (queuedLetters.incrementAndGet() > 2L * options.totalDeadLetters() + 1_024) {
            compactLetters();
        }
        while (heldLetters.get() > options.totalDeadLetters()) {
            Held oldest = allLetters.pollFirst();
            if (oldest == null) {
                break;
            }
            queuedLetters.decrementAndGet();
            DeviceState owner = states.get(oldest.key);
            if (owner != null && owner.removeLetter(oldest.letter)) {
                heldLetters.decrementAndGet();
                droppedLetters.increment();
            }
        }
    }

    /*
     * allLetters keeps an entry per letter ever held; entries of letters a device already dropped (its own bound) or
     * of forgotten devices are stale. Dropping them whenever the deque reaches twice the total bound keeps it
     * O(total) in size at an amortized O(1) cost per letter (one pass per `total` additions).
     */
    private void compactLetters() {
        synchronized (allLetters) {
            for (java.util.Iterator<Held> it = allLetters.iterator(); it.hasNext(); ) {
                Held h = it.next();
                DeviceState owner = states.get(h.key);
                if (owner == null || !owner.holds(h.letter)) {
                    it.remove();
                    queuedLetters.decrementAndGet();
                }
            }
        }
    }

    private record Held(Key key, DeadLetter letter) {}

    private static DeadLetter dead(Job job, String reason) {
        return new DeadLetter(job.receivedAt, job.channel, reason, job.payload.length, excerpt(job.payload));
    }

    private static String excerpt(byte[] payload) {
        int n = Math.min(payload.length, DeadLetter.EXCERPT_BYTES);
        try {
            CharBuffer chars = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(payload, 0, n));
            return chars.toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return ""; // cannot happen with REPLACE
        }
    }

    private static Map<String, List<Attribute>> withoutObservedAt(Map<String, List<Attribute>> attrs) {
        Map<String, List<Attribute>> out = LinkedHashMap.newLinkedHashMap(attrs.size());
        for (Map.Entry<String, List<Attribute>> e : attrs.entrySet()) {
            List<Attribute> inst = new ArrayList<>(e.getValue().size());
            for (Attribute a : e.getValue()) {
                inst.add(new Attribute(
                        a.kind(),
                        a.value(),
                        a.datasetId(),
                        null,
                        a.unitCode(),
                        a.subAttributes(),
                        a.createdAt(),
                        a.modifiedAt()));
            }
            out.put(e.getKey(), inst);
        }
        return out;
    }

    /** The newest observedAt among {@code attrs}' instances, or {@code fallback} when none has one. */
    private static Instant observedAt(Map<String, List<Attribute>> attrs, Instant fallback) {
        Instant t = null;
        for (List<Attribute> instances : attrs.values()) {
            for (Attribute a : instances) {
                Instant o = a.observedAt();
                if (o != null && (t == null || o.isAfter(t))) {
                    t = o;
                }
            }
        }
        return t == null ? fallback : t;
    }

    private static Attribute stateAttribute(String value, Instant at) {
        return new Attribute(AttributeKind.PROPERTY, value, null, at, null, Map.of(), null, null);
    }

    private static TwinException closedError() {
        return new TwinException(ErrorType.INTERNAL_ERROR, "ingest.closed", "The ingest service is stopped");
    }

    /** The mutable health of one device; its own monitor guards the state changes. */
    private static final class DeviceState {
        volatile TenantId tenant;
        volatile EntityId entityId;
        volatile String entityType;
        private volatile @Nullable Key key;
        private DeviceHealth.State state = DeviceHealth.State.UNKNOWN;
        /*
         * Last seen as epoch second and nano, not an Instant: this object lives long (the old generation) and is
         * written on every message, and storing a new (young) object into an old one dirties a card that the next
         * young collection must scan, besides the collector's slow write-barrier path. NONE = never seen.
         */
        private static final long NONE = Long.MIN_VALUE;

        private long lastSeenSecond = NONE;
        private int lastSeenNano;
        private long messages;
        private long errors;
        private final ArrayDeque<DeadLetter> dead = new ArrayDeque<>();
        private final List<DeadLetter> unsaved = new ArrayList<>();

        DeviceState(TenantId tenant, EntityId entityId, String entityType) {
            this.tenant = tenant;
            this.entityId = entityId;
            this.entityType = entityType;
        }

        void use(Key k, Device device) {
            if (key == null) {
                key = k;
            }
            if (!device.entityId().equals(entityId) || !device.entityType().equals(entityType)) {
                entityId = device.entityId();
                entityType = device.entityType();
            }
        }

        @Nullable
        Key key() {
            Key k = key;
            return k;
        }

        synchronized void restore(DeviceHealth h) {
            state = h.state();
            Instant seen = h.lastSeen();
            lastSeenSecond = seen == null ? NONE : seen.getEpochSecond();
            lastSeenNano = seen == null ? 0 : seen.getNano();
            messages = h.messages();
            errors = h.errors();
        }

        synchronized void seen(Instant at) {
            messages++;
            long second = at.getEpochSecond();
            int nano = at.getNano();
            if (lastSeenSecond == NONE
                    || second > lastSeenSecond
                    || (second == lastSeenSecond && nano > lastSeenNano)) {
                lastSeenSecond = second;
                lastSeenNano = nano;
            }
        }

        /** Whether this call turned the device online (and so the caller writes deviceState). */
        synchronized boolean comeOnline() {
            if (state == DeviceHealth.State.ONLINE) {
                return false;
            }
            state = DeviceHealth.State.ONLINE;
            return true;
        }

        synchronized boolean goOfflineIfSilentSince(Instant limit) {
            if (state != DeviceHealth.State.ONLINE
                    || lastSeenSecond == NONE
                    || Instant.ofEpochSecond(lastSeenSecond, lastSeenNano).isAfter(limit)) {
                return false;
            }
            state = DeviceHealth.State.OFFLINE;
            return true;
        }

        synchronized void error() {
            errors++;
        }

        /** Adds a letter; returns the device's oldest letter if the per-device bound dropped it. */
        synchronized @Nullable DeadLetter addLetter(DeadLetter letter, int capacity, boolean isUnsaved) {
            DeadLetter dropped = null;
            if (dead.size() >= capacity) {
                dropped = dead.removeFirst();
                unsaved.remove(dropped);
            }
            dead.addLast(letter);
            if (isUnsaved) {
                unsaved.add(letter);
            }
            return dropped;
        }

        synchronized boolean holds(DeadLetter letter) {
            return dead.contains(letter);
        }

        synchronized boolean removeLetter(DeadLetter letter) {
            unsaved.remove(letter);
            return dead.removeFirstOccurrence(letter);
        }

        synchronized int letterCount() {
            return dead.size();
        }

        synchronized boolean hasUnsaved() {
            return !unsaved.isEmpty();
        }

        synchronized List<DeadLetter> takeUnsaved() {
            List<DeadLetter> out = List.copyOf(unsaved);
            unsaved.clear();
            return out;
        }

        /** Puts letters of a failed save back (only this device's, still held, in order). */
        synchronized void returnUnsaved(List<DeviceStateStore.LetterRow> rows) {
            List<DeadLetter> back = new ArrayList<>();
            for (DeviceStateStore.LetterRow r : rows) {
                Key k = key;
                if (k != null && r.tenant().equals(k.tenant) && r.device().equals(k.id) && dead.contains(r.letter())) {
                    back.add(r.letter());
                }
            }
            unsaved.addAll(0, back);
        }

        synchronized DeviceHealth health() {
            return new DeviceHealth(
                    state,
                    lastSeenSecond == NONE ? null : Instant.ofEpochSecond(lastSeenSecond, lastSeenNano),
                    messages,
                    errors);
        }

        synchronized List<DeadLetter> deadLetters() {
            return List.copyOf(dead);
        }
    }
}

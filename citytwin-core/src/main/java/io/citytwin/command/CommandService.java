package io.citytwin.command;

import io.citytwin.device.Device;
import io.citytwin.device.DeviceId;
import io.citytwin.device.DeviceRegistry;
import io.citytwin.device.FieldMapping;
import io.citytwin.event.ChangeEvent;
import io.citytwin.event.ChangeKind;
import io.citytwin.event.EventLog;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.AttributeKind;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.Ngsi;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/*
 * The life of a command (FIWARE IoT Agent style, recorded NGSI-LD style):
 *
 *   attribute change (event log, consumer "commands")
 *     -> not the device's own (ReportedValues) and the attribute is a command of a device feeding the entity
 *     -> Command PENDING inserted durably (CommandStore); only then the log offset is committed, so a crash before
 *        the insert replays the change, and the command id (a name-based UUID of the offset, device and name) makes
 *        the replay idempotent
 *     -> handed to the device by a transport (MQTT publish when it is subscribed; HTTP devices poll) -> DELIVERED
 *     -> the device acknowledges with the id -> OK / ERROR (+ info)
 *     -> or nothing happens before expiresAt (issuedAt + expiry) -> EXPIRED
 *
 * Every status change is written to the store, then to the entity as the Property "<attribute>_status" (value: the
 * status; sub-Properties commandId and info; observedAt: when the status changed), so rules, subscriptions and the
 * temporal API see it. A device's open commands are bounded (queuePerDevice): a new command supersedes a pending
 * (undelivered) one with the same name, and when the queue is still full the oldest expires ("queue full").
 * A device that (re)subscribes gets every open command again (at least once; devices deduplicate by id).
 *
 * Concurrency: state changes run under one lock (commands are operator-paced, not telemetry-paced); the consumer's
 * pre-filter (is any changed attribute a command attribute anywhere?) takes no lock, so ordinary telemetry costs a
 * few hash lookups per event.
 */
/**
 * Issues, delivers, records and expires commands to devices; see the package documentation. Thread-safe.
 */
public final class CommandService implements AutoCloseable {
    /** The name under which the service consumes and commits on the event log. */
    public static final String CONSUMER = "commands";
    /** Appended to a command attribute's name for the attribute holding the command status. */
    public static final String STATUS_SUFFIX = "_status";
    /** Sub-Property of the status attribute: the command id. */
    public static final String COMMAND_ID = Ngsi.DEFAULT_VOCAB + "commandId";
    /** Sub-Property of the status attribute: the explanation of the status, when there is one. */
    public static final String INFO = Ngsi.DEFAULT_VOCAB + "info";

    /**
     * Tuning.
     *
     * @param expiry how long a command may stay unacknowledged (from its issue) before it expires
     * @param queuePerDevice the most open commands per device (at least 1)
     * @param keepFinished how long finished commands are kept in the store (for late acknowledgements and the API)
     */
    public record Options(Duration expiry, int queuePerDevice, Duration keepFinished) {
        /** Expire after 5 minutes, 100 open commands per device, finished ones kept a day. */
        public static final Options DEFAULTS = new Options(Duration.ofMinutes(5), 100, Duration.ofDays(1));

        public Options {
            if (expiry.isNegative() || expiry.isZero() || queuePerDevice < 1 || keepFinished.isNegative()) {
                throw new IllegalArgumentException("expiry must be positive and queuePerDevice at least 1");
            }
        }
    }

    /** What became of an acknowledgement. */
    public enum AckResult {
        /** The command was open; its status is now OK or ERROR. */
        RECORDED,
        /** The command had already finished (expired, or acknowledged before); nothing changed. */
        FINISHED,
        /** No such command of this device. */
        UNKNOWN
    }

    private record DeviceKey(TenantId tenant, DeviceId device) {}

    private record EntityKey(TenantId tenant, EntityId entity) {}

    private final EventLog log;
    private final Twin twin;
    private final CommandStore store;
    private final DeviceRegistry registry;
    private final ReportedValues reported;
    private final InstantSource clock;
    private final Options options;
    private final BiConsumer<String, @Nullable Throwable> problems;
    private final Map<EntityKey, List<Device>> byEntity = new ConcurrentHashMap<>();
    private final Map<DeviceKey, Device> devices = new ConcurrentHashMap<>();
    private final Map<String, Integer> commandAttributes = new ConcurrentHashMap<>();
    private final Map<DeviceKey, List<Command>> open = new HashMap<>(); // guarded by lock
    private final List<CommandTransport> transports = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final ExecutorService callbacks = Executors.newVirtualThreadPerTaskExecutor();
    private final LongAdder issued = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private EventLog.@Nullable Subscription subscription;
    private @Nullable Thread sweeper;
    private volatile boolean closed;
    private volatile long processed;

    /**
     * @param reported what devices reported for their command attributes (shared with the ingest pipeline)
     * @param problems told (message, cause) about failed writes and overruns; never throws into the log
     */
    public CommandService(
            EventLog log,
            Twin twin,
            CommandStore store,
            DeviceRegistry registry,
            ReportedValues reported,
            InstantSource clock,
            Options options,
            BiConsumer<String, @Nullable Throwable> problems) {
        this.log = Objects.requireNonNull(log);
        this.twin = Objects.requireNonNull(twin);
        this.store = Objects.requireNonNull(store);
        this.registry = Objects.requireNonNull(registry);
        this.reported = Objects.requireNonNull(reported);
        this.clock = Objects.requireNonNull(clock);
        this.options = Objects.requireNonNull(options);
        this.problems = Objects.requireNonNull(problems);
    }

    /**
     * Loads the command devices and the open commands, then consumes the event log from the last commit (or its end
     * for a new node); with {@code sweepEvery} non-null, also expires due commands on a daemon thread at that period.
     */
    public CommandService start(@Nullable Duration sweepEvery) {
        synchronized (lock) {
            if (subscription != null) {
                throw new IllegalStateException("already started");
            }
            for (Device d : registry.withCommands()) {
                index(d);
            }
            for (Command c : store.open()) {
                open.computeIfAbsent(new DeviceKey(c.tenant(), c.device()), k -> new ArrayList<>())
                        .add(c);
            }
            long from = log.committed(CONSUMER).orElse(log.endOffset());
            processed = from;
            EventLog.Subscription[] self = new EventLog.Subscription[1];
            subscription = self[0] = log.subscribe(CONSUMER, from, new EventLog.Consumer() {
                @Override
                public void accept(long firstOffset, List<ChangeEvent> events) {
                    consume(firstOffset, events);
                    EventLog.Subscription me = self[0];
                    if (me != null) { // null only while subscribe() has not returned: a later commit covers this
                        me.commit(firstOffset + events.size());
                    }
                    processed = firstOffset + events.size();
                }

                @Override
                public void overrun(long fromOffset, long toOffset) {
                    problems.accept(
                            "commands fell behind the event log: changes " + fromOffset + " to " + toOffset
                                    + " issued no commands",
                            null);
                }
            });
        }
        if (sweepEvery != null) {
            long millis = Math.max(10, sweepEvery.toMillis());
            sweeper = Thread.ofPlatform()
                    .daemon()
                    .name("citytwin-command-expiry")
                    .start(() -> {
                        while (!closed) {
                            try {
                                Thread.sleep(millis);
                                expireDue();
                            } catch (InterruptedException e) {
                                return;
                            } catch (RuntimeException e) {
                                problems.accept("command expiry failed", e);
                            }
                        }
                    });
        }
        return this;
    }

    /** Adds a way to reach devices (tried in the order added). */
    public void addTransport(CommandTransport transport) {
        transports.add(transport);
    }

    // ---------------------------------------------------------------- the registry side

    /** A device was registered or changed: commands follow its current mapping. */
    public void deviceChanged(Device device) {
        synchronized (lock) {
            unindex(new DeviceKey(device.tenant(), device.id()));
            index(device);
        }
    }

    /** A device was unregistered: its commands are dropped. */
    public void deviceRemoved(TenantId tenant, DeviceId id) {
        synchronized (lock) {
            DeviceKey key = new DeviceKey(tenant, id);
            unindex(key);
            open.remove(key);
            store.deleteDevice(tenant, id);
        }
    }

    private void index(Device d) {
        if (d.mapping().stream().noneMatch(FieldMapping::command)) {
            return;
        }
        devices.put(new DeviceKey(d.tenant(), d.id()), d);
        byEntity.compute(new EntityKey(d.tenant(), d.entityId()), (k, list) -> {
            List<Device> next = list == null ? new ArrayList<>() : new ArrayList<>(list);
            next.add(d);
            return List.copyOf(next);
        });
        for (FieldMapping m : d.mapping()) {
            if (m.command()) {
                commandAttributes.merge(m.attribute(), 1, Integer::sum);
            }
        }
    }

    private void unindex(DeviceKey key) {
        Device d = devices.remove(key);
        if (d == null) {
            return;
        }
        byEntity.computeIfPresent(new EntityKey(d.tenant(), d.entityId()), (k, list) -> {
            List<Device> next = new ArrayList<>(list);
            next.removeIf(x -> x.id().equals(d.id()));
            return next.isEmpty() ? null : List.copyOf(next);
        });
        for (FieldMapping m : d.mapping()) {
            if (m.command()) {
                commandAttributes.computeIfPresent(m.attribute(), (a, n) -> n <= 1 ? null : n - 1);
            }
        }
    }

    // ---------------------------------------------------------------- issuing

    private void consume(long firstOffset, List<ChangeEvent> events) {
        if (commandAttributes.isEmpty()) {
            return;
        }
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            ChangeEvent e = events.get(i);
            if (e.kind() == ChangeKind.DELETED || !touchesCommand(e)) {
                continue;
            }
            List<Device> feeding = byEntity.get(new EntityKey(e.tenant(), e.entityId()));
            if (feeding != null) {
                commands(firstOffset + i, e, feeding, commands);
            }
        }
        if (commands.isEmpty()) {
            return;
        }
        // durable before the offset is committed: retried until it works or the service stops
        for (long backoff = 100; ; backoff = Math.min(backoff * 2, 5_000)) {
            try {
                issue(commands);
                return;
            } catch (RuntimeException ex) {
                problems.accept("queueing " + commands.size() + " command(s) failed; retrying", ex);
                if (closed) {
                    throw ex; // not committed: replayed after the restart
                }
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw ex;
                }
            }
        }
    }

    private boolean touchesCommand(ChangeEvent e) {
        for (String a : e.changedAttributes()) {
            if (commandAttributes.containsKey(a)) {
                return true;
            }
        }
        return false;
    }

    private void commands(long offset, ChangeEvent e, List<Device> feeding, List<Command> out) {
        Entity current = Objects.requireNonNull(e.current());
        for (Device d : feeding) {
            for (FieldMapping m : d.mapping()) {
                if (!m.command() || !e.changedAttributes().contains(m.attribute())) {
                    continue;
                }
                Optional<Attribute> inst = current.instance(m.attribute(), null);
                if (inst.isEmpty() || !e.at().equals(inst.get().modifiedAt())) {
                    continue; // deleted, or another instance (datasetId) changed
                }
                Attribute a = inst.get();
                if (reported.isReported(e.tenant(), e.entityId(), m.attribute(), a.value(), a.observedAt())) {
                    continue; // the device's own report
                }
                String id = UUID.nameUUIDFromBytes(
                                (offset + "\n" + e.tenant().value() + "\n" + d.id().value() + "\n" + m.deviceField())
                                        .getBytes(StandardCharsets.UTF_8))
                        .toString();
                out.add(new Command(
                        id,
                        e.tenant(),
                        d.id(),
                        e.entityId(),
                        m.attribute(),
                        m.deviceField(),
                        m.toDevice(a.value()),
                        e.at(),
                        e.at().plus(options.expiry()),
                        CommandStatus.PENDING,
                        null,
                        e.at()));
            }
        }
    }

    /** Queues commands durably, enforces the per-device bound, records PENDING and tries to deliver. */
    private void issue(List<Command> commands) {
        List<Command> fresh;
        List<Command> changes = new ArrayList<>();
        synchronized (lock) {
            fresh = store.insert(commands);
            Instant now = clock.instant();
            for (Command c : fresh) {
                List<Command> q = open.computeIfAbsent(new DeviceKey(c.tenant(), c.device()), k -> new ArrayList<>());
                for (Iterator<Command> it = q.iterator(); it.hasNext(); ) {
                    Command old = it.next();
                    if (old.status() == CommandStatus.PENDING && old.name().equals(c.name())) {
                        it.remove();
                        changes.add(old.with(CommandStatus.EXPIRED, "superseded by " + c.id(), now));
                    }
                }
                while (q.size() >= options.queuePerDevice()) {
                    changes.add(q.remove(0).with(CommandStatus.EXPIRED, "queue full", now));
                }
                q.add(c);
                issued.increment();
            }
            if (!changes.isEmpty()) {
                store.update(changes);
                expired.add(changes.size());
            }
        }
        for (Command c : changes) {
            recordOnEntity(c);
        }
        for (Command c : fresh) {
            recordOnEntity(c);
            deliver(c);
        }
    }

    // ---------------------------------------------------------------- delivery and answers

    /** Hands every open command of a device to it again (it connected and subscribed to its commands). */
    public void deviceReady(TenantId tenant, DeviceId device) {
        List<Command> q;
        synchronized (lock) {
            q = List.copyOf(open.getOrDefault(new DeviceKey(tenant, device), List.of()));
        }
        for (Command c : q) {
            deliver(c);
        }
    }

    private void deliver(Command c) {
        CompletableFuture<Boolean> attempt = CompletableFuture.completedFuture(false);
        for (CommandTransport t : transports) {
            attempt = attempt.thenCompose(done -> done ? CompletableFuture.completedFuture(true) : t.deliver(c));
        }
        attempt.thenAcceptAsync(
                done -> {
                    if (done) {
                        delivered(c.tenant(), c.device(), c.id());
                    }
                },
                callbacks);
    }

    private void delivered(TenantId tenant, DeviceId device, String id) {
        Command next = null;
        synchronized (lock) {
            List<Command> q = open.get(new DeviceKey(tenant, device));
            if (q != null) {
                for (int i = 0; i < q.size(); i++) {
                    Command c = q.get(i);
                    if (c.id().equals(id) && c.status() == CommandStatus.PENDING) {
                        next = c.with(CommandStatus.DELIVERED, null, clock.instant());
                        store.update(List.of(next));
                        q.set(i, next);
                    }
                }
            }
        }
        if (next != null) {
            recordOnEntity(next);
        }
    }

    /**
     * The open commands of a device, oldest first, all marked delivered (an HTTP device's poll).
     */
    public List<Command> poll(TenantId tenant, DeviceId device) {
        List<Command> out = new ArrayList<>();
        List<Command> changed = new ArrayList<>();
        synchronized (lock) {
            List<Command> q = open.get(new DeviceKey(tenant, device));
            if (q == null) {
                return out;
            }
            Instant now = clock.instant();
            for (int i = 0; i < q.size(); i++) {
                Command c = q.get(i);
                if (c.status() == CommandStatus.PENDING) {
                    c = c.with(CommandStatus.DELIVERED, null, now);
                    q.set(i, c);
                    changed.add(c);
                }
                out.add(c);
            }
            if (!changed.isEmpty()) {
                store.update(changed);
            }
        }
        for (Command c : changed) {
            recordOnEntity(c);
        }
        return out;
    }

    /**
     * Records a device's acknowledgement of command {@code id}.
     *
     * @param ok true for done (OK), false for failed (ERROR)
     * @param info the device's explanation, or null
     */
    public AckResult ack(TenantId tenant, DeviceId device, String id, boolean ok, @Nullable String info) {
        Command done = null;
        synchronized (lock) {
            List<Command> q = open.get(new DeviceKey(tenant, device));
            if (q != null) {
                for (Iterator<Command> it = q.iterator(); it.hasNext(); ) {
                    Command c = it.next();
                    if (c.id().equals(id)) {
                        done = c.with(ok ? CommandStatus.OK : CommandStatus.ERROR, info, clock.instant());
                        store.update(List.of(done));
                        it.remove();
                        break;
                    }
                }
            }
            if (done == null) {
                return store.find(tenant, device, id).isPresent() ? AckResult.FINISHED : AckResult.UNKNOWN;
            }
            acknowledged.increment();
        }
        recordOnEntity(done);
        return AckResult.RECORDED;
    }

    /** A command of a device, open or finished (while kept). */
    public Optional<Command> find(TenantId tenant, DeviceId device, String id) {
        return store.find(tenant, device, id);
    }

    /**
     * Expires the open commands whose deadline passed on the service's clock, and prunes finished commands older
     * than {@link Options#keepFinished()}. Runs periodically (see {@link #start}); tests call it directly.
     *
     * @return how many commands expired
     */
    public int expireDue() {
        Instant now = clock.instant();
        List<Command> changes = new ArrayList<>();
        synchronized (lock) {
            for (List<Command> q : open.values()) {
                for (Iterator<Command> it = q.iterator(); it.hasNext(); ) {
                    Command c = it.next();
                    if (!c.expiresAt().isAfter(now)) {
                        it.remove();
                        changes.add(c.with(
                                CommandStatus.EXPIRED,
                                c.status() == CommandStatus.PENDING
                                        ? "not delivered before " + c.expiresAt() + " (device offline)"
                                        : "not acknowledged before " + c.expiresAt(),
                                now));
                    }
                }
            }
            open.values().removeIf(List::isEmpty);
            if (!changes.isEmpty()) {
                store.update(changes);
                expired.add(changes.size());
            }
            store.prune(now.minus(options.keepFinished()));
        }
        for (Command c : changes) {
            recordOnEntity(c);
        }
        return changes.size();
    }

    /** Writes {@code <attribute>_status} on the command's entity (a missing entity is reported, not thrown). */
    private void recordOnEntity(Command c) {
        Map<String, Attribute> subs = new LinkedHashMap<>();
        subs.put(COMMAND_ID, Attribute.property(c.id()));
        if (c.info() != null) {
            subs.put(INFO, Attribute.property(c.info()));
        }
        Attribute status =
                new Attribute(AttributeKind.PROPERTY, c.status().name(), null, c.updatedAt(), null, subs, null, null);
        try {
            twin.appendAttributes(
                    c.tenant(), c.entityId(), Map.of(c.attribute() + STATUS_SUFFIX, List.of(status)), false);
        } catch (TwinException e) {
            problems.accept(
                    "cannot record command " + c.id() + " " + c.status() + " on " + c.entityId() + ": "
                            + e.getMessage(),
                    null);
        }
    }

    // ---------------------------------------------------------------- metrics and lifecycle

    /** Commands issued since start. */
    public long issued() {
        return issued.sum();
    }

    /** Acknowledgements recorded since start. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Commands expired since start (deadline, full queue, superseded). */
    public long expired() {
        return expired.sum();
    }

    /** Open commands, all devices. */
    public int openCount() {
        synchronized (lock) {
            int n = 0;
            for (List<Command> q : open.values()) {
                n += q.size();
            }
            return n;
        }
    }

    /** Waits (at most 30 s) until every event appended before this call was consumed (tests). */
    public void flush() {
        long target = log.endOffset();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (subscription != null && processed < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Stops consuming and expiring; the store stays open (its owner closes it). */
    @Override
    public void close() {
        closed = true;
        Thread s = sweeper;
        if (s != null) {
            s.interrupt();
        }
        EventLog.Subscription sub;
        synchronized (lock) {
            sub = subscription;
        }
        if (sub != null) {
            sub.close(); // outside the lock: the consumer may be waiting for it
        }
        callbacks.shutdown();
    }
}

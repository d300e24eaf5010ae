package io.citytwin.mqtt;

import com.hivemq.embedded.EmbeddedHiveMQ;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Why this class exists: a workaround for HiveMQ CE's extension task executors (checked against 2025.5).
 *
 * Every extension task (our publish interceptor, the CONNECT authenticator, ...) runs on one of HiveMQ's
 * PluginTaskExecutors (one per core). Each keeps a ConcurrentHashMap from client id to that client's task queue and
 * runs one thread that walks the whole map once per task started or finished (an async task, like our interceptor
 * holding a PUBACK until the reading is durable, stays in its queue meanwhile). Empty queues are removed, but a
 * ConcurrentHashMap never shrinks its table, and its iterator walks every slot of the table, not only the entries.
 * After a moment when thousands of clients had a task at once (10,000 devices connecting, the backlog after a
 * stall) every walk visits thousands of empty slots for the rest of the broker's life: in the load generator's
 * rate scenario (5,000 publishes/s) the walk was 75 % of the executors' samples and ~12 % of the node's; swapping
 * the maps saved ~5 % of the node's CPU per point (docs/benchmarks.md, session 9).
 *
 * The fix HiveMQ's design allows from outside: swap each executor's map for a fresh copy now and then, when few
 * clients have tasks. It is safe because every writer of the map (adding a task; removing an empty queue) holds
 * the executor's lock stripe for the client and reads the map field under it: with all stripes held, the copy
 * takes every queue (the same queue objects, so nothing queued is lost or reordered) and the new map is what every
 * later writer sees. The executor thread may finish a walk of the old map, whose queues are the new map's.
 *
 * The internals are reached by reflection. When they are not what this expects (another HiveMQ version), it logs
 * once and does nothing: the broker works as before, only slower after a storm. The same when a later JDK refuses
 * to change the final field (attach tries it once; a failure later stops the compaction with one warning).
 * ExtensionQueueCompactorIT checks that it attaches to the HiveMQ version we ship.
 */
/** Keeps HiveMQ's extension task maps small (see the comment above): call {@link #compact()} periodically. */
final class ExtensionQueueCompactor {
    private static final Logger LOG = LoggerFactory.getLogger(ExtensionQueueCompactor.class);

    /** Maps with more entries than this are busy: copying them would not shrink them; try again later. */
    static final int MAX_ENTRIES = 256;

    private final List<Object> executors;
    private final Field queuesField;
    private final Field stripesField;
    private final Method stripeCount;
    private final Method stripeAt;
    private long compactions;
    private boolean stopped;

    private ExtensionQueueCompactor(
            List<Object> executors, Field queuesField, Field stripesField, Method stripeCount, Method stripeAt) {
        this.executors = executors;
        this.queuesField = queuesField;
        this.stripesField = stripesField;
        this.stripeCount = stripeCount;
        this.stripeAt = stripeAt;
    }

    /** The compactor of a started broker, or empty (logged) when HiveMQ's internals are not as expected. */
    static Optional<ExtensionQueueCompactor> attach(EmbeddedHiveMQ hivemq) {
        try {
            Method getInjector = hivemq.getClass().getDeclaredMethod("getInjector");
            getInjector.setAccessible(true);
            Object injector = getInjector.invoke(hivemq);
            Class<?> injectorType = Class.forName("com.google.inject.Injector", false, loader(hivemq));
            Class<?> serviceType =
                    Class.forName("com.hivemq.extensions.executor.PluginTaskExecutorService", false, loader(hivemq));
            Object service = injectorType.getMethod("getInstance", Class.class).invoke(injector, serviceType);
            Field arrayField = service.getClass().getDeclaredField("taskExecutors");
            arrayField.setAccessible(true);
            Object[] array = (Object[]) arrayField.get(service);
            Class<?> executorType =
                    Class.forName("com.hivemq.extensions.executor.task.PluginTaskExecutor", false, loader(hivemq));
            Field queues = executorType.getDeclaredField("taskQueues");
            Field stripes = executorType.getDeclaredField("stripedLock");
            queues.setAccessible(true);
            stripes.setAccessible(true);
            Class<?> stripedType = Class.forName("com.google.common.util.concurrent.Striped", false, loader(hivemq));
            Method count = stripedType.getMethod("size");
            Method at = stripedType.getMethod("getAt", int.class);
            List<Object> executors = new ArrayList<>(List.of(array));
            for (Object e : executors) {
                if (!(queues.get(e) instanceof ConcurrentMap<?, ?> map)
                        || !(at.invoke(stripes.get(e), 0) instanceof Lock)) {
                    throw new IllegalStateException("unexpected field types in " + executorType);
                }
                queues.set(e, map); // the same map: only whether this JDK lets the final field be set
            }
            return Optional.of(new ExtensionQueueCompactor(executors, queues, stripes, count, at));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn(
                    "HiveMQ's extension task executors are not as expected ({}); their queue maps are not compacted,"
                            + " which only costs speed after connection storms",
                    e.toString());
            return Optional.empty();
        }
    }

    private static ClassLoader loader(EmbeddedHiveMQ hivemq) {
        return hivemq.getClass().getClassLoader();
    }

    /**
     * Replaces each executor's queue map with a fresh copy when it holds at most {@link #MAX_ENTRIES} clients.
     *
     * @return how many maps were replaced
     */
    synchronized int compact() {
        int replaced = 0;
        for (Object executor : executors) {
            if (stopped) {
                break;
            }
            try {
                if (compact(executor)) {
                    replaced++;
                }
            } catch (ReflectiveOperationException | RuntimeException e) {
                stopped = true;
                LOG.warn("Could not compact a HiveMQ extension task map ({}); no more compaction", e.toString());
            }
        }
        compactions += replaced;
        return replaced;
    }

    /** Maps replaced since the start. */
    synchronized long compactions() {
        return compactions;
    }

    private boolean compact(Object executor) throws ReflectiveOperationException {
        if (((ConcurrentMap<?, ?>) queuesField.get(executor)).size() > MAX_ENTRIES) {
            return false;
        }
        Object striped = stripesField.get(executor);
        int n = (Integer) stripeCount.invoke(striped);
        List<Lock> held = new ArrayList<>(n);
        try {
            // stripes in index order; HiveMQ's own threads hold at most one at a time, so this cannot deadlock
            for (int i = 0; i < n; i++) {
                Lock l = (Lock) stripeAt.invoke(striped, i);
                l.lock();
                held.add(l);
            }
            ConcurrentMap<?, ?> old = (ConcurrentMap<?, ?>) queuesField.get(executor);
            if (old.size() > MAX_ENTRIES) {
                return false;
            }
            queuesField.set(executor, new ConcurrentHashMap<>(old));
            return true;
        } finally {
            for (int i = held.size() - 1; i >= 0; i--) {
                held.get(i).unlock();
            }
        }
    }
}

package io.citytwin.twin;

import java.util.Iterator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A concurrent sorted set of entity ids with an O(1) size. {@link ConcurrentSkipListSet#size()} walks the whole set,
 * which the query planner cannot afford on every query; the counter here is exact once concurrent updates settle,
 * which is all a planner's estimate needs.
 */
final class IdSet implements Iterable<String> {
    private final ConcurrentSkipListSet<String> ids = new ConcurrentSkipListSet<>();
    private final AtomicInteger size = new AtomicInteger();

    void add(String id) {
        if (ids.add(id)) {
            size.incrementAndGet();
        }
    }

    void remove(String id) {
        if (ids.remove(id)) {
            size.decrementAndGet();
        }
    }

    int size() {
        return size.get();
    }

    boolean isEmpty() {
        return size.get() == 0;
    }

    @Override
    public Iterator<String> iterator() {
        return ids.iterator();
    }
}

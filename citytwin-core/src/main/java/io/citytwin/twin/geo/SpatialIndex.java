package io.citytwin.twin.geo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

/**
 * A dynamic, thread-safe index of geometries (lon/lat) by key, for prefiltering geo-queries: {@link #query} yields
 * the keys whose geometry's envelope intersects a search envelope; the caller refines with {@link GeoQuery#test}.
 *
 * <pre>
 * Design: a uniform grid of lon/lat cells (default 0.01 degree, about 1.1 km of latitude) instead of an R-tree,
 * because entities move all the time (vehicles update their position thousands of times per second) and a static
 * tree (JTS STRtree) cannot be updated, while a dynamic R-tree pays rebalancing on every move.
 *
 *  - placements: ConcurrentHashMap&lt;K, Placement&gt;, the current placement of each key. A point stores just its
 *    x/y (the cell is recomputed from them); a box stores its envelope and its cell range.
 *  - cells: ConcurrentHashMap&lt;Long cellKey, Set&lt;K&gt;&gt; for geometries spanning at most maxCellsPerEntry cells
 *    (points, short lines, buildings); a point lives in exactly one cell, a small box in each cell it touches.
 *    cellKey = column &lt;&lt; 32 | row. Empty cells are removed, so memory follows the data, not the grid.
 *  - large: one set of the keys whose envelopes span more cells (districts, long roads); scanned on every query.
 *    There are few such geometries and they rarely move.
 *
 * put / remove run inside placements.compute(key, ...), which serialises updates of one key, and touch only the
 * cells that change: a vehicle moving within its cell costs one map replace. Cost O(cells of the geometry).
 *
 * query visits the cells of the search envelope (or, when that range holds more cells than are occupied, such as
 * for a whole-world envelope, iterates the occupied cells instead), then the large set. No duplicates: a key is
 * taken only from its reference cell, the first cell of the intersection of its cell range with the query's
 * (the classic grid de-duplication), judged on its current placement, and a large key only from the large set.
 * A key that changes cells while a query runs can still be met twice (old cell, then new cell, its placement
 * published in between); counters of cell-membership changes started and in flight (untouched by moves within
 * a cell, the common case for vehicles) tell the query to de-duplicate its gathered keys through a HashSet in
 * that case only.
 * Points outside [-180,180] x [-90,90] are clamped into the border cells; envelopes are checked exactly.
 *
 * Consistency: weakly consistent like ConcurrentHashMap iteration. A key moved or removed during a query may be
 * reported at its old or new position or missed, but never twice and never with a placement it never had.
 * Memory (measured, 1M points in 3,600 cells): 110 bytes per point (placement node, PointAt record, one set
 * node, table slots), plus about 200 bytes per occupied cell. The antimeridian is not wrapped: callers pass
 * envelopes already widened to the full longitude range when they cross it (see Geodesy.expand).
 * </pre>
 *
 * @param <K> the key type (e.g. an entity id); needs value-based {@code equals}/{@code hashCode}
 */
public final class SpatialIndex<K> {
    /** The default cell size in degrees (about 1.1 km of latitude). */
    public static final double DEFAULT_CELL_DEGREES = 0.01;

    /** The default number of cells above which a geometry goes into the scanned large list. */
    public static final int DEFAULT_MAX_CELLS_PER_ENTRY = 16;

    private final double cellDegrees;
    private final int columns;
    private final int rows;
    private final int maxCellsPerEntry;
    private final ConcurrentHashMap<K, Placement> placements = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Set<K>> cells = new ConcurrentHashMap<>();
    private final Set<K> large = ConcurrentHashMap.newKeySet();
    /*
     * Changes of cell membership: started ones, and those not yet published in placements. A query that began
     * while one was in flight, or during which one started, de-duplicates its result (see the design comment).
     * In flight is raised before started, and lowered after publication, so that no change can slip between the
     * query's two reads unseen.
     */
    private final AtomicLong movesStarted = new AtomicLong();
    private final AtomicLong movesInFlight = new AtomicLong();

    /** An index with {@link #DEFAULT_CELL_DEGREES} and {@link #DEFAULT_MAX_CELLS_PER_ENTRY}. */
    public SpatialIndex() {
        this(DEFAULT_CELL_DEGREES, DEFAULT_MAX_CELLS_PER_ENTRY);
    }

    /**
     * @param cellDegrees the side of a grid cell in degrees, in [0.0001, 90]; pick about the radius of typical
     *     queries
     * @param maxCellsPerEntry geometries whose envelope spans more cells are kept in the large list, >= 1
     */
    public SpatialIndex(double cellDegrees, int maxCellsPerEntry) {
        if (!(cellDegrees >= 0.0001 && cellDegrees <= 90)) {
            throw new IllegalArgumentException("cellDegrees must be in [0.0001, 90]: " + cellDegrees);
        }
        if (maxCellsPerEntry < 1) {
            throw new IllegalArgumentException("maxCellsPerEntry must be >= 1: " + maxCellsPerEntry);
        }
        this.cellDegrees = cellDegrees;
        this.columns = (int) Math.ceil(360 / cellDegrees);
        this.rows = (int) Math.ceil(180 / cellDegrees);
        this.maxCellsPerEntry = maxCellsPerEntry;
    }

    /**
     * Places {@code key} at {@code geometry}, replacing any previous geometry of the key.
     *
     * @throws IllegalArgumentException when the geometry is empty
     */
    public void put(K key, Geometry geometry) {
        Objects.requireNonNull(key);
        if (geometry.isEmpty()) {
            throw new IllegalArgumentException("cannot index an empty geometry");
        }
        // Not getEnvelopeInternal() for points: it would cache a 48-byte Envelope in every caller's Point.
        Placement placement =
                geometry instanceof Point p ? new PointAt(p.getX(), p.getY()) : place(geometry.getEnvelopeInternal());
        boolean[] changedCells = new boolean[1];
        placements.compute(key, (k, old) -> {
            changedCells[0] = move(k, old, placement);
            return placement;
        });
        if (changedCells[0]) {
            movesInFlight.decrementAndGet();
        }
    }

    /** Removes {@code key}; nothing happens when it is absent. */
    public void remove(K key) {
        boolean[] changedCells = new boolean[1];
        placements.computeIfPresent(key, (k, old) -> {
            changedCells[0] = move(k, old, null);
            return null;
        });
        if (changedCells[0]) {
            movesInFlight.decrementAndGet();
        }
    }

    /** The number of keys indexed. */
    public int size() {
        return placements.size();
    }

    /**
     * Calls {@code sink} once for each key whose geometry's envelope intersects {@code env} (boundaries included).
     * The keys are gathered first and handed to the sink after the scan, on the calling thread; the sink may
     * update this index.
     */
    public void query(Envelope env, Consumer<? super K> sink) {
        if (env.isNull()) {
            return;
        }
        long startedBefore = movesStarted.get();
        boolean quiet = movesInFlight.get() == 0;
        ArrayList<K> found = new ArrayList<>();
        int qx0 = column(env.getMinX());
        int qx1 = column(env.getMaxX());
        int qy0 = row(env.getMinY());
        int qy1 = row(env.getMaxY());
        long rangeCells = (long) (qx1 - qx0 + 1) * (qy1 - qy0 + 1);
        if (rangeCells <= cells.mappingCount()) {
            for (int x = qx0; x <= qx1; x++) {
                for (int y = qy0; y <= qy1; y++) {
                    Set<K> keys = cells.get(cellKey(x, y));
                    if (keys != null) {
                        visitCell(keys, x, y, qx0, qy0, env, found);
                    }
                }
            }
        } else {
            for (Map.Entry<Long, Set<K>> cell : cells.entrySet()) {
                long ck = cell.getKey();
                int x = (int) (ck >>> 32);
                int y = (int) ck;
                if (x >= qx0 && x <= qx1 && y >= qy0 && y <= qy1) {
                    visitCell(cell.getValue(), x, y, qx0, qy0, env, found);
                }
            }
        }
        for (K key : large) {
            if (placements.get(key) instanceof Box b && b.large() && b.intersects(env)) {
                found.add(key);
            }
        }
        if (quiet && movesStarted.get() == startedBefore) {
            for (int i = 0, n = found.size(); i < n; i++) {
                sink.accept(found.get(i));
            }
        } else {
            // A key that changed cells during the scan may have been met in its old and its new cells.
            HashSet<K> seen = HashSet.newHashSet(found.size());
            for (int i = 0, n = found.size(); i < n; i++) {
                K key = found.get(i);
                if (seen.add(key)) {
                    sink.accept(key);
                }
            }
        }
    }

    private void visitCell(Set<K> keys, int x, int y, int qx0, int qy0, Envelope env, List<K> found) {
        for (K key : keys) {
            switch (placements.get(key)) {
                case null -> {}
                case PointAt p -> {
                    if (column(p.x()) == x && row(p.y()) == y && env.intersects(p.x(), p.y())) {
                        found.add(key);
                    }
                }
                case Box b -> {
                    if (!b.large()
                            && Math.max(b.x0(), qx0) == x
                            && Math.max(b.y0(), qy0) == y
                            && x <= b.x1()
                            && y <= b.y1()
                            && b.intersects(env)) {
                        found.add(key);
                    }
                }
            }
        }
    }

    private Placement place(Envelope env) {
        if (env.getWidth() == 0 && env.getHeight() == 0) {
            return new PointAt(env.getMinX(), env.getMinY());
        }
        int x0 = column(env.getMinX());
        int x1 = column(env.getMaxX());
        int y0 = row(env.getMinY());
        int y1 = row(env.getMaxY());
        boolean isLarge = (long) (x1 - x0 + 1) * (y1 - y0 + 1) > maxCellsPerEntry;
        return new Box(env.getMinX(), env.getMaxX(), env.getMinY(), env.getMaxY(), x0, x1, y0, y1, isLarge);
    }

    /*
     * Runs under the key's lock in placements.compute: enter the new cells, then leave the old ones not shared.
     * Returns whether cell membership changed (then a move was started, to be ended by the caller).
     */
    private boolean move(K key, @Nullable Placement from, @Nullable Placement to) {
        if (from instanceof PointAt a && to instanceof PointAt b) {
            int ax = column(a.x());
            int ay = row(a.y());
            int bx = column(b.x());
            int by = row(b.y());
            if (ax == bx && ay == by) {
                return false;
            }
            startMove();
            enter(key, bx, by);
            leave(key, ax, ay);
            return true;
        }
        startMove();
        if (to != null) {
            switch (to) {
                case PointAt pt -> enter(key, column(pt.x()), row(pt.y()));
                case Box b when b.large() -> large.add(key);
                case Box b -> {
                    for (int x = b.x0(); x <= b.x1(); x++) {
                        for (int y = b.y0(); y <= b.y1(); y++) {
                            enter(key, x, y);
                        }
                    }
                }
            }
        }
        if (from != null) {
            switch (from) {
                case PointAt pt -> leaveUnlessHeld(key, column(pt.x()), row(pt.y()), to);
                case Box b
                when b.large() -> {
                    if (!(to instanceof Box nb && nb.large())) {
                        large.remove(key);
                    }
                }
                case Box b -> {
                    for (int x = b.x0(); x <= b.x1(); x++) {
                        for (int y = b.y0(); y <= b.y1(); y++) {
                            leaveUnlessHeld(key, x, y, to);
                        }
                    }
                }
            }
        }
        return true;
    }

    private void startMove() {
        movesInFlight.incrementAndGet();
        movesStarted.incrementAndGet();
    }

    private void leaveUnlessHeld(K key, int x, int y, @Nullable Placement to) {
        boolean held =
                switch (to) {
                    case null -> false;
                    case PointAt pt -> column(pt.x()) == x && row(pt.y()) == y;
                    case Box b -> !b.large() && x >= b.x0() && x <= b.x1() && y >= b.y0() && y <= b.y1();
                };
        if (!held) {
            leave(key, x, y);
        }
    }

    private void enter(K key, int x, int y) {
        cells.compute(cellKey(x, y), (c, set) -> {
            Set<K> s = set == null ? ConcurrentHashMap.newKeySet(4) : set;
            s.add(key);
            return s;
        });
    }

    private void leave(K key, int x, int y) {
        cells.computeIfPresent(cellKey(x, y), (c, set) -> {
            set.remove(key);
            return set.isEmpty() ? null : set;
        });
    }

    private int column(double lon) {
        int c = (int) Math.floor((lon + 180) / cellDegrees);
        return c < 0 ? 0 : c >= columns ? columns - 1 : c;
    }

    private int row(double lat) {
        int r = (int) Math.floor((lat + 90) / cellDegrees);
        return r < 0 ? 0 : r >= rows ? rows - 1 : r;
    }

    private static long cellKey(int x, int y) {
        return ((long) x << 32) | (y & 0xffffffffL);
    }

    /** Where a key is: a point (its cell derives from x/y) or an envelope with its cell range. */
    private sealed interface Placement permits PointAt, Box {}

    private record PointAt(double x, double y) implements Placement {}

    private record Box(
            double minX, double maxX, double minY, double maxY, int x0, int x1, int y0, int y1, boolean large)
            implements Placement {
        boolean intersects(Envelope env) {
            return !(env.getMinX() > maxX || env.getMaxX() < minX || env.getMinY() > maxY || env.getMaxY() < minY);
        }
    }
}

package io.citytwin.dashboard;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import io.citytwin.event.ChangeEvent;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The map's view of the twin: every located entity of a {@link MapLayer} as a {@link Marker}, kept current from the
 * change events, and the two answers the map asks for.
 *
 * <p>AGGREGATION. At low zoom the browser must never receive every entity (100,000 points freeze a browser, which is
 * what ThingsBoard and OpenRemote users report), so {@link #cells} groups the markers in the view box into H3 cells
 * (Uber's hierarchical hexagonal grid; resolution chosen from the zoom by {@link #resolutionFor}) with a count per
 * layer and the worst state per cell. Each marker carries its cell ids at every resolution from {@link #MIN_RES} to
 * {@link #MAX_RES}, computed once when its position changes, so an aggregation is one pass over the markers of the
 * selected layers with a hash map of cells, no geometry work: O(markers of those layers). When the view would hold
 * more than {@code maxCells} cells the pass is repeated one resolution coarser, so the answer stays bounded whatever
 * the view. Above the point zoom {@link #points} returns individual markers inside the box, capped, with the true
 * count so the page can say that it shows a part.
 *
 * <p>Thread-safety: markers live in concurrent maps; one event consumer applies changes while any number of
 * requests read. A reader may see a marker one change old, never a torn one (markers are immutable).
 */
public final class MapIndex {
    /** The coarsest H3 resolution aggregated to (edge about 8.5 km). */
    public static final int MIN_RES = 4;
    /** The finest H3 resolution aggregated to (edge about 25 m). */
    public static final int MAX_RES = 11;

    private final H3Core h3;
    private final ConcurrentHashMap<TenantId, EnumMap<MapLayer, ConcurrentHashMap<String, Marker>>> tenants =
            new ConcurrentHashMap<>();
    /** Traffic state per road segment id (from the detectors that refer to it), for colouring the road network. */
    private final ConcurrentHashMap<TenantId, ConcurrentHashMap<String, EntityStates.State>> roadStates =
            new ConcurrentHashMap<>();

    /** Loads the H3 native library; throws TwinException {@code dashboard.h3} when it cannot. */
    public MapIndex() {
        try {
            this.h3 = H3Core.newInstance();
        } catch (IOException | UnsatisfiedLinkError e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "dashboard.h3", "Cannot load the H3 native library", e);
        }
    }

    /** The resolution for a Leaflet zoom level: about one hexagon per 30-60 screen pixels. */
    public static int resolutionFor(int zoom) {
        return Math.max(MIN_RES, Math.min(MAX_RES, zoom - 5));
    }

    /** Reads every located entity of a layer type from the twin (at start; events keep it current). */
    public long load(Twin twin) {
        long n = 0;
        for (TenantId tenant : twin.tenants()) {
            for (String type : twin.types(tenant)) {
                if (MapLayer.ofType(EntityStates.local(type)).isEmpty()) {
                    continue;
                }
                for (Entity e : twin.entitiesOfType(tenant, type)) {
                    if (put(tenant, e) != null) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** A change of one marker: {@code before} and/or {@code after} (null when absent from the map). */
    public record Change(@Nullable Marker before, @Nullable Marker after) {}

    /** Applies one change event; empty when the map does not change (not on the map, or same place and state). */
    public Optional<Change> apply(ChangeEvent event) {
        Marker before = find(event.tenant(), event.entityId().value());
        Marker after;
        if (event.current() == null) {
            after = null;
            if (before != null) {
                layer(event.tenant(), before.layer()).remove(before.id());
            }
        } else {
            after = put(event.tenant(), event.current());
            if (after == null && before != null) {
                layer(event.tenant(), before.layer()).remove(before.id()); // lost its location or changed type
            }
        }
        if (before == null && after == null) {
            return Optional.empty();
        }
        if (before != null && after != null && before.looksLike(after)) {
            return Optional.empty();
        }
        return Optional.of(new Change(before, after));
    }

    /** The marker of an entity, or null. */
    public @Nullable Marker find(TenantId tenant, String id) {
        EnumMap<MapLayer, ConcurrentHashMap<String, Marker>> layers = tenants.get(tenant);
        if (layers == null) {
            return null;
        }
        for (ConcurrentHashMap<String, Marker> m : layers.values()) {
            Marker k = m.get(id);
            if (k != null) {
                return k;
            }
        }
        return null;
    }

    /** How many markers the tenant has on each layer. */
    public Map<MapLayer, Integer> counts(TenantId tenant) {
        Map<MapLayer, Integer> out = new EnumMap<>(MapLayer.class);
        EnumMap<MapLayer, ConcurrentHashMap<String, Marker>> layers = tenants.get(tenant);
        for (MapLayer l : MapLayer.values()) {
            out.put(l, layers == null ? 0 : layers.get(l).size());
        }
        return out;
    }

    /** The traffic state of a road segment from its detectors, empty when none reported. */
    Optional<EntityStates.State> roadState(TenantId tenant, String roadId) {
        ConcurrentHashMap<String, EntityStates.State> m = roadStates.get(tenant);
        return m == null ? Optional.empty() : Optional.ofNullable(m.get(roadId));
    }

    private @Nullable Marker put(TenantId tenant, Entity e) {
        String type = EntityStates.local(e.types().get(0));
        Optional<MapLayer> layer = MapLayer.ofType(type);
        if (layer.isEmpty()) {
            return null;
        }
        Map<String, Attribute> attrs = EntityStates.byLocalName(e);
        EntityStates.State state = EntityStates.of(type, attrs);
        if (type.equals("TrafficFlowObserved")) {
            Attribute road = attrs.get("refRoadSegment");
            if (road != null && road.value() instanceof String r && state.severity() > 0) {
                roadStates
                        .computeIfAbsent(tenant, t -> new ConcurrentHashMap<>())
                        .put(r, state);
            }
        }
        Optional<double[]> pos = EntityStates.position(attrs);
        if (pos.isEmpty()) {
            return null;
        }
        double lon = pos.get()[0];
        double lat = pos.get()[1];
        ConcurrentHashMap<String, Marker> m = layer(tenant, layer.get());
        Marker old = m.get(e.id().value());
        long[] cells = old != null && old.lon() == lon && old.lat() == lat ? old.cells() : cellsOf(lat, lon);
        Marker k =
                new Marker(tenant, e.id().value(), type, layer.get(), lon, lat, state.state(), state.severity(), cells);
        m.put(k.id(), k);
        return k;
    }

    private long[] cellsOf(double lat, double lon) {
        long[] c = new long[MAX_RES - MIN_RES + 1];
        c[c.length - 1] = h3.latLngToCell(lat, lon, MAX_RES);
        for (int r = MAX_RES - 1; r >= MIN_RES; r--) {
            c[r - MIN_RES] = h3.cellToParent(c[c.length - 1], r);
        }
        return c;
    }

    private ConcurrentHashMap<String, Marker> layer(TenantId tenant, MapLayer layer) {
        return tenants.computeIfAbsent(tenant, t -> {
                    EnumMap<MapLayer, ConcurrentHashMap<String, Marker>> m = new EnumMap<>(MapLayer.class);
                    for (MapLayer l : MapLayer.values()) {
                        m.put(l, new ConcurrentHashMap<>());
                    }
                    return m;
                })
                .get(layer);
    }

    /** A view box in WGS84 degrees; {@code west > east} is not supported (the antimeridian is far from any city). */
    public record Box(double west, double south, double east, double north) {
        public Box {
            if (!(west >= -180 && east <= 180 && south >= -90 && north <= 90 && west <= east && south <= north)) {
                throw TwinException.badData(
                        "dashboard.bbox",
                        "bbox must be west,south,east,north in degrees with west <= east and south <= north");
            }
        }
    }

    /**
     * One H3 cell of an aggregation.
     *
     * @param h3 the cell id, hexadecimal
     * @param lat the centre latitude
     * @param lon the centre longitude
     * @param count markers in the cell
     * @param worst the highest severity in the cell
     * @param state the state of a marker with that severity
     * @param layers count per layer id
     * @param boundary the hexagon's vertices as lat, lon pairs, rounded to 1e-5 degree
     */
    public record Cell(
            String h3,
            double lat,
            double lon,
            int count,
            int worst,
            String state,
            Map<String, Integer> layers,
            double[] boundary) {}

    /** An aggregation: the resolution used and the cells, at most {@code maxCells}. */
    public record Cells(int resolution, List<Cell> cells, int markers) {}

    /** Aggregates the markers of {@code layers} inside {@code box} into H3 cells; see AGGREGATION. */
    public Cells cells(TenantId tenant, Box box, int resolution, Set<MapLayer> layers, int maxCells) {
        int res = Math.max(MIN_RES, Math.min(MAX_RES, resolution));
        while (true) {
            Map<Long, Acc> acc = aggregate(tenant, box, res, layers, maxCells);
            if (acc != null) {
                List<Cell> out = new ArrayList<>(acc.size());
                int markers = 0;
                for (Map.Entry<Long, Acc> e : acc.entrySet()) {
                    out.add(toCell(e.getKey(), e.getValue()));
                    markers += e.getValue().count;
                }
                out.sort(java.util.Comparator.comparing(Cell::h3));
                return new Cells(res, out, markers);
            }
            res--; // too many cells at this resolution: one coarser (MIN_RES never overflows a sane maxCells)
            if (res < MIN_RES) {
                return new Cells(MIN_RES, List.of(), 0);
            }
        }
    }

    private static final class Acc {
        int count;
        int worst = -1;
        String state = "unknown";
        final int[] layers = new int[MapLayer.values().length];
    }

    /** The cells at {@code res}, or null when there would be more than {@code maxCells}. */
    private @Nullable Map<Long, Acc> aggregate(TenantId tenant, Box box, int res, Set<MapLayer> layers, int maxCells) {
        EnumMap<MapLayer, ConcurrentHashMap<String, Marker>> all = tenants.get(tenant);
        Map<Long, Acc> acc = new HashMap<>();
        if (all == null) {
            return acc;
        }
        for (MapLayer l : layers) {
            for (Marker m : all.get(l).values()) {
                if (!m.within(box.west(), box.south(), box.east(), box.north())) {
                    continue;
                }
                long cell = m.cell(res);
                Acc a = acc.get(cell);
                if (a == null) {
                    if (acc.size() >= maxCells && res > MIN_RES) {
                        return null;
                    }
                    a = new Acc();
                    acc.put(cell, a);
                }
                a.count++;
                a.layers[l.ordinal()]++;
                if (m.severity() > a.worst) {
                    a.worst = m.severity();
                    a.state = m.state();
                }
            }
        }
        return acc;
    }

    private Cell toCell(long cell, Acc a) {
        LatLng c = h3.cellToLatLng(cell);
        List<LatLng> b = h3.cellToBoundary(cell);
        double[] boundary = new double[b.size() * 2];
        for (int i = 0; i < b.size(); i++) {
            boundary[2 * i] = round5(b.get(i).lat);
            boundary[2 * i + 1] = round5(b.get(i).lng);
        }
        Map<String, Integer> byLayer = new java.util.LinkedHashMap<>();
        for (MapLayer l : MapLayer.values()) {
            if (a.layers[l.ordinal()] > 0) {
                byLayer.put(l.id(), a.layers[l.ordinal()]);
            }
        }
        return new Cell(
                Long.toHexString(cell),
                round5(c.lat),
                round5(c.lng),
                a.count,
                Math.max(0, a.worst),
                a.state,
                byLayer,
                boundary);
    }

    /** Points of an answer: at most {@code limit} markers and how many were in the box in all. */
    public record Points(List<Marker> markers, int total) {
        public boolean truncated() {
            return total > markers.size();
        }
    }

    /** The markers of {@code layers} inside {@code box}: the worst states first when more than {@code max} match. */
    public Points points(TenantId tenant, Box box, Set<MapLayer> layers, int max) {
        EnumMap<MapLayer, ConcurrentHashMap<String, Marker>> all = tenants.get(tenant);
        if (all == null) {
            return new Points(List.of(), 0);
        }
        List<Marker> out = new ArrayList<>();
        int total = 0;
        for (MapLayer l : layers) {
            for (Marker m : all.get(l).values()) {
                if (m.within(box.west(), box.south(), box.east(), box.north())) {
                    total++;
                    out.add(m);
                }
            }
        }
        if (out.size() > max) {
            // keep what the operator must see: the worst states, then a stable order
            out.sort(java.util.Comparator.comparingInt(Marker::severity)
                    .reversed()
                    .thenComparing(Marker::id));
            out = new ArrayList<>(out.subList(0, max));
        }
        return new Points(out, total);
    }

    static double round5(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    static double round6(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}

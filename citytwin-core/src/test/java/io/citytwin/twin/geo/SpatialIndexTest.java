package io.citytwin.twin.geo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Point;

class SpatialIndexTest {

    static Point point(double lon, double lat) {
        return GeoJson.FACTORY.createPoint(new Coordinate(lon, lat));
    }

    static Geometry box(double x0, double y0, double x1, double y1) {
        return GeoJson.FACTORY.toGeometry(new Envelope(x0, x1, y0, y1));
    }

    static <K> List<K> query(SpatialIndex<K> index, Envelope env) {
        List<K> out = new ArrayList<>();
        index.query(env, out::add);
        return out;
    }

    @Test
    void put_point_isFoundByAnEnvelopeAroundIt() {
        SpatialIndex<String> index = new SpatialIndex<>();
        index.put("lamp-1", point(8.68, 49.41));
        assertThat(query(index, new Envelope(8.6, 8.7, 49.4, 49.5))).containsExactly("lamp-1");
        assertThat(query(index, new Envelope(8.69, 8.7, 49.4, 49.5))).isEmpty();
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void put_sameKeyAgain_movesIt() {
        SpatialIndex<String> index = new SpatialIndex<>();
        index.put("bus-7", point(8.68, 49.41));
        index.put("bus-7", point(8.681, 49.411)); // same cell
        index.put("bus-7", point(8.75, 49.45)); // another cell
        assertThat(index.size()).isEqualTo(1);
        assertThat(query(index, new Envelope(8.67, 8.69, 49.40, 49.42))).isEmpty();
        assertThat(query(index, new Envelope(8.74, 8.76, 49.44, 49.46))).containsExactly("bus-7");
        assertThat(query(index, Geodesy.world())).containsExactly("bus-7");
    }

    @Test
    void remove_key_isNoLongerFound() {
        SpatialIndex<String> index = new SpatialIndex<>();
        index.put("a", point(1, 1));
        index.put("b", box(0, 0, 2, 2));
        index.remove("a");
        index.remove("missing");
        assertThat(query(index, new Envelope(0.5, 1.5, 0.5, 1.5))).containsExactly("b");
        index.remove("b");
        assertThat(query(index, Geodesy.world())).isEmpty();
        assertThat(index.size()).isZero();
    }

    @Test
    void query_smallAndLargeGeometries_reportsEachKeyOnce() {
        SpatialIndex<String> index = new SpatialIndex<>(0.01, 16);
        index.put("building", box(8.681, 49.411, 8.693, 49.422)); // 2x2 cells
        index.put("district", box(8.6, 49.3, 8.8, 49.5)); // 400 cells: the large list
        index.put("road", GeoJson.parseCoordinates("LineString", "[[8.5,49.41],[8.9,49.41]]")); // a thin box
        assertThat(query(index, new Envelope(8.60, 8.70, 49.40, 49.43)))
                .containsExactlyInAnyOrder("building", "district", "road");
        assertThat(query(index, new Envelope(8.85, 8.86, 49.0, 49.6))).containsExactly("road");
    }

    @Test
    void put_movingBetweenPointSmallBoxAndLargeBox_keepsOnePlacement() {
        SpatialIndex<String> index = new SpatialIndex<>(0.01, 4);
        index.put("x", point(0.005, 0.005));
        index.put("x", box(0.001, 0.001, 0.015, 0.015));
        index.put("x", box(0.001, 0.001, 0.5, 0.5));
        index.put("x", box(0.001, 0.001, 0.6, 0.6));
        index.put("x", box(0.012, 0.001, 0.015, 0.015));
        index.put("x", point(0.013, 0.002));
        assertThat(query(index, new Envelope(0, 0.011, 0, 0.011))).isEmpty();
        assertThat(query(index, new Envelope(0, 1, 0, 1))).containsExactly("x");
        index.remove("x");
        assertThat(query(index, Geodesy.world())).isEmpty();
    }

    @Test
    void query_atTheAntimeridianAndPoles_doesNotCrash() {
        SpatialIndex<String> index = new SpatialIndex<>();
        index.put("east", point(180, 0));
        index.put("west", point(-180, 0));
        index.put("north", point(10, 90));
        index.put("south", point(-10, -90));
        index.put("outside", point(200, 100)); // not WGS84: clamped into a border cell, still exact
        GeoQuery nearDateLine = new GeoQuery(Georel.Near.max(5000), point(179.99, 0), "location");
        List<String> hits = query(index, nearDateLine.searchEnvelope());
        assertThat(hits).contains("east", "west");
        assertThat(hits.stream().filter(k -> nearDateLine.test(pointOf(k)))).containsExactlyInAnyOrder("east", "west");
        GeoQuery nearPole = new GeoQuery(Georel.Near.max(5000), point(-100, 89.99), "location");
        assertThat(query(index, nearPole.searchEnvelope())).containsExactly("north");
        assertThat(query(index, Geodesy.world())).containsExactlyInAnyOrder("east", "west", "north", "south");
        assertThat(query(index, new Envelope(150, 250, 50, 150))).containsExactly("outside");
        assertThat(query(index, new Envelope(5, 15, 89, 95))).containsExactly("north");
    }

    private static Point pointOf(String key) {
        return switch (key) {
            case "east" -> point(180, 0);
            case "west" -> point(-180, 0);
            case "north" -> point(10, 90);
            case "south" -> point(-10, -90);
            default -> point(200, 100);
        };
    }

    // ---- property: the index equals a brute-force scan ---------------------------------------------------------

    /** One operation on the index: put (a point or a box) or remove. */
    record Op(int key, boolean remove, Envelope env) {}

    @Property(tries = 200)
    void query_afterRandomOperations_equalsBruteForce(
            @ForAll("cellSizes") double cellDegrees,
            @ForAll("maxCells") int maxCells,
            @ForAll("operations") List<Op> ops,
            @ForAll("envelopes") List<Envelope> queries) {
        SpatialIndex<Integer> index = new SpatialIndex<>(cellDegrees, maxCells);
        Map<Integer, Envelope> truth = new HashMap<>();
        for (Op op : ops) {
            if (op.remove()) {
                index.remove(op.key());
                truth.remove(op.key());
            } else {
                index.put(op.key(), GeoJson.FACTORY.toGeometry(op.env()));
                truth.put(op.key(), op.env());
            }
        }
        assertThat(index.size()).isEqualTo(truth.size());
        for (Envelope q : queries) {
            List<Integer> got = query(index, q);
            Set<Integer> expected = new HashSet<>();
            truth.forEach((k, e) -> {
                if (e.intersects(q)) {
                    expected.add(k);
                }
            });
            assertThat(got).doesNotHaveDuplicates();
            assertThat(new HashSet<>(got)).isEqualTo(expected);
        }
    }

    @Provide
    Arbitrary<Double> cellSizes() {
        return Arbitraries.of(0.01, 0.1, 1.0, 10.0);
    }

    @Provide
    Arbitrary<Integer> maxCells() {
        return Arbitraries.of(1, 4, 16);
    }

    /* Coordinates mostly in a small city area (so the grid path is exercised), sometimes anywhere on the globe. */
    static Arbitrary<double[]> coordinate() {
        Arbitrary<double[]> city = Combinators.combine(
                        Arbitraries.doubles().between(8.6, 8.8),
                        Arbitraries.doubles().between(49.3, 49.5))
                .as((x, y) -> new double[] {x, y});
        Arbitrary<double[]> world = Combinators.combine(
                        Arbitraries.doubles().between(-180, 180),
                        Arbitraries.doubles().between(-90, 90))
                .as((x, y) -> new double[] {x, y});
        Arbitrary<double[]> edges = Arbitraries.of(
                new double[] {180, 0},
                new double[] {-180, 0},
                new double[] {0, 90},
                new double[] {0, -90},
                new double[] {180, 90},
                new double[] {8.7, 49.4});
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, city), net.jqwik.api.Tuple.of(2, world), net.jqwik.api.Tuple.of(1, edges));
    }

    static Arbitrary<Envelope> envelope() {
        Arbitrary<Double> size = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0.0)),
                net.jqwik.api.Tuple.of(3, Arbitraries.doubles().between(0, 0.05)),
                net.jqwik.api.Tuple.of(1, Arbitraries.doubles().between(0, 5)));
        return Combinators.combine(coordinate(), size, size)
                .as((c, w, h) -> new Envelope(c[0], Math.min(180, c[0] + w), c[1], Math.min(90, c[1] + h)));
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Op> op = Combinators.combine(
                        Arbitraries.integers().between(0, 30),
                        Arbitraries.integers().between(0, 9).map(i -> i == 0),
                        envelope())
                .as(Op::new);
        return op.list().ofMaxSize(80);
    }

    @Provide
    Arbitrary<List<Envelope>> envelopes() {
        Arbitrary<Envelope> whole = Arbitraries.of(Geodesy.world());
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, envelope()), net.jqwik.api.Tuple.of(1, whole))
                .list()
                .ofMinSize(1)
                .ofMaxSize(8);
    }

    // ---- concurrency and performance -------------------------------------------------------------------------

    @Test
    void query_duringConcurrentMoves_neverReportsAKeyTwice() throws Exception {
        SpatialIndex<Integer> index = new SpatialIndex<>(0.01, 4);
        int keys = 2_000;
        for (int k = 0; k < keys; k++) {
            index.put(k, point(8.6 + (k % 100) * 0.002, 49.3 + (k / 100) * 0.002));
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> mover = pool.submit(() -> {
                Random r = new Random(42);
                while (!stop.get()) {
                    int k = r.nextInt(keys);
                    double x = 8.6 + r.nextDouble() * 0.2;
                    double y = 49.3 + r.nextDouble() * 0.04;
                    index.put(k, r.nextInt(10) == 0 ? box(x, y, x + 0.03, y + 0.02) : point(x, y));
                }
            });
            for (int i = 0; i < 300; i++) {
                List<Integer> got = query(index, new Envelope(8.6, 8.7, 49.3, 49.34));
                assertThat(got).doesNotHaveDuplicates();
            }
            stop.set(true);
            mover.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(index.size()).isEqualTo(keys);
        assertThat(query(index, Geodesy.world())).hasSize(keys);
    }

    @Test
    void nearQuery_on100kPoints_takesWellUnder10ms() {
        SpatialIndex<Integer> index = new SpatialIndex<>();
        Random r = new Random(7);
        Point[] points = new Point[100_000];
        for (int k = 0; k < points.length; k++) {
            points[k] = point(8.55 + r.nextDouble() * 0.3, 49.25 + r.nextDouble() * 0.3);
            index.put(k, points[k]);
        }
        GeoQuery q = GeoQuery.parse("near;maxDistance==480", "Point", "[8.7,49.4]", null);
        long[] nanos = new long[60];
        int matches = 0;
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            Envelope env = q.searchEnvelope();
            List<Integer> hits = new ArrayList<>();
            index.query(env, k -> {
                if (q.test(points[k])) {
                    hits.add(k);
                }
            });
            nanos[i] = System.nanoTime() - t0;
            matches = hits.size();
        }
        Arrays.sort(nanos);
        double medianMs = nanos[nanos.length / 2] / 1e6;
        System.out.printf("near query: %d matches of 100000 points, median %.3f ms%n", matches, medianMs);
        assertThat(matches).isBetween(50, 200);
        assertThat(medianMs).isLessThan(10);
    }
}

package io.citytwin.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.app.CityTwinConfig;
import io.citytwin.app.Node;
import io.citytwin.ngsild.LdContext;
import io.citytwin.sim.City;
import io.citytwin.sim.CityEntities;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.EntityId;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.geo.GeoJson;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard benchmark (issue 7): a node in-process with the simulated city loaded (LARGE: more than 100,000
 * entities), a writer applying {@code --rate} changes per second (lamps failing and recovering, vehicles moving) while
 * headless Chromium shows the dashboard, and three measurements:
 *
 * <ul>
 *   <li>first meaningful paint: from navigation start until the page drew the first map data (base geometry and
 *       the cells of the view), read from the page's own {@code performance.now()};
 *   <li>long tasks during pan and zoom: a {@code PerformanceObserver} of type {@code longtask} in the page records
 *       every main-thread task over 50 ms while the script pans and zooms through the city (cells and point modes);
 *   <li>SSE bytes per client per second, from the server's per-client counters and the page's own count.
 * </ul>
 *
 * Prints one markdown row. Browser: Debian's chromium and chromium-driver (never downloaded). Run it on a quiet
 * machine for numbers; {@code --size small --rate 200 --duration 5} is a smoke run.
 */
public final class DashboardBench {
    private static final String HELP =
            """
            Usage: java -cp citytwin-bench.jar io.citytwin.bench.DashboardBench [options]
              --size S          small | medium | large (default large: > 100,000 entities)
              --seed N          city seed (default 42)
              --rate N          changes per second applied while measuring (default 10000)
              --duration S      seconds of live updates measured for SSE traffic (default 30)
              --steps N         pan/zoom steps (default 30)
              --chromium PATH   default /usr/bin/chromium
              --chromedriver P  default /usr/bin/chromedriver
              --help            this text
            """;

    private DashboardBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--help")) {
                System.out.print(HELP);
                return;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Bad option " + args[i] + "\n" + HELP);
            }
            o.put(args[i].substring(2), args[++i]);
        }
        CitySize size = CitySize.valueOf(o.getOrDefault("size", "large").toUpperCase(Locale.ROOT));
        long seed = Long.parseLong(o.getOrDefault("seed", "42"));
        int rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        int duration = Integer.parseInt(o.getOrDefault("duration", "30"));
        int steps = Integer.parseInt(o.getOrDefault("steps", "30"));
        String chromium = o.getOrDefault("chromium", "/usr/bin/chromium");
        String driver = o.getOrDefault("chromedriver", "/usr/bin/chromedriver");

        Path dir = Files.createTempDirectory("citytwin-dashboard-bench");
        Path yaml = dir.resolve("config.yaml");
        Files.writeString(
                yaml,
                "dataDir: " + dir.resolve("data") + "\nhttp: {host: 127.0.0.1, port: 0}\nhistory: {enabled: false}\n"
                        + "mqtt: {port: 0}\n");
        City city = CityGenerator.generate(CitySpec.of(size, seed));
        try (Node node = Node.start(CityTwinConfig.load(yaml), InstantSource.system(), Map.of())) {
            long t0 = System.nanoTime();
            int loaded = load(node, city);
            System.out.printf(
                    "Loaded %,d entities (%s city) in %.1f s%n", loaded, size, (System.nanoTime() - t0) / 1e9);
            String base = "http://127.0.0.1:" + node.httpPort();
            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong applied = new AtomicLong();
            Thread writer = Thread.ofPlatform()
                    .name("dashboard-bench-writer")
                    .start(() -> write(node, city, rate, running, applied));
            ChromeDriver d = browser(chromium, driver);
            try {
                d.get(base + "/");
                new WebDriverWait(d, Duration.ofMinutes(5), Duration.ofMillis(100))
                        .until(x -> "true".equals(js(d, "return document.body.dataset.ready || null")));
                double fmp = ((Number) js(d, "return cityTwin.perf.start + cityTwin.perf.firstPaint")).doubleValue();
                js(d, PROFILE);
                js(d, "cityTwin.perf.longTasks.length = 0; cityTwin.perf.spans.length = 0");
                panAndZoom(d, steps);
                System.out.println("Pan/zoom: " + attribution(d));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> tasks = (List<Map<String, Object>>) js(d, "return cityTwin.perf.longTasks");
                double maxTask = 0;
                int over100 = 0;
                for (Map<String, Object> t : tasks) {
                    double ms = ((Number) t.get("duration")).doubleValue();
                    maxTask = Math.max(maxTask, ms);
                    over100 += ms > 100 ? 1 : 0;
                }
                // SSE traffic in a steady view (cells mode over the whole city) for the measured window
                js(d, "cityTwin.map.map.fitBounds(cityTwin.map.districtLayer.getBounds())");
                Thread.sleep(2000);
                long bytes0 = sseBytes(base);
                double page0 = ((Number) js(d, "return cityTwin.live.bytes")).doubleValue();
                @SuppressWarnings("unchecked")
                Map<String, Object> by0 = (Map<String, Object>) js(d, "return {...cityTwin.live.bytesBy}");
                js(d, "cityTwin.perf.longTasks.length = 0; cityTwin.perf.spans.length = 0");
                long changes0 = applied.get();
                Thread.sleep(duration * 1000L);
                long bytes1 = sseBytes(base);
                double page1 = ((Number) js(d, "return cityTwin.live.bytes")).doubleValue();
                long changes1 = applied.get();
                @SuppressWarnings("unchecked")
                Map<String, Object> by1 = (Map<String, Object>) js(d, "return {...cityTwin.live.bytesBy}");
                System.out.println("Steady view: " + attribution(d));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> steady = (List<Map<String, Object>>) js(d, "return cityTwin.perf.longTasks");
                double steadyMax = 0;
                for (Map<String, Object> t : steady) {
                    steadyMax = Math.max(steadyMax, ((Number) t.get("duration")).doubleValue());
                }
                StringBuilder perEvent = new StringBuilder();
                for (Map.Entry<String, Object> e : by1.entrySet()) {
                    double before = by0.get(e.getKey()) instanceof Number n ? n.doubleValue() : 0;
                    perEvent.append(String.format(
                            Locale.ROOT,
                            " %s %,.0f B/s;",
                            e.getKey(),
                            (((Number) e.getValue()).doubleValue() - before) / duration));
                }
                System.out.println();
                System.out.println(
                        "| city | entities | changes/s applied | first meaningful paint | long tasks > 100 ms (pan/zoom, "
                                + steps + " steps) | longest task | SSE bytes/s per client (server) | (page) |");
                System.out.println("|---|---|---|---|---|---|---|---|");
                System.out.printf(
                        Locale.ROOT,
                        "| %s | %,d | %,.0f | %.0f ms | %d | %.0f ms | %,.0f | %,.0f |%n",
                        size.name().toLowerCase(Locale.ROOT),
                        loaded,
                        (changes1 - changes0) / (double) duration,
                        fmp,
                        over100,
                        maxTask,
                        (bytes1 - bytes0) / (double) duration,
                        (page1 - page0) / duration);
                System.out.printf(
                        Locale.ROOT,
                        "%nSteady view (%d s, whole city in cells): %d long tasks, longest %.0f ms; page bytes by event:%s%n",
                        duration,
                        steady.size(),
                        steadyMax,
                        perEvent);
            } finally {
                running.set(false);
                writer.join();
                d.quit();
            }
        }
    }

    /** Loads the city's entities straight into the twin, parsed with the node's codec and core context. */
    @SuppressWarnings("unchecked")
    private static int load(Node node, City city) {
        LdContext ctx = node.contexts().core();
        List<Entity> batch = new ArrayList<>(1000);
        int[] n = {0};
        ObjectMapper json = new ObjectMapper();
        new CityEntities(city).forEach(m -> {
            Map<String, Object> copy = json.convertValue(m, Map.class);
            batch.add(node.codec().parseEntity(copy, ctx));
            if (batch.size() == 1000) {
                node.twin().batchUpsert(TenantId.DEFAULT, batch, false);
                n[0] += batch.size();
                batch.clear();
            }
        });
        if (!batch.isEmpty()) {
            node.twin().batchUpsert(TenantId.DEFAULT, batch, false);
            n[0] += batch.size();
        }
        return n[0];
    }

    /**
     * Applies about {@code rate} changes per second in batches every 10 ms: a lamp's power (5 % of the changes make a
     * lamp fail, the rest restore one) and vehicle positions.
     */
    private static void write(Node node, City city, int rate, AtomicBoolean running, AtomicLong applied) {
        LdContext ctx = node.contexts().core();
        String lampType = ctx.expandTerm("Streetlight");
        String vehicleType = ctx.expandTerm("Vehicle");
        String power = ctx.expandTerm("powerConsumption");
        String state = ctx.expandTerm("powerState");
        String location = ctx.expandTerm("location");
        SplittableRandom rnd = new SplittableRandom(7);
        List<City.Lamp> lamps = city.lamps();
        List<City.Vehicle> vehicles = city.vehicles();
        double[] sw = city.spec().lonLat(city.districts().get(0).min());
        double[] ne = city.spec()
                .lonLat(city.districts().get(city.districts().size() - 1).max());
        int perTick = Math.max(1, rate / 100);
        long next = System.nanoTime();
        while (running.get()) {
            List<Entity> batch = new ArrayList<>(perTick);
            for (int i = 0; i < perTick; i++) {
                if (!vehicles.isEmpty() && rnd.nextInt(4) == 0) {
                    City.Vehicle v = vehicles.get(rnd.nextInt(vehicles.size()));
                    double lon = sw[0] + rnd.nextDouble() * (ne[0] - sw[0]);
                    double lat = sw[1] + rnd.nextDouble() * (ne[1] - sw[1]);
                    batch.add(new Entity(
                            EntityId.of(v.id()),
                            List.of(vehicleType),
                            Map.of(
                                    location,
                                    List.of(Attribute.geo(
                                            GeoJson.parse(Map.of("type", "Point", "coordinates", List.of(lon, lat)))))),
                            null,
                            null));
                } else {
                    City.Lamp l = lamps.get(rnd.nextInt(lamps.size()));
                    boolean fail = rnd.nextInt(20) == 0;
                    batch.add(new Entity(
                            EntityId.of(l.id()),
                            List.of(lampType),
                            Map.of(
                                    state, List.of(Attribute.property("on")),
                                    power, List.of(Attribute.property(fail ? 0.3 : l.watts() * 0.9))),
                            null,
                            null));
                }
            }
            node.twin().batchUpdate(TenantId.DEFAULT, batch, false);
            applied.addAndGet(batch.size());
            next += 10_000_000L;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // cannot keep up: run flat out, report the rate reached
            }
        }
    }

    /**
     * Profiling in the page: the main functions of the dashboard (and JSON.parse) are wrapped to record every call over
     * 10 ms, so each long task can be attributed to what ran inside it.
     */
    private static final String PROFILE =
            """
            const spans = cityTwin.perf.spans = [];
            function wrap(obj, name, label) {
              const f = obj[name];
              if (typeof f !== 'function') return;
              obj[name] = function (...a) {
                const t0 = performance.now();
                try { return f.apply(this, a); } finally {
                  const dt = performance.now() - t0;
                  if (dt > 10) spans.push({ name: label, start: t0, duration: dt });
                }
              };
            }
            const m = cityTwin.map;
            wrap(m.fast, 'draw', 'canvas draw');
            wrap(m, 'applyView', 'map view (cells/points of a new view)');
            wrap(m, 'drawCells', 'live cells');
            wrap(m, 'drawPoints', 'live points');
            wrap(cityTwin.alarms, 'render', 'alarm list');
            wrap(cityTwin.incidents, 'render', 'incident list');
            wrap(cityTwin.kpis, 'render', 'kpi strip');
            wrap(JSON, 'parse', 'JSON.parse');
            const mp = m.map;
            wrap(mp, '_resetView', 'leaflet reset view');
            wrap(mp, '_move', 'leaflet move');
            wrap(mp, 'fire', 'leaflet events');
            wrap(cityTwin.live.handlers, 'alarm', 'alarm event');
            wrap(m.renderer, '_update', 'leaflet districts redraw');
            wrap(m.renderer, '_redraw', 'leaflet districts redraw');
            """;

    /** Each long task with the recorded calls inside it, e.g. "182 ms [canvas draw 120, JSON.parse 40]". */
    @SuppressWarnings("unchecked")
    private static String attribution(ChromeDriver d) {
        List<Map<String, Object>> tasks = (List<Map<String, Object>>) js(d, "return cityTwin.perf.longTasks");
        List<Map<String, Object>> spans = (List<Map<String, Object>>) js(d, "return cityTwin.perf.spans");
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> t : tasks) {
            double s0 = ((Number) t.get("start")).doubleValue();
            double dur = ((Number) t.get("duration")).doubleValue();
            Map<String, Double> in = new LinkedHashMap<>();
            for (Map<String, Object> sp : spans) {
                double st = ((Number) sp.get("start")).doubleValue();
                if (st >= s0 - 1 && st <= s0 + dur) {
                    in.merge((String) sp.get("name"), ((Number) sp.get("duration")).doubleValue(), Double::sum);
                }
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%n  %.0f ms %s",
                    dur,
                    in.entrySet().stream()
                            .map(e -> e.getKey() + " " + Math.round(e.getValue()))
                            .toList()));
        }
        return tasks.size() + " long tasks" + sb;
    }

    /** Pans and zooms through the city in the page: zoom in step by step to point level, pan, zoom out. */
    private static void panAndZoom(ChromeDriver d, int steps) {
        ((JavascriptExecutor) d)
                .executeAsyncScript(
                        """
                        const done = arguments[arguments.length - 1];
                        const steps = arguments[0];
                        const m = cityTwin.map.map;
                        const c = cityTwin.map.districtLayer.getBounds().getCenter();
                        const z0 = m.getZoom();
                        let i = 0;
                        function step() {
                          if (i >= steps) { done(true); return; }
                          const phase = i % 10;
                          if (phase < 4) m.setZoom(Math.min(18, m.getZoom() + 1));
                          else if (phase < 7) m.panBy([200 * (phase % 2 ? 1 : -1), 150], { animate: false });
                          else m.setView(c, z0, { animate: false });
                          i++;
                          setTimeout(step, 700);
                        }
                        step();
                        """,
                        steps);
    }

    private static long sseBytes(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/v1/dashboard/stats"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        @SuppressWarnings("unchecked")
        Map<String, Object> m = new ObjectMapper().readValue(r.body(), Map.class);
        long max = 0;
        for (Object c : (List<?>) m.get("clients")) {
            max = Math.max(max, ((Number) ((Map<?, ?>) c).get("bytes")).longValue());
        }
        return max;
    }

    private static Object js(ChromeDriver d, String script) {
        return ((JavascriptExecutor) d).executeScript(script);
    }

    private static ChromeDriver browser(String chromium, String driver) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(chromium);
        o.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=1920,1080");
        o.setScriptTimeout(Duration.ofMinutes(5));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(driver))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, o);
    }
}

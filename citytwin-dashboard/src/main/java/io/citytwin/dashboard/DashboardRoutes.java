package io.citytwin.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.http.ApiServer;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.GeoValue;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.locationtech.jts.geom.Envelope;

/**
 * The dashboard's HTTP routes, added to the node's {@link ApiServer} as an extension:
 *
 * <ul>
 *   <li>{@code GET /} the page, {@code GET /dashboard/<file>} its scripts, styles and translations, {@code GET
 *       /webjars/<file>} Leaflet and ECharts from their WebJars (all from the classpath: no build step, no network);
 *   <li>{@code GET /api/v1/dashboard/config} tiles and limits; {@code GET /api/v1/dashboard/base} districts and roads
 *       as GeoJSON; {@code GET /api/v1/dashboard/map?bbox&zoom&layers} cells or points of the view;
 *   <li>{@code GET /api/v1/dashboard/live?bbox&zoom&layers} the SSE feed, {@code POST
 *       /api/v1/dashboard/live/{client}/view?bbox&zoom&layers} its view; {@code GET /api/v1/dashboard/stats}.
 * </ul>
 *
 * The tenant is the {@code NGSILD-Tenant} header or, for the browser's EventSource that cannot set headers, the
 * {@code tenant} query parameter.
 */
final class DashboardRoutes implements ApiServer.Extension {
    private static final String WEB = "io/citytwin/dashboard/web/";
    private static final String WEBJARS = "META-INF/resources/webjars/";

    private final Twin twin;
    private final MapIndex index;
    private final LiveFeed feed;
    private final DashboardOptions options;
    private final ObjectMapper json;
    private final ConcurrentHashMap<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

    DashboardRoutes(Twin twin, MapIndex index, LiveFeed feed, DashboardOptions options, ObjectMapper json) {
        this.twin = twin;
        this.index = index;
        this.feed = feed;
        this.options = options;
        this.json = json;
    }

    @Override
    public void register(ApiServer.Routes r) {
        r.get("/", ctx -> file(ctx, WEB + "index.html", false));
        r.get("/dashboard/<path>", ctx -> file(ctx, WEB + safe(ctx.pathParam("path")), false));
        r.get("/webjars/<path>", ctx -> file(ctx, WEBJARS + safe(ctx.pathParam("path")), true));
        r.get("/api/v1/dashboard/config", this::config);
        r.get("/api/v1/dashboard/base", this::base);
        r.get("/api/v1/dashboard/map", this::map);
        r.get("/api/v1/dashboard/live", this::live);
        r.post("/api/v1/dashboard/live/{client}/view", this::changeView);
        r.get("/api/v1/dashboard/stats", this::stats);
    }

    private static String safe(String path) {
        for (String seg : path.split("/", -1)) {
            if (seg.equals("..") || seg.equals(".") || seg.isEmpty() || seg.contains("\\")) {
                throw TwinException.notFound("dashboard.no-such-file", "No such file: " + path);
            }
        }
        return path;
    }

    private void file(Context ctx, String resource, boolean immutable) {
        Optional<byte[]> body = files.computeIfAbsent(resource, DashboardRoutes::read);
        if (body.isEmpty()) {
            throw TwinException.notFound("dashboard.no-such-file", "No such file: " + ctx.path());
        }
        ctx.header("Cache-Control", immutable ? "public, max-age=86400" : "no-cache");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.contentType(contentType(resource)).result(body.get());
    }

    private static Optional<byte[]> read(String resource) {
        try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "dashboard.file", "Cannot read " + resource, e);
        }
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "html" -> "text/html; charset=utf-8";
            case "js", "mjs" -> "text/javascript; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "json", "map" -> "application/json";
            case "png" -> "image/png";
            case "svg" -> "image/svg+xml";
            case "ico" -> "image/x-icon";
            default -> "application/octet-stream";
        };
    }

    private static TenantId tenant(Context ctx) {
        String h = ctx.header("NGSILD-Tenant");
        if (h == null || h.isBlank()) {
            h = ctx.queryParam("tenant");
        }
        return h == null || h.isBlank() ? TenantId.DEFAULT : TenantId.of(h);
    }

    private static View view(Context ctx) {
        return View.parse(ctx.queryParam("bbox"), ctx.queryParam("zoom"), ctx.queryParam("layers"));
    }

    private void send(Context ctx, Object body) throws IOException {
        ctx.contentType("application/json").result(json.writeValueAsBytes(body));
    }

    private void config(Context ctx) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tiles", options.tiles());
        m.put("tilesAttribution", options.tilesAttribution());
        m.put("pointZoom", options.pointZoom());
        m.put("maxPoints", options.maxPoints());
        m.put("maxCells", options.maxCells());
        m.put("flushMillis", options.flush().toMillis());
        List<Map<String, Object>> layers = new ArrayList<>();
        TenantId tenant = tenant(ctx);
        Map<MapLayer, Integer> counts = index.counts(tenant);
        for (MapLayer l : MapLayer.values()) {
            layers.add(Map.of("id", l.id(), "types", l.types(), "count", counts.get(l)));
        }
        m.put("layers", layers);
        m.put("languages", List.of("en", "de", "zh"));
        m.put("bounds", districtBounds(tenant));
        send(ctx, m);
    }

    /**
     * The box around the districts as {@code [west, south, east, north]}, or null without districts: the page sets its
     * first view from it and asks for the view's cells while the base geometry is still loading.
     */
    private @Nullable List<Double> districtBounds(TenantId tenant) {
        Envelope env = new Envelope();
        for (String type : twin.types(tenant)) {
            if (!EntityStates.local(type).equals("District")) {
                continue;
            }
            for (Entity e : twin.entitiesOfType(tenant, type)) {
                Attribute loc = EntityStates.byLocalName(e).get("location");
                if (loc != null && loc.value() instanceof GeoValue g) {
                    env.expandToInclude(g.geometry().getEnvelopeInternal());
                }
            }
        }
        return env.isNull() ? null : List.of(env.getMinX(), env.getMinY(), env.getMaxX(), env.getMaxY());
    }

    /** Districts (polygons) and road segments (lines, with the traffic state of their detectors) as GeoJSON. */
    private void base(Context ctx) throws IOException {
        TenantId tenant = tenant(ctx);
        List<Map<String, Object>> features = new ArrayList<>();
        for (String type : twin.types(tenant)) {
            String local = EntityStates.local(type);
            boolean district = local.equals("District");
            if (!district && !local.equals("RoadSegment")) {
                continue;
            }
            for (Entity e : twin.entitiesOfType(tenant, type)) {
                Map<String, Attribute> a = EntityStates.byLocalName(e);
                Attribute loc = a.get("location");
                if (loc == null || !(loc.value() instanceof GeoValue g)) {
                    continue;
                }
                Map<String, Object> props = new LinkedHashMap<>();
                props.put("id", e.id().value());
                props.put("kind", district ? "district" : "road");
                Attribute name = a.get("name");
                if (name != null && name.value() instanceof String n) {
                    props.put("name", n);
                }
                if (!district) {
                    Attribute cls = a.get("roadClass");
                    if (cls != null && cls.value() instanceof String c) {
                        props.put("roadClass", c);
                    }
                    index.roadState(tenant, e.id().value()).ifPresent(s -> {
                        props.put("state", s.state());
                        props.put("severity", s.severity());
                    });
                }
                Map<String, Object> f = new LinkedHashMap<>();
                f.put("type", "Feature");
                f.put("id", e.id().value());
                f.put("geometry", g.geoJson());
                f.put("properties", props);
                features.add(f);
            }
        }
        send(ctx, Map.of("type", "FeatureCollection", "features", features));
    }

    private void map(Context ctx) throws IOException {
        TenantId tenant = tenant(ctx);
        View v = view(ctx);
        String mode = ctx.queryParam("mode");
        if (mode != null && !mode.equals("cells") && !mode.equals("points")) {
            throw TwinException.badData("dashboard.mode", "mode must be cells or points, not '" + mode + "'");
        }
        boolean points = mode == null ? v.zoom() >= options.pointZoom() : mode.equals("points");
        Map<String, Object> out = new LinkedHashMap<>();
        if (points) {
            MapIndex.Points p = index.points(tenant, v.box(), v.layers(), options.maxPoints());
            List<Map<String, Object>> list = new ArrayList<>(p.markers().size());
            for (Marker m : p.markers()) {
                list.add(point(m));
            }
            out.put("mode", "points");
            out.put("total", p.total());
            out.put("truncated", p.truncated());
            out.put("points", list);
        } else {
            MapIndex.Cells c =
                    index.cells(tenant, v.box(), MapIndex.resolutionFor(v.zoom()), v.layers(), options.maxCells());
            out.put("mode", "cells");
            out.put("resolution", c.resolution());
            out.put("total", c.markers());
            out.put("cells", c.cells());
        }
        send(ctx, out);
    }

    /** The JSON of one point: short keys, coordinates to 1e-6 degree (about 10 cm). */
    static Map<String, Object> point(Marker m) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("id", m.id());
        p.put("type", m.type());
        p.put("layer", m.layer().id());
        p.put("lon", MapIndex.round6(m.lon()));
        p.put("lat", MapIndex.round6(m.lat()));
        p.put("state", m.state());
        p.put("severity", m.severity());
        return p;
    }

    private void live(Context ctx) throws IOException {
        TenantId tenant = tenant(ctx);
        View v = view(ctx);
        LiveFeed.Client c = feed.open(tenant, v);
        ctx.status(200);
        var res = ctx.res();
        res.setContentType("text/event-stream; charset=utf-8");
        res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Accel-Buffering", "no");
        OutputStream out = res.getOutputStream();
        feed.serve(c, out);
    }

    private void changeView(Context ctx) {
        View v = view(ctx);
        String id = ctx.pathParam("client");
        if (!feed.updateView(id, v)) {
            throw TwinException.notFound("dashboard.no-such-client", "No live client " + id);
        }
        ctx.status(204);
    }

    private void stats(Context ctx) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changes", feed.changes());
        m.put("clients", feed.stats());
        send(ctx, m);
    }
}

package io.citytwin.app;

import io.citytwin.sim.CitySize;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The options of the city simulator, shared by {@code simulate} and {@code demo}. */
final class SimOptions {
    @Option(
            names = "--size",
            paramLabel = "SIZE",
            description =
                    "City size: small (~2,000 things), medium (~20,000) or large (>100,000). Default: ${DEFAULT-VALUE}.")
    CitySize size = CitySize.SMALL;

    @Option(
            names = "--seed",
            paramLabel = "N",
            description =
                    "Seed of the city and its faults; the same seed gives the same city. Default: ${DEFAULT-VALUE}.")
    long seed = 1;

    @Option(
            names = "--speed",
            paramLabel = "X",
            description = "Simulated seconds per real second: 1 = real time, 60 = an hour per minute, 0 = as fast as"
                    + " possible (needs --to). Default: ${DEFAULT-VALUE}.")
    double speed = 1;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Simulated start time, ISO 8601 (e.g. 2026-11-01T00:00:00Z). Default: now.")
    @Nullable
    Instant from;

    @Option(
            names = "--to",
            paramLabel = "TIME",
            description = "Simulated end time, ISO 8601. Default: run until stopped.")
    @Nullable
    Instant to;

    @Option(
            names = "--fault-rate",
            paramLabel = "F",
            description = "Multiplier of the default fault rates (0 = no faults). Default: ${DEFAULT-VALUE}.")
    double faultRate = 1;

    @Option(
            names = "--ground-truth",
            paramLabel = "FILE",
            description = "Where to write the injected faults (JSON lines). Default: ground-truth.jsonl in the data"
                    + " directory (demo) or the working directory (simulate).")
    @Nullable
    Path groundTruth;

    @Option(
            names = "--city-geojson",
            paramLabel = "FILE",
            description = "Load districts (Polygon features with a name) and roads (LineString features with a class,"
                    + " lanes, speed) from a GeoJSON FeatureCollection instead of generating them; the rest of the"
                    + " city is placed along them (--size gives the counts).")
    @Nullable
    Path cityGeoJson;

    @Option(
            names = "--reports",
            paramLabel = "FILE",
            description = "Where to write the citizen reports and posts (JSON lines: fault id, text, language,"
                    + " location, time). Default: reports.jsonl next to the ground truth.")
    @Nullable
    Path reports;

    @Option(
            names = "--reports-to",
            paramLabel = "URL",
            description = "Also post each citizen report, at its simulated time, to this Open311 GeoReport v2"
                    + " endpoint (POST requests.json form fields).")
    @Nullable
    URI reportsTo;

    @Option(
            names = "--rate",
            paramLabel = "N",
            description = "Send at most N data points (readings) per second, evenly (a token bucket); with --speed 0"
                    + " the run sends exactly that many: a fixed-rate load generator. Default: no limit.")
    double rate = 0;

    @Option(
            names = "--zone",
            paramLabel = "ZONE",
            description = "The city's time zone, for its daily rhythm. Default: ${DEFAULT-VALUE}.")
    ZoneId zone = ZoneId.of("Europe/Berlin");
}

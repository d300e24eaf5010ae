package io.citytwin.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.citytwin.dashboard.Dashboard;
import io.citytwin.sim.Behaviour;
import io.citytwin.sim.City;
import io.citytwin.sim.CityGenerator;
import io.citytwin.sim.CitySize;
import io.citytwin.sim.CitySpec;
import io.citytwin.sim.Fault;
import io.citytwin.sim.FaultPlan;
import io.citytwin.sim.HttpCitySink;
import io.citytwin.sim.SimRunner;
import io.citytwin.sim.Simulation;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in headless Chromium (Debian's chromium and chromium-driver; Selenium never downloads a driver)
 * against a running node with the small simulated city: the map shows the districts and entities, a layer toggles,
 * an alarm appears live and is acknowledged (when the alarms API is present), the drill-down shows a chart with data,
 * the language switch works. Screenshots go to target/dashboard-screenshots/.
 */
class DashboardBrowserIT {
    static final String CHROMIUM = System.getProperty("citytwin.chromium", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("citytwin.chromedriver", "/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "dashboard-screenshots");

    @TempDir
    Path dir;

    /** A browser pointed at Debian's binaries with the flags of the CI machines. */
    static ChromeDriver browser(int width, int height) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary(CHROMIUM);
        o.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, o);
    }

    static void assumeBrowser() {
        assumeTrue(
                Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(DRIVER)),
                "Headless browser tests need " + CHROMIUM + " and " + DRIVER
                        + " (apt-get install -y chromium chromium-driver; .ci/run installs them)");
    }

    /** The most recent 21:00 UTC at least half an hour ago: night in Europe, so lamps are on. */
    static Instant lastNight() {
        Instant now = Instant.now();
        Instant t = now.truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(21));
        return t.plus(Duration.ofMinutes(30)).isAfter(now) ? t.minus(Duration.ofDays(1)) : t;
    }

    static void shot(ChromeDriver d, String name) throws IOException {
        Files.createDirectories(SHOTS);
        Files.write(SHOTS.resolve(name + ".png"), ((TakesScreenshot) d).getScreenshotAs(OutputType.BYTES));
    }

    static Object js(ChromeDriver d, String script, Object... args) {
        return ((JavascriptExecutor) d).executeScript(script, args);
    }

    static WebDriverWait waiting(ChromeDriver d) {
        // live updates re-render lists: an element found a moment ago may be replaced before it is used
        return (WebDriverWait) new WebDriverWait(d, Duration.ofSeconds(60), Duration.ofMillis(200))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    /** Clicks the {@code action} button of the element {@code item}, again if a live re-render replaced it. */
    static void clickAction(ChromeDriver d, By item, String action) {
        waiting(d).until(x -> {
            d.findElement(item)
                    .findElement(By.cssSelector("[data-act='" + action + "']"))
                    .click();
            return true;
        });
    }

    /**
     * The id of the active lamp-failure alarm the node raised for {@code lamp} (polling up to 60 s), or null when none
     * came. Other packs may raise other alarms on the simulated city meanwhile; the drill-down below expects the lamp.
     */
    @SuppressWarnings("unchecked")
    static String raisedAlarm(Api api, String lamp) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            Api.Res r = api.get("/api/v1/alarms?state=active&type=lighting.lamp-failure&originator=" + Api.enc(lamp));
            if (r.status() == 200) {
                List<Map<String, Object>> list = (List<Map<String, Object>>) (List<?>) r.list();
                if (!list.isEmpty()) {
                    return (String) list.get(0).get("id");
                }
            }
            Thread.sleep(500);
        }
        return null;
    }

    @Test
    void dashboard_showsTheLiveCity_alarms_drillDown_andTranslations() throws Exception {
        assumeBrowser();
        City city = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 7));
        Instant start = lastNight();
        Instant end = start.plus(Duration.ofMinutes(30));
        City.Lamp failed = city.lamps().get(3);
        FaultPlan faults = new FaultPlan(List.of(new Fault("f-1", Fault.Type.LAMP_FAILURE, failed.id(), start, end)));
        Simulation sim = new Simulation(new Behaviour(city, ZoneId.of("Europe/Berlin"), faults));
        CityTwinConfig config =
                CityTwinConfig.defaults().override(0, "127.0.0.1", dir).withMqttPort(0);
        config = config.withDashboard(config.dashboard().withFlush(Duration.ofMillis(200), Duration.ofMillis(500)));
        try (Node node = Node.start(config, InstantSource.system(), Map.of());
                HttpCitySink sink =
                        new HttpCitySink(URI.create("http://127.0.0.1:" + node.httpPort()), "default", 16)) {
            SimRunner runner = new SimRunner(sim, sink, InstantSource.system(), d -> {});
            runner.provisionEntities(500, n -> {});
            runner.provisionDevices(1000, n -> {});
            runner.run(new SimRunner.Options(start, end, 0, Duration.ofMinutes(1)), p -> {});
            node.flushHistory();
            Dashboard dashboard = node.dashboard().orElseThrow();
            Api api = new Api(node.httpPort());
            boolean alarmsApi = api.get("/api/v1/alarms").status() == 200;
            String base = "http://127.0.0.1:" + node.httpPort();

            ChromeDriver d = browser(1366, 768);
            try {
                d.get(base + "/?lang=en");
                waiting(d).until(x -> "true".equals(js(d, "return document.body.dataset.ready || null")));

                // districts and entities on the map
                long districts = (Long) js(d, "return cityTwin.map.districtLayer.getLayers().length");
                assertThat(districts).isEqualTo(city.districts().size());
                long roads = (Long) js(d, "return cityTwin.map.roadCount");
                assertThat(roads).isEqualTo(city.roads().size());
                long shown = ((Number)
                                js(d, "return cityTwin.map.info.params.markers ?? cityTwin.map.info.params.total"))
                        .longValue();
                assertThat(shown).isPositive();
                assertThat(js(d, "return cityTwin.map.cells.size + cityTwin.map.points.size"))
                        .isNotEqualTo(0L);
                shot(d, "01-city");

                // a layer toggles: switching lighting off removes the lamps from the aggregation
                d.findElement(By.cssSelector("input[data-layer='lighting']")).click();
                waiting(d).until(x -> {
                    Object n = js(d, "return cityTwin.map.layers.has('lighting') ? null : cityTwin.map.info.params");
                    return n != null
                            && ((Number)
                                                    js(
                                                            d,
                                                            "return cityTwin.map.info.params.markers ?? cityTwin.map.info.params.total"))
                                            .longValue()
                                    < shown;
                });
                shot(d, "02-lighting-off");
                d.findElement(By.cssSelector("input[data-layer='lighting']")).click();
                waiting(d).until(x -> (Boolean) js(d, "return cityTwin.map.layers.has('lighting')"));

                // an alarm appears live: one the rules raised for the failed lamp when the node has the alarms API,
                // else one pushed through broadcast("alarm", ...) as the lead's wiring forwards alarm changes
                String alarmId = alarmsApi ? raisedAlarm(api, failed.id()) : null;
                boolean acknowledge = alarmId != null;
                if (alarmId == null) {
                    System.out.println("DashboardBrowserIT: "
                            + (alarmsApi
                                    ? "no alarm was raised within 60 s"
                                    : "the alarms API (/api/v1/alarms) is absent on this node")
                            + ": the alarm is pushed with broadcast(\"alarm\", ...) and the acknowledge step is"
                            + " skipped.");
                    alarmId = "urn:ngsi-ld:Alert:browser-test-1";
                    double[] ll = city.spec().lonLat(failed.at());
                    dashboard.broadcast(
                            "alarm",
                            "{\"id\":\"" + alarmId + "\",\"type\":\"lighting.lamp-failure\",\"domain\":\"lighting\","
                                    + "\"severity\":\"critical\",\"state\":\"active\",\"originator\":\"" + failed.id()
                                    + "\",\"originatorType\":\"Streetlight\",\"district\":\"" + failed.district()
                                    + "\",\"location\":{\"type\":\"Point\",\"coordinates\":[" + ll[0] + "," + ll[1]
                                    + "]},\"rule\":\"lighting.lamp-failure\",\"description\":\"Lamp draws no power"
                                    + " while switched on\",\"count\":1,\"firstOccurrence\":\"" + start
                                    + "\",\"lastOccurrence\":\"" + end + "\"}");
                }
                By alarm = By.cssSelector("li.alarm[data-id='" + alarmId + "']");
                waiting(d).until(x -> !d.findElements(alarm).isEmpty());
                shot(d, "03-alarm");
                if (alarmsApi) {
                    clickAction(d, alarm, "ack");
                    waiting(d)
                            .until(x ->
                                    d.findElement(alarm).getAttribute("class").contains("acknowledged"));
                    assertThat(api.get("/api/v1/alarms/" + alarmId).obj()).containsEntry("state", "acknowledged");
                } else if (!alarmsApi) {
                    // no actions without the alarms API (read again if the live list re-rendered the item)
                    waiting(d).until(x -> d.findElement(alarm)
                            .findElements(By.cssSelector("[data-act='ack']"))
                            .isEmpty());
                }

                // drill-down from the alarm: flies to the lamp, shows its attributes and a chart with data
                clickAction(d, alarm, "fly");
                waiting(d).until(x -> d.findElement(By.id("drill")).isDisplayed());
                waiting(d).until(x -> {
                    List<WebElement> c = d.findElements(By.id("drill-chart"));
                    String pts = c.isEmpty() ? null : c.get(0).getAttribute("data-points");
                    return pts != null && Integer.parseInt(pts) > 0;
                });
                waiting(d)
                        .until(x ->
                                d.findElement(By.id("drill-title")).getText().contains("Streetlight"));
                waiting(d)
                        .until(x -> d.findElement(By.id("drill-body")).getText().contains("powerConsumption"));
                waiting(d).until(x -> "points".equals(js(d, "return document.getElementById('map').dataset.mode")));
                js(d, "document.getElementById('drill-chart').scrollIntoView({block: 'center'})");
                Thread.sleep(1200); // let the fly animation and the chart settle for the screenshot only
                shot(d, "04-drilldown");

                // relationships navigate to the parent
                d.findElement(By.cssSelector("#drill-body [data-go*='StreetlightGroup']"))
                        .click();
                waiting(d)
                        .until(x ->
                                d.findElement(By.id("drill-title")).getText().contains("StreetlightGroup"));
                waiting(d).until(x -> !d.findElements(By.cssSelector("#drill-children [data-go*='Streetlight:']"))
                        .isEmpty());

                // the district view: KPI attributes (as the KPI module writes them, contract D) with 24 h sparklines
                String district = city.districts().get(0).id();
                for (int h = 4; h >= 0; h--) {
                    api.post( // append (overwrites): the district has no airQualityIndex before the first
                            "/ngsi-ld/v1/entities/" + district + "/attrs",
                            Map.of(
                                    "airQualityIndex",
                                    Map.of(
                                            "type",
                                            "Property",
                                            "value",
                                            40 + 5 * h,
                                            "observedAt",
                                            Instant.now()
                                                    .minus(Duration.ofHours(h))
                                                    .toString())));
                }
                node.flushHistory();
                d.findElement(By.cssSelector("#district-list button[data-id='" + district + "']"))
                        .click();
                waiting(d)
                        .until(x ->
                                d.findElement(By.id("drill-title")).getText().contains("District"));
                waiting(d).until(x -> !d.findElements(By.cssSelector(".spark-slot[data-attr='airQualityIndex'] svg"))
                        .isEmpty());
                Thread.sleep(1000); // the fly animation, for the screenshot only
                shot(d, "05-district");

                // the language switch
                new Select(d.findElement(By.id("lang"))).selectByValue("de");
                waiting(d).until(x -> d.findElement(By.id("alarms-title"))
                        .getDomProperty("textContent")
                        .contains("Alarme"));
                assertThat(d.findElement(By.id("layers-title")).getDomProperty("textContent"))
                        .isEqualTo("Ebenen");
                assertThat(js(d, "return document.documentElement.lang")).isEqualTo("de");
                shot(d, "06-german");
                new Select(d.findElement(By.id("lang"))).selectByValue("zh");
                waiting(d).until(x -> d.findElement(By.id("alarms-title"))
                        .getDomProperty("textContent")
                        .contains("告警"));
                shot(d, "07-chinese");
            } finally {
                d.quit();
            }
        }
    }
}

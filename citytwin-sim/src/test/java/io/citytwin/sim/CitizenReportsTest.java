package io.citytwin.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CitizenReportsTest {
    static final City CITY = CityGenerator.generate(CitySpec.of(CitySize.SMALL, 5));
    static final Instant FROM = Instant.parse("2026-11-16T00:00:00Z");
    static final Instant TO = FROM.plus(Duration.ofDays(14));

    @TempDir
    Path dir;

    static List<CitizenReports.Report> reports(long seed) {
        FaultPlan plan = FaultPlan.generate(CITY, FROM, TO, FaultPlan.Rates.defaults(), seed);
        return CitizenReports.generate(CITY, plan, FROM, TO, 8, seed);
    }

    @Test
    void sameSeed_sameReports_anotherSeed_others() {
        assertThat(reports(7)).isEqualTo(reports(7)).isNotEqualTo(reports(8));
    }

    @Test
    void faultReports_followTheirFault_inThreeLanguages_nearTheFaultyThing() {
        FaultPlan plan = FaultPlan.generate(CITY, FROM, TO, FaultPlan.Rates.defaults(), 7);
        List<CitizenReports.Report> reports = CitizenReports.generate(CITY, plan, FROM, TO, 8, 7);
        Map<String, Fault> faults = new HashMap<>();
        plan.faults().forEach(f -> faults.put(f.id(), f));
        Map<String, City.Lamp> lamps = new HashMap<>();
        CITY.lamps().forEach(l -> lamps.put(l.id(), l));
        Map<String, String> roadNames = new HashMap<>();
        CITY.roads().forEach(r -> roadNames.put(r.id(), r.name()));
        Set<String> languages = new HashSet<>();
        Set<String> kinds = new HashSet<>();
        int related = 0;
        int unrelated = 0;
        Instant previous = FROM;
        for (CitizenReports.Report r : reports) {
            assertThat(r.time()).isAfterOrEqualTo(previous).isBefore(TO);
            previous = r.time();
            assertThat(r.text()).doesNotContain("{road}", "{district}");
            assertThat(r.text().contains(r.road()) || r.text().contains(r.district()))
                    .as(r.text())
                    .isTrue();
            languages.add(r.language());
            kinds.add(r.kind());
            if (r.faultId() == null) {
                unrelated++;
                assertThat(r.category()).isIn((Object[]) CitizenReports.UNRELATED);
                continue;
            }
            related++;
            Fault f = faults.get(r.faultId());
            assertThat(r.time()).isAfterOrEqualTo(f.start()).isBefore(f.end());
            assertThat(CitizenReports.PROFILES).containsKey(f.type());
            if (f.type() == Fault.Type.LAMP_FAILURE) {
                City.Lamp lamp = lamps.get(f.entity());
                double[] ll = CITY.spec().lonLat(lamp.at());
                double metres = Math.hypot(
                        (r.lon() - ll[0]) * CitySpec.METERS_PER_DEGREE * Math.cos(Math.toRadians(ll[1])),
                        (r.lat() - ll[1]) * CitySpec.METERS_PER_DEGREE);
                assertThat(metres).isLessThan(31);
                assertThat(r.category()).isEqualTo("streetlight");
            }
        }
        assertThat(related).isGreaterThan(20);
        assertThat(unrelated).isBetween(70, 160); // 8 a day for 14 days
        assertThat(languages).containsExactlyInAnyOrder("en", "de", "zh");
        assertThat(kinds).containsExactlyInAnyOrder("report", "post");
        assertThat(reports).extracting(CitizenReports.Report::id).startsWith("r-0", "r-1");
    }

    @Test
    void everyTemplate_existsInEveryLanguage() {
        for (String key : new String[] {
            "LAMP_FAILURE",
            "DAY_BURNER",
            "CABINET_OUTAGE",
            "TRAFFIC_INCIDENT",
            "WATER_LEAK",
            "CONTAMINATION",
            "POLLUTION_EPISODE",
            "UNRELATED_ROAD",
            "UNRELATED_WASTE",
            "UNRELATED_NOISE",
            "UNRELATED_GRAFFITI",
            "UNRELATED_TREE",
            "UNRELATED_OTHER"
        }) {
            for (String language : List.of("en", "de", "zh")) {
                assertThat(CitizenReports.variants(language, key))
                        .as(language + " " + key)
                        .isNotEmpty();
            }
        }
        assertThat(CitizenReports.variants("zh", "LAMP_FAILURE").get(0)).contains("路灯");
        assertThat(CitizenReports.variants("de", "LAMP_FAILURE").get(0)).contains("Straßenlaterne");
    }

    @Test
    void write_givesOneJsonObjectPerLine_inUtf8() throws Exception {
        List<CitizenReports.Report> reports = reports(7);
        Path file = dir.resolve("reports.jsonl");
        CitizenReports.write(reports, file);
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(reports.size());
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = json.readTree(lines.get(i));
            assertThat(n.get("text").asText()).isEqualTo(reports.get(i).text());
            assertThat(n.get("location").get("type").asText()).isEqualTo("Point");
            assertThat(n.has("faultId")).isTrue();
            assertThat(Instant.parse(n.get("time").asText()))
                    .isEqualTo(reports.get(i).time());
        }
    }
}

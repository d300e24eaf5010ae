package io.citytwin.rule;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceRingTest {
    private static final Instant T0 = Instant.parse("2026-03-02T00:00:00.123456789Z");

    @Test
    void keepsTheLatestEntriesOldestFirst_withTheirValues() {
        TraceRing ring = new TraceRing(3);
        Ctx x = new Ctx(null);
        for (int i = 0; i < 5; i++) {
            x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0.plusSeconds(i), T0);
            x.note("v", (double) i);
            x.note("since", T0);
            ring.add(T0.plusSeconds(i), "e" + i, 1, i % 2 == 0 ? "true" : "false", x);
        }
        List<TraceEntry> entries = ring.entries();
        assertThat(entries).extracting(TraceEntry::entity).containsExactly("e2", "e3", "e4");
        assertThat(entries.get(0).at()).isEqualTo(T0.plusSeconds(2));
        assertThat(entries.get(2).values()).containsEntry("v", 4.0).containsEntry("since", T0.toString());
    }

    @Test
    void widensForAnEvaluationWithManyValues_withoutChangingEarlierOnes() {
        TraceRing ring = new TraceRing(10);
        Ctx x = new Ctx(null);
        x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0, T0);
        x.note("a", 1.0);
        ring.add(T0, "small", 1, "true", x);
        x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0, T0);
        for (int i = 0; i < 9; i++) {
            x.note("n" + i, i == 3 ? null : (Object) ("s" + i));
        }
        x.note("d", Duration.ofMinutes(5));
        x.note("nan", Double.NaN);
        ring.add(T0, "wide", 2, "raised", x);
        x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0, T0);
        ring.add(T0, "empty", 3, "false", x);
        List<TraceEntry> entries = ring.entries();
        assertThat(entries.get(0).values()).containsOnlyKeys("a").containsEntry("a", 1.0);
        assertThat(entries.get(1).values())
                .hasSize(11)
                .containsEntry("n0", "s0")
                .containsEntry("n3", io.citytwin.twin.Json.NULL)
                .containsEntry("d", "PT5M")
                .containsEntry("nan", io.citytwin.twin.Json.NULL);
        assertThat(entries.get(2).values()).isEmpty();
    }

    @Test
    void aNewVersionKeepsTheOldTrace() {
        TraceRing old = new TraceRing(4);
        Ctx x = new Ctx(null);
        x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0, T0);
        x.note("v", 7.0);
        old.add(T0, "e", 1, "raised", x);
        TraceRing next = new TraceRing(4);
        next.addAll(old);
        x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0, T0);
        next.add(T0.plusSeconds(1), "e", 2, "false", x);
        assertThat(next.entries()).extracting(TraceEntry::version).containsExactly(1, 2);
        assertThat(next.entries().get(0).values()).containsEntry("v", 7.0);
    }

    @Test
    void aSlotReusedByAShorterEntryShowsOnlyItsOwnValues_acrossGrowthAndWrap() {
        TraceRing ring = new TraceRing(12); // starts at 8 slots, grows to 12, then wraps
        Ctx x = new Ctx(null);
        for (int i = 0; i < 30; i++) {
            x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0.plusSeconds(i), T0);
            for (int k = 0; k < i % 5; k++) {
                x.note("k" + k, (double) (i * 10 + k));
            }
            ring.add(T0.plusSeconds(i), "e" + i, i, "false", x);
        }
        List<TraceEntry> entries = ring.entries();
        assertThat(entries).hasSize(12);
        for (int j = 0; j < 12; j++) {
            int i = 18 + j;
            TraceEntry e = entries.get(j);
            assertThat(e.entity()).isEqualTo("e" + i);
            assertThat(e.version()).isEqualTo(i);
            assertThat(e.at()).isEqualTo(T0.plusSeconds(i));
            assertThat(e.values()).hasSize(i % 5);
            for (int k = 0; k < i % 5; k++) {
                assertThat(e.values()).containsEntry("k" + k, (double) (i * 10 + k));
            }
        }
    }

    @Test
    void entriesWithObjectsTextsAndNumbersShareSlots_withoutMixingTheirValues() {
        TraceRing ring = new TraceRing(2); // every third entry reuses a slot
        Ctx x = new Ctx(null);
        int threshold = Labels.id("threshold");
        int bound = Labels.id("> 90.0");
        for (int i = 0; i < 7; i++) {
            x.reset(io.citytwin.twin.TenantId.DEFAULT, null, T0.plusSeconds(i), T0);
            if (i % 3 == 0) {
                x.note("since", T0.plusSeconds(i)); // an object
                x.note("v", (double) i);
            } else {
                x.note("v", (double) i); // numbers and a constant text where the objects were
                x.noteText(threshold, bound);
            }
            ring.add(T0.plusSeconds(i), "e" + i, 1, "false", x);
        }
        List<TraceEntry> entries = ring.entries();
        assertThat(entries).extracting(TraceEntry::entity).containsExactly("e5", "e6");
        assertThat(entries.get(0).values())
                .containsExactly(java.util.Map.entry("v", 5.0), java.util.Map.entry("threshold", "> 90.0"));
        assertThat(entries.get(1).values())
                .containsExactly(
                        java.util.Map.entry("since", T0.plusSeconds(6).toString()), java.util.Map.entry("v", 6.0));
    }
}

package io.citytwin.incident;

import static org.assertj.core.api.Assertions.assertThat;

import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The status machine under random operator actions: a refused action changes nothing, an accepted one writes exactly
 * one entry (plus the one escalation at the third reopening), the status is always what the lifecycle table allows,
 * and the timeline is contiguous. jqwik prints the seed of a failing sample.
 */
class IncidentLifecyclePropertyTest {
    enum Action {
        TRIAGE,
        DISPATCH_ROADS,
        DISPATCH_WATER,
        START,
        RESOLVE,
        CLOSE,
        REOPEN,
        COMMENT,
        ADD_TASK,
        TICK
    }

    @Provide
    Arbitrary<List<Action>> actions() {
        return Arbitraries.of(Action.class).list().ofMinSize(0).ofMaxSize(60);
    }

    @Property(tries = 300)
    void randomActions_neverReachAnIllegalState_andTheTimelineCountsAcceptedActions(
            @ForAll("actions") List<Action> actions) {
        TestClock clock = new TestClock(Instant.parse("2026-03-02T09:00:00Z"));
        IncidentService s = IncidentService.builder()
                .store(new InMemoryIncidentStore())
                .clock(clock)
                .build();
        TenantId t = TenantId.DEFAULT;
        Incident i = s.create(
                t, new NewIncident("x", "y", Category.ROAD, IncidentType.ENQUIRY, Priority.URGENT, null, null, "ops"));
        long expected = 1;
        int reopens = 0;
        IncidentStatus model = IncidentStatus.NEW;
        for (Action a : actions) {
            clock.advance(Duration.ofMinutes(37));
            IncidentStatus before = s.get(t, i.id()).status();
            assertThat(before).isEqualTo(model);
            long size = s.timeline(t, i.id()).size();
            try {
                switch (a) {
                    case TRIAGE -> s.changeStatus(t, i.id(), IncidentStatus.TRIAGED, null, "ops", null);
                    case DISPATCH_ROADS -> s.changeStatus(t, i.id(), IncidentStatus.DISPATCHED, "roads", "ops", null);
                    case DISPATCH_WATER -> s.changeStatus(t, i.id(), IncidentStatus.DISPATCHED, "water", "ops", null);
                    case START -> s.changeStatus(t, i.id(), IncidentStatus.IN_PROGRESS, null, "ops", null);
                    case RESOLVE -> s.changeStatus(t, i.id(), IncidentStatus.RESOLVED, null, "ops", null);
                    case CLOSE -> s.changeStatus(t, i.id(), IncidentStatus.CLOSED, null, "ops", null);
                    case REOPEN -> s.reopen(t, i.id(), "ops", null);
                    case COMMENT -> s.comment(t, i.id(), "ops", "note");
                    case ADD_TASK -> s.addTask(t, i.id(), "parks", "Task", "ops");
                    case TICK -> expected += s.tick(clock.instant());
                }
                if (a != Action.TICK) {
                    expected++;
                }
                model = switch (a) {
                    case TRIAGE, REOPEN -> IncidentStatus.TRIAGED;
                    case DISPATCH_ROADS, DISPATCH_WATER -> IncidentStatus.DISPATCHED;
                    case START -> IncidentStatus.IN_PROGRESS;
                    case RESOLVE -> IncidentStatus.RESOLVED;
                    case CLOSE -> IncidentStatus.CLOSED;
                    default -> model;
                };
                if (a == Action.REOPEN) {
                    assertThat(before.reopenable()).isTrue();
                    reopens++;
                    if (reopens == 3) {
                        expected++; // the escalation
                    }
                } else if (model != before) {
                    assertThat(before.canMoveTo(model))
                            .as(before + " -> " + model)
                            .isTrue();
                }
            } catch (TwinException e) {
                assertThat(e.code()).isIn("incident.transition");
                assertThat(s.timeline(t, i.id())).hasSize((int) size);
            }
        }
        Incident end = s.get(t, i.id());
        List<TimelineEntry> tl = s.timeline(t, i.id());
        assertThat(end.status()).isEqualTo(model);
        assertThat(end.reopenCount()).isEqualTo(reopens);
        assertThat(tl).hasSize((int) expected);
        assertThat(end.lastSeq()).isEqualTo(expected);
        for (int k = 0; k < tl.size(); k++) {
            assertThat(tl.get(k).seq()).isEqualTo(k + 1);
        }
        assertThat(tl.stream()
                        .filter(e -> e.action().equals("escalated")
                                && e.data().containsKey("reason")
                                && e.data().get("reason").equals("reopened")))
                .hasSize(reopens >= 3 ? 1 : 0);
    }
}

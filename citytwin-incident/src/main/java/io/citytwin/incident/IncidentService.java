package io.citytwin.incident;

import io.citytwin.alarm.Alarm;
import io.citytwin.alarm.AlarmState;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one way to change incidents (docs/incidents.md): operator actions (create, status changes, reopening,
 * comments, tasks, handoffs, catalogue edits), the intake of citizen reports and public-opinion posts (classify,
 * locate, merge duplicates, route), incidents from alarms (open, link, reopen), and the SLA monitor ({@link #tick}).
 * Every change writes the incident and exactly one timeline entry in one store commit and then tells the listeners;
 * automatic follow-ups (triage and dispatch of a classified report, escalation) are changes of their own, by {@code
 * system}.
 *
 * <p>Thread-safe: changes are serialized by one lock (incidents arrive at human rates).
 */
public final class IncidentService {
    /** The actor of automatic changes: triage and dispatch, reopening, escalation. */
    public static final String SYSTEM = "system";
    /** The actor of SLA warnings and breaches. */
    public static final String SLA_MONITOR = "sla-monitor";
    /** Open incidents within this distance of a new report are duplicate candidates (FixMyStreet's 250 m). */
    public static final double DUPLICATE_RADIUS_METERS = 250;
    /** ... and created within this time of it (REFERENCE.md section 7: 7 days). */
    public static final Duration DUPLICATE_WINDOW = Duration.ofDays(7);
    /** A report is linked to a twin entity of its category within this distance. */
    public static final double ENTITY_RADIUS_METERS = 150;

    private static final Pattern ID_LIKE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9:._@/+-]{0,255}");

    private final IncidentStore store;
    private final InstantSource clock;
    private final ReportClassifier classifier;
    private final DuplicateScorer duplicates;
    private final TwinLocator locator;
    private final AlarmLookup alarmLookup;
    private final List<String> alarmTypes;
    private final Duration reopenWindow;
    private final Duration stillFaultyAfter;
    private final boolean autoDispatch;
    private final double autoDispatchConfidence;
    private final ZoneId zone;
    private final List<IncidentListener> listeners = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    /*
     * The unclosed incidents of every tenant, in memory: every alarm event, report and SLA tick scans them, and the
     * store would decode each from its JSON body every time. Every change goes through commit() under the lock, so
     * the copy cannot drift from the store; it is loaded once from the store at start.
     */
    private final Map<String, Incident> unclosed = new LinkedHashMap<>();
    private final Map<TenantId, Catalogue> catalogues = new java.util.concurrent.ConcurrentHashMap<>();

    private IncidentService(Builder b) {
        this.store = Objects.requireNonNull(b.store, "store");
        this.clock = b.clock;
        this.classifier = b.classifier;
        this.duplicates = b.duplicates;
        this.locator = b.locator;
        this.alarmLookup = b.alarmLookup;
        this.alarmTypes = List.copyOf(b.alarmTypes);
        this.reopenWindow = b.reopenWindow;
        this.stillFaultyAfter = b.stillFaultyAfter;
        this.autoDispatch = b.autoDispatch;
        this.autoDispatchConfidence = b.autoDispatchConfidence;
        this.zone = b.zone;
        for (Incident i : store.unclosed()) {
            unclosed.put(key(i.tenant(), i.id()), i);
        }
    }

    private static String key(TenantId tenant, String id) {
        return tenant.value() + "\u0000" + id;
    }

    /** A snapshot of the unclosed incidents (callers hold the lock). */
    private List<Incident> unclosed() {
        return new ArrayList<>(unclosed.values());
    }

    /** A builder; {@link Builder#store} is required, everything else has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of an {@link IncidentService}. */
    public static final class Builder {
        private @Nullable IncidentStore store;
        private InstantSource clock = InstantSource.system();
        private ReportClassifier classifier = new KeywordClassifier();
        private DuplicateScorer duplicates = new SimpleDuplicateScorer();
        private TwinLocator locator = TwinLocator.NONE;
        private AlarmLookup alarmLookup = AlarmLookup.NONE;
        private List<String> alarmTypes = DEFAULT_ALARM_TYPES;
        private Duration reopenWindow = Duration.ofDays(3);
        private Duration stillFaultyAfter = Duration.ofMinutes(15);
        private boolean autoDispatch = true;
        private double autoDispatchConfidence = 0.6;
        private ZoneId zone = ZoneOffset.UTC;

        private Builder() {}

        /** Where incidents are kept (required). */
        public Builder store(IncidentStore s) {
            this.store = s;
            return this;
        }

        /** The clock (default the system clock). */
        public Builder clock(InstantSource c) {
            this.clock = Objects.requireNonNull(c);
            return this;
        }

        /** The text classifier of reports and posts (default the {@link KeywordClassifier} fallback). */
        public Builder classifier(ReportClassifier c) {
            this.classifier = Objects.requireNonNull(c);
            return this;
        }

        /** The duplicate scorer (default the {@link SimpleDuplicateScorer} fallback). */
        public Builder duplicates(DuplicateScorer d) {
            this.duplicates = Objects.requireNonNull(d);
            return this;
        }

        /** What the twin knows about places (default {@link TwinLocator#NONE}). */
        public Builder locator(TwinLocator l) {
            this.locator = Objects.requireNonNull(l);
            return this;
        }

        /** Whether alarms are still open (default none are). */
        public Builder alarmLookup(AlarmLookup l) {
            this.alarmLookup = Objects.requireNonNull(l);
            return this;
        }

        /**
         * The alarm types that open incidents: exact types ({@code water.leak}) or a domain wildcard ({@code
         * environment.*}); default {@link #DEFAULT_ALARM_TYPES}.
         */
        public Builder alarmTypes(List<String> types) {
            this.alarmTypes = List.copyOf(types);
            return this;
        }

        /**
         * How long after "resolved" the twin can reopen an incident (a linked alarm occurs again or is still open);
         * default 3 days.
         */
        public Builder reopenWindow(Duration d) {
            this.reopenWindow = positive(d, "reopenWindow");
            return this;
        }

        /**
         * How long a linked alarm may stay open after "resolved" before the SLA monitor reopens the incident (the
         * rule needs time to see the fault gone); default 15 minutes.
         */
        public Builder stillFaultyAfter(Duration d) {
            this.stillFaultyAfter = positive(d, "stillFaultyAfter");
            return this;
        }

        /**
         * Whether classified reports (confidence at least {@code minConfidence}) and alarms are triaged and
         * dispatched automatically by the catalogue (default true, 0.6).
         */
        public Builder autoDispatch(boolean on, double minConfidence) {
            this.autoDispatch = on;
            this.autoDispatchConfidence = minConfidence;
            return this;
        }

        /** The time zone of working days in the default catalogue (default UTC). */
        public Builder zone(ZoneId z) {
            this.zone = Objects.requireNonNull(z);
            return this;
        }

        public IncidentService build() {
            return new IncidentService(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }
    }

    /** The alarm types that open incidents by default: outages, leaks, contamination, traffic incidents, pollution. */
    public static final List<String> DEFAULT_ALARM_TYPES = List.of(
            "lighting.cabinet-outage", "water.leak", "water.contamination", "traffic.incident", "environment.*");

    /** Tells {@code listener} about every change from now on. */
    public void addListener(IncidentListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    // ---------------------------------------------------------------- reads

    /**
     * The incident {@code id}.
     *
     * @throws TwinException ResourceNotFound {@code incident.not-found}
     */
    public Incident get(TenantId tenant, String id) {
        return store.find(tenant, id).orElseThrow(() -> notFound(id));
    }

    /** The incident with its timeline, tasks and reports. */
    public IncidentDetail detail(TenantId tenant, String id) {
        Incident i = get(tenant, id);
        return new IncidentDetail(i, store.timeline(tenant, id), store.tasks(tenant, id), store.reports(tenant, id));
    }

    /**
     * The incident that holds a report (an Open311 service_request_id or token may be a report id).
     *
     * @throws TwinException ResourceNotFound {@code incident.not-found} when no incident holds it
     */
    public Incident byReport(TenantId tenant, String reportId) {
        return store.incidentOfReport(tenant, reportId)
                .flatMap(id -> store.find(tenant, id))
                .orElseThrow(
                        () -> TwinException.notFound("incident.not-found", "No incident holds report " + reportId));
    }

    /** The incident's timeline, by seq. */
    public List<TimelineEntry> timeline(TenantId tenant, String id) {
        get(tenant, id);
        return store.timeline(tenant, id);
    }

    /** One page of the tenant's incidents, newest change first. */
    public IncidentPage query(TenantId tenant, IncidentQuery query) {
        return store.query(tenant, query);
    }

    /** The tenant's catalogue (the defaults until one is saved). */
    public Catalogue catalogue(TenantId tenant) {
        // read on every change and for every incident of an SLA tick: kept decoded; updateCatalogue replaces it
        return catalogues.computeIfAbsent(tenant, t -> store.catalogue(t).orElseGet(() -> Catalogue.defaults(zone)));
    }

    /** Replaces the tenant's catalogue; applies to incidents created, dispatched or reopened from now on. */
    public Catalogue updateCatalogue(TenantId tenant, Catalogue catalogue) {
        synchronized (lock) {
            store.saveCatalogue(tenant, catalogue);
            catalogues.put(tenant, catalogue);
            return catalogue;
        }
    }

    /**
     * The KPIs of the tenant's incidents created in {@code [from, to)} (docs/incidents.md).
     *
     * @param by {@code department}, {@code category}, {@code district}, or null for the totals only
     */
    public Map<String, Object> kpis(TenantId tenant, Instant from, Instant to, @Nullable String by) {
        if (!from.isBefore(to)) {
            throw invalid("from must be before to");
        }
        return IncidentKpis.compute(store.createdBetween(tenant, from, to), from, to, by, clock.instant());
    }

    // ---------------------------------------------------------------- operator actions

    /** Creates an incident for an operator ({@code POST /api/v1/incidents}); status {@code new}. */
    public Incident create(TenantId tenant, NewIncident n) {
        text(n.title(), "title", 200);
        text(n.description(), "description", 10_000, true);
        actor(n.actor());
        if (n.entity() != null && !ID_LIKE.matcher(n.entity()).matches()) {
            throw invalid("entity must be an entity id");
        }
        GeoPoint location = n.location();
        String district = null;
        if (location == null && n.entity() != null) {
            Optional<TwinLocator.Located> l = locator.entity(tenant, n.entity());
            if (l.isPresent()) {
                location = l.get().location().orElse(null);
                district = l.get().district().orElse(null);
            }
        }
        if (district == null && location != null) {
            district = locator.district(tenant, location).orElse(null);
        }
        synchronized (lock) {
            Instant at = clock.instant();
            Incident.Builder b = fresh(tenant, at, Source.OPERATOR, n.category(), n.type(), n.priority());
            b.title = n.title();
            b.description = n.description();
            b.location = location;
            b.district = district;
            b.entity = n.entity();
            b.entities = n.entity() == null ? List.of() : List.of(n.entity());
            return commit(b, at, n.actor(), "created", null, "new", null, createdData(b, 1.0), List.of(), List.of());
        }
    }

    /**
     * Changes the status ({@code POST /api/v1/incidents/{id}/status}).
     *
     * @param department the department, required for {@code dispatched}, ignored otherwise
     * @throws TwinException ResourceNotFound {@code incident.not-found}; Conflict (409) {@code incident.transition}
     *     when the lifecycle does not allow the change; BadRequestData {@code incident.invalid} for a dispatch
     *     without a department
     */
    public Incident changeStatus(
            TenantId tenant,
            String id,
            IncidentStatus to,
            @Nullable String department,
            String actor,
            @Nullable String note) {
        actor(actor);
        note(note);
        if (to == IncidentStatus.DISPATCHED) {
            if (department == null) {
                throw invalid("department is required to dispatch");
            }
            Catalogue.checkDepartment(department);
        }
        synchronized (lock) {
            Incident i = get(tenant, id);
            return move(i, to, department, actor, note, clock.instant());
        }
    }

    private Incident move(
            Incident i,
            IncidentStatus to,
            @Nullable String department,
            String actor,
            @Nullable String note,
            Instant at) {
        if (!i.status().canMoveTo(to)) {
            throw transition("Cannot change incident " + i.id() + " from "
                    + i.status().label() + " to " + to.label() + (i.status().reopenable() ? " (reopen it first)" : ""));
        }
        if (to == IncidentStatus.DISPATCHED && i.status() == to && Objects.equals(department, i.department())) {
            throw transition("Incident " + i.id() + " is already dispatched to " + department);
        }
        Incident.Builder b = i.toBuilder();
        b.status = to;
        Map<String, Object> data = new LinkedHashMap<>();
        String action = "status";
        switch (to) {
            case TRIAGED -> {
                action = "triaged";
                if (b.triagedAt == null) {
                    b.triagedAt = at;
                }
            }
            case DISPATCHED -> {
                action = "dispatched";
                data.put("department", department);
                if (i.department() != null && i.status() == IncidentStatus.DISPATCHED) {
                    data.put("previousDepartment", i.department());
                }
                b.department = department;
                b.departments = Incident.Builder.plus(b.departments, department);
                if (b.dispatchedAt == null) {
                    b.dispatchedAt = at;
                }
            }
            case RESOLVED -> {
                b.resolvedAt = at;
                b.sla = finalSla(i, at);
            }
            case CLOSED -> {
                b.closedAt = at;
                if (i.status() != IncidentStatus.RESOLVED) {
                    b.sla = finalSla(i, at); // dismissed before resolution
                }
            }
            default -> {}
        }
        return commit(b, at, actor, action, i.status().label(), to.label(), note, data, List.of(), List.of());
    }

    private static SlaState finalSla(Incident i, Instant at) {
        if (i.sla() == SlaState.BREACHED || (i.dueAt() != null && at.isAfter(i.dueAt()))) {
            return SlaState.BREACHED;
        }
        return SlaState.MET;
    }

    /**
     * Reopens a resolved or closed incident ({@code POST /api/v1/incidents/{id}/reopen}): back to {@code triaged}, a
     * new SLA cycle, reopenCount + 1; at the catalogue's reopenEscalation count it escalates (提级督办).
     *
     * @throws TwinException ResourceNotFound {@code incident.not-found}; Conflict {@code incident.transition} when it
     *     is not resolved or closed
     */
    public Incident reopen(TenantId tenant, String id, String actor, @Nullable String note) {
        actor(actor);
        note(note);
        synchronized (lock) {
            return reopen(get(tenant, id), actor, note, clock.instant(), Map.of());
        }
    }

    private Incident reopen(Incident i, String actor, @Nullable String note, Instant at, Map<String, Object> extra) {
        if (!i.status().reopenable()) {
            throw transition("Cannot reopen incident " + i.id() + ": it is "
                    + i.status().label() + "; only resolved or closed incidents are reopened");
        }
        Catalogue c = catalogue(i.tenant());
        Incident.Builder b = i.toBuilder();
        b.status = IncidentStatus.TRIAGED;
        b.reopenCount = i.reopenCount() + 1;
        b.slaStart = at;
        b.dueAt = c.due(i.type(), i.priority(), at);
        b.sla = SlaState.OK;
        Map<String, Object> data = new LinkedHashMap<>(extra);
        data.put("reopenCount", b.reopenCount);
        data.put("dueAt", b.dueAt.toString());
        Incident out =
                commit(b, at, actor, "reopened", i.status().label(), "triaged", note, data, List.of(), List.of());
        if (out.reopenCount() == c.reopenEscalation()) {
            out = escalate(
                    out,
                    c,
                    at,
                    "reopened",
                    "reopened " + out.reopenCount() + " times: escalated for supervision (提级督办)");
        }
        return out;
    }

    private Incident escalate(Incident i, Catalogue c, Instant at, String reason, String note) {
        Incident.Builder b = i.toBuilder();
        b.escalatedTo = c.escalationRole();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("reason", reason);
        data.put("reopenCount", i.reopenCount());
        return commit(
                b, at, SYSTEM, "escalated", i.escalatedTo(), c.escalationRole(), note, data, List.of(), List.of());
    }

    /** Adds a comment ({@code POST /api/v1/incidents/{id}/comments}); allowed in every status. */
    public Incident comment(TenantId tenant, String id, String actor, String text) {
        actor(actor);
        text(text, "text", 4000, false);
        synchronized (lock) {
            Incident i = get(tenant, id);
            return commit(
                    i.toBuilder(), clock.instant(), actor, "comment", null, null, text, Map.of(), List.of(), List.of());
        }
    }

    /**
     * Adds a task for a department ({@code POST /api/v1/incidents/{id}/tasks}); due after the catalogue's limit of
     * the incident's type and priority.
     *
     * @throws TwinException Conflict {@code incident.transition} when the incident is resolved or closed
     */
    public Task addTask(TenantId tenant, String id, String department, String title, String actor) {
        Catalogue.checkDepartment(department);
        text(title, "title", 200);
        actor(actor);
        synchronized (lock) {
            Incident i = get(tenant, id);
            if (!i.status().active()) {
                throw transition("Incident " + i.id() + " is " + i.status().label() + "; reopen it to add tasks");
            }
            Instant at = clock.instant();
            String taskId = "task-" + (store.tasks(tenant, id).size() + 1);
            Instant due = catalogue(tenant).due(i.type(), i.priority(), at);
            Task t = new Task(
                    taskId, id, department, title, TaskStatus.OPEN, at, at, due, SlaState.OK, at, null, 0, null);
            Incident.Builder b = i.toBuilder();
            b.departments = Incident.Builder.plus(b.departments, department);
            commit(
                    b,
                    at,
                    actor,
                    "task-created",
                    null,
                    department,
                    title,
                    Map.of("task", taskId),
                    List.of(t),
                    List.of());
            return t;
        }
    }

    /**
     * Changes a task's status ({@code .../tasks/{taskId}/status}): open -> in-progress -> done (or open -> done).
     *
     * @throws TwinException ResourceNotFound {@code incident.not-found} for an unknown incident or task; Conflict
     *     {@code incident.transition} for any other change
     */
    public Task taskStatus(TenantId tenant, String id, String taskId, TaskStatus to, String actor) {
        actor(actor);
        synchronized (lock) {
            Incident i = get(tenant, id);
            Task t = task(tenant, id, taskId);
            boolean legal =
                    switch (t.status()) {
                        case OPEN -> to != TaskStatus.OPEN;
                        case IN_PROGRESS -> to == TaskStatus.DONE;
                        case DONE -> false;
                    };
            if (!legal) {
                throw transition(
                        "Cannot change task " + taskId + " from " + t.status().label() + " to " + to.label());
            }
            Instant at = clock.instant();
            Incident.Builder b = i.toBuilder();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("task", taskId);
            data.put("department", t.department());
            if (t.pendingHandoffAt() != null) {
                long wait = Duration.between(t.pendingHandoffAt(), at).toSeconds();
                b.handoffWaitSeconds += Math.max(0, wait);
                data.put("handoffWaitSeconds", wait);
            }
            SlaState sla = t.sla();
            if (to == TaskStatus.DONE) {
                sla = sla == SlaState.BREACHED || at.isAfter(t.dueAt()) ? SlaState.BREACHED : SlaState.MET;
            }
            Task after = t.withStatus(to, at, sla, null);
            commit(b, at, actor, "task-status", t.status().label(), to.label(), null, data, List.of(after), List.of());
            return after;
        }
    }

    /**
     * Hands a task to another department ({@code .../tasks/{taskId}/handoff}); the task is open again with the new
     * department, and the time until it starts counts as handoff time (collaboration KPI). The incident's
     * responsible department does not change (首接负责制: the first taker owns it).
     *
     * @throws TwinException Conflict {@code incident.transition} when the task is done or already with that
     *     department
     */
    public Task handoff(
            TenantId tenant, String id, String taskId, String department, String actor, @Nullable String note) {
        Catalogue.checkDepartment(department);
        actor(actor);
        note(note);
        synchronized (lock) {
            Incident i = get(tenant, id);
            Task t = task(tenant, id, taskId);
            if (t.status() == TaskStatus.DONE) {
                throw transition("Task " + taskId + " is done; it cannot be handed off");
            }
            if (t.department().equals(department)) {
                throw transition("Task " + taskId + " is already with " + department);
            }
            Instant at = clock.instant();
            Task after = t.handedOff(department, at);
            Incident.Builder b = i.toBuilder();
            b.handoffs++;
            b.departments = Incident.Builder.plus(b.departments, department);
            commit(
                    b,
                    at,
                    actor,
                    "handoff",
                    t.department(),
                    department,
                    note,
                    Map.of("task", taskId),
                    List.of(after),
                    List.of());
            return after;
        }
    }

    private Task task(TenantId tenant, String id, String taskId) {
        for (Task t : store.tasks(tenant, id)) {
            if (t.id().equals(taskId)) {
                return t;
            }
        }
        throw TwinException.notFound("incident.not-found", "Incident " + id + " has no task " + taskId);
    }

    // ---------------------------------------------------------------- citizen reports and posts

    /*
     * Intake (docs/incidents.md, REFERENCE.md section 7): classify the text (unless the citizen chose a category),
     * resolve the district and the nearest twin entity of the category (preferring one with an open alarm of the
     * category's domain: "lamp out near the school" is the failed lamp), then look for duplicates among the tenant's
     * active incidents within 250 m and 7 days (FixMyStreet's radius; the window of REFERENCE.md): the best score at
     * or above the merge threshold attaches the report as a child report; scores at or above the suggest threshold
     * are listed on the new incident for the operator. A report without a location is never merged (distance is
     * part of every duplicate score).
     */
    /**
     * Takes a citizen report (Open311) or a public-opinion post: merges it into a duplicate incident or opens a new
     * one, triaged and dispatched automatically when the classification is confident (see {@link Builder#autoDispatch}).
     *
     * @throws TwinException BadRequestData {@code incident.invalid} for an empty or too long text
     */
    public Intake submit(TenantId tenant, CitizenReport r) {
        text(r.text(), "text", 10_000);
        if (r.title() != null) {
            text(r.title(), "title", 200);
        }
        String hint = r.languageHint() == null ? "" : r.languageHint();
        Category category;
        double confidence;
        String language;
        if (r.category() != null) {
            category = r.category();
            confidence = 1.0;
            language = hint;
        } else {
            Classification c = classifier.classify(r.text(), hint);
            category = categoryOr(c.category());
            confidence = c.confidence();
            language = c.language().isEmpty() ? hint : c.language();
        }
        IncidentType type = r.type() != null
                ? r.type()
                : r.source() == Source.OPINION ? IncidentType.PUBLIC_OPINION : IncidentType.COMPLAINT;
        Priority priority = r.priority() == null ? Priority.NORMAL : r.priority();
        GeoPoint location = r.location();
        String district =
                location == null ? null : locator.district(tenant, location).orElse(null);
        List<TwinLocator.NearbyEntity> near =
                location == null ? List.of() : locator.near(tenant, category, location, ENTITY_RADIUS_METERS);
        String author = r.author();
        String actor = author == null || author.isBlank() ? "citizen" : "citizen:" + author;
        synchronized (lock) {
            Instant at = r.at() == null ? clock.instant() : r.at();
            Instant now = clock.instant();
            Candidate mine = location == null
                    ? null
                    : new Candidate(r.text(), language, category.label(), location.lon(), location.lat(), at);
            Incident best = null;
            double bestScore = -1;
            List<Map.Entry<String, Double>> suggested = new ArrayList<>();
            if (mine != null) {
                for (Incident i : unclosed()) {
                    if (!i.tenant().equals(tenant)
                            || !i.status().active()
                            || i.location() == null
                            || i.location().distanceMeters(location) > DUPLICATE_RADIUS_METERS
                            || Duration.between(i.createdAt(), at).abs().compareTo(DUPLICATE_WINDOW) > 0) {
                        continue;
                    }
                    double s = duplicates.score(
                            mine,
                            new Candidate(
                                    i.title() + " " + i.description(),
                                    i.language() == null ? "" : i.language(),
                                    i.category().label(),
                                    i.location().lon(),
                                    i.location().lat(),
                                    i.createdAt()));
                    if (s >= duplicates.mergeThreshold() && s > bestScore) {
                        best = i;
                        bestScore = s;
                    } else if (s >= duplicates.suggestThreshold()) {
                        suggested.add(Map.entry(i.id(), s));
                    }
                }
            }
            String reportId = Report.idOf(store.next("report"));
            if (best != null) {
                Report rep = new Report(
                        reportId,
                        best.id(),
                        r.source(),
                        r.text(),
                        blankToNull(language),
                        location,
                        author,
                        r.externalId(),
                        at,
                        category,
                        confidence,
                        bestScore);
                Incident.Builder b = best.toBuilder();
                b.reportCount++;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("report", reportId);
                data.put("source", r.source().label());
                data.put("score", bestScore);
                Incident out = commit(b, now, actor, "report-merged", null, null, null, data, List.of(), List.of(rep));
                return new Intake(out, rep, true, List.of());
            }
            suggested.sort(Map.Entry.<String, Double>comparingByValue().reversed());
            List<String> suggestions = suggested.stream().map(Map.Entry::getKey).toList();
            Incident.Builder b = fresh(tenant, now, r.source(), category, type, priority);
            b.title = r.title() != null ? r.title() : titleOf(r.text());
            b.description = r.text();
            b.location = location;
            b.district = district;
            b.language = blankToNull(language);
            b.reportCount = 1;
            b.suggestedDuplicates = suggestions;
            TwinLocator.NearbyEntity entity = pick(near, category);
            if (entity != null) {
                b.entity = entity.id();
                b.entities = List.of(entity.id());
                b.alarms = relevantAlarms(entity, category);
            }
            Report rep = new Report(
                    reportId,
                    b.id,
                    r.source(),
                    r.text(),
                    blankToNull(language),
                    location,
                    author,
                    r.externalId(),
                    at,
                    category,
                    confidence,
                    0);
            Map<String, Object> data = createdData(b, confidence);
            data.put("report", reportId);
            data.put("language", blankToNull(language));
            data.put("suggestedDuplicates", suggestions);
            Incident out = commit(b, now, actor, "created", null, "new", null, data, List.of(), List.of(rep));
            if (autoDispatch && confidence >= autoDispatchConfidence) {
                out = autoRoute(
                        out,
                        now,
                        "classified as " + category.label() + " (" + String.format(Locale.ROOT, "%.2f", confidence)
                                + ")");
            }
            return new Intake(out, rep, false, suggestions);
        }
    }

    /** Triage then dispatch by the catalogue, by {@code system}: two changes, two entries. */
    private Incident autoRoute(Incident i, Instant at, String why) {
        Incident triaged = move(i, IncidentStatus.TRIAGED, null, SYSTEM, why, at);
        String dep = catalogue(i.tenant()).department(i.category(), i.district());
        return move(triaged, IncidentStatus.DISPATCHED, dep, SYSTEM, "dispatch catalogue", at);
    }

    private static TwinLocator.@Nullable NearbyEntity pick(List<TwinLocator.NearbyEntity> near, Category category) {
        if (near.isEmpty()) {
            return null;
        }
        String domain = domainOf(category);
        TwinLocator.NearbyEntity best = null;
        for (TwinLocator.NearbyEntity e : near) {
            boolean faulty = domain != null
                    && e.openAlarmTypes().stream()
                            .anyMatch(t -> Alarm.domainOf(t).equals(domain));
            if (faulty && (best == null || e.distanceMeters() < best.distanceMeters())) {
                best = e;
            }
        }
        if (best != null) {
            return best;
        }
        return near.stream()
                .min(Comparator.comparingDouble(TwinLocator.NearbyEntity::distanceMeters))
                .orElseThrow();
    }

    private static List<String> relevantAlarms(TwinLocator.NearbyEntity e, Category category) {
        String domain = domainOf(category);
        List<String> out = new ArrayList<>();
        for (int k = 0; k < e.openAlarmTypes().size() && k < e.openAlarmIds().size(); k++) {
            if (domain != null && Alarm.domainOf(e.openAlarmTypes().get(k)).equals(domain)) {
                out.add(e.openAlarmIds().get(k));
            }
        }
        return out;
    }

    /** The alarm domain of a category ({@code streetlight} -> {@code lighting}), or null when alarms do not cover it. */
    static @Nullable String domainOf(Category c) {
        return switch (c) {
            case STREETLIGHT -> "lighting";
            case TRAFFIC -> "traffic";
            case WATER -> "water";
            case AIR, NOISE -> "environment";
            default -> null;
        };
    }

    /** The category of an alarm type ({@code lighting.*} -> streetlight, ...). */
    static Category categoryOf(String alarmType) {
        return switch (Alarm.domainOf(alarmType)) {
            case "lighting" -> Category.STREETLIGHT;
            case "traffic" -> Category.TRAFFIC;
            case "water" -> Category.WATER;
            case "environment" -> alarmType.contains("noise") ? Category.NOISE : Category.AIR;
            default -> Category.OTHER;
        };
    }

    // ---------------------------------------------------------------- alarms

    /**
     * Told about an alarm change (register with {@code AlarmService.addListener(incidents::onAlarm)}): an open alarm
     * of an entity that has an active incident is linked to it; one that occurs again after its incident was
     * resolved (within the reopen window) reopens it; an active alarm of a configured type without an incident opens
     * one (type sensor-alarm, triaged and dispatched by the catalogue when auto-dispatch is on). Never throws: an
     * alarm must not fail because of incidents.
     */
    public void onAlarm(Alarm a) {
        try {
            alarm(a);
        } catch (RuntimeException e) {
            // the alarm service must not fail because of incidents; the error stays visible on the next API use
            lastAlarmError = e;
        }
    }

    private volatile @Nullable RuntimeException lastAlarmError;

    /** The last failure of {@link #onAlarm}, if any (diagnostics and tests). */
    public Optional<RuntimeException> lastAlarmError() {
        return Optional.ofNullable(lastAlarmError);
    }

    private void alarm(Alarm a) {
        if (!a.state().open()) {
            return;
        }
        TenantId tenant = a.tenant();
        synchronized (lock) {
            Instant now = clock.instant();
            Incident active = null;
            Incident resolved = null;
            for (Incident i : unclosed()) {
                if (!i.tenant().equals(tenant)
                        || !(i.alarms().contains(a.id()) || i.entities().contains(a.originator()))) {
                    continue;
                }
                if (i.status().active()) {
                    if (active == null || i.createdAt().isAfter(active.createdAt())) {
                        active = i;
                    }
                } else if (i.resolvedAt() != null
                        && a.lastOccurrence().isAfter(i.resolvedAt())
                        && !now.isAfter(i.resolvedAt().plus(reopenWindow))
                        && (i.alarms().contains(a.id())
                                || Alarm.domainOf(a.type()).equals(domainOf(i.category())))) {
                    resolved = i;
                }
            }
            if (active != null) {
                if (!active.alarms().contains(a.id())) {
                    link(active, a, now);
                }
                return;
            }
            if (resolved != null) {
                Incident i = resolved;
                if (!i.alarms().contains(a.id())) {
                    i = link(i, a, now);
                }
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("alarm", a.id());
                data.put("reason", "alarm-again");
                reopen(
                        i,
                        SYSTEM,
                        "the twin still shows the fault: " + a.type() + " on " + a.originator() + " at "
                                + a.lastOccurrence(),
                        now,
                        data);
                return;
            }
            if (a.state() != AlarmState.ACTIVE || !opens(a.type())) {
                return;
            }
            Incident.Builder b =
                    fresh(tenant, now, Source.ALARM, categoryOf(a.type()), IncidentType.SENSOR_ALARM, priorityOf(a));
            b.title = a.type() + " on " + a.originator();
            b.description = a.description();
            b.entity = a.originator();
            b.entities = List.of(a.originator());
            b.alarms = List.of(a.id());
            b.district = a.district();
            b.location = pointOf(a.location());
            Map<String, Object> data = createdData(b, 1.0);
            data.put("alarm", a.id());
            data.put("alarmType", a.type());
            data.put("severity", a.severity().label());
            Incident out = commit(b, now, "alarm:" + a.id(), "created", null, "new", null, data, List.of(), List.of());
            if (autoDispatch) {
                autoRoute(out, now, "alarm " + a.type() + " (" + a.severity().label() + ")");
            }
        }
    }

    private Incident link(Incident i, Alarm a, Instant at) {
        Incident.Builder b = i.toBuilder();
        b.alarms = Incident.Builder.plus(b.alarms, a.id());
        b.entities = Incident.Builder.plus(b.entities, a.originator());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alarm", a.id());
        data.put("type", a.type());
        data.put("originator", a.originator());
        return commit(
                b, at, "alarm:" + a.id(), "alarm-linked", null, a.id(), a.description(), data, List.of(), List.of());
    }

    /** Whether alarms of {@code type} open incidents (exact match or {@code domain.*}). */
    boolean opens(String type) {
        for (String p : alarmTypes) {
            if (p.equals(type) || (p.endsWith(".*") && Alarm.domainOf(type).equals(p.substring(0, p.length() - 2)))) {
                return true;
            }
        }
        return false;
    }

    private static Priority priorityOf(Alarm a) {
        return switch (a.severity()) {
            case CRITICAL -> Priority.URGENT;
            case MAJOR -> Priority.HIGH;
            case MINOR, INDETERMINATE -> Priority.NORMAL;
            case WARNING -> Priority.LOW;
        };
    }

    private static @Nullable GeoPoint pointOf(@Nullable Map<String, Object> geometry) {
        if (geometry == null) {
            return null;
        }
        try {
            return GeoPoint.fromJson(geometry);
        } catch (TwinException e) {
            return null; // a line or polygon originator: the incident has its entity, not a point
        }
    }

    // ---------------------------------------------------------------- SLA monitor

    /*
     * The SLA monitor: the app calls tick(now) periodically (incidents.slaTickEvery). For every active incident, and
     * every open task of one, past warningFraction of [slaStart, dueAt] it flags "warning" once, past dueAt
     * "breached" once and escalates the incident to the catalogue's escalation role. Resolved incidents whose linked
     * alarm is still open stillFaultyAfter the resolution (and within the reopen window) are reopened: the twin
     * shows the fault is still there. Idempotent: a second tick at the same time changes nothing.
     */
    /**
     * Runs the SLA monitor at {@code now}.
     *
     * @return how many changes it made
     */
    public int tick(Instant now) {
        int changes = 0;
        synchronized (lock) {
            for (Incident i : unclosed()) {
                Catalogue c = catalogue(i.tenant());
                if (i.status().active()) {
                    changes += slaIncident(i, c, now);
                    for (Task t : store.tasks(i.tenant(), i.id())) {
                        if (t.status() != TaskStatus.DONE) {
                            changes += slaTask(i.tenant(), t, c, now);
                        }
                    }
                } else if (i.status() == IncidentStatus.RESOLVED
                        && i.resolvedAt() != null
                        && !now.isBefore(i.resolvedAt().plus(stillFaultyAfter))
                        && !now.isAfter(i.resolvedAt().plus(reopenWindow))) {
                    for (String alarm : i.alarms()) {
                        if (alarmLookup.isOpen(i.tenant(), alarm)) {
                            Map<String, Object> data = new LinkedHashMap<>();
                            data.put("alarm", alarm);
                            data.put("reason", "alarm-still-open");
                            reopen(
                                    i,
                                    SYSTEM,
                                    "the twin still shows the fault: alarm " + alarm + " is open "
                                            + Duration.between(i.resolvedAt(), now)
                                                    .toMinutes()
                                            + " min after resolution",
                                    now,
                                    data);
                            changes++;
                            break;
                        }
                    }
                }
            }
        }
        return changes;
    }

    private int slaIncident(Incident i, Catalogue c, Instant now) {
        if (i.dueAt() == null) {
            return 0;
        }
        int changes = 0;
        Incident cur = i;
        if (cur.sla() == SlaState.OK
                && now.isBefore(cur.dueAt())
                && !now.isBefore(warnAt(cur.slaStart(), cur.dueAt(), c))) {
            Incident.Builder b = cur.toBuilder();
            b.sla = SlaState.WARNING;
            cur = commit(
                    b,
                    now,
                    SLA_MONITOR,
                    "sla-warning",
                    "ok",
                    "warning",
                    null,
                    Map.of("dueAt", cur.dueAt().toString()),
                    List.of(),
                    List.of());
            changes++;
        }
        if ((cur.sla() == SlaState.OK || cur.sla() == SlaState.WARNING) && !now.isBefore(cur.dueAt())) {
            Incident.Builder b = cur.toBuilder();
            String from = cur.sla().label();
            b.sla = SlaState.BREACHED;
            cur = commit(
                    b,
                    now,
                    SLA_MONITOR,
                    "sla-breached",
                    from,
                    "breached",
                    null,
                    Map.of("dueAt", cur.dueAt().toString()),
                    List.of(),
                    List.of());
            escalate(cur, c, now, "sla-breached", "past its deadline " + cur.dueAt());
            changes += 2;
        }
        return changes;
    }

    private int slaTask(TenantId tenant, Task t, Catalogue c, Instant now) {
        Incident i = get(tenant, t.incident());
        if (t.sla() == SlaState.OK && now.isBefore(t.dueAt()) && !now.isBefore(warnAt(t.createdAt(), t.dueAt(), c))) {
            Task after = t.withSla(SlaState.WARNING, now);
            commit(
                    i.toBuilder(),
                    now,
                    SLA_MONITOR,
                    "sla-warning",
                    "ok",
                    "warning",
                    null,
                    Map.of("task", t.id(), "department", t.department()),
                    List.of(after),
                    List.of());
            return 1 + slaTask(tenant, after, c, now);
        }
        if ((t.sla() == SlaState.OK || t.sla() == SlaState.WARNING) && !now.isBefore(t.dueAt())) {
            Task after = t.withSla(SlaState.BREACHED, now);
            commit(
                    i.toBuilder(),
                    now,
                    SLA_MONITOR,
                    "sla-breached",
                    t.sla().label(),
                    "breached",
                    null,
                    Map.of("task", t.id(), "department", t.department()),
                    List.of(after),
                    List.of());
            return 1;
        }
        return 0;
    }

    private static Instant warnAt(Instant start, Instant due, Catalogue c) {
        long span = Duration.between(start, due).toMillis();
        return start.plusMillis((long) Math.floor(span * c.warningFraction()));
    }

    // ---------------------------------------------------------------- internals

    private Incident.Builder fresh(
            TenantId tenant, Instant at, Source source, Category category, IncidentType type, Priority priority) {
        Catalogue c = catalogue(tenant);
        Incident.Builder b = new Incident.Builder();
        b.id = Incident.idOf(store.next("incident"));
        b.tenant = tenant;
        b.category = category;
        b.type = type;
        b.priority = priority;
        b.status = IncidentStatus.NEW;
        b.source = source;
        b.createdAt = at;
        b.updatedAt = at;
        b.slaStart = at;
        b.dueAt = c.due(type, priority, at);
        b.sla = SlaState.OK;
        b.alarms = List.of();
        b.entities = List.of();
        b.suggestedDuplicates = List.of();
        b.departments = List.of();
        return b;
    }

    private static Map<String, Object> createdData(Incident.Builder b, double confidence) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", b.source.label());
        data.put("category", b.category.label());
        data.put("confidence", confidence);
        data.put("type", b.type.label());
        data.put("priority", b.priority.label());
        data.put("dueAt", b.dueAt == null ? null : b.dueAt.toString());
        if (b.entity != null) {
            data.put("entity", b.entity);
        }
        if (!b.alarms.isEmpty()) {
            data.put("alarms", b.alarms);
        }
        return data;
    }

    /** One change: the next version of the incident with one new timeline entry, committed, then announced. */
    private Incident commit(
            Incident.Builder b,
            Instant at,
            String actor,
            String action,
            @Nullable String from,
            @Nullable String to,
            @Nullable String note,
            Map<String, Object> data,
            List<Task> tasks,
            List<Report> reports) {
        long seq = b.lastSeq + 1;
        b.lastSeq = seq;
        if (b.updatedAt == null || at.isAfter(b.updatedAt)) {
            b.updatedAt = at;
        }
        Incident i = b.build();
        TimelineEntry e = new TimelineEntry(i.id(), seq, at, actor, action, from, to, note, data);
        store.commit(new IncidentStore.Change(i.tenant(), i, tasks, reports, List.of(e)));
        if (i.status() == IncidentStatus.CLOSED) {
            unclosed.remove(key(i.tenant(), i.id()));
        } else {
            unclosed.put(key(i.tenant(), i.id()), i);
        }
        for (IncidentListener l : listeners) {
            try {
                l.changed(i, e);
            } catch (RuntimeException ex) {
                // a listener must not undo a committed change; it is told to be quick and not to throw
            }
        }
        return i;
    }

    private static Category categoryOr(String label) {
        for (Category c : Category.values()) {
            if (c.label().equals(label)) {
                return c;
            }
        }
        return Category.OTHER;
    }

    private static String titleOf(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.length() <= 80 ? t : t.substring(0, 79) + "…";
    }

    private static @Nullable String blankToNull(@Nullable String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static void text(@Nullable String s, String what, int max) {
        text(s, what, max, false);
    }

    private static void text(@Nullable String s, String what, int max, boolean mayBeEmpty) {
        if (s == null || (!mayBeEmpty && s.isBlank()) || s.length() > max) {
            throw invalid(what + " must be a " + (mayBeEmpty ? "" : "non-empty ") + "string of at most " + max
                    + " characters");
        }
    }

    private static void actor(@Nullable String actor) {
        if (actor == null || actor.isBlank() || actor.length() > 200) {
            throw invalid("actor must be a non-empty string of at most 200 characters");
        }
    }

    private static void note(@Nullable String note) {
        if (note != null && note.length() > 4000) {
            throw invalid("note must be at most 4000 characters");
        }
    }

    static TwinException invalid(String detail) {
        return TwinException.badData("incident.invalid", detail);
    }

    static TwinException notFound(String id) {
        return TwinException.notFound("incident.not-found", "No incident " + id);
    }

    static TwinException transition(String detail) {
        return new TwinException(ErrorType.CONFLICT, "incident.transition", detail);
    }
}

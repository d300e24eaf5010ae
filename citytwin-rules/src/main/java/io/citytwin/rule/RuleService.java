package io.citytwin.rule;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/*
 * WHERE RULES COME FROM
 *
 * Three sources, by precedence: rules created through the API (kept with every version in the RuleStore), rule files
 * in the rules directory, and the bundled packs. A rule id defined by a higher source hides the same id from a lower
 * one; deleting the API version of an id brings the file or pack version back. Loading a file replaces the rules it
 * defined before; an invalid file is rejected as a whole with every problem, and the rules it defined before keep
 * running (the previous good version stays in force).
 */
/** The catalogue of rules from every source, kept in step with the {@link RuleEngine}. Thread-safe. */
public final class RuleService {
    /** Where a rule comes from. */
    public enum Source {
        API,
        FILE,
        PACK
    }

    /**
     * A rule and where it comes from.
     *
     * @param rule the rule
     * @param source its source
     * @param origin the file or pack name ({@code api} for API rules)
     */
    public record Entry(Rule rule, Source source, String origin) {
        /** The JSON form of the rules API: the definition as given plus {@code source}, {@code origin}. */
        public Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>(rule.source());
            m.put("version", rule.version());
            m.put("enabled", rule.enabled());
            m.put("domain", rule.domain());
            m.put("source", source.name().toLowerCase(java.util.Locale.ROOT));
            m.put("origin", origin);
            return m;
        }
    }

    private final RuleEngine engine;
    private final RuleStore store;
    private final InstantSource clock;
    /** id -> source -> entry. */
    private final Map<String, Map<Source, Entry>> entries = new TreeMap<>();
    /** origin -> ids it defines (files and packs). */
    private final Map<String, List<String>> byOrigin = new TreeMap<>();

    private final List<String> startupProblems = new ArrayList<>();

    private final java.util.function.UnaryOperator<String> expand;

    /** Loads the API rules from the store into the engine; names expand as in the default @context. */
    public RuleService(RuleEngine engine, RuleStore store, InstantSource clock) {
        this(engine, store, clock, Names::expand);
    }

    /**
     * Loads the API rules from the store into the engine.
     *
     * @param expand expands attribute and type names of rule definitions (the core @context's term expansion)
     */
    public RuleService(
            RuleEngine engine, RuleStore store, InstantSource clock, java.util.function.UnaryOperator<String> expand) {
        this.engine = Objects.requireNonNull(engine);
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
        this.expand = Objects.requireNonNull(expand);
        for (RuleStore.StoredRule s : store.list()) {
            try {
                Rule r = RuleParser.parse(s.definition(), "stored rule " + s.id(), expand)
                        .withVersion(s.version());
                put(new Entry(r, Source.API, "api"));
            } catch (RuleException e) {
                // stored by a version that accepted it; this one does not: keep it stored, skip it, say so
                startupProblems.add(e.detail() + " (replace it with PUT /api/v1/rules/" + s.id() + ")");
            }
        }
    }

    /** Stored API rules this version could not load (skipped, still stored), as messages. */
    public List<String> startupProblems() {
        return List.copyOf(startupProblems);
    }

    /** Every rule in force, by id. */
    public synchronized List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        for (Map<Source, Entry> m : entries.values()) {
            out.add(top(m));
        }
        return out;
    }

    /** The rule in force with {@code id}. */
    public synchronized Optional<Entry> get(String id) {
        Map<Source, Entry> m = entries.get(id);
        return m == null ? Optional.empty() : Optional.of(top(m));
    }

    /**
     * Creates or replaces an API rule: validated, stored as a new version, and in force at once.
     *
     * @throws RuleException when the definition is invalid or its id differs from {@code id}
     */
    public Entry put(String id, Map<String, Object> definition) {
        Map<String, Object> d = new LinkedHashMap<>(definition);
        Object given = d.get("id");
        if (given == null) {
            d.put("id", id);
        } else if (!id.equals(given)) {
            throw new RuleException(
                    "request body", List.of(new RuleProblem("id", "differs from the id in the URL '" + id + "'")));
        }
        d.remove("version");
        RuleParser.parse(d, "request body", expand); // validate before storing
        synchronized (this) {
            RuleStore.StoredRule s = store.save(id, d, clock.instant());
            Rule r = RuleParser.parse(s.definition(), "request body", expand).withVersion(s.version());
            Entry e = new Entry(r, Source.API, "api");
            put(e);
            return e;
        }
    }

    /** Deletes the API rule {@code id}; a file or pack rule of the same id comes back in force. */
    public synchronized boolean delete(String id) {
        boolean deleted = store.delete(id);
        Map<Source, Entry> m = entries.get(id);
        if (m == null || m.remove(Source.API) == null) {
            return deleted;
        }
        if (m.isEmpty()) {
            entries.remove(id);
            engine.remove(id);
        } else {
            engine.put(top(m).rule());
        }
        return true;
    }

    /** Every problem of a definition; empty when valid. */
    public List<RuleProblem> validate(Object definition) {
        return RuleParser.validate(definition, expand);
    }

    /** The latest traced evaluations of the rule. */
    public List<TraceEntry> trace(String id) {
        return engine.trace(id);
    }

    /**
     * Loads the rules of one file or pack (its whole content: a rule, a list of rules, or {@code {rules: [...]}}),
     * replacing what it defined before. All or nothing: when any rule is invalid, nothing changes.
     *
     * @param origin the file or pack name
     * @return the ids it now defines
     * @throws RuleException naming the origin and every problem (paths start with the rule's index)
     */
    public synchronized List<String> load(Source source, String origin, Object content) {
        List<Object> items = items(content);
        List<Rule> rules = new ArrayList<>();
        List<RuleProblem> problems = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String prefix =
                    items.size() == 1 && !(content instanceof List<?>) && !isWrapped(content) ? "" : "rules[" + i + "]";
            try {
                rules.add(RuleParser.parse(items.get(i), origin, expand));
            } catch (RuleException e) {
                for (RuleProblem p : e.problems()) {
                    problems.add(new RuleProblem(
                            prefix.isEmpty() ? p.path() : p.path().isEmpty() ? prefix : prefix + "." + p.path(),
                            p.message()));
                }
            }
        }
        if (problems.isEmpty()) {
            List<String> ids = new ArrayList<>();
            for (Rule r : rules) {
                if (ids.contains(r.id())) {
                    problems.add(new RuleProblem("", "defines rule " + r.id() + " twice"));
                }
                ids.add(r.id());
            }
        }
        if (!problems.isEmpty()) {
            throw new RuleException(origin, problems);
        }
        unload(origin);
        List<String> ids = new ArrayList<>();
        for (Rule r : rules) {
            put(new Entry(r, source, origin));
            ids.add(r.id());
        }
        byOrigin.put(origin, ids);
        return ids;
    }

    /** Removes the rules a file or pack defined (the file was deleted). */
    public synchronized void unload(String origin) {
        List<String> ids = byOrigin.remove(origin);
        if (ids == null) {
            return;
        }
        for (String id : ids) {
            Map<Source, Entry> m = entries.get(id);
            if (m == null) {
                continue;
            }
            m.values().removeIf(e -> e.source() != Source.API && e.origin().equals(origin));
            if (m.isEmpty()) {
                entries.remove(id);
                engine.remove(id);
            } else {
                engine.put(top(m).rule());
            }
        }
    }

    private static boolean isWrapped(Object content) {
        return content instanceof Map<?, ?> m && m.size() == 1 && m.get("rules") instanceof List<?>;
    }

    private static List<Object> items(Object content) {
        if (content instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (isWrapped(content)) {
            return new ArrayList<>((List<?>) ((Map<?, ?>) content).get("rules"));
        }
        List<Object> one = new ArrayList<>();
        one.add(content);
        return one;
    }

    private void put(Entry e) {
        Map<Source, Entry> m = entries.computeIfAbsent(e.rule().id(), k -> new TreeMap<>());
        m.put(e.source(), e);
        Entry top = top(m);
        engine.put(top.rule());
    }

    private static Entry top(Map<Source, Entry> m) {
        return m.values().iterator().next(); // TreeMap by Source: API, FILE, PACK
    }
}

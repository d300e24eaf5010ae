package io.citytwin.rule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The in-memory adapter of {@link RuleStore}, for tests and nodes without a data directory. Thread-safe. */
public final class InMemoryRuleStore implements RuleStore {
    private final Map<String, List<StoredRule>> versions = new TreeMap<>();
    private final Map<String, Boolean> deleted = new TreeMap<>();

    @Override
    public synchronized StoredRule save(String id, Map<String, Object> definition, Instant at) {
        List<StoredRule> vs = versions.computeIfAbsent(id, k -> new ArrayList<>());
        int v = Boolean.TRUE.equals(deleted.get(id)) || vs.isEmpty()
                ? 1
                : vs.get(vs.size() - 1).version() + 1;
        if (v == 1) {
            vs.clear();
        }
        Map<String, Object> d = new LinkedHashMap<>(definition);
        d.put("version", v);
        StoredRule s = new StoredRule(id, v, d, at);
        vs.add(s);
        deleted.remove(id);
        return s;
    }

    @Override
    public synchronized List<StoredRule> list() {
        List<StoredRule> out = new ArrayList<>();
        for (Map.Entry<String, List<StoredRule>> e : versions.entrySet()) {
            if (!Boolean.TRUE.equals(deleted.get(e.getKey())) && !e.getValue().isEmpty()) {
                out.add(e.getValue().get(e.getValue().size() - 1));
            }
        }
        return out;
    }

    @Override
    public synchronized Optional<StoredRule> find(String id) {
        List<StoredRule> vs = versions.get(id);
        if (vs == null || vs.isEmpty() || Boolean.TRUE.equals(deleted.get(id))) {
            return Optional.empty();
        }
        return Optional.of(vs.get(vs.size() - 1));
    }

    @Override
    public synchronized List<StoredRule> versions(String id) {
        return List.copyOf(versions.getOrDefault(id, List.of()));
    }

    @Override
    public synchronized boolean delete(String id) {
        if (find(id).isEmpty()) {
            return false;
        }
        deleted.put(id, true);
        return true;
    }

    @Override
    public void close() {}
}

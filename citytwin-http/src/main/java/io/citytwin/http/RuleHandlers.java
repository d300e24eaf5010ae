package io.citytwin.http;

import io.citytwin.rule.RuleProblem;
import io.citytwin.rule.RuleService;
import io.citytwin.rule.TraceEntry;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules API (docs/rules.md): {@code GET /api/v1/rules}, {@code GET|PUT|DELETE /api/v1/rules/{id}}, {@code POST
 * /api/v1/rules/validate} (200 with every problem and its path), {@code GET /api/v1/rules/{id}/trace}. Invalid
 * definitions answer 400 problem details with code {@code rule.invalid} and a {@code problems} array.
 */
final class RuleHandlers {
    private final RuleService rules;
    private final Responses out;

    RuleHandlers(RuleService rules, Responses out) {
        this.rules = rules;
        this.out = out;
    }

    void list(ApiRequest r) {
        List<Object> body = new ArrayList<>();
        for (RuleService.Entry e : rules.list()) {
            body.add(e.toJson());
        }
        r.ctx.header("X-Total-Count", Integer.toString(body.size()));
        out.plainJson(r, 200, body);
    }

    void get(ApiRequest r) {
        out.plainJson(r, 200, find(r.ctx.pathParam("id")).toJson());
    }

    void put(ApiRequest r) {
        String id = r.ctx.pathParam("id");
        boolean existed =
                rules.get(id).filter(e -> e.source() == RuleService.Source.API).isPresent();
        RuleService.Entry e = rules.put(id, r.bodyObject());
        out.plainJson(r, existed ? 200 : 201, e.toJson());
    }

    void delete(ApiRequest r) {
        String id = r.ctx.pathParam("id");
        if (!rules.delete(id)) {
            throw TwinException.notFound("rule.not-found", "No rule " + id + " was created through the API");
        }
        r.ctx.status(204);
    }

    void validate(ApiRequest r) {
        List<RuleProblem> problems = rules.validate(r.body());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", problems.isEmpty());
        m.put("problems", problems(problems));
        out.plainJson(r, 200, m);
    }

    void trace(ApiRequest r) {
        String id = r.ctx.pathParam("id");
        find(id);
        List<Object> body = new ArrayList<>();
        for (TraceEntry t : rules.trace(id)) {
            body.add(t.toJson());
        }
        out.plainJson(r, 200, body);
    }

    private RuleService.Entry find(String id) {
        return rules.get(id)
                .orElseThrow(() -> TwinException.notFound("rule.not-found", "Rule " + id + " does not exist"));
    }

    static List<Object> problems(List<RuleProblem> problems) {
        List<Object> out = new ArrayList<>();
        for (RuleProblem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", p.path());
            m.put("message", p.message());
            out.add(m);
        }
        return out;
    }
}

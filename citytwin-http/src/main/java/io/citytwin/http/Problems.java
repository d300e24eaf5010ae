package io.citytwin.http;

import io.citytwin.twin.TwinException;
import java.util.LinkedHashMap;
import java.util.Map;

/** NGSI-LD problem details (clause 5.5.3, RFC 9457) for an error. */
final class Problems {
    private Problems() {}

    /** The problem details object: type, title, status, detail and the stable error code. */
    static Map<String, Object> of(TwinException e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", e.type().uri());
        m.put("title", e.type().title());
        m.put("status", e.type().status());
        m.put("detail", e.detail());
        m.put("code", e.code());
        if (e instanceof io.citytwin.rule.RuleException re) {
            m.put("problems", RuleHandlers.problems(re.problems()));
        }
        return m;
    }
}

package io.citytwin.http;

import io.citytwin.kpi.KpiService;
import io.citytwin.kpi.KpiSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/kpis} (contract D): the district KPIs of the request's tenant, {@code {"at": ISO, "city": {...},
 * "districts": [{"id": URN, "name": "...", ...}]}}, values keyed by their attribute term; a KPI without inputs is
 * absent. Plain JSON (not NGSI-LD): the dashboard's view of the latest roll-up. Unknown tenant: 404 problem.
 */
final class KpiHandlers {
    private final KpiService kpis;
    private final Responses out;

    KpiHandlers(KpiService kpis, Responses out) {
        this.kpis = kpis;
        this.out = out;
    }

    void get(ApiRequest r) {
        KpiSnapshot s = kpis.snapshot(r.tenant);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", s.at().toString());
        body.put("city", s.city());
        List<Map<String, Object>> districts = new ArrayList<>(s.districts().size());
        for (KpiSnapshot.District d : s.districts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", d.id());
            m.put("name", d.name());
            m.putAll(d.values());
            districts.add(m);
        }
        body.put("districts", districts);
        out.plainJson(r, 200, body);
    }
}

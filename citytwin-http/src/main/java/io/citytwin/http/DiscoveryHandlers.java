package io.citytwin.http;

import io.citytwin.ngsild.LdContext;
import io.citytwin.twin.Attribute;
import io.citytwin.twin.Entity;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.Twin;
import io.citytwin.twin.TwinException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/** The discovery endpoints {@code /types} and {@code /attributes} (clauses 5.7.5 to 5.7.10) and the tenant list. */
final class DiscoveryHandlers {
    private final Twin twin;
    private final Responses out;

    DiscoveryHandlers(Twin twin, Responses out) {
        this.twin = twin;
        this.out = out;
    }

    /** GET /types: an EntityTypeList, or with details=true an array of EntityType. */
    void types(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        Set<String> types = twin.types(r.tenant);
        if (r.boolParam("details")) {
            List<Object> list = new ArrayList<>();
            for (String t : types) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", t);
                m.put("type", "EntityType");
                m.put("typeName", ctx.compactIri(t));
                m.put("attributeNames", compactAll(attributesOfType(r.tenant, t).keySet(), ctx));
                list.add(m);
            }
            out.json(r, media, list, ctx);
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "urn:ngsi-ld:EntityTypeList:" + UUID.randomUUID());
        m.put("type", "EntityTypeList");
        m.put("typeList", compactAll(types, ctx));
        out.json(r, media, m, ctx);
    }

    /** GET /types/{type}: EntityTypeInfo with the entity count and attribute details. */
    void type(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        String type = ctx.expandTerm(r.ctx.pathParam("type"));
        long count = twin.countOfType(r.tenant, type);
        if (count == 0) {
            throw TwinException.notFound("type.not-found", "No entity of type " + r.ctx.pathParam("type") + " exists");
        }
        List<Object> details = new ArrayList<>();
        for (Map.Entry<String, Set<String>> a : attributesOfType(r.tenant, type).entrySet()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("id", a.getKey());
            d.put("type", "Attribute");
            d.put("attributeName", ctx.compactIri(a.getKey()));
            d.put("attributeTypes", new ArrayList<>(a.getValue()));
            details.add(d);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", type);
        m.put("type", "EntityTypeInfo");
        m.put("typeName", ctx.compactIri(type));
        m.put("entityCount", count);
        m.put("attributeDetails", details);
        out.json(r, media, m, ctx);
    }

    /** GET /attributes: an AttributeList, or with details=true an array of Attribute. */
    void attributes(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        Map<String, Long> counts = twin.attributeCounts(r.tenant);
        if (r.boolParam("details")) {
            Map<String, AttrInfo> infos = attributeInfos(r.tenant);
            List<Object> list = new ArrayList<>();
            for (String a : counts.keySet()) {
                list.add(attributeInfo(a, counts.get(a), infos.get(a), ctx, false));
            }
            out.json(r, media, list, ctx);
            return;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "urn:ngsi-ld:AttributeList:" + UUID.randomUUID());
        m.put("type", "AttributeList");
        m.put("attributeList", compactAll(counts.keySet(), ctx));
        out.json(r, media, m, ctx);
    }

    /** GET /attributes/{attrId}: the Attribute with its count, attribute types and entity types. */
    void attribute(ApiRequest r) {
        String media = MediaTypes.negotiate(r.ctx.header("Accept"), MediaTypes.JSON, MediaTypes.JSON_LD);
        LdContext ctx = r.ldContext();
        String name = ctx.expandTerm(r.ctx.pathParam("attrId"));
        Long count = twin.attributeCounts(r.tenant).get(name);
        if (count == null) {
            throw TwinException.notFound(
                    "attribute.not-found", "No entity has the attribute " + r.ctx.pathParam("attrId"));
        }
        out.json(r, media, attributeInfo(name, count, attributeInfos(r.tenant).get(name), ctx, true), ctx);
    }

    /** GET /ngsi-ld/ex/v1/tenants: the tenants of this node (an extension; NGSI-LD has no such endpoint). */
    void tenants(ApiRequest r) {
        List<String> names = new ArrayList<>();
        for (TenantId t : twin.tenants()) {
            names.add(t.value());
        }
        out.plainJson(r, 200, names);
    }

    private record AttrInfo(Set<String> attributeTypes, Set<String> typeNames) {}

    private static Map<String, Object> attributeInfo(
            String name, long count, AttrInfo info, LdContext ctx, boolean withCount) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", name);
        m.put("type", "Attribute");
        m.put("attributeName", ctx.compactIri(name));
        if (withCount) {
            m.put("attributeCount", count);
        }
        if (info != null) {
            m.put("attributeTypes", new ArrayList<>(info.attributeTypes()));
            m.put("typeNames", compactAll(info.typeNames(), ctx));
        }
        return m;
    }

    /*
     * Attribute details are computed by walking the tenant's entities. Discovery calls are rare and operator-driven;
     * keeping per-attribute type sets current on every update would tax the hot write path for them.
     */
    private Map<String, AttrInfo> attributeInfos(TenantId tenant) {
        Map<String, AttrInfo> infos = new TreeMap<>();
        for (String type : twin.types(tenant)) {
            for (Entity e : twin.entitiesOfType(tenant, type)) {
                for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
                    AttrInfo i = infos.computeIfAbsent(a.getKey(), k -> new AttrInfo(new TreeSet<>(), new TreeSet<>()));
                    for (Attribute inst : a.getValue()) {
                        i.attributeTypes().add(inst.kind().typeName());
                    }
                    i.typeNames().add(type);
                }
            }
        }
        return infos;
    }

    private Map<String, Set<String>> attributesOfType(TenantId tenant, String type) {
        Map<String, Set<String>> attrs = new TreeMap<>();
        for (Entity e : twin.entitiesOfType(tenant, type)) {
            for (Map.Entry<String, List<Attribute>> a : e.attributes().entrySet()) {
                Set<String> kinds = attrs.computeIfAbsent(a.getKey(), k -> new TreeSet<>());
                for (Attribute inst : a.getValue()) {
                    kinds.add(inst.kind().typeName());
                }
            }
        }
        return attrs;
    }

    private static List<String> compactAll(Iterable<String> iris, LdContext ctx) {
        List<String> out = new ArrayList<>();
        for (String i : iris) {
            out.add(ctx.compactIri(i));
        }
        return out;
    }
}

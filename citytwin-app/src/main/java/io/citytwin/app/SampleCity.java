package io.citytwin.app;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.citytwin.twin.BatchResult;
import io.citytwin.twin.Entity;
import io.citytwin.twin.ErrorType;
import io.citytwin.twin.TenantId;
import io.citytwin.twin.TwinException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample city of {@code citytwin demo} until the simulator arrives: the Smart Data Models example entities
 * bundled in the jar (see the ATTRIBUTION.md next to them), with offline stand-ins for their @context URLs.
 */
final class SampleCity {
    private static final String BASE = "/io/citytwin/app/samples/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Smart Data Models context of the streetlighting domain, one of those installed offline. */
    static final String STREETLIGHTING_CONTEXT =
            "https://raw.githubusercontent.com/smart-data-models/dataModel.Streetlighting/master/context.jsonld";

    private SampleCity() {}

    /**
     * Copies the bundled Smart Data Models contexts under {@code dataDir/contexts/sdm} and returns their URL to file
     * mappings for the context resolver.
     */
    static Map<String, Path> installContexts(Path dataDir) {
        Map<String, String> index = read(BASE + "contexts/index.json", new TypeReference<>() {});
        Path dir = dataDir.resolve("contexts").resolve("sdm");
        Map<String, Path> mappings = new HashMap<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, String> e : index.entrySet()) {
                Path target = dir.resolve(e.getValue());
                try (InputStream in = resource(BASE + "contexts/" + e.getValue())) {
                    Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                }
                mappings.put(e.getKey(), target);
            }
        } catch (IOException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "demo.contexts", "Cannot install sample contexts", e);
        }
        return mappings;
    }

    /**
     * Creates the sample entities that are not in the default tenant yet (a restarted demo keeps what operators
     * changed).
     *
     * @return how many were created
     */
    static int load(Node node) {
        List<String> names = read(BASE + "index.json", new TypeReference<>() {});
        List<Entity> entities = new ArrayList<>();
        for (String name : names) {
            Object doc = read(BASE + name + ".jsonld", new TypeReference<Object>() {});
            List<?> docs = doc instanceof List<?> l ? l : List.of(doc);
            for (Object d : docs) {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) d;
                entities.add(node.codec().parseEntity(m, node.contexts().resolve(m.get("@context"))));
            }
        }
        BatchResult r = node.twin().batchCreate(TenantId.DEFAULT, entities);
        return r.created().size();
    }

    private static <T> T read(String path, TypeReference<T> type) {
        try (InputStream in = resource(path)) {
            return JSON.readValue(in, type);
        } catch (IOException e) {
            throw new TwinException(ErrorType.INTERNAL_ERROR, "demo.samples", "Cannot read " + path, e);
        }
    }

    private static InputStream resource(String path) throws IOException {
        InputStream in = SampleCity.class.getResourceAsStream(path);
        if (in == null) {
            throw new IOException("missing resource " + path);
        }
        return in;
    }
}

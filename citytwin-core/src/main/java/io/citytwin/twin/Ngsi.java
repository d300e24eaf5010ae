package io.citytwin.twin;

/** Well-known NGSI-LD IRIs (ETSI GS CIM 009, core @context). */
public final class Ngsi {
    /** The namespace of the core vocabulary. */
    public static final String CORE = "https://uri.etsi.org/ngsi-ld/";
    /** The {@code @vocab} of the core context: where unknown terms expand to. */
    public static final String DEFAULT_VOCAB = "https://uri.etsi.org/ngsi-ld/default-context/";

    public static final String LOCATION = CORE + "location";
    public static final String OBSERVATION_SPACE = CORE + "observationSpace";
    public static final String OPERATION_SPACE = CORE + "operationSpace";
    public static final String OBSERVED_AT = CORE + "observedAt";
    public static final String CREATED_AT = CORE + "createdAt";
    public static final String MODIFIED_AT = CORE + "modifiedAt";
    public static final String UNIT_CODE = CORE + "unitCode";
    public static final String DATASET_ID = CORE + "datasetId";

    /** The value that deletes an attribute in a merge-patch (clause 5.6.17, v1.8). */
    public static final String NULL_URN = "urn:ngsi-ld:null";

    private Ngsi() {}
}

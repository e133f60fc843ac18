package dev.mcpauth.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Jackson mappers for everything on the request path. Jackson keeps its parse and write buffers in a per-thread pool by
 * default, but every request here runs on a fresh virtual thread, so each parse and each write allocated new buffers
 * (a fifth of all bytes allocated under load, and the young collections that go with them). These mappers share one
 * bounded pool instead: buffers are reused across threads, and the pool holds at most {@link #POOLED} sets.
 */
public final class Json {

    /** Enough for every request in flight at the default concurrency to parse and write at once. */
    static final int POOLED = 64;

    private static final RecyclerPool<BufferRecycler> POOL = JsonRecyclerPools.newBoundedPool(POOLED);

    private Json() {
    }

    /**
     * One mapper for code that only reads and writes (never configures it): a mapper caches the (de)serializers it
     * builds, and a new mapper per call built a CallToolResult deserializer on every relayed call (17% of the
     * gateway's CPU in front of an HTTP upstream). Thread-safe once configured, and it never is.
     */
    private static final ObjectMapper SHARED = new ObjectMapper(factory());

    /** The shared mapper: use it for every read and write that needs no configuration of its own. */
    public static ObjectMapper shared() {
        return SHARED;
    }

    /** A new mapper (its own configuration) on the shared buffer pool: keep it in a field, never make one per call. */
    public static ObjectMapper mapper() {
        return new ObjectMapper(factory());
    }

    /** A builder on the shared buffer pool, for mappers that need features set at build time. */
    public static JsonMapper.Builder builder() {
        return JsonMapper.builder(factory());
    }

    /** Each mapper gets its own factory (a factory belongs to the mapper that uses it as codec); all share the pool. */
    private static JsonFactory factory() {
        return JsonFactory.builder().recyclerPool(POOL).build();
    }

    /**
     * A JSON-RPC id (or a cancelled request's {@code requestId}) as Java sees it: a String, a number of the type Jackson's
     * {@code convertValue(node, Object.class)} gives (Integer, Long, BigInteger, Double), or null when absent. The same
     * values, without building an untyped deserializer on a process's first message (~8 ms of a stdio start).
     */
    public static Object id(JsonNode id) {
        if (id == null || id.isNull() || id.isMissingNode()) {
            return null;
        }
        if (id.isTextual()) {
            return id.textValue();
        }
        if (id.isNumber()) {
            return id.numberValue();
        }
        return shared().convertValue(id, Object.class);
    }
}

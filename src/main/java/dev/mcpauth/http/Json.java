package dev.mcpauth.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
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

    /** A new mapper (its own configuration) on the shared buffer pool. */
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
}
